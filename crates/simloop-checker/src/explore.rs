//! Seed exploration: run a test under many seeds with a random or PCT policy (or every
//! schedule within a preemption bound, with DFS: see [`crate::dfs`]), stop at the first
//! failing run, and count what the sweep covered.

use simloop_executor::Policy;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};

use std::cell::RefCell;
use std::rc::Rc;

use simloop_executor::sched::Scheduler;

use crate::config::{Explore, DEFAULT_SEED};
use crate::determinism::{first_divergence, lines};
use crate::dfs::explore_dfs;
use crate::outcome::{Failure, FailureKind, RunOutcome, TestOutput};
use crate::schedule::{run_schedule, Recorder, Recording};

/// What a sweep covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Runs: seeds run, or schedules run under DFS (a failing sweep stops at its first
    /// failure).
    pub seeds_run: u64,
    /// Distinct interleavings: distinct hashes of the full event trace.
    pub interleavings: usize,
    /// Distinct outcomes: distinct (pass/failure class, canonical text, returned value).
    pub outcomes: usize,
    /// How much of the schedule space the runs covered: sampled by seeds, or under DFS
    /// whether it was finished.
    pub extent: Extent,
}

/// How much of its schedule space a sweep covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Extent {
    /// Seeds sample the space (FIFO, random, PCT): no claim that it was covered.
    Sampled,
    /// DFS ran every schedule within its preemption bound (of its shard, with one).
    Finished,
    /// DFS ran its budget of schedules with schedules left: raise `seeds`
    /// (`SIMLOOP_SEEDS`) or shard the sweep to finish it.
    BudgetHit,
    /// DFS stopped at the first failing schedule.
    StoppedAtFailure,
    /// DFS ran the one schedule of its path (`SIMLOOP_DFS_PATH`, [`Explore::dfs_path`]).
    Replayed,
}

impl Extent {
    /// How a coverage line words it after the number of schedules run (`""` for seeds).
    fn words(self) -> &'static str {
        match self {
            Extent::Sampled => "",
            Extent::Finished => " (the whole space: every schedule within the bound)",
            Extent::BudgetHit => " (budget hit: schedules left; raise seeds or shard the sweep)",
            Extent::StoppedAtFailure => " (stopped at the first failure)",
            Extent::Replayed => " (the one schedule of SIMLOOP_DFS_PATH)",
        }
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let runs = if self.extent == Extent::Sampled { "seed" } else { "schedule" };
        write!(
            f,
            "coverage: {} {runs}{} run{}, {} distinct interleaving{}, {} distinct outcome{}",
            self.seeds_run,
            if self.seeds_run == 1 { "" } else { "s" },
            self.extent.words(),
            self.interleavings,
            if self.interleavings == 1 { "" } else { "s" },
            self.outcomes,
            if self.outcomes == 1 { "" } else { "s" },
        )
    }
}

/// The result of [`explore`]: coverage, and the first failing run if any.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The options it ran with (after the environment's overrides).
    pub options: Explore,
    /// What it covered.
    pub coverage: Coverage,
    /// The first failing run, with its index in the sweep (0-based).
    pub failure: Option<(u64, Box<RunOutcome>)>,
    /// The last run (the failing one if any): what a snapshot of a one-seed test holds.
    pub last: Option<Box<RunOutcome>>,
}

impl Sweep {
    /// Whether every run passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// The policy the runs used.
    pub fn policy(&self) -> Policy {
        self.options.effective_policy()
    }
}

/// The distinct interleavings and outcomes of a sweep's runs so far.
#[derive(Default)]
pub(crate) struct Tally {
    runs: u64,
    interleavings: HashSet<u64>,
    outcomes: HashSet<u64>,
}

impl Tally {
    /// Counts one run.
    pub(crate) fn add(&mut self, run: &RunOutcome) {
        self.runs += 1;
        self.interleavings.insert(hash_of(&[&lines(&run.trace).join("\n")]));
        let class = run.failure.as_ref().map_or("pass", |f| f.kind.name());
        self.outcomes.insert(hash_of(&[class, &run.trace.text(), &run.output]));
    }

