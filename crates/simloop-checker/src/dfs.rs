//! Bounded exhaustive exploration ([`Policy::Dfs`](simloop_executor::Policy::Dfs)): every schedule with at most
//! `max_preemptions` picks other than FIFO's, depth first, under a schedule budget, stopping
//! at the first failure.
//!
//! A schedule is named by its [`DfsPath`], the choice points (steps where more than one step
//! was ready) at which it did not take FIFO's step. Each run follows its path and takes
//! FIFO's step beyond it, and its scheduler ([`Dfs`]) logs every choice point it met. The
//! schedules form a tree: the children of a run are its path plus one more deviation at a
//! later choice point of that run, at any of its other ready steps, as long as the bound
//! allows one more. [`ScheduleSpace`] walks that tree depth first, the deepest alternative
//! first, which is "backtrack to the deepest choice point with an untried alternative within
//! the budget". Only the paths are kept (a frame per deviation, so at most
//! `max_preemptions + 1`), never the runs.
//!
//! With a [`Shard`], the subtrees below FIFO's schedule are dealt round robin: every shard
//! runs FIFO's schedule (its choice points name the subtrees), and owns FIFO's schedule
//! itself only as shard 1.

use std::future::Future;

use simloop_executor::sched::{ChoicePoint, Dfs, DfsPath};

use crate::config::{Explore, DEFAULT_SEED};
use crate::determinism::first_divergence;
use crate::explore::{run_built, Extent, Sweep, Tally};
use crate::outcome::{Failure, FailureKind, RunOutcome, TestOutput};
use crate::shard::Shard;

/// A schedule [`ScheduleSpace::next_schedule`] gives: its path, and whether it is this shard's (a
/// schedule that is not is FIFO's, which every shard runs for its choice points).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    /// The path to run.
    pub path: DfsPath,
    /// Whether the schedule is this shard's: count it, report it.
    pub owned: bool,
}

/// The schedules still to run below one run: its path, and the choice points it met past
/// its last deviation, the deepest first.
struct Frame {
    path: DfsPath,
    /// (choice point, how many steps were ready), deepest last.
    points: Vec<(usize, usize)>,
    /// The next alternative index at the deepest remaining point.
    next_index: usize,
}

impl Frame {
    /// The next child of this frame's run, deepest point first, lowest index first.
    fn next_child(&mut self) -> Option<DfsPath> {
        loop {
            let &(point, ready) = self.points.last()?;
            if self.next_index < ready {
                self.next_index += 1;
                return Some(self.path.then(point, self.next_index - 1));
            }
            self.points.pop();
            self.next_index = 1;
        }
    }
}

/// The tree of schedules within a preemption bound, walked depth first; the caller runs
/// each path it gives and reports the choice points the run met.
///
/// ```
/// use simloop_checker::{ScheduleSpace, Shard};
/// use simloop_executor::sched::ChoicePoint;
///
/// // A program with two choice points of two ready steps each, whatever the choices.
/// let points = [ChoicePoint { ready: 2, taken: 0 }; 2];
/// let mut space = ScheduleSpace::new(1, Shard::whole());
/// let mut paths = Vec::new();
/// while let Some(next) = space.next_schedule() {
///     let mut met = points.to_vec();
///     for (point, index) in next.path.deviations() {
///         met[*point].taken = *index;
///     }
///     space.ran(&next.path, &met).unwrap();
///     paths.push(next.path.to_string());
/// }
/// // FIFO's, then one preemption at the deepest point first.
/// assert_eq!(paths, ["fifo", "1:1", "0:1"]);
/// ```
pub struct ScheduleSpace {
    max_preemptions: usize,
    shard: Shard,
    frames: Vec<Frame>,
    /// FIFO's schedule has been given.
    started: bool,
    /// The number of the last subtree below FIFO's schedule dealt (FIFO's own is 0).
    subtree: u64,
}

