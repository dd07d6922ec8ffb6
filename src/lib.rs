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
//!
//! The pieces, each its own crate re-exported here:
//! - the runtime (`simloop-executor`): [`Runtime`], [`spawn`], [`sleep`], [`log!`], traces;
//! - asyncio's primitives (`simloop-primitives`): gather, TaskGroup, timeout, wait, ...;
//! - the checker (`simloop-checker`), as [`checker`]: trace snapshots
//!   ([`checker::assert_trace_snapshot!`]), seed exploration ([`checker::explore`]) and
//!   replay ([`checker::Replay`]), the `SIMLOOP_*` variables ([`checker::env`]);
//! - [`macro@test`] (`simloop-macros`): `#[simloop::test]` for `async fn` tests.

#![forbid(unsafe_code)]

#[doc(inline)]
pub use simloop_executor::*;

#[doc(inline)]
pub use simloop_primitives::*;

/// The checker: trace snapshots, seed exploration, replay and determinism checks.
#[doc(inline)]
pub use simloop_checker as checker;

#[doc(inline)]
pub use simloop_macros::test;

/// The way to import simloop: `use simloop::prelude::*;` brings the runtime, asyncio's
/// primitives and [`checker`], but not the `test` attribute, so the
/// built-in `#[test]` keeps its meaning (`use simloop::*` would shadow it); write
/// `#[simloop::test]` in full (`tests/prelude.rs` runs plain `#[test]`s under it).
///
/// ```
/// use simloop::prelude::*;
/// use std::time::Duration;
///
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let t = spawn(async { sleep(Duration::from_secs(1)).await; 1 });
///     let fut: LoopFuture<u32> = LoopFuture::new();
///     fut.set_result(2).unwrap();
///     assert_eq!((t.await, fut.await), (Ok(1), Ok(2)));
/// });
/// ```
pub mod prelude {
    pub use crate::checker;
    pub use simloop_executor::*;
    pub use simloop_primitives::*;
}

/// README.md's code blocks, compiled (and run) as doc tests, so the README's examples
/// cannot stop compiling unnoticed (`tests/readme_examples.rs` checks every Markdown file
/// is listed here).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDocTests;

/// docs/asyncio-to-simloop.md's code blocks, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/asyncio-to-simloop.md")]
pub struct AsyncioToSimloopDocTests;

/// docs/finding-bugs.md's code blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/finding-bugs.md")]
pub struct FindingBugsDocTests;
