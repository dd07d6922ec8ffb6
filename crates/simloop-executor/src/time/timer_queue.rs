//! The timer queue: pending sleeps ordered by (deadline, registration order).
//!
//! Virtual time only moves forward and many timers share a deadline, so timers are kept in
//! per-deadline buckets: a slab of buckets, a hash map from deadline to its bucket (used
//! only to find the bucket of a new timer, and skipped when the timer shares the previous
//! one's deadline), and a min-heap of the distinct deadlines. Firing the earliest bucket
//! wakes its timers in registration order, which is exactly asyncio's order once ties are
//! broken by registration.
//!
//! A timer lives inside its bucket's list (owner and waker), so firing a bucket reads one
//! contiguous array, handed over whole, instead of chasing an entry per timer. A
//! [`TimerKey`] names the bucket by slab index and generation, and the slot by index:
//! cancelling or re-checking a timer is an array access, without hashing; a key whose
//! bucket was fired or emptied no longer matches its generation. A bucket whose timers are
//! all cancelled is freed at once; its heap entry is skipped when it surfaces, and the
//! heap's top is always a live bucket, so time never jumps to a cancelled deadline.
//! Emptied lists are kept for reuse, so a steady state allocates nothing.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::task::Waker;

use crate::task::id::TaskId;
use crate::time::instant::Instant;

/// Handle to a registered timer, used to update its waker or cancel it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    deadline: Instant,
    bucket: u32,
    generation: u32,
    index: u32,
}

impl TimerKey {
    /// When the timer fires.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }
}

/// One registered timer, as its bucket holds it and as firing hands it out.
pub(crate) struct Slot {
    /// On whose behalf the timer was set.
    pub(crate) owner: TaskId,
    /// The owner's slot in the runtime's task table (`u32::MAX`: none), a hint used to
    /// bring a batch's tasks into cache before waking them.
    pub(crate) task_slot: u32,
    /// Whether the timer runs a callback (`call_later`) rather than waking a task.
    pub(crate) callback: bool,
    /// Whom to wake; `None` once cancelled.
    pub(crate) waker: Option<Waker>,
}

struct Bucket {
    deadline: Instant,
    /// Bumped each time the bucket is freed, so old keys and heap entries stop matching.
    generation: u32,
    live: u32,
    /// How many of the live timers run a callback.
    callbacks: u32,
    items: Vec<Slot>,
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
    buckets: Vec<Bucket>,
    /// Indices of freed buckets, reused before the slab grows.
    free: Vec<u32>,
    /// The live bucket of each deadline.
    by_deadline: HashMap<Instant, u32, BuildHasherDefault<DeadlineHasher>>,
    /// The buckets (with their generations) of the last two deadlines looked up:
    /// consecutive timers often share a deadline, or alternate between two (a timeout's
    /// and the sleep it guards).
    last: [Option<(Instant, u32, u32)>; 2],
    /// (deadline, bucket, generation) of live buckets; the top is always live.
    order: BinaryHeap<Reverse<(Instant, u32, u32)>>,
    spare: Vec<Vec<Slot>>,
}

impl TimerQueue {
    /// Registers a timer that wakes `waker` at `deadline` (a task's, or with `callback` a
    /// `call_later` callback's). `Instant::MAX` is accepted and never fires (it is not
    /// counted by [`TimerQueue::next_deadline`]).
    #[inline]
    pub(crate) fn insert(
        &mut self,
        deadline: Instant,
        (owner, task_slot): (TaskId, usize),
        waker: Waker,
        callback: bool,
    ) -> TimerKey {
        let b = match self.last {
            [Some((d, b, g)), _] | [_, Some((d, b, g))]
                if d == deadline && self.buckets[b as usize].generation == g =>
            {
                b
            }
            _ => {
                let b = self.bucket_for(deadline);
                self.last =
                    [Some((deadline, b, self.buckets[b as usize].generation)), self.last[0]];
                b
            }
        };
        let bucket = &mut self.buckets[b as usize];
        bucket.live += 1;
        bucket.callbacks += u32::from(callback);
        // Task slots stay below 2^32 (spawn checks); `usize::MAX` (no task) becomes `u32::MAX`.
        let task_slot = task_slot as u32;
        bucket.items.push(Slot { owner, task_slot, callback, waker: Some(waker) });
        TimerKey {
            deadline,
            bucket: b,
            generation: bucket.generation,
            index: (bucket.items.len() - 1) as u32,
        }
    }

