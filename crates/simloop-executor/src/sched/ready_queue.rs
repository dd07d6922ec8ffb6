//! The ready queue: steps waiting for their turn, in asyncio's FIFO order.
//!
//! asyncio's loop queues *callbacks*, not tasks: a task's step, a done callback, a timer
//! handle. simloop's queue holds the same two kinds of step — a task to poll, or a callback
//! to call — so that done callbacks take their own turn exactly as `call_soon` gives them.

use std::collections::VecDeque;

use async_task::Runnable;
use slab::Slab;

use crate::task::id::{TaskId, TaskKey};

/// One queued unit of work.
pub(crate) enum Step {
    /// Poll a task once.
    Run(Runnable<TaskKey>),
    /// Call a callback scheduled on behalf of `owner` (a done callback, a `call_soon`).
    Callback { owner: TaskId, f: Box<dyn FnOnce()> },
}

/// A step as the queue holds it: two words, so that a million queued tasks take 16 MB,
/// not 32; a callback's closure waits in a side table.
enum Queued {
    Run(Runnable<TaskKey>),
    Callback(usize),
}

/// FIFO queue of steps; a scheduling policy may take from any position.
#[derive(Default)]
pub(crate) struct ReadyQueue {
    steps: VecDeque<Queued>,
    callbacks: Slab<(TaskId, Box<dyn FnOnce()>)>,
}

impl ReadyQueue {
    #[inline]
    pub(crate) fn push(&mut self, step: Step) {
        let queued = match step {
            Step::Run(r) => Queued::Run(r),
            Step::Callback { owner, f } => Queued::Callback(self.callbacks.insert((owner, f))),
        };
        self.steps.push_back(queued);
    }

    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Removes the step at `index` (0 = the oldest).
    #[inline]
    pub(crate) fn take(&mut self, index: usize) -> Option<Step> {
        let queued = if index == 0 { self.steps.pop_front() } else { self.steps.remove(index) }?;
        Some(self.unpack(queued))
    }

    #[inline]
    fn unpack(&mut self, queued: Queued) -> Step {
        match queued {
            Queued::Run(r) => Step::Run(r),
            Queued::Callback(k) => {
                let (owner, f) = self.callbacks.remove(k);
                Step::Callback { owner, f }
            }
        }
    }

    /// The tasks of the queued steps, oldest first.
    pub(crate) fn owners(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.steps.iter().map(|q| self.owner_of(q))
    }

    /// The task of the step at `index`.
    pub(crate) fn owner(&self, index: usize) -> TaskId {
        self.owner_of(&self.steps[index])
    }

    /// Whether the step at `index` is a callback.
    pub(crate) fn is_callback(&self, index: usize) -> bool {
        matches!(self.steps[index], Queued::Callback(_))
    }

    fn owner_of(&self, q: &Queued) -> TaskId {
        match q {
            Queued::Run(r) => r.metadata().id,
            Queued::Callback(k) => self.callbacks[*k].0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn cb(owner: u64, log: &Rc<RefCell<Vec<u64>>>) -> Step {
        let log = log.clone();
        Step::Callback { owner: TaskId(owner), f: Box::new(move || log.borrow_mut().push(owner)) }
    }

    #[test]
    fn fifo_and_take_from_the_middle() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut q = ReadyQueue::default();
        for i in 1..=4 {
            q.push(cb(i, &log));
        }
        assert_eq!(q.owners().map(|t| t.0).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        for index in [2, 0, 1, 0] {
            match q.take(index) {
                Some(Step::Callback { f, .. }) => f(),
                _ => panic!("expected a callback step"),
            }
        }
        assert_eq!(*log.borrow(), vec![3, 1, 4, 2]);
        assert!(q.is_empty());
        assert!(q.take(0).is_none());
    }
}
