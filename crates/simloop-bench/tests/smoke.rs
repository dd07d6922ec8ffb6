//! Every workload at a tiny size on both runtimes: same events, same virtual elapsed.
//! No timing is asserted.

use std::time::Duration;

use simloop_bench::{bare, sim, sleeps, tok, Workload};

fn both(w: Workload) -> Duration {
    let on = sim::run(&w, true);
    let off = sim::run(&w, false);
    let tk = tok::run(&w);
    assert_eq!(on.elapsed, tk.elapsed, "{}: simloop vs tokio virtual elapsed", w.label());
    assert_eq!(off.elapsed, tk.elapsed, "{}: tracing must not change time", w.label());
    assert_eq!((on.events, off.events), (tk.events, tk.events));
    if let Some(floor) = bare::run(&w) {
        assert_eq!(floor.elapsed, tk.elapsed, "{}: bare executor vs tokio", w.label());
        assert_eq!(floor.events, tk.events);
    }
    tk.elapsed
}

#[test]
fn sleep_storm_ends_at_the_longest_task() {
    let expected = sleeps::storm_elapsed_ms(&sleeps::storm(50));
    assert_eq!(both(Workload::SleepStorm { tasks: 50 }), Duration::from_millis(expected));
}

#[test]
fn the_bare_executor_runs_only_the_sleep_storm() {
    assert!(bare::run(&Workload::SleepStorm { tasks: 3 }).is_some());
    assert!(bare::run(&Workload::SpawnJoin { tasks: 3 }).is_none());
}

#[test]
fn spawn_join_takes_no_virtual_time() {
    assert_eq!(both(Workload::SpawnJoin { tasks: 100 }), Duration::ZERO);
}

#[test]
fn timeout_churn_takes_one_ms_per_call_per_worker() {
    let w = Workload::TimeoutChurn { quiet: 40, fired: 8, workers: 4 };
    assert_eq!(both(w), Duration::from_millis(12));
}

#[test]
fn fan_out_ends_at_the_longest_leaf() {
    let longest = sleeps::millis(9).into_iter().max().unwrap();
    let w = Workload::FanOut { depth: 2, fanout: 3 };
    assert_eq!(w.events(), 13);
    assert_eq!(both(w), Duration::from_millis(u64::from(longest)));
}

#[test]
fn seed_sweep_takes_five_ms_per_seed() {
    assert_eq!(both(Workload::SeedSweep { seeds: 5 }), Duration::from_millis(25));
}

/// `--help` prints the usage and runs nothing; an unknown option is refused with it
/// (issue 14, item 10: `--help` used to start the full bench).
#[test]
fn help_prints_the_usage_and_runs_nothing() {
    let bench = env!("CARGO_BIN_EXE_simloop-bench");
    let out = std::process::Command::new(bench).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("usage: cargo run --release -p simloop-bench -- [options]"), "{text}");
    assert!(text.contains("--quick"), "{text}");
    assert!(!text.contains("Heap:"), "the bench started: {text}");
    let out = std::process::Command::new(bench).arg("--quik").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("simloop-bench: unknown option --quik\n\nusage:"), "{err}");
}
