//! `#[simloop::test]`: runs an `async fn` test on a simloop runtime, under one seed or a
//! sweep of seeds, with replayable failure reports.
//!
//! The expansion is thin: a plain `#[test] fn` that calls
//! `::simloop::checker::run_test(info, options, || async move { body })`. All the policy
//! lives in the checker; this crate only parses the attribute.

mod expand;

use proc_macro::TokenStream;

/// Runs an `async fn` test on a simloop runtime.
///
/// Options (all optional, comma-separated):
/// - `seeds = N`: run N seeds (uniform random policy unless `policy` says otherwise);
///   `SIMLOOP_SEEDS` overrides N;
/// - `seed = N`: run this one seed; `SIMLOOP_SEED` (decimal or `0x` hex) overrides it and
///   narrows a sweep to that one seed: the replay switch;
/// - `policy = "fifo" | "random" | "pct" | "pct:<depth>" | "pct:<depth>:<steps>"`;
///   `SIMLOOP_POLICY` overrides it;
/// - `step_limit = N`, `time_limit = SECONDS`: limits of each run;
/// - `check_determinism`: run every seed twice and fail on the first differing event
///   (`SIMLOOP_CHECK_DETERMINISM=1` turns it on for any test);
/// - `allow_leaks`: let the test return with tasks pending or panics unretrieved;
/// - `wall_clock = "HH:MM:SS"`: where the virtual wall clock starts;
/// - `snapshot`: after a passing run, assert its trace with `assert_trace_snapshot!`.
///
/// Without options the test runs once, FIFO, seed 0. On failure it prints the seed, the
/// policy, the last events, the coverage and the exact command that replays only the
/// failing run, and writes its full trace under `target/simloop/`.
///
/// ```text
/// #[simloop::test(seeds = 500)]
/// async fn withdrawals_never_overdraw() { /* ... */ }
/// ```
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::test(attr.into(), item.into()).into()
}
