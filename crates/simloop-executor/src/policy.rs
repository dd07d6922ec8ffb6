//! Scheduling policies: which ready step runs next.
//!
//! [`Policy::Fifo`] is asyncio's order and the default. The others exist to explore
//! interleavings: every choice they make is drawn from the runtime's one seeded ChaCha RNG,
//! so a seed and a policy name one exact run.

use std::collections::HashMap;

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

use crate::ready::ReadyQueue;
use crate::sched::Policy;
use crate::task::TaskId;

/// The state a policy keeps during one run.
///
/// For PCT it follows the paper's randomized scheduler (Burckhardt, Kothari, Musuvathi,
/// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs",
/// ASPLOS 2010, Algorithm 1):
/// 1. each task gets a random initial priority, all of them at least `d` (drawn when the
///    task is first seen, since tasks are created during the run);
/// 2. `d - 1` change points `k_1..k_{d-1}` are drawn uniformly from `1..=max_steps`, and
///    the `i`-th drawn point, whatever its position in time, carries the low priority `i`;
/// 3. each step runs the highest-priority ready task; when step `k_i` is about to run, the
///    task that would run it drops to priority `i` and the choice is made again.
pub(crate) struct Chooser {
    policy: Policy,
    priorities: HashMap<TaskId, u64>,
    /// `(step, priority)`: at step `k_i` the chosen task drops to priority `i`.
    change_points: Vec<(u64, u64)>,
    depth: u64,
}

impl Chooser {
    pub(crate) fn new(policy: Policy, rng: &mut ChaCha8Rng) -> Chooser {
        let mut change_points = Vec::new();
        let mut depth = 0;
        if let Policy::Pct { depth: d, max_steps } = policy {
            depth = u64::from(d.max(1));
            for i in 1..depth {
                change_points.push((1 + rng.next_u64() % max_steps.max(1), i));
            }
        }
        Chooser { policy, priorities: HashMap::new(), change_points, depth }
    }

    /// Index of the step to run next; `step` is the number of this step (the first is 1).
    pub(crate) fn pick(&mut self, ready: &ReadyQueue, step: u64, rng: &mut ChaCha8Rng) -> usize {
        match self.policy {
            Policy::Fifo => 0,
            Policy::Random => {
                let n = ready.len() as u64;
                if n <= 1 {
                    0
                } else {
                    (rng.next_u64() % n) as usize
                }
            }
            Policy::Pct { .. } => self.pick_pct(ready, step, rng),
        }
    }

    /// A task's priority; a task seen for the first time draws one above every change-point
    /// priority (`> d - 1`).
    fn priority(&mut self, task: TaskId, rng: &mut ChaCha8Rng) -> u64 {
        let depth = self.depth;
        *self.priorities.entry(task).or_insert_with(|| depth + (rng.next_u64() >> 8))
    }

    /// The index of the highest-priority ready step (the oldest one on a tie).
    fn highest(&mut self, tasks: &[TaskId], rng: &mut ChaCha8Rng) -> usize {
        let mut best = (0, 0u64);
        for (i, task) in tasks.iter().enumerate() {
            let p = self.priority(*task, rng);
            if i == 0 || p > best.1 {
                best = (i, p);
            }
        }
        best.0
    }

    fn pick_pct(&mut self, ready: &ReadyQueue, step: u64, rng: &mut ChaCha8Rng) -> usize {
        let tasks: Vec<TaskId> = ready.tasks().collect();
        let mut best = self.highest(&tasks, rng);
        // Two change points may fall on the same step: each lowers whichever task is then
        // the highest.
        let lowered: Vec<u64> =
            self.change_points.iter().filter(|(k, _)| *k == step).map(|(_, p)| *p).collect();
        for low in lowered {
            self.priorities.insert(tasks[best], low);
            best = self.highest(&tasks, rng);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ready::Step;
    use rand_core::SeedableRng;

    fn queue(owners: &[u64]) -> ReadyQueue {
        let mut q = ReadyQueue::default();
        for o in owners {
            q.push(Step::Callback { owner: TaskId(*o), f: Box::new(|| {}) });
        }
        q
    }

    #[test]
    fn pct_runs_the_highest_priority_and_lowers_it_at_a_change_point() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut c = Chooser::new(Policy::Pct { depth: 2, max_steps: 10 }, &mut rng);
        c.change_points = vec![(3, 1)];
        let q = queue(&[5, 6, 7]);
        let first = c.pick(&q, 1, &mut rng);
        // Without a change point the same (highest) task keeps winning.
        assert_eq!(c.pick(&q, 2, &mut rng), first);
        let top = TaskId(5 + first as u64);
        assert!(c.priorities.values().all(|p| *p >= 2), "initial priorities are >= d");
        // Step 3 is a change point: the top task drops to priority 1 and another runs.
        let third = c.pick(&q, 3, &mut rng);
        assert_ne!(third, first);
        assert_eq!(c.priorities[&top], 1);
        // It stays low afterwards.
        assert_eq!(c.pick(&q, 4, &mut rng), third);
    }

    #[test]
    fn pct_draws_d_minus_1_change_points_in_range_with_priorities_1_to_d_minus_1() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let c = Chooser::new(Policy::Pct { depth: 4, max_steps: 5 }, &mut rng);
        assert_eq!(c.change_points.len(), 3);
        assert!(c.change_points.iter().all(|(k, _)| (1..=5).contains(k)));
        let prios: Vec<u64> = c.change_points.iter().map(|(_, p)| *p).collect();
        assert_eq!(prios, vec![1, 2, 3]);
        let one = Chooser::new(Policy::pct(1), &mut rng);
        assert!(one.change_points.is_empty());
    }
}
