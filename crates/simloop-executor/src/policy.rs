//! Scheduling policies: which ready step runs next.
//!
//! [`Policy::Fifo`] is asyncio's order and the default. The others exist to explore
//! interleavings: every choice they make is drawn from the runtime's one seeded ChaCha RNG,
//! so a seed and a policy name one exact run.

use std::collections::HashMap;
use std::fmt;

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

use crate::ready::ReadyQueue;
use crate::task::TaskId;

/// How the runtime picks the next step among the ready ones.
///
/// ```
/// use simloop_executor::{Policy, Runtime};
/// let mut rt = Runtime::builder().seed(7).policy(Policy::Random).build();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Policy {
    /// First in, first out: asyncio's own order.
    #[default]
    Fifo,
    /// A uniformly random ready step each time.
    Random,
    /// PCT (Burckhardt et al., ASPLOS 2010): each task gets a random priority, the highest
    /// ready one runs, and at `depth - 1` random steps (among the first `max_steps`) the
    /// running task drops to a low priority. Finds bugs of depth `depth` with probability
    /// at least 1/(n·k^(d-1)).
    Pct {
        /// The bug depth to target (number of ordering constraints); at least 1.
        depth: u32,
        /// The expected length of a run in steps; change points are drawn in `1..=max_steps`.
        max_steps: u64,
    },
}

impl Policy {
    /// PCT with the given depth and a default horizon of 1,000 steps.
    pub fn pct(depth: u32) -> Policy {
        Policy::Pct { depth: depth.max(1), max_steps: 1000 }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Fifo => f.write_str("fifo"),
            Policy::Random => f.write_str("random"),
            Policy::Pct { depth, max_steps } => write!(f, "pct(depth={depth},steps={max_steps})"),
        }
    }
}

/// The state a policy keeps during one run.
pub(crate) struct Chooser {
    policy: Policy,
    priorities: HashMap<TaskId, u64>,
    change_points: Vec<u64>,
    depth: u64,
}

impl Chooser {
    pub(crate) fn new(policy: Policy, rng: &mut ChaCha8Rng) -> Chooser {
        let mut change_points = Vec::new();
        let mut depth = 0;
        if let Policy::Pct { depth: d, max_steps } = policy {
            depth = u64::from(d.max(1));
            for _ in 1..depth {
                change_points.push(1 + rng.next_u64() % max_steps.max(1));
            }
            change_points.sort_unstable();
        }
        Chooser { policy, priorities: HashMap::new(), change_points, depth }
    }

    /// Index of the step to run next; `step` is the number of steps run so far.
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

    fn priority(&mut self, task: TaskId, rng: &mut ChaCha8Rng) -> u64 {
        let depth = self.depth;
        *self.priorities.entry(task).or_insert_with(|| depth + 1 + (rng.next_u64() >> 8))
    }

    fn pick_pct(&mut self, ready: &ReadyQueue, step: u64, rng: &mut ChaCha8Rng) -> usize {
        let mut best = (0, 0u64);
        let tasks: Vec<TaskId> = ready.tasks().collect();
        for (i, task) in tasks.iter().enumerate() {
            let p = self.priority(*task, rng);
            if i == 0 || p > best.1 {
                best = (i, p);
            }
        }
        // At a change point the chosen task drops below every initial priority.
        let passed = self.change_points.iter().filter(|c| **c <= step).count() as u64;
        if self.change_points.contains(&step) {
            self.priorities.insert(tasks[best.0], self.depth - passed);
        }
        best.0
    }
}