    /// How many runs were counted.
    pub(crate) fn runs(&self) -> u64 {
        self.runs
    }

    /// What the runs counted so far covered.
    pub(crate) fn coverage(&self, extent: Extent) -> Coverage {
        Coverage {
            seeds_run: self.runs,
            interleavings: self.interleavings.len(),
            outcomes: self.outcomes.len(),
            extent,
        }
    }
}

/// How many leftover tasks a leaked-task failure lists (the run's report holds all).
const REPORTED_TASKS: usize = 10;

fn hash_of(parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// Runs one seed: builds the runtime, runs the test future to completion and classifies
/// the result. A run that passed but left tasks pending (or panics nobody retrieved) fails
/// unless `options.allow_leaks`. The main task's spawn site (in reports) is this
/// function's caller, or theirs: every function from [`run_test`](crate::run_test) down
/// passes its caller's location on, so `#[simloop::test]` reports the test function.
#[track_caller]
pub fn run_seed<F, Fut>(options: &Explore, seed: u64, test: &mut F) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    if let Some(schedule) = &options.schedule {
        let mut run = run_schedule(options, schedule, test);
        if let (None, Some(m)) = (&run.failure, &run.mismatch) {
            run.failure = Some(Failure::new(FailureKind::ScheduleMismatch, m.to_string()));
        }
        return run;
    }
    run_built(options, options.effective_policy().scheduler(seed), seed, test)
}

/// [`run_seed`] with `scheduler` (a scheduler of the caller's own, such as DFS's), its
/// decisions recorded.
#[track_caller]
pub(crate) fn run_built<F, Fut>(
    options: &Explore,
    scheduler: Box<dyn Scheduler>,
    seed: u64,
    test: &mut F,
) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let policy = options.effective_policy();
    let (recorder, state) = Recorder::new(scheduler);
    run_with(options, seed, policy, Box::new(recorder), &state, test)
}

/// One run with `scheduler` (a recorder), reported as a run of `seed` and `policy`.
#[track_caller]
pub(crate) fn run_with<F, Fut>(
    options: &Explore,
    seed: u64,
    policy: Policy,
    scheduler: Box<dyn Scheduler>,
    state: &Rc<RefCell<Recording>>,
    test: &mut F,
) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let mut rt = options.builder(seed).policy(policy).scheduler(scheduler).build();
    let fut = test();
    // Called directly, not in a closure, so that the main task's spawn site is the caller's.
    let result = rt.try_block_on(fut);
    let trace = rt.trace();
    let report = rt.report();
    let mut output = String::new();
    let failure = match result {
        Ok(v) => match v.into_outcome() {
            Ok(text) => {
                output = text;
                None
            }
            Err(msg) => Some(Failure::new(FailureKind::ReturnedError, msg)),
        },
        Err(e) => Some(Failure::from(&e)),
    };
    let failure = failure.or_else(|| {
        if options.allow_leaks {
            return None;
        }
        if let Some((t, msg)) = report.never_retrieved.first() {
            return Some(Failure::panic(format!(
                "task {} panicked and nobody retrieved it: {msg}",
                t.name
            )));
        }
        if !report.destroyed_pending.is_empty() {
            let pending = &report.destroyed_pending;
            let mut message = format!(
                "the test returned while {} task{} pending:\n",
                pending.len(),
                if pending.len() == 1 { " was" } else { "s were" }
            );
            for t in pending.iter().take(REPORTED_TASKS) {
                message.push_str(&t.to_string());
            }
            if pending.len() > REPORTED_TASKS {
                message.push_str(&format!(
                    "  ... and {} more (all are in RunOutcome::report)\n",
                    pending.len() - REPORTED_TASKS
                ));
            }
            return Some(Failure::new(FailureKind::LeakedTask, message.trim_end()));
        }
        None
    });
    let recording = state.borrow();
    let schedule = recording.schedule(&options.test_name(), policy, seed);
    let notes = recording.notes().to_vec();
    RunOutcome {
        seed,
        policy,
        trace,
        report,
        failure,
        output,
        dfs_path: None,
        schedule,
        mismatch: None,
        notes,
    }
}

