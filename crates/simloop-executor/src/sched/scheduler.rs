//! The scheduler seam: the trait that picks the next ready step and makes every random
//! draw of a run, and the view of the ready steps it picks among.

use crate::sched::ready_queue::ReadyQueue;
use crate::task::id::TaskId;

/// Decides which ready step runs next, and makes every random draw of a run.
///
/// A runtime owns one scheduler ([`Builder::scheduler`](crate::Builder::scheduler), or the
/// one its [`Policy`](crate::Policy) names). Implementations must be deterministic given
/// their own state: the same calls in the same order give the same answers, which is what
/// makes a seed (or a recorded list of decisions) name one run.
pub trait Scheduler {
    /// The index in `ready` of the step to run next. Called before every step, also when
    /// only one step is ready (a policy may count steps, as PCT does); there is a choice
    /// only when `ready.len() > 1`. An index past the end runs the last step.
    fn pick(&mut self, ready: &Ready<'_>) -> usize;

    /// One random number for the program or a library (`random_u64`, `SimRng`).
    fn draw(&mut self) -> u64;
}

/// The ready steps a [`Scheduler`] chooses among, oldest first, and the number of the step
/// about to run.
pub struct Ready<'a> {
    queue: &'a ReadyQueue,
    step: u64,
}

impl<'a> Ready<'a> {
    #[inline]
    pub(crate) fn new(queue: &'a ReadyQueue, step: u64) -> Ready<'a> {
        Ready { queue, step }
    }

    /// How many steps are ready (at least one).
    #[inline]
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no step is ready (never, when the runtime asks).
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The number of the step about to run (the first step of a run is 1).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The task each ready step belongs to, oldest first. A callback step (a done
    /// callback, `call_soon`) belongs to the task that scheduled it, or to none
    /// ([`Ready::is_callback`] tells them apart).
    pub fn tasks(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.queue.owners()
    }

    /// The task step `index` belongs to.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn task(&self, index: usize) -> TaskId {
        self.queue.owner(index)
    }

    /// Whether step `index` is a callback rather than a task poll.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn is_callback(&self, index: usize) -> bool {
        self.queue.is_callback(index)
    }
}
