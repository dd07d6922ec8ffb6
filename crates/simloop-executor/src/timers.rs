//! The timer queue: pending sleeps ordered by (deadline, registration order).
//!
//! Virtual time only moves forward and many timers share a deadline, so timers are kept in
//! per-deadline buckets (a `BTreeMap` from deadline to a FIFO list). Firing the earliest
//! bucket wakes its timers in registration order, which is exactly asyncio's order once
//! ties are broken by registration. Cancelling a timer is O(log buckets): the entry is freed
//! at once and its bucket forgets it when the bucket's live count reaches zero.

use std::collections::BTreeMap;
use std::task::Waker;

use slab::Slab;

use crate::instant::Instant;
use crate::task::TaskId;

/// Handle to a registered timer, used to update its waker or cancel it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    slot: usize,
    seq: u64,
}

struct Entry {
    seq: u64,
    deadline: Instant,
    owner: TaskId,
    waker: Waker,
}

#[derive(Default)]
struct Bucket {
    live: usize,
    items: Vec<TimerKey>,
}

/// A fired timer: whom to wake, and on whose behalf the timer was set.
pub(crate) struct Fired {
    pub(crate) waker: Waker,
    pub(crate) owner: TaskId,
}

/// Pending timers, earliest deadline first, registration order within a deadline.
#[derive(Default)]
pub(crate) struct TimerQueue {
    entries: Slab<Entry>,
    buckets: BTreeMap<Instant, Bucket>,
    next_seq: u64,
}

impl TimerQueue {
    /// Registers a timer that wakes `waker` at `deadline`. `Instant::MAX` is accepted and
    /// never fires (it is not counted by [`TimerQueue::next_deadline`]).
    pub(crate) fn insert(&mut self, deadline: Instant, owner: TaskId, waker: Waker) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = self.entries.insert(Entry { seq, deadline, owner, waker });
        let key = TimerKey { slot, seq };
        let bucket = self.buckets.entry(deadline).or_default();
        bucket.live += 1;
        bucket.items.push(key);
        key
    }

    /// Whether `key` is still pending (not fired, not cancelled).
    pub(crate) fn contains(&self, key: TimerKey) -> bool {
        self.entries.get(key.slot).is_some_and(|e| e.seq == key.seq)
    }

    /// Replaces the waker of a pending timer unless it would wake the same task anyway.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(e) = self.entries.get_mut(key.slot) {
            if e.seq == key.seq && !e.waker.will_wake(waker) {
                e.waker = waker.clone();
            }
        }
    }

    /// Cancels a pending timer; a fired or already cancelled one is ignored.
    pub(crate) fn cancel(&mut self, key: TimerKey) {
        if !self.contains(key) {
            return;
        }
        let entry = self.entries.remove(key.slot);
        if let Some(bucket) = self.buckets.get_mut(&entry.deadline) {
            bucket.live -= 1;
            if bucket.live == 0 {
                self.buckets.remove(&entry.deadline);
            }
        }
    }

    /// The earliest deadline a timer will fire at; timers at `Instant::MAX` never fire.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.buckets.keys().next().copied().filter(|d| *d != Instant::MAX)
    }

    /// Number of pending timers (including never-firing ones).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Removes the earliest bucket if its deadline is at or before `now`, and returns its
    /// live timers in registration order.
    pub(crate) fn pop_due(&mut self, now: Instant, out: &mut Vec<Fired>) {
        let Some(entry) = self.buckets.first_entry() else { return };
        if *entry.key() > now {
            return;
        }
        let bucket = entry.remove();
        out.reserve(bucket.live);
        for key in bucket.items {
            if self.contains(key) {
                let e = self.entries.remove(key.slot);
                out.push(Fired { waker: e.waker, owner: e.owner });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::task::noop_waker;

    fn owners(q: &mut TimerQueue, now: Instant) -> Vec<u64> {
        let mut out = Vec::new();
        q.pop_due(now, &mut out);
        out.iter().map(|f| f.owner.0).collect()
    }

    #[test]
    fn fires_by_deadline_then_registration_order() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        q.insert(Instant::from_secs(2), TaskId(1), w.clone());
        q.insert(Instant::from_secs(1), TaskId(2), w.clone());
        q.insert(Instant::from_secs(2), TaskId(3), w.clone());
        q.insert(Instant::from_secs(1), TaskId(4), w.clone());
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(1)));
        assert_eq!(owners(&mut q, Instant::from_secs(1)), vec![2, 4]);
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(2)));
        assert_eq!(owners(&mut q, Instant::from_secs(1)), Vec::<u64>::new());
        assert_eq!(owners(&mut q, Instant::from_secs(2)), vec![1, 3]);
        assert_eq!(q.len(), 0);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn cancel_removes_timer_and_empty_bucket() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        let a = q.insert(Instant::from_secs(1), TaskId(1), w.clone());
        let b = q.insert(Instant::from_secs(2), TaskId(2), w.clone());
        q.cancel(a);
        q.cancel(a); // twice is harmless
        assert!(!q.contains(a));
        assert!(q.contains(b));
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(2)));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn reused_slot_does_not_fire_a_stale_key() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        let a = q.insert(Instant::from_secs(1), TaskId(1), w.clone());
        q.insert(Instant::from_secs(1), TaskId(9), w.clone());
        q.cancel(a);
        // Slot of `a` is reused by a later timer at another deadline.
        let c = q.insert(Instant::from_secs(5), TaskId(3), w.clone());
        assert_ne!(a, c);
        assert_eq!(owners(&mut q, Instant::from_secs(1)), vec![9]);
        assert_eq!(owners(&mut q, Instant::from_secs(5)), vec![3]);
    }

    #[test]
    fn max_deadline_never_counts_as_next() {
        let mut q = TimerQueue::default();
        q.insert(Instant::MAX, TaskId(1), noop_waker());
        assert_eq!(q.next_deadline(), None);
        assert_eq!(q.len(), 1);
    }
}
