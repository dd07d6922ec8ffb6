//! asyncio's high-level primitives on the simloop runtime (placeholder, being built).
