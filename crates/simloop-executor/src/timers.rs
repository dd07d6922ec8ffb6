//! The timer queue: pending sleeps ordered by (deadline, registration order).
//!
//! Virtual time only moves forward and many timers share a deadline, so timers are kept in
//! per-deadline buckets: a hash map from deadline to a FIFO list, and a min-heap of the
//! distinct deadlines. Firing the earliest bucket wakes its timers in registration order,
//! which is exactly asyncio's order once ties are broken by registration.
//!
//! A timer lives inside its bucket's list (owner and waker, 24 bytes), so firing a bucket
//! reads one contiguous array instead of chasing an entry per timer. A [`TimerKey`] names
//! the bucket by deadline and generation, and the slot by index: cancelling is one hash
//! lookup that clears the slot, and a key whose deadline is before the earliest pending
//! one (a timer that already fired) is dismissed without a lookup. A bucket whose timers
//! are all cancelled is dropped at once; its heap entry is skipped when it surfaces, and
//! the heap's top is always a live bucket, so time never jumps to a cancelled deadline.
//! Emptied lists are kept for reuse, so a steady state allocates nothing.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::task::Waker;

use crate::instant::Instant;
use crate::task::TaskId;

/// Handle to a registered timer, used to update its waker or cancel it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    deadline: Instant,
    generation: u64,
    index: usize,
}

struct Slot {
    owner: TaskId,
    /// The owner's slot in the runtime's task table (`usize::MAX`: none), a hint used to
    /// bring a batch's tasks into cache before waking them.
    task_slot: usize,
    /// `None` once cancelled.
    waker: Option<Waker>,
}

struct Bucket {
    generation: u64,
    live: usize,
    items: Vec<Slot>,
}

/// A fired timer: whom to wake, and on whose behalf the timer was set.
pub(crate) struct Fired {
    pub(crate) waker: Waker,
    pub(crate) owner: TaskId,
    pub(crate) task_slot: usize,
}

/// Hashes a deadline (one `u64`) by a multiply: deadlines are not attacker-chosen, and
/// SipHash would cost more than the rest of a timer's insertion.
#[derive(Default)]
struct DeadlineHasher(u64);

impl Hasher for DeadlineHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// Pending timers, earliest deadline first, registration order within a deadline.
#[derive(Default)]
pub(crate) struct TimerQueue {
    buckets: HashMap<Instant, Bucket, BuildHasherDefault<DeadlineHasher>>,
    /// Deadlines of buckets (with their generation); the top is always a live bucket.
    order: BinaryHeap<Reverse<(Instant, u64)>>,
    next_generation: u64,
    live: usize,
    spare: Vec<Vec<Slot>>,
}

impl TimerQueue {
    /// Registers a timer that wakes `waker` at `deadline`. `Instant::MAX` is accepted and
    /// never fires (it is not counted by [`TimerQueue::next_deadline`]).
    pub(crate) fn insert(
        &mut self,
        deadline: Instant,
        (owner, task_slot): (TaskId, usize),
        waker: Waker,
    ) -> TimerKey {
        let bucket = self.buckets.entry(deadline).or_insert_with(|| {
            self.next_generation += 1;
            self.order.push(Reverse((deadline, self.next_generation)));
            Bucket {
                generation: self.next_generation,
                live: 0,
                items: self.spare.pop().unwrap_or_default(),
            }
        });
        bucket.live += 1;
        bucket.items.push(Slot { owner, task_slot, waker: Some(waker) });
        self.live += 1;
        TimerKey { deadline, generation: bucket.generation, index: bucket.items.len() - 1 }
    }

    fn slot_mut(&mut self, key: TimerKey) -> Option<&mut Slot> {
        match self.order.peek() {
            // Nothing pends before the earliest bucket: the timer fired or was cancelled.
            Some(Reverse((first, _))) if key.deadline >= *first => {}
            _ => return None,
        }
        let bucket = self.buckets.get_mut(&key.deadline)?;
        if bucket.generation != key.generation {
            return None;
        }
        bucket.items.get_mut(key.index).filter(|s| s.waker.is_some())
    }

    /// Whether `key` is still pending (not fired, not cancelled).
    #[cfg(test)]
    pub(crate) fn contains(&mut self, key: TimerKey) -> bool {
        self.slot_mut(key).is_some()
    }