impl ScheduleSpace {
    /// The schedules with at most `max_preemptions` deviations from FIFO, of `shard`.
    pub fn new(max_preemptions: u32, shard: Shard) -> ScheduleSpace {
        ScheduleSpace {
            max_preemptions: max_preemptions as usize,
            shard,
            frames: Vec::new(),
            started: false,
            subtree: 0,
        }
    }

    /// The next schedule to run, or `None` when the space (this shard's part) is done.
    /// After each, call [`ScheduleSpace::ran`] with what its run met.
    pub fn next_schedule(&mut self) -> Option<Next> {
        if !self.started {
            self.started = true;
            return Some(Next { path: DfsPath::fifo(), owned: self.shard.owns(0) });
        }
        loop {
            let depth = self.frames.len();
            let frame = self.frames.last_mut()?;
            match frame.next_child() {
                Some(path) if depth == 1 => {
                    // A subtree below FIFO's schedule: dealt round robin.
                    self.subtree += 1;
                    if self.shard.owns(self.subtree) {
                        return Some(Next { path, owned: true });
                    }
                }
                Some(path) => return Some(Next { path, owned: true }),
                None => {
                    self.frames.pop();
                }
            }
        }
    }

    /// Reports the choice points the run of `path` (the last one [`ScheduleSpace::next_schedule`]
    /// gave) met, in order: its children join the walk. An error if the run did not follow
    /// the path.
    pub fn ran(&mut self, path: &DfsPath, points: &[ChoicePoint]) -> Result<(), PathMismatch> {
        check_path(path, points)?;
        if path.preemptions() < self.max_preemptions {
            let points = (path.len()..points.len()).map(|i| (i, points[i].ready)).collect();
            self.frames.push(Frame { path: path.clone(), points, next_index: 1 });
        }
        Ok(())
    }
}

/// A run that did not follow its path: the program does something else than it did when
/// the path was found (it changed, or it is not deterministic).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathMismatch {
    /// At choice point `point` the path takes index `index`, but only `ready` steps were
    /// ready.
    TooFewReady {
        /// The choice point.
        point: usize,
        /// The index the path takes.
        index: usize,
        /// How many steps were ready.
        ready: usize,
    },
    /// The run met `met` choice points; the path deviates at choice point `point`.
    TooFewChoicePoints {
        /// How many the run met.
        met: usize,
        /// The path's last deviation.
        point: usize,
    },
}

impl std::fmt::Display for PathMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathMismatch::TooFewReady { point, index, ready } => write!(
                f,
                "at choice point {point} the path takes ready step {index}, but only {ready} \
                 steps were ready"
            ),
            PathMismatch::TooFewChoicePoints { met, point } => write!(
                f,
                "the run met {met} choice points, but the path deviates at choice point {point}"
            ),
        }
    }
}

impl std::error::Error for PathMismatch {}