/// Runs one seed twice and compares the traces; a difference is a
/// [`FailureKind::Nondeterminism`] failure of the first run.
///
/// ```
/// use simloop_checker::{check_determinism, Explore, FailureKind};
/// use simloop_executor::{log, spawn};
/// use std::collections::HashSet;
///
/// // Spawning in a HashSet's iteration order: that order changes between runs.
/// let run = check_determinism(&Explore::new(), 0, &mut || async {
///     let names: HashSet<String> = (0..32).map(|i| format!("k{i}")).collect();
///     for n in names {
///         spawn(async move { log!("{n}") });
///     }
///     simloop_executor::yield_now().await;
/// });
/// assert_eq!(run.failure.unwrap().kind, FailureKind::Nondeterminism);
/// ```
#[track_caller]
pub fn check_determinism<F, Fut>(options: &Explore, seed: u64, test: &mut F) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let mut first = run_seed(options, seed, test);
    let second = run_seed(options, seed, test);
    if let Some(d) = first_divergence(&first.trace, &second.trace) {
        first.failure = Some(Failure::new(
            FailureKind::Nondeterminism,
            format!("seed {seed:#x} ran twice gave two different traces; {d}"),
        ));
    }
    first
}

/// Runs `test` under every seed of `options` (after `SIMLOOP_*` overrides, see
/// [`Explore::from_env`]) and stops at the first failing run. `options` may be a count:
/// `explore(500, ..)` is 500 seeds with the uniform random policy.
///
/// The test is a factory: it is called once per run and returns the future to run as the
/// main task.
///
/// ```
/// use simloop_checker::{explore, Explore};
/// use simloop_executor::{sleep, spawn, yield_now};
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// // Check-then-act across an await: two withdrawals of 80 from a balance of 100. The
/// // second one first writes an audit record (two yields), so under FIFO the first has
/// // always finished by the time the second checks the balance.
/// let bank = || async {
///     let balance = Rc::new(Cell::new(100));
///     let withdraw = |b: Rc<Cell<i32>>, audit: bool| async move {
///         if audit {
///             yield_now().await;
///             yield_now().await;
///         }
///         if b.get() >= 80 {
///             sleep(Duration::ZERO).await; // the await between check and act
///             b.set(b.get() - 80);
///         }
///     };
///     let a = spawn(withdraw(balance.clone(), false));
///     let c = spawn(withdraw(balance.clone(), true));
///     a.await.unwrap();
///     c.await.unwrap();
///     assert!(balance.get() >= 0, "overdrawn: {}", balance.get());
/// };
/// assert!(explore(Explore::new(), bank).passed()); // FIFO: never shows
/// let sweep = explore(200, bank); // 200 seeds, uniform random
/// let (index, run) = sweep.failure.expect("random order finds it");
/// assert!(run.failure.unwrap().message.contains("overdrawn: -60"));
/// assert!(index < 200);
/// ```
#[track_caller]
pub fn explore<F, Fut>(options: impl Into<Explore>, mut test: F) -> Sweep
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let mut options = options.into().from_env();
    if let Policy::Dfs { max_preemptions } = options.effective_policy() {
        return explore_dfs(options, max_preemptions, test);
    }
    if let Policy::Pct { depth, max_steps: 0 } = options.effective_policy() {
        // The paper's k: how many steps a run takes. Measured on a FIFO run of the test.
        let probe =
            Explore { policy: Some(Policy::Fifo), check_determinism: false, ..options.clone() };
        let steps = run_seed(&probe, DEFAULT_SEED, &mut test).report.steps;
        options.policy = Some(Policy::Pct { depth, max_steps: steps.max(1) });
    }
    let mut tally = Tally::default();
    let mut failure = None;
    let mut last = None;
    for (i, seed) in options.shard_runs() {
        let run = if options.check_determinism {
            check_determinism(&options, seed, &mut test)
        } else {
            run_seed(&options, seed, &mut test)
        };
        tally.add(&run);
        let failed = !run.passed();
        let run = Box::new(run);
        if failed {
            failure = Some((i, run.clone()));
            last = Some(run);
            break;
        }
        last = Some(run);
    }
    Sweep { options, coverage: tally.coverage(Extent::Sampled), failure, last }
}
