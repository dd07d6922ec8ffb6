//! DFS: the scheduler of bounded exhaustive exploration. It follows a [`DfsPath`] (the
//! index to take at each choice point, a step where more than one step is ready) and takes
//! FIFO's step everywhere else, and it records every choice point it meets in a
//! [`ChoiceLog`]: how many steps were ready, which it took. The checker's `explore` runs
//! one path after another, each next one derived from the choice points of the last, until
//! every schedule with at most `max_preemptions` non-FIFO picks has run
//! ([`Policy::Dfs`](crate::Policy::Dfs)). The program's random draws come from the seed,
//! as under FIFO.

use std::cell::RefCell;
use std::rc::Rc;

use crate::sched::dfs_path::DfsPath;
use crate::sched::rng::SeededRng;
use crate::sched::scheduler::{Ready, Scheduler};

/// One choice point of a run: how many steps were ready, and the index of the one taken
/// (0 is FIFO's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChoicePoint {
    /// How many steps were ready (at least 2).
    pub ready: usize,
    /// The index taken, `0..ready`.
    pub taken: usize,
}

/// The choice points a [`Dfs`] scheduler met, in order; a handle the caller keeps while the
/// runtime owns the scheduler (clones share the log).
#[derive(Clone, Debug, Default)]
pub struct ChoiceLog(Rc<RefCell<Vec<ChoicePoint>>>);

impl ChoiceLog {
    /// The choice points met so far.
    pub fn points(&self) -> Vec<ChoicePoint> {
        self.0.borrow().clone()
    }

    /// How many choice points were met so far.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether no choice point was met.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    fn push(&self, point: ChoicePoint) {
        self.0.borrow_mut().push(point);
    }
}

/// Follows a [`DfsPath`], FIFO beyond it, and logs every choice point.
///
/// ```
/// use simloop_executor::sched::{ChoicePoint, Dfs, DfsPath};
/// use simloop_executor::{log, spawn_named, Policy, Runtime};
///
/// let dfs = Dfs::new("0:1".parse().unwrap(), 0);
/// let choices = dfs.log();
/// let mut rt = Runtime::builder().policy(Policy::Dfs { max_preemptions: 1 }).scheduler(Box::new(dfs)).build();
/// rt.block_on(async {
///     let a = spawn_named("a", async { log!("a") });
///     let b = spawn_named("b", async { log!("b") });
///     a.await.unwrap();
///     b.await.unwrap();
/// });
/// // The one choice point (a and b ready) took b: one preemption.
/// assert_eq!(choices.points(), vec![ChoicePoint { ready: 2, taken: 1 }]);
/// assert!(rt.trace().text().starts_with("   0.000s  b            b\n"));
/// ```
pub struct Dfs {
    rng: SeededRng,
    path: DfsPath,
    log: ChoiceLog,
}

impl Dfs {
    /// A scheduler that follows `path`, with the program's draws from `seed`'s stream. An
    /// index past the ready steps of its choice point takes the last one (the log shows
    /// it, so the caller can tell the path did not apply).
    pub fn new(path: DfsPath, seed: u64) -> Dfs {
        Dfs { rng: SeededRng::new(seed), path, log: ChoiceLog::default() }
    }

    /// The log of the choice points this scheduler meets.
    pub fn log(&self) -> ChoiceLog {
        self.log.clone()
    }
}

impl Scheduler for Dfs {
    fn pick(&mut self, ready: &Ready<'_>) -> usize {
        let n = ready.len();
        if n <= 1 {
            return 0;
        }
        let taken = self.path.choice(self.log.len()).min(n - 1);
        self.log.push(ChoicePoint { ready: n, taken });
        taken
    }

    fn draw(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::ready_queue::{ReadyQueue, Step};
    use crate::task::id::TaskId;

    fn queue(n: u64) -> ReadyQueue {
        let mut q = ReadyQueue::default();
        for o in 0..n {
            q.push(Step::Callback { owner: TaskId(o), f: Box::new(|| {}) });
        }
        q
    }

    #[test]
    fn dfs_follows_its_path_logs_choice_points_only_and_clamps() {
        let mut dfs = Dfs::new("1:2,2:5".parse().unwrap(), 0);
        let (one, three) = (queue(1), queue(3));
        let picks: Vec<usize> = [&three, &one, &three, &three, &three]
            .iter()
            .enumerate()
            .map(|(i, q)| dfs.pick(&Ready::new(q, i as u64 + 1)))
            .collect();
        assert_eq!(picks, vec![0, 0, 2, 2, 0]);
        let taken: Vec<(usize, usize)> =
            dfs.log().points().iter().map(|p| (p.ready, p.taken)).collect();
        assert_eq!(taken, vec![(3, 0), (3, 2), (3, 2), (3, 0)]);
    }

    #[test]
    fn draws_are_the_seeds_as_under_fifo() {
        let mut dfs = Dfs::new("0:1".parse().unwrap(), 9);
        let mut fifo = crate::sched::fifo::Fifo::new(9);
        assert_eq!(
            (0..4).map(|_| dfs.draw()).collect::<Vec<_>>(),
            (0..4).map(|_| fifo.draw()).collect::<Vec<_>>()
        );
    }
}
