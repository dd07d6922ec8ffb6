//! simloop: a deterministic, virtual-time event loop for testing async Rust, with Python
//! asyncio's high-level API (create_task, gather, TaskGroup, timeout, wait) on top.
//!
//! `sleep` advances a simulated clock instantly, so a test of an hour of retries runs in
//! milliseconds; one seed gives one exact interleaving, trace and elapsed time.
//!
//! ```
//! use simloop::{log, sleep, Runtime};
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     log!("hello");
//!     sleep(Duration::from_secs(1)).await;
//!     log!("world");
//! });
//! assert_eq!(rt.trace().text(), "   0.000s  main         hello\n   1.000s  main         world\n-- elapsed 1.000s");
//! ```

#[doc(inline)]
pub use simloop_executor::*;
