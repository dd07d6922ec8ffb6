//! The figures of README's "Finding bugs": for the overdraft race and each planted bug,
//! how many seeds the random and PCT policies take to the first failure (the median of 20
//! independent sweep starts), how many schedules DFS takes with 1 and 2 preemptions (and
//! whether it finished the space when it found nothing), and how many runs per second each
//! policy makes. Ignored by default (it prints a table and takes a few seconds); run it
//! with
//!
//! ```text
//! cargo test --release --test bug_finding_figures -- --ignored --nocapture
//! ```
//!
//! Wall time is printed, never asserted.

mod common;
mod planted;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use simloop::checker::{
    explore, run_path, run_seed, sweep_seed, Explore, ScheduleSpace, Shard, DFS_BUDGET,
};
use simloop::Policy;
use std::time::Instant;

/// Independent sweep starts per policy: each one a different stretch of sweep seeds.
const STARTS: u64 = 20;
/// How far apart two starts are, in sweep indices (more than any sweep runs).
const START_STRIDE: u64 = 1_000_000;
/// The most seeds one sweep start may take before it counts as "not found".
const SEED_CAP: u64 = 10_000;

type Program = fn() -> LocalBoxFuture<'static, ()>;

/// Seeds to the first failure of each of the [`STARTS`] sweep starts (`None`: not within
/// [`SEED_CAP`]), and the runs made.
fn seeds_to_failure(policy: Policy, test: Program) -> (Vec<Option<u64>>, u64) {
    let options = Explore::new().policy(policy);
    let mut test = test;
    let mut runs = 0;
    let found = (0..STARTS)
        .map(|start| {
            (0..SEED_CAP).find(|i| {
                runs += 1;
                let seed = sweep_seed(start * START_STRIDE + i);
                !run_seed(&options, seed, &mut test).passed()
            })
        })
        .map(|i| i.map(|i| i + 1))
        .collect();
    (found, runs)
}

/// The median of the found counts, or `>cap` if half or more were not found.
fn median(found: &[Option<u64>]) -> String {
    let mut v: Vec<u64> = found.iter().map(|f| f.unwrap_or(u64::MAX)).collect();
    v.sort_unstable();
    match v[v.len() / 2] {
        u64::MAX => format!(">{SEED_CAP}"),
        m => m.to_string(),
    }
}

/// PCT with the paper's `k`: the step count of a FIFO run of the test.
fn pct(depth: u32, test: Program) -> Policy {
    let mut test = test;
    let steps = run_seed(&Explore::new(), 0, &mut test).report.steps;
    Policy::Pct { depth, max_steps: steps.max(1) }
}

/// DFS with `n` preemptions: the sweep's schedules to the first failure, then the whole
/// space walked past failures (every schedule, how many fail, whether it was finished
/// within [`DFS_BUDGET`]): "6 (3/27)" is "first failure at schedule 6, 3 of the space's
/// 27 schedules fail", "none (0/6)" a finished space without one.
fn dfs(n: u32, test: Program) -> (String, bool) {
    let options = Explore::new().policy(Policy::Dfs { max_preemptions: n });
    let sweep = explore(options.clone(), test);
    let mut test = test;
    let mut space = ScheduleSpace::new(n, Shard::whole());
    let (mut runs, mut failing) = (0u64, 0u64);
    while let Some(next) = space.next_schedule() {
        if runs == DFS_BUDGET {
            break;
        }
        let (run, met) = run_path(&options, &next.path, &mut test);
        space.ran(&next.path, &met).unwrap();
        runs += 1;
        failing += u64::from(!run.passed());
    }
    let finished = if space.next_schedule().is_none() { "" } else { ", budget hit" };
    let first = match &sweep.failure {
        Some((i, _)) => (i + 1).to_string(),
        None => "none".to_string(),
    };
    assert_eq!(sweep.failure.is_some(), failing > 0);
    (format!("{first} ({failing}/{runs}{finished})"), sweep.failure.is_some())
}

/// A correct program with many schedules: three tasks of three logged steps each.
async fn three_by_three() {
    let step = |name: &'static str| async move {
        for i in 0..3 {
            simloop::log!("{name} {i}");
            simloop::yield_now().await;
        }
    };
    let tasks: Vec<_> =
        ["a", "b", "c"].into_iter().map(|n| simloop::spawn_named(n, step(n))).collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// How many runs of [`three_by_three`] `policy` makes per second, over `runs` runs (DFS:
/// its schedules, up to `runs`); the runs made.
fn throughput(policy: Policy, runs: u64) -> (u64, f64) {
    let since = Instant::now();
    let sweep = explore(Explore::seeds(runs).policy(policy), three_by_three);
    assert!(sweep.passed());
    let made = sweep.coverage.seeds_run;
    (made, made as f64 / since.elapsed().as_secs_f64().max(1e-9))
}

#[test]
#[ignore = "prints the figures of README's Finding bugs: run with --ignored --nocapture"]
fn bug_finding_figures() {
    // Thousands of runs fail on purpose: keep the panic hook from printing each one (and
    // from capturing a backtrace, which would dominate the runs per second).
    std::panic::set_hook(Box::new(|_| {}));
    let mut programs: Vec<(&str, Program)> =
        vec![("overdraft race", || common::bank().boxed_local())];
    programs.extend(planted::ALL.iter().map(|b| (b.name, b.run)));
    println!("| bug | random | pct:2 | pct:3 | dfs:1 | dfs:2 |\n|---|---|---|---|---|---|");
    for (name, test) in &programs {
        let mut cells = Vec::new();
        for (label, policy) in
            [("random", Policy::Random), ("pct:2", pct(2, *test)), ("pct:3", pct(3, *test))]
        {
            let (found, _) = seeds_to_failure(policy, *test);
            assert!(found.iter().any(|f| f.is_some()), "{label} never finds {name}");
            cells.push(median(&found));
        }
        for n in [1, 2] {
            let (cell, found) = dfs(n, *test);
            if n == 2 {
                assert!(found, "dfs:2 finds {name}");
            }
            cells.push(cell);
        }
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!("\n| policy | runs of three_by_three | runs per second |\n|---|---|---|");
    let policies = [
        ("fifo", Policy::Fifo),
        ("random", Policy::Random),
        ("pct:3", Policy::Pct { depth: 3, max_steps: 0 }),
        ("dfs:1", Policy::Dfs { max_preemptions: 1 }),
        ("dfs:2", Policy::Dfs { max_preemptions: 2 }),
        ("dfs:3", Policy::Dfs { max_preemptions: 3 }),
    ];
    for (name, policy) in policies {
        let (runs, per_second) = throughput(policy, 5_000);
        println!("| {name} | {runs} | {per_second:.0} |");
    }
}