    /// Replaces the waker of a pending timer unless it would wake the same task anyway.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(slot) = self.slot_mut(key) {
            if let Some(w) = &mut slot.waker {
                if !w.will_wake(waker) {
                    *w = waker.clone();
                }
            }
        }
    }

    /// Cancels a pending timer; a fired or already cancelled one is ignored.
    pub(crate) fn cancel(&mut self, key: TimerKey) {
        let Some(slot) = self.slot_mut(key) else { return };
        slot.waker = None;
        self.live -= 1;
        let bucket = self.buckets.get_mut(&key.deadline).expect("the slot's bucket exists");
        bucket.live -= 1;
        if bucket.live == 0 {
            let mut items = self.buckets.remove(&key.deadline).expect("bucket exists").items;
            items.clear();
            self.spare.push(items);
            self.drop_stale_top();
        }
    }

    /// Pops heap entries whose bucket is gone, so that the top is a live bucket.
    fn drop_stale_top(&mut self) {
        while let Some(Reverse((deadline, generation))) = self.order.peek() {
            match self.buckets.get(deadline) {
                Some(b) if b.generation == *generation => break,
                _ => {
                    self.order.pop();
                }
            }
        }
    }

    /// The earliest deadline a timer will fire at; timers at `Instant::MAX` never fire.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.order.peek().map(|Reverse((d, _))| *d).filter(|d| *d != Instant::MAX)
    }

    /// Number of pending timers (including never-firing ones).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Removes the earliest bucket if its deadline is at or before `now`, and returns its
    /// live timers in registration order.
    pub(crate) fn pop_due(&mut self, now: Instant, out: &mut Vec<Fired>) {
        let Some(Reverse((deadline, _))) = self.order.peek().copied() else { return };
        if deadline > now {
            return;
        }
        self.order.pop();
        let mut bucket = self.buckets.remove(&deadline).expect("the heap's top is live");
        self.drop_stale_top();
        self.live -= bucket.live;
        out.reserve(bucket.live);
        out.extend(bucket.items.drain(..).filter_map(|s| {
            s.waker.map(|waker| Fired { waker, owner: s.owner, task_slot: s.task_slot })
        }));
        self.spare.push(bucket.items);
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
        q.insert(Instant::from_secs(2), (TaskId(1), usize::MAX), w.clone());
        q.insert(Instant::from_secs(1), (TaskId(2), usize::MAX), w.clone());
        q.insert(Instant::from_secs(2), (TaskId(3), usize::MAX), w.clone());
        q.insert(Instant::from_secs(1), (TaskId(4), usize::MAX), w.clone());
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
        let a = q.insert(Instant::from_secs(1), (TaskId(1), usize::MAX), w.clone());
        let b = q.insert(Instant::from_secs(2), (TaskId(2), usize::MAX), w.clone());
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
        let a = q.insert(Instant::from_secs(1), (TaskId(1), usize::MAX), w.clone());
        q.insert(Instant::from_secs(1), (TaskId(9), usize::MAX), w.clone());
        q.cancel(a);
        // Slot of `a` is reused by a later timer at another deadline.
        let c = q.insert(Instant::from_secs(5), (TaskId(3), usize::MAX), w.clone());
        assert_ne!(a, c);
        assert_eq!(owners(&mut q, Instant::from_secs(1)), vec![9]);
        assert_eq!(owners(&mut q, Instant::from_secs(5)), vec![3]);
    }

    #[test]
    fn a_bucket_emptied_and_refilled_ignores_stale_keys() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        let a = q.insert(Instant::from_secs(3), (TaskId(1), usize::MAX), w.clone());
        q.insert(Instant::from_secs(5), (TaskId(2), usize::MAX), w.clone());
        q.cancel(a);
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(5)));
        let b = q.insert(Instant::from_secs(3), (TaskId(3), usize::MAX), w.clone());
        assert_ne!(a, b);
        q.cancel(a); // the stale key must not touch the new bucket
        assert!(q.contains(b));
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(3)));
        assert_eq!(owners(&mut q, Instant::from_secs(3)), vec![3]);
        assert!(!q.contains(b));
        assert_eq!(owners(&mut q, Instant::from_secs(4)), Vec::<u64>::new());
        assert_eq!(owners(&mut q, Instant::from_secs(5)), vec![2]);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn max_deadline_never_counts_as_next() {
        let mut q = TimerQueue::default();
        q.insert(Instant::MAX, (TaskId(1), usize::MAX), noop_waker());
        assert_eq!(q.next_deadline(), None);
        assert_eq!(q.len(), 1);
    }
}
