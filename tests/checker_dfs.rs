//! Bounded exhaustive exploration (`dfs:<n>`) and shards (`SIMLOOP_SHARD=k/n`): DFS
//! enumerates exactly the schedules within its bound, says whether it finished, finds the
//! overdraft race and the planted bugs, and replays a failure from its path; the shards of a
//! seed sweep and of a DFS sweep are disjoint and together the whole sweep.

mod common;
mod planted;

use simloop::checker::{
    env::Overrides, explore, run_path, Explore, Extent, FailureKind, ScheduleSpace, Shard,
};
use simloop::sched::DfsPath;
use simloop::{log, random_u64, spawn_named, yield_now, Policy};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

fn dfs(n: u32) -> Policy {
    Policy::Dfs { max_preemptions: n }
}

/// Two tasks of two logged steps each: six orders of their four lines.
async fn two_by_two() {
    let step = |name: &'static str| async move {
        log!("{name}1");
        yield_now().await;
        log!("{name}2");
    };
    let a = spawn_named("a", step("a"));
    let b = spawn_named("b", step("b"));
    a.await.unwrap();
    b.await.unwrap();
}

#[test]
fn dfs_0_runs_fifos_schedule_only_and_finishes() {
    let sweep = explore(Explore::new().policy(dfs(0)), two_by_two);
    assert!(sweep.passed());
    assert_eq!(sweep.coverage.seeds_run, 1);
    assert_eq!(sweep.coverage.extent, Extent::Finished);
    assert_eq!(sweep.coverage.interleavings, 1);
}

#[test]
fn an_unbounded_enough_dfs_finds_every_order_and_finishes() {
    let sweep = explore(Explore::new().policy(dfs(10)), two_by_two);
    assert!(sweep.passed());
    assert_eq!(sweep.coverage.extent, Extent::Finished);
    // a1 a2 b1 b2 in every order that keeps a1 < a2 and b1 < b2: C(4, 2) = 6.
    assert_eq!(sweep.coverage.outcomes, 6);
    assert!(sweep.coverage.seeds_run >= 6);
    assert!(
        sweep.coverage.to_string().starts_with(&format!(
            "coverage: {} schedules run (the whole space: every schedule within the bound), ",
            sweep.coverage.seeds_run
        )),
        "{}",
        sweep.coverage
    );
}

