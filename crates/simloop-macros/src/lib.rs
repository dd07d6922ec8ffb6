//! `#[simloop::test]`: runs an `async fn` test on a simloop runtime, under one seed or a
//! sweep of seeds, with replayable failure reports.
//!
//! The expansion is thin: a plain `#[test] fn` that calls
//! `::simloop::checker::__private::run_test(info, options, body)`. Everything it names is
//! in the checker's hidden `__private` module, so the checker's public API is what users
//! call and the expansion can change with this crate. All the policy lives in the checker;
//! this crate parses the attribute, and checks `policy = "..."` with the runtime's own
//! `Policy::from_str` at compile time.

mod expand;

use proc_macro::TokenStream;

/// Runs an `async fn` test on a simloop runtime.
///
/// Options (all optional, comma-separated):
/// - `seeds = N`: run N seeds (uniform random policy unless `policy` says otherwise);
///   `SIMLOOP_SEEDS` overrides N;
/// - `seed = N`: run this one seed; `SIMLOOP_SEED` (decimal or `0x` hex) overrides it and
///   narrows a sweep to that one seed: the replay switch;
/// - `policy = "fifo" | "random" | "pct" | "pct:<depth>" | "pct:<depth>:<steps>" |
///   "dfs:<max preemptions>"`; `SIMLOOP_POLICY` overrides it; any other text is a compile
///   error on the literal. `dfs:<n>` runs every schedule with at most `n` picks other than
///   FIFO's, depth first, with `seeds` as its budget of schedules (10,000 without one),
///   and its failure report prints the schedule's `SIMLOOP_DFS_PATH`;
/// - `SIMLOOP_SHARD=k/n` (any test): run only shard `k` of `n` of the sweep (its seeds,
///   or its DFS subtrees), for sweeps split over machines;
/// - `step_limit = N`, `time_limit = SECONDS`: limits of each run;
/// - `check_determinism`: run every seed twice and fail on the first differing event
///   (`SIMLOOP_CHECK_DETERMINISM=1` turns it on for any test);
/// - `allow_leaks`: let the test return with tasks pending or panics unretrieved;
/// - `wall_clock = "HH:MM:SS"`: where the virtual wall clock starts;
/// - `snapshot`: after a passing run, assert its trace with `assert_trace_snapshot!`;
/// - `crate = "path"`: where the `simloop` crate is, for a crate that renames it or
///   reaches it through a re-export (as `#[tokio::test(crate = "...")]`); default
///   `::simloop`.
///
/// Without options the test runs once, FIFO, seed 0. On failure it prints the seed, the
/// policy, the last events, the coverage and the exact command that replays only the
/// failing run, and writes its full trace under `target/simloop/`.
///
/// ```text
/// #[simloop::test(seeds = 500)]
/// async fn withdrawals_never_overdraw() { /* ... */ }
///
/// // simloop re-exported by a test kit: `my_kit::simloop` is the facade.
/// #[my_kit::simloop::test(crate = "my_kit::simloop", policy = "pct:3")]
/// async fn leader_election_is_unique() { /* ... */ }
/// ```
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::test(attr.into(), item.into()).into()
}