    /// The live bucket of `deadline`, created if there is none.
    fn bucket_for(&mut self, deadline: Instant) -> u32 {
        if let Some(&b) = self.by_deadline.get(&deadline) {
            return b;
        }
        let items = self.spare.pop().unwrap_or_default();
        let b = match self.free.pop() {
            Some(b) => {
                let bucket = &mut self.buckets[b as usize];
                bucket.deadline = deadline;
                bucket.items = items;
                b
            }
            None => {
                self.buckets.push(Bucket { deadline, generation: 0, live: 0, callbacks: 0, items });
                (self.buckets.len() - 1) as u32
            }
        };
        self.by_deadline.insert(deadline, b);
        self.order.push(Reverse((deadline, b, self.buckets[b as usize].generation)));
        b
    }

    /// Frees a bucket whose timers all fired or were cancelled; returns its list.
    fn free_bucket(&mut self, b: u32) -> Vec<Slot> {
        let bucket = &mut self.buckets[b as usize];
        self.by_deadline.remove(&bucket.deadline);
        bucket.generation = bucket.generation.wrapping_add(1);
        bucket.live = 0;
        bucket.callbacks = 0;
        self.free.push(b);
        std::mem::take(&mut bucket.items)
    }

    fn slot_mut(&mut self, key: TimerKey) -> Option<&mut Slot> {
        let bucket = self.buckets.get_mut(key.bucket as usize)?;
        if bucket.generation != key.generation || bucket.deadline != key.deadline {
            return None;
        }
        bucket.items.get_mut(key.index as usize).filter(|s| s.waker.is_some())
    }

    /// Whether `key` is still pending (not fired, not cancelled).
    #[cfg(test)]
    pub(crate) fn contains(&mut self, key: TimerKey) -> bool {
        self.slot_mut(key).is_some()
    }

