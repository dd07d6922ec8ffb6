//! The checker's plain-function API: exploration finds an order bug that FIFO never shows,
//! sweeps count their coverage, the determinism check catches nondeterministic programs,
//! and every failure class is named.

mod common;

use common::bank;
use simloop::checker::{
    check_determinism, explore, failure_report, run_seed, Explore, FailureKind, TestInfo,
};
use simloop::{log, sleep, spawn, spawn_named, yield_now, Policy};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[test]
fn fifo_never_shows_the_race_under_any_seed() {
    let sweep = explore(Explore::seeds(50).policy(Policy::Fifo), bank);
    assert!(sweep.passed());
    assert_eq!(sweep.coverage.seeds_run, 50);
    assert_eq!(sweep.coverage.interleavings, 1);
    assert_eq!(sweep.coverage.outcomes, 1);
}

#[test]
fn random_exploration_finds_the_race_within_50_seeds() {
    let sweep = explore(Explore::seeds(50).policy(Policy::Random), bank);
    let (index, run) = sweep.failure.as_ref().expect("the race is found");
    let failure = run.failure.as_ref().unwrap();
    assert_eq!(failure.kind, FailureKind::Panic);
    assert!(failure.message.contains("overdrawn: balance -60"), "{}", failure.message);
    assert_eq!(run.policy, Policy::Random);
    // The sweep's seeds are fixed, so where it finds the bug is too.
    assert_eq!(sweep.coverage.seeds_run, index + 1);
    assert!(*index < 50);
    // Replaying the seed alone gives the same failing trace.
    let replay = run_seed(&Explore::new().policy(Policy::Random), run.seed, &mut bank);
    assert_eq!(replay.trace, run.trace);
    assert_eq!(replay.failure, run.failure);
}

#[test]
fn pct_exploration_finds_the_race_within_50_seeds() {
    let sweep = explore(Explore::seeds(50).policy(Policy::Pct { depth: 2, max_steps: 20 }), bank);
    let (index, run) = sweep.failure.as_ref().expect("the race is found");
    assert!(run.failure.as_ref().unwrap().message.contains("overdrawn"));
    assert!(*index < 50);
}

#[test]
fn a_sweep_counts_distinct_interleavings_and_outcomes() {
    let sweep = explore(200, || async {
        let a = spawn(async { log!("a") });
        let b = spawn(async { log!("b") });
        a.await.unwrap();
        b.await.unwrap();
    });
    assert!(sweep.passed());
    assert_eq!(sweep.coverage.seeds_run, 200);
    // Two orders of the log lines: a-b and b-a.
    assert_eq!(sweep.coverage.outcomes, 2);
    assert!(sweep.coverage.interleavings >= 2);
    assert!(sweep.coverage.to_string().starts_with("coverage: 200 seeds run, "));
}

