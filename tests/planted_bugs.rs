//! The planted bugs of tests/planted/: each passes under FIFO (seed 0) and fails, with its
//! own message, within a bounded sweep of the random policy and of PCT.

mod planted;

use planted::{Bug, ALL};
use simloop::checker::{explore, Explore, FailureKind};
use simloop::Policy;

/// How many seeds a sweep below may run before it must have found the bug.
const SWEEP: u64 = 200;

fn fails_within(bug: &Bug, policy: Policy) -> u64 {
    let sweep = explore(Explore::seeds(SWEEP).policy(policy), bug.run);
    let (index, run) =
        sweep.failure.unwrap_or_else(|| panic!("{} passed {SWEEP} seeds of {policy}", bug.name));
    let failure = run.failure.expect("a failing run has a failure");
    assert_eq!(failure.kind, FailureKind::Panic, "{}: {}", bug.name, failure.message);
    assert!(failure.message.contains(bug.message), "{}: {}", bug.name, failure.message);
    index
}

#[test]
fn every_planted_bug_passes_under_fifo() {
    for bug in &ALL {
        let sweep = explore(Explore::new().policy(Policy::Fifo), bug.run);
        assert!(sweep.passed(), "{}: {:?}", bug.name, sweep.failure.map(|f| f.1.failure));
        assert_eq!(sweep.coverage.seeds_run, 1);
    }
}

#[test]
fn every_planted_bug_fails_within_a_random_sweep() {
    for bug in &ALL {
        assert!(fails_within(bug, Policy::Random) < SWEEP);
    }
}

#[test]
fn every_planted_bug_fails_within_a_pct_sweep() {
    for bug in &ALL {
        assert!(fails_within(bug, Policy::Pct { depth: 3, max_steps: 0 }) < SWEEP);
    }
}