/// Whether a run that met `points` followed `path`.
fn check_path(path: &DfsPath, points: &[ChoicePoint]) -> Result<(), PathMismatch> {
    for &(point, index) in path.deviations() {
        match points.get(point) {
            None => return Err(PathMismatch::TooFewChoicePoints { met: points.len(), point }),
            Some(p) if p.ready <= index => {
                return Err(PathMismatch::TooFewReady { point, index, ready: p.ready })
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Runs the schedule `path` of `options`' seed ([`DEFAULT_SEED`] unless fixed) with the
/// policy `options` names, and gives the run (its [`RunOutcome::dfs_path`] the path taken)
/// and the choice points it met.
///
/// ```
/// use simloop_checker::{run_path, Explore};
/// use simloop_executor::{log, spawn, Policy};
/// let opts = Explore::new().policy(Policy::Dfs { max_preemptions: 1 });
/// let (run, points) = run_path(&opts, &"0:1".parse().unwrap(), &mut || async {
///     let a = spawn(async { log!("a") });
///     let b = spawn(async { log!("b") });
///     a.await.unwrap();
///     b.await.unwrap();
/// });
/// assert_eq!(points.len(), 1);
/// assert!(run.trace.text().contains("b\n") && run.trace.text().ends_with("a\n-- elapsed 0.000s"));
/// ```
#[track_caller]
pub fn run_path<F, Fut>(
    options: &Explore,
    path: &DfsPath,
    test: &mut F,
) -> (RunOutcome, Vec<ChoicePoint>)
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let seed = options.seed.unwrap_or(DEFAULT_SEED);
    let dfs = Dfs::new(path.clone(), seed);
    let log = dfs.log();
    let mut run = run_built(options, Box::new(dfs), seed, test);
    let points = log.points();
    let taken: Vec<usize> = points.iter().map(|p| p.taken).collect();
    run.dfs_path = Some(DfsPath::from_choices(&taken));
    (run, points)
}

/// [`run_path`], twice when `options.check_determinism`: two runs whose traces differ fail
/// as [`FailureKind::Nondeterminism`].
#[track_caller]
fn run_checked<F, Fut>(
    options: &Explore,
    path: &DfsPath,
    test: &mut F,
) -> (RunOutcome, Vec<ChoicePoint>)
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let (mut run, points) = run_path(options, path, test);
    if options.check_determinism {
        let (again, _) = run_path(options, path, test);
        if let Some(d) = first_divergence(&run.trace, &again.trace) {
            run.failure = Some(Failure::new(
                FailureKind::Nondeterminism,
                format!(
                    "the schedule {path} of seed {:#x} ran twice gave two different traces; {d}",
                    run.seed
                ),
            ));
        }
    }
    (run, points)
}

/// `explore` under [`Policy::Dfs`]: the one schedule of `options.dfs_path`, or every
/// schedule within the bound (of `options.shard`) up to [`Explore::dfs_budget`] schedules.
///
/// # Panics
/// When `SIMLOOP_DFS_PATH`'s schedule does not apply to the test (the test changed since
/// the report): the message says where the run left the path.
#[track_caller]
pub(crate) fn explore_dfs<F, Fut>(options: Explore, max_preemptions: u32, mut test: F) -> Sweep
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let mut tally = Tally::default();
    if let Some(path) = options.dfs_path.clone() {
        let (run, points) = run_checked(&options, &path, &mut test);
        if let Err(e) = check_path(&path, &points) {
            panic!(
                "SIMLOOP_DFS_PATH={path} does not apply to this test: {e}; the test has changed \
                 since the path was printed (or reads something simloop does not control): \
                 rerun the DFS sweep without SIMLOOP_DFS_PATH for a new path"
            );
        }
        tally.add(&run);
        let run = Box::new(run);
        let failure = (!run.passed()).then(|| (0, run.clone()));
        let coverage = tally.coverage(Extent::Replayed);
        return Sweep { options, coverage, failure, last: Some(run) };
    }
    let budget = options.dfs_budget();
    let mut space = ScheduleSpace::new(max_preemptions, options.shard.unwrap_or(Shard::whole()));
    let (mut failure, mut last, mut index) = (None, None, 0u64);
    let mut extent = Extent::Finished;
    while let Some(next) = space.next_schedule() {
        if tally.runs() >= budget {
            extent = Extent::BudgetHit;
            break;
        }
        let (mut run, points) = run_checked(&options, &next.path, &mut test);
        if let Err(e) = space.ran(&next.path, &points) {
            run.failure = Some(Failure::new(
                FailureKind::Nondeterminism,
                format!(
                    "the schedule {} did not replay: {e}; the run before it took the same \
                     choices up to there and met other ready steps",
                    next.path
                ),
            ));
        }
        // FIFO's schedule on a shard other than 1 is not counted, unless it fails: a
        // failure is reported wherever it is found.
        if next.owned || !run.passed() {
            tally.add(&run);
        }
        let run = Box::new(run);
        if !run.passed() {
            failure = Some((index, run.clone()));
            last = Some(run);
            extent = Extent::StoppedAtFailure;
            break;
        }
        index += u64::from(next.owned);
        last = Some(run);
    }
    Sweep { options, coverage: tally.coverage(extent), failure, last }
}
