//! Benchmarks of simloop against tokio (placeholder).