    /// Replaces the waker of a pending timer unless it would wake the same task anyway.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(Slot { waker: Some(w), .. }) = self.slot_mut(key) {
            if !w.will_wake(waker) {
                *w = waker.clone();
            }
        }
    }

    /// Cancels a pending timer; a fired or already cancelled one is ignored.
    pub(crate) fn cancel(&mut self, key: TimerKey) {
        let Some(slot) = self.slot_mut(key) else { return };
        slot.waker = None;
        let callback = slot.callback;
        let bucket = &mut self.buckets[key.bucket as usize];
        bucket.live -= 1;
        bucket.callbacks -= u32::from(callback);
        if bucket.live == 0 {
            let mut items = self.free_bucket(key.bucket);
            items.clear();
            self.spare.push(items);
            self.drop_stale_top();
        }
    }

    /// Pops heap entries whose bucket was freed, so that the top is a live bucket.
    fn drop_stale_top(&mut self) {
        while let Some(Reverse((deadline, b, generation))) = self.order.peek() {
            let bucket = &self.buckets[*b as usize];
            if bucket.generation == *generation && bucket.deadline == *deadline {
                break;
            }
            self.order.pop();
        }
    }

    /// The earliest deadline a timer will fire at; timers at `Instant::MAX` never fire.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.order.peek().map(|Reverse((d, _, _))| *d).filter(|d| *d != Instant::MAX)
    }

    /// On whose behalf the first pending timer at the earliest deadline was set.
    pub(crate) fn next_owner(&self) -> Option<TaskId> {
        let Reverse((_, b, _)) = self.order.peek()?;
        self.buckets[*b as usize].items.iter().find(|s| s.waker.is_some()).map(|s| s.owner)
    }

    /// Number of pending timers (including never-firing ones).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        let buckets = self.by_deadline.values();
        buckets.map(|&b| self.buckets[b as usize].live as usize).sum()
    }

    /// If the earliest bucket is due at `now`, removes it and moves its timers (in
    /// registration order, cancelled ones with no waker) to the end of `out` (into an
    /// empty `out` by swapping lists, whose old one is kept for reuse), and says whether
    /// any live one runs a callback; `None` if no bucket is due.
    #[inline]
    pub(crate) fn pop_due(&mut self, now: Instant, out: &mut Vec<Slot>) -> Option<bool> {
        let &Reverse((deadline, b, _)) = self.order.peek()?;
        if deadline > now {
            return None;
        }
        self.order.pop();
        let callbacks = self.buckets[b as usize].callbacks > 0;
        let mut items = self.free_bucket(b);
        self.drop_stale_top();
        if out.is_empty() {
            self.spare.push(std::mem::replace(out, items));
        } else {
            out.append(&mut items);
            self.spare.push(items);
        }
        Some(callbacks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::task::noop_waker;

    fn owners(q: &mut TimerQueue, now: Instant) -> Vec<u64> {
        let mut out = Vec::new();
        while q.pop_due(now, &mut out).is_some() {}
        out.iter().filter(|s| s.waker.is_some()).map(|s| s.owner.0).collect()
    }

    #[test]
    fn fires_by_deadline_then_registration_order() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        q.insert(Instant::from_secs(2), (TaskId(1), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(1), (TaskId(2), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(2), (TaskId(3), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(1), (TaskId(4), usize::MAX), w.clone(), false);
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(1)));
        assert_eq!(q.next_owner(), Some(TaskId(2)));
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
        let a = q.insert(Instant::from_secs(1), (TaskId(1), usize::MAX), w.clone(), false);
        let b = q.insert(Instant::from_secs(2), (TaskId(2), usize::MAX), w.clone(), false);
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
        let a = q.insert(Instant::from_secs(1), (TaskId(1), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(1), (TaskId(9), usize::MAX), w.clone(), false);
        q.cancel(a);
        // Slot of `a` is reused by a later timer at another deadline.
        let c = q.insert(Instant::from_secs(5), (TaskId(3), usize::MAX), w.clone(), false);
        assert_ne!(a, c);
        assert_eq!(owners(&mut q, Instant::from_secs(1)), vec![9]);
        assert_eq!(owners(&mut q, Instant::from_secs(5)), vec![3]);
    }

    #[test]
    fn a_bucket_emptied_and_refilled_ignores_stale_keys() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        let a = q.insert(Instant::from_secs(3), (TaskId(1), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(5), (TaskId(2), usize::MAX), w.clone(), false);
        q.cancel(a);
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(5)));
        let b = q.insert(Instant::from_secs(3), (TaskId(3), usize::MAX), w.clone(), false);
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
    fn alternating_deadlines_and_reused_buckets_keep_their_timers_apart() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        let (d1, d2, d3) = (Instant::from_secs(1), Instant::from_secs(2), Instant::from_secs(3));
        for owner in 1..=4 {
            let d = if owner % 2 == 1 { d1 } else { d2 };
            q.insert(d, (TaskId(owner), usize::MAX), w.clone(), false);
        }
        assert_eq!(owners(&mut q, d1), vec![1, 3]);
        // d1's bucket is freed and its slab index reused for d3: the remembered (d1, index)
        // pair is stale by generation, so a new d1 timer gets a bucket of its own.
        q.insert(d3, (TaskId(5), usize::MAX), w.clone(), false);
        q.insert(d1, (TaskId(6), usize::MAX), w.clone(), false);
        q.insert(d2, (TaskId(7), usize::MAX), w.clone(), false);
        assert_eq!(q.next_deadline(), Some(d1));
        assert_eq!(owners(&mut q, d1), vec![6]);
        assert_eq!(owners(&mut q, d2), vec![2, 4, 7]);
        assert_eq!(owners(&mut q, d3), vec![5]);
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn every_due_bucket_pops_at_once_in_deadline_order() {
        let mut q = TimerQueue::default();
        let w = noop_waker();
        q.insert(Instant::from_secs(3), (TaskId(1), usize::MAX), w.clone(), true);
        q.insert(Instant::from_secs(1), (TaskId(2), usize::MAX), w.clone(), false);
        q.insert(Instant::from_secs(2), (TaskId(3), usize::MAX), w.clone(), true);
        q.insert(Instant::from_secs(9), (TaskId(4), usize::MAX), w.clone(), false);
        let mut out = Vec::new();
        let mut callbacks = false;
        while let Some(c) = q.pop_due(Instant::from_secs(5), &mut out) {
            callbacks |= c;
        }
        assert!(callbacks);
        let got: Vec<(u64, bool)> = out.iter().map(|s| (s.owner.0, s.callback)).collect();
        assert_eq!(got, vec![(2, false), (3, true), (1, true)]);
        assert_eq!(q.next_deadline(), Some(Instant::from_secs(9)));
    }

    #[test]
    fn max_deadline_never_counts_as_next() {
        let mut q = TimerQueue::default();
        q.insert(Instant::MAX, (TaskId(1), usize::MAX), noop_waker(), false);
        assert_eq!(q.next_deadline(), None);
        assert_eq!(q.len(), 1);
    }
}
