//! simloop's checker: trace snapshots, timelines, Perfetto export, seed exploration,
//! replay and determinism checks. The facade re-exports it as `simloop::checker`.
//!
//! - [`assert_trace_snapshot!`] stores a run's canonical trace (log lines with virtual
//!   instants and task names, then the elapsed time) as an insta snapshot in the
//!   workspace's `snapshots/` folder (another crate than the root package's under
//!   `snapshots/<crate path>/`, see [`snapshot_dir`]), with the seed and policy in its
//!   metadata;
//!   [`assert_timeline_snapshot!`] stores its [`timeline`] picture.
//! - [`explore`] runs a test under many seeds with the uniform random or the PCT policy and
//!   stops at the first failing run; a [`Sweep`] reports its [`Coverage`] (seeds run,
//!   distinct interleavings, distinct outcomes). `#[simloop::test(seeds = 500)]` does the
//!   same from an attribute.
//! - Under `Policy::Dfs { max_preemptions }` (`dfs:<n>`), [`explore`] runs every schedule
//!   with at most `n` picks other than FIFO's, depth first ([`ScheduleSpace`]), and says
//!   whether it finished ([`Extent`]); a failure prints its [`DfsPath`] as
//!   `SIMLOOP_DFS_PATH`, which replays it. [`Shard`] (`SIMLOOP_SHARD=k/n`) splits any sweep
//!   into disjoint parts whose union is the sweep.
//!
//!   [`DfsPath`]: simloop_executor::sched::DfsPath
//! - A failure names its class ([`FailureKind`]: panic/assertion, deadlock, step or time
//!   limit, nondeterminism, leaked task), prints the seed, the policy, the last events and
//!   the command that replays only that run, and writes the full trace (text and Chrome
//!   JSON for Perfetto) under `target/simloop/`.
//! - [`check_determinism`] runs a seed twice and reports the first differing event.
//! - [`program`]: random task programs, their model, and property checks.
//!
//! Replay needs nothing but the seed: every choice of a run (the policy's and the
//! program's [`random_u64`](simloop_executor::random_u64)) comes from one RNG seeded by it,
//! so `SIMLOOP_SEED=<seed> SIMLOOP_POLICY=<policy>` reruns exactly the failing run
//! ([`Replay`] writes and reads that command). [`env`](mod@env) lists every `SIMLOOP_*`
//! variable and parses them.
//!
//! ```
//! use simloop_checker::{explore, Explore};
//! use simloop_executor::{log, sleep, spawn};
//! use std::time::Duration;
//!
//! let sweep = explore(Explore::seeds(20), || async {
//!     let t = spawn(async { sleep(Duration::from_secs(1)).await; log!("child") });
//!     log!("parent");
//!     t.await.unwrap();
//! });
//! assert!(sweep.passed());
//! assert_eq!(sweep.coverage.seeds_run, 20);
//! // Two orders of "spawn, then the child starts": two interleavings, one outcome.
//! assert_eq!(sweep.coverage.outcomes, 1);
//! ```

#![forbid(unsafe_code)]

#[cfg(feature = "perfetto")]
mod chrome;
mod config;
mod determinism;
mod dfs;
pub mod env;
mod explore;
mod harness;
mod outcome;
pub mod program;
mod replay;
pub mod schedule;
mod shard;
#[cfg(feature = "snapshot")]
pub mod snapshot;
mod timeline;

#[cfg(feature = "perfetto")]
pub use chrome::{chrome_trace, chrome_trace_value};
pub use config::DFS_BUDGET;
pub use config::{sweep_seed, Explore, DEFAULT_SEED};
pub use determinism::{first_divergence, Divergence};
pub use dfs::{run_path, Next, PathMismatch, ScheduleSpace};
pub use env::parse_policy;
pub use explore::{check_determinism, explore, run_seed, Coverage, Extent, Sweep};
pub use harness::{
    failure_report, failure_report_shrunk, run_test, write_artifacts, write_schedule, TestInfo,
    ARTIFACT_EVENTS, REPORT_TAIL, TIMELINE_EVENTS,
};
pub use outcome::{Failure, FailureKind, RunOutcome, TestOutput};
pub use replay::{policy_env, Replay, ReplayError, Runner};
pub use schedule::{
    regressions, run_schedule, save_regression, shrink, Decision, Schedule, ScheduleError, Shrunk,
    StepRef,
};
pub use shard::{Shard, ShardError};
#[cfg(feature = "snapshot")]
pub use snapshot::{snapshot_dir, TraceSource, View};
pub use timeline::{symbol, timeline, TIMELINE_WIDTH};

/// What the macros expand to (`#[simloop::test]`, reached as
/// `::simloop::checker::__private`, and the snapshot macros); not a public API: it changes
/// with the macros, so the checker's public API is what users call.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "snapshot")]
    pub use crate::assert_trace_snapshot;
    pub use crate::{parse_policy, run_test, Explore, TestInfo};
    #[cfg(feature = "snapshot")]
    pub use insta;
    /// `#[simloop::test(snapshot)]` without the `snapshot` feature: a compile error that
    /// names the fix.
    #[cfg(not(feature = "snapshot"))]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __snapshot_needs_the_feature {
        ($($t:tt)*) => {
            ::core::compile_error!(
                "#[simloop::test(snapshot)] needs simloop's `snapshot` feature (insta): enable \
                 it, or leave `default-features = false` out of the simloop dependency"
            )
        };
    }
    #[cfg(not(feature = "snapshot"))]
    pub use crate::__snapshot_needs_the_feature as assert_trace_snapshot;
}