#[test]
fn hashmap_iteration_order_is_caught_by_the_determinism_check() {
    let run = check_determinism(&Explore::new(), 0, &mut || async {
        let names: HashSet<String> = (0..32).map(|i| format!("k{i}")).collect();
        let tasks: Vec<_> = names.into_iter().map(|n| spawn(async move { log!("{n}") })).collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let failure = run.failure.expect("the two runs differ");
    assert_eq!(failure.kind, FailureKind::Nondeterminism);
    assert!(failure.message.contains("first differ at event #"), "{}", failure.message);
}

static RUNS: AtomicU64 = AtomicU64::new(0);

#[test]
fn a_global_counter_is_caught_with_the_first_differing_event_and_both_versions() {
    let sweep = explore(Explore::new().check_determinism(true), || async {
        log!("start");
        // Reads process-global state: differs on every run.
        let n = RUNS.fetch_add(1, Ordering::SeqCst);
        log!("run {n}");
    });
    let (_, run) = sweep.failure.expect("caught");
    let failure = run.failure.unwrap();
    assert_eq!(failure.kind, FailureKind::Nondeterminism);
    let n = RUNS.load(Ordering::SeqCst);
    assert_eq!(
        failure.message,
        format!(
            "seed 0x0 ran twice gave two different traces; the two runs of the same seed first \
             differ at event #2:\n  run 1:    0.000s  main         log run {}\n  run 2:    \
             0.000s  main         log run {}",
            n - 2,
            n - 1
        )
    );
}

#[test]
fn every_failure_class_is_named() {
    let deadlock = run_seed(&Explore::new(), 0, &mut || async {
        let (_tx, rx) = futures::channel::oneshot::channel::<()>();
        let _ = rx.await;
    });
    assert_eq!(deadlock.failure.unwrap().kind, FailureKind::Deadlock);

    let spin = run_seed(&Explore::new().step_limit(1000), 0, &mut || async {
        loop {
            yield_now().await;
        }
        #[allow(unreachable_code)]
        ()
    });
    assert_eq!(spin.failure.unwrap().kind, FailureKind::StepLimit);

    let endless = run_seed(&Explore::new().time_limit(Duration::from_secs(10)), 0, &mut || async {
        loop {
            sleep(Duration::from_secs(1)).await;
        }
        #[allow(unreachable_code)]
        ()
    });
    assert_eq!(endless.failure.unwrap().kind, FailureKind::TimeLimit);

    let leak = || async {
        drop(spawn_named("forgotten", sleep(Duration::from_secs(10))));
        sleep(Duration::from_secs(1)).await;
    };
    let leaked = run_seed(&Explore::new(), 0, &mut { leak });
    let failure = leaked.failure.unwrap();
    assert_eq!(failure.kind, FailureKind::LeakedTask);
    assert!(failure.message.contains("forgotten"), "{}", failure.message);
    assert!(run_seed(&Explore::new().allow_leaks(true), 0, &mut { leak }).passed());

    let err = run_seed(&Explore::new(), 0, &mut || async { Err::<(), _>("no quorum") });
    let failure = err.failure.unwrap();
    // Its own class, not a panic (issue 14, item 10).
    assert_eq!(failure.kind, FailureKind::ReturnedError);
    assert_eq!(failure.kind.to_string(), "returned error");
    assert_eq!(failure.message, "the test returned Err(\"no quorum\")");
    assert!(failure.next_step().starts_with("the test returned Err"), "{}", failure.next_step());
}

#[test]
fn a_failure_report_names_class_seed_replay_coverage_and_next_step() {
    let sweep = explore(Explore::seeds(50), bank);
    let (_, run) = sweep.failure.as_ref().unwrap();
    let info = TestInfo {
        package: env!("CARGO_PKG_NAME"),
        crate_name: env!("CARGO_CRATE_NAME"),
        name: "bank_report".into(),
        target_tmpdir: option_env!("CARGO_TARGET_TMPDIR"),
        ignored: false,
        source: None,
    };
    let report = failure_report(&info, &sweep).unwrap();
    let seed = format!("{:#x}", run.seed);
    assert!(report.starts_with(&format!(
        "simloop: test bank_report failed: panic/assertion (seed {seed}, policy random, run {} of 50)\n",
        sweep.coverage.seeds_run
    )), "{report}");
    assert!(
        report.contains(&format!(
        "replay only this run:\n  SIMLOOP_TEST=checker_explore::bank_report SIMLOOP_SEED={seed} \
         SIMLOOP_POLICY=random cargo test -p simloop --test checker_explore -- bank_report \
         --exact\n"
    )),
        "{report}"
    );
    assert!(report.contains(&sweep.coverage.to_string()), "{report}");
    assert!(report.contains("\nnext: replay the run"), "{report}");
    let txt = std::fs::read_to_string(info.artifact_stem(run.seed).with_extension("txt")).unwrap();
    assert!(txt.starts_with(&format!(
        "test bank_report\nseed {seed}\npolicy random\nfailure panic/assertion\n"
    )));
    assert!(txt.contains(&run.trace.verbose()));
    let json =
        std::fs::read_to_string(info.artifact_stem(run.seed).with_extension("json")).unwrap();
    assert!(json.starts_with("{\"displayTimeUnit\":\"ms\""), "{json}");
}

#[test]
fn pct_without_a_horizon_measures_it_on_a_fifo_run() {
    let fifo = run_seed(&Explore::new(), 0, &mut bank);
    let policy = simloop::checker::parse_policy("pct:2").unwrap();
    let sweep = explore(Explore::seeds(100).policy(policy), bank);
    assert_eq!(sweep.policy(), Policy::Pct { depth: 2, max_steps: fifo.report.steps });
    let (index, run) = sweep.failure.as_ref().expect("the race is found");
    assert!(run.failure.as_ref().unwrap().message.contains("overdrawn"));
    assert!(*index < 100);
}
