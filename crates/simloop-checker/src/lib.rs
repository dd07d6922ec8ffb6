//! simloop's checker: trace snapshots, seed exploration and replay (placeholder, being built).
pub mod program;