#[test]
fn more_preemptions_never_run_fewer_schedules_and_a_budget_is_said() {
    let counts: Vec<u64> = (0..4)
        .map(|n| explore(Explore::new().policy(dfs(n)), two_by_two).coverage.seeds_run)
        .collect();
    assert_eq!(counts[0], 1, "{counts:?}");
    assert!(counts[1] > 1 && counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    let capped = explore(Explore::seeds(3).policy(dfs(3)), two_by_two);
    assert!(capped.passed());
    assert_eq!((capped.coverage.seeds_run, capped.coverage.extent), (3, Extent::BudgetHit));
    assert!(capped.coverage.to_string().contains("(budget hit: schedules left"));
}

/// Every schedule within the bound, found by the brute force of every choice sequence of
/// a program whose choice points do not depend on the choices: two choice points of 3
/// ready steps, then one of 2.
#[test]
fn the_space_is_exactly_the_schedules_within_the_bound() {
    let ready = [3usize, 3, 2];
    for bound in 0..4 {
        let mut space = ScheduleSpace::new(bound, Shard::whole());
        let mut seen = BTreeSet::new();
        while let Some(next) = space.next_schedule() {
            let met: Vec<_> = ready
                .iter()
                .enumerate()
                .map(|(i, r)| simloop::sched::ChoicePoint { ready: *r, taken: next.path.choice(i) })
                .collect();
            space.ran(&next.path, &met).unwrap();
            assert!(seen.insert(next.path.to_string()), "{} twice", next.path);
        }
        let mut all = BTreeSet::new();
        for a in 0..3 {
            for b in 0..3 {
                for c in 0..2 {
                    let path = DfsPath::from_choices(&[a, b, c]);
                    if path.preemptions() <= bound as usize {
                        all.insert(path.to_string());
                    }
                }
            }
        }
        assert_eq!(seen, all, "bound {bound}");
    }
}

#[test]
fn dfs_finds_the_overdraft_race_with_two_preemptions_not_one_and_its_path_replays_it() {
    // Bob's audit (two yields) must both run before alice's withdrawal: two non-FIFO picks.
    let one = explore(Explore::new().policy(dfs(1)), common::bank);
    assert!(one.passed());
    assert_eq!(one.coverage.extent, Extent::Finished);
    let sweep = explore(Explore::new().policy(dfs(2)), common::bank);
    let (index, run) = sweep.failure.as_ref().expect("dfs:2 finds the race");
    assert_eq!(sweep.coverage.extent, Extent::StoppedAtFailure);
    assert_eq!(sweep.coverage.seeds_run, index + 1);
    let failure = run.failure.as_ref().unwrap();
    assert!(failure.message.contains("overdrawn"), "{}", failure.message);
    let path = run.dfs_path.clone().expect("a DFS run has a path");
    assert_eq!(path.preemptions(), 2);
    // The path alone (with the seed, 0) replays the same run.
    let (replay, _) = run_path(&Explore::new().policy(dfs(2)), &path, &mut common::bank);
    assert_eq!(replay.trace, run.trace);
    assert_eq!(replay.failure, run.failure);
    // As SIMLOOP_DFS_PATH does: one schedule, the same failure.
    let text = path.to_string();
    let env = [("SIMLOOP_POLICY", "dfs:2"), ("SIMLOOP_DFS_PATH", text.as_str())];
    let o =
        Overrides::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
            .unwrap();
    let again = explore(Explore::new().with_overrides(o), common::bank);
    assert_eq!((again.coverage.seeds_run, again.coverage.extent), (1, Extent::Replayed));
    assert_eq!(again.failure.expect("replayed").1.trace, run.trace);
}

#[test]
fn dfs_finds_every_planted_bug_within_two_preemptions() {
    for bug in &planted::ALL {
        let sweep = explore(Explore::new().policy(dfs(2)), bug.run);
        let (_, run) = sweep.failure.unwrap_or_else(|| panic!("{} not found by dfs:2", bug.name));
        let failure = run.failure.unwrap();
        assert_eq!(failure.kind, FailureKind::Panic, "{}", bug.name);
        assert!(failure.message.contains(bug.message), "{}: {}", bug.name, failure.message);
        assert!(run.dfs_path.unwrap().preemptions() <= 2);
    }
}

#[test]
fn a_path_that_does_not_apply_is_refused_not_run_as_something_else() {
    let options = Explore::new().policy(dfs(2)).dfs_path("40:1".parse().unwrap());
    let err = std::panic::catch_unwind(|| explore(options, two_by_two)).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.starts_with("SIMLOOP_DFS_PATH=40:1 does not apply to this test: the run met "),
        "{msg}"
    );
    assert!(msg.contains("deviates at choice point 40"), "{msg}");
}

/// The first draw of each run: names the run's seed (the first draw comes before any
/// choice of the random policy).
fn seeds_drawn(options: Explore) -> BTreeSet<u64> {
    let drawn = Rc::new(RefCell::new(BTreeSet::new()));
    let d = drawn.clone();
    let sweep = explore(options, move || {
        let d = d.clone();
        async move {
            d.borrow_mut().insert(random_u64());
        }
    });
    assert!(sweep.passed());
    assert_eq!(sweep.coverage.seeds_run as usize, drawn.borrow().len());
    let out = drawn.borrow().clone();
    out
}

#[test]
fn the_shards_of_a_seed_sweep_are_disjoint_and_together_the_sweep() {
    let whole = seeds_drawn(Explore::seeds(100));
    assert_eq!(whole.len(), 100);
    let parts: Vec<BTreeSet<u64>> = (1..=3)
        .map(|k| seeds_drawn(Explore::seeds(100).shard(Shard::new(k, 3).unwrap())))
        .collect();
    assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![34, 33, 33]);
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            assert!(a.is_disjoint(b));
        }
    }
    let union: BTreeSet<u64> = parts.into_iter().flatten().collect();
    assert_eq!(union, whole);
}

