//! Callbacks waiting for their timer (`call_later`, `call_at`), by slot: the closures the
//! timer queue's wakers stand for until they fire or are cancelled.

use slab::Slab;

use crate::task::id::TaskId;

/// A parked callback: registration number (tells a reused slot apart), owner, closure.
type Parked = (u64, TaskId, Box<dyn FnOnce()>);

/// Callbacks waiting for their timer.
#[derive(Default)]
pub(crate) struct TimerCallbacks {
    slots: Slab<Parked>,
    next_seq: u64,
}

impl TimerCallbacks {
    /// Parks `f`, set on behalf of `owner`; returns its slot and registration number.
    pub(crate) fn park(&mut self, owner: TaskId, f: Box<dyn FnOnce()>) -> (usize, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        (self.slots.insert((seq, owner, f)), seq)
    }

    /// Takes the callback of a fired timer, if it was not cancelled.
    pub(crate) fn take(&mut self, slot: usize) -> Option<(TaskId, Box<dyn FnOnce()>)> {
        self.slots.try_remove(slot).map(|(_, owner, f)| (owner, f))
    }

    /// Takes the callback registered as (`slot`, `seq`) if it is still parked.
    pub(crate) fn cancel(&mut self, slot: usize, seq: u64) -> Option<Box<dyn FnOnce()>> {
        let parked = self.slots.get(slot).is_some_and(|(s, ..)| *s == seq);
        parked.then(|| self.slots.remove(slot).2)
    }
}
