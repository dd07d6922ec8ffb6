//! PCT: probabilistic concurrency testing by random priorities and change points.
//!
//! Follows the paper's randomized scheduler (Burckhardt, Kothari, Musuvathi, Nagarakatte,
//! "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010,
//! Algorithm 1):
//! 1. each task gets a random initial priority, all of them at least `d` (drawn when the
//!    task is first seen, since tasks are created during the run);
//! 2. `d - 1` change points `k_1..k_{d-1}` are drawn uniformly from `1..=max_steps`, and
//!    the `i`-th drawn point, whatever its position in time, carries the low priority `i`;
//! 3. each step runs the highest-priority ready task; when step `k_i` is about to run, the
//!    task that would run it drops to priority `i` and the choice is made again.

use std::collections::HashMap;

use crate::sched::rng::SeededRng;
use crate::sched::scheduler::{Ready, Scheduler};
use crate::task::id::TaskId;

/// The PCT scheduler ([`Policy::Pct`](crate::Policy::Pct)).
pub struct Pct {
    rng: SeededRng,
    priorities: HashMap<TaskId, u64>,
    /// `(step, priority)`: at step `k_i` the chosen task drops to priority `i`.
    change_points: Vec<(u64, u64)>,
    depth: u64,
}

impl Pct {
    /// PCT for bugs of depth `depth` (at least 1) in runs of about `max_steps` steps, on
    /// `seed`'s stream (the change points are its first draws).
    pub fn new(depth: u32, max_steps: u64, seed: u64) -> Pct {
        let mut rng = SeededRng::new(seed);
        let depth = u64::from(depth.max(1));
        let change_points = (1..depth).map(|i| (1 + rng.below(max_steps.max(1)), i)).collect();
        Pct { rng, priorities: HashMap::new(), change_points, depth }
    }

    /// A task's priority; a task seen for the first time draws one above every change-point
    /// priority (`> d - 1`).
    fn priority(&mut self, task: TaskId) -> u64 {
        let depth = self.depth;
        let rng = &mut self.rng;
        *self.priorities.entry(task).or_insert_with(|| depth + (rng.next_u64() >> 8))
    }

    /// The index of the highest-priority ready step (the oldest one on a tie).
    fn highest(&mut self, tasks: &[TaskId]) -> usize {
        let mut best = (0, 0u64);
        for (i, task) in tasks.iter().enumerate() {
            let p = self.priority(*task);
            if i == 0 || p > best.1 {
                best = (i, p);
            }
        }
        best.0
    }
}

impl Scheduler for Pct {
    fn pick(&mut self, ready: &Ready<'_>) -> usize {
        let tasks: Vec<TaskId> = ready.tasks().collect();
        let mut best = self.highest(&tasks);
        // Two change points may fall on the same step: each lowers whichever task is then
        // the highest.
        let step = ready.step();
        let lowered: Vec<u64> =
            self.change_points.iter().filter(|(k, _)| *k == step).map(|(_, p)| *p).collect();
        for low in lowered {
            self.priorities.insert(tasks[best], low);
            best = self.highest(&tasks);
        }
        best
    }

    fn draw(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::ready_queue::{ReadyQueue, Step};

    fn queue(owners: &[u64]) -> ReadyQueue {
        let mut q = ReadyQueue::default();
        for o in owners {
            q.push(Step::Callback { owner: TaskId(*o), f: Box::new(|| {}) });
        }
        q
    }

    #[test]
    fn pct_runs_the_highest_priority_and_lowers_it_at_a_change_point() {
        let mut c = Pct::new(2, 10, 1);
        c.change_points = vec![(3, 1)];
        let q = queue(&[5, 6, 7]);
        let first = c.pick(&Ready::new(&q, 1));
        // Without a change point the same (highest) task keeps winning.
        assert_eq!(c.pick(&Ready::new(&q, 2)), first);
        let top = TaskId(5 + first as u64);
        assert!(c.priorities.values().all(|p| *p >= 2), "initial priorities are >= d");
        // Step 3 is a change point: the top task drops to priority 1 and another runs.
        let third = c.pick(&Ready::new(&q, 3));
        assert_ne!(third, first);
        assert_eq!(c.priorities[&top], 1);
        // It stays low afterwards.
        assert_eq!(c.pick(&Ready::new(&q, 4)), third);
    }

    #[test]
    fn pct_draws_d_minus_1_change_points_in_range_with_priorities_1_to_d_minus_1() {
        let c = Pct::new(4, 5, 9);
        assert_eq!(c.change_points.len(), 3);
        assert!(c.change_points.iter().all(|(k, _)| (1..=5).contains(k)));
        let prios: Vec<u64> = c.change_points.iter().map(|(_, p)| *p).collect();
        assert_eq!(prios, vec![1, 2, 3]);
        let one = Pct::new(1, 1000, 9);
        assert!(one.change_points.is_empty());
    }
}