/// The schedules shard `shard` owns, as a DFS sweep of `test` walks them.
fn owned_paths(
    bound: u32,
    shard: Shard,
    test: fn() -> futures::future::LocalBoxFuture<'static, ()>,
) -> Vec<String> {
    let options = Explore::new().policy(dfs(bound));
    let mut space = ScheduleSpace::new(bound, shard);
    let mut owned = Vec::new();
    let mut test = test;
    while let Some(next) = space.next_schedule() {
        let (_, met) = run_path(&options, &next.path, &mut test);
        space.ran(&next.path, &met).unwrap();
        if next.owned {
            owned.push(next.path.to_string());
        }
    }
    owned
}

#[test]
fn the_shards_of_a_dfs_sweep_are_disjoint_and_together_the_space() {
    use futures::FutureExt;
    let test: fn() -> futures::future::LocalBoxFuture<'static, ()> = || two_by_two().boxed_local();
    for bound in [1, 2] {
        let whole = owned_paths(bound, Shard::whole(), test);
        let distinct: BTreeSet<&String> = whole.iter().collect();
        assert_eq!(distinct.len(), whole.len());
        for n in [2, 3, 5] {
            let parts: Vec<Vec<String>> =
                (1..=n).map(|k| owned_paths(bound, Shard::new(k, n).unwrap(), test)).collect();
            let mut all: Vec<&String> = parts.iter().flatten().collect();
            all.sort();
            let mut expected: Vec<&String> = whole.iter().collect();
            expected.sort();
            // Disjoint (no path twice) and the union is the space.
            assert_eq!(all, expected, "bound {bound}, {n} shards");
            // The sweep of each shard counts exactly its own schedules.
            for (k, part) in (1..=n).zip(&parts) {
                let shard = Shard::new(k, n).unwrap();
                let sweep = explore(Explore::new().policy(dfs(bound)).shard(shard), two_by_two);
                assert_eq!(sweep.coverage.seeds_run as usize, part.len(), "{shard}");
                assert_eq!(sweep.coverage.extent, Extent::Finished);
            }
        }
    }
}

#[test]
fn a_dfs_shard_splits_the_budget() {
    let shard = Shard::new(1, 2).unwrap();
    let own = explore(Explore::new().policy(dfs(3)).shard(shard), two_by_two).coverage;
    assert_eq!(own.extent, Extent::Finished);
    assert!(own.seeds_run >= 2, "{own}");
    // A budget of 2 schedules for the sweep is 1 for each of its 2 shards.
    let capped = explore(Explore::seeds(2).policy(dfs(3)).shard(shard), two_by_two).coverage;
    assert_eq!((capped.seeds_run, capped.extent), (1, Extent::BudgetHit));
}

static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[test]
fn dfs_checks_determinism_per_schedule_when_asked() {
    let sweep = explore(Explore::new().policy(dfs(1)).check_determinism(true), || async {
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        log!("run {n}"); // differs between the two runs of a schedule
    });
    let (_, run) = sweep.failure.expect("caught");
    let failure = run.failure.unwrap();
    assert_eq!(failure.kind, FailureKind::Nondeterminism);
    assert!(
        failure.message.starts_with("the schedule fifo of seed 0x0 ran twice gave two different"),
        "{}",
        failure.message
    );
}

#[test]
fn simloop_shard_reaches_every_sweep_and_a_bad_one_is_refused() {
    let lookup = |v: &'static str| move |k: &str| (k == "SIMLOOP_SHARD").then(|| v.to_string());
    let o = Overrides::from_lookup(lookup("2/4")).unwrap();
    let e = Explore::seeds(10).with_overrides(o);
    assert_eq!(e.shard, Some(Shard::new(2, 4).unwrap()));
    assert_eq!(e.shard_runs().iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 5, 9]);
    for bad in ["0/3", "4/3", "x"] {
        let err = Overrides::from_lookup(lookup(bad)).unwrap_err().to_string();
        assert!(err.starts_with("SIMLOOP_SHARD: "), "{err}");
    }
}
