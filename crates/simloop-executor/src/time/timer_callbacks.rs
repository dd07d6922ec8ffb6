//! Callbacks waiting for their turn (`call_later`, `call_at`), by slot: the closures the
//! timer queue's wakers stand for, parked until their step runs or they are cancelled
//! (which works until that step, as asyncio's `TimerHandle.cancel()` does).

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

    /// Whether the callback registered as (`slot`, `seq`) is still parked.
    fn parked(&self, slot: usize, seq: u64) -> bool {
        self.slots.get(slot).is_some_and(|(s, ..)| *s == seq)
    }

    /// On whose behalf the parked callback (`slot`, `seq`) was set.
    pub(crate) fn owner(&self, slot: usize, seq: u64) -> Option<TaskId> {
        self.parked(slot, seq).then(|| self.slots[slot].1)
    }

    /// Takes the callback (`slot`, `seq`) to run it, if it was not cancelled.
    pub(crate) fn take(&mut self, slot: usize, seq: u64) -> Option<Box<dyn FnOnce()>> {
        self.parked(slot, seq).then(|| self.slots.remove(slot).2)
    }
}
