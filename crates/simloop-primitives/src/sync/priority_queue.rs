//! [`PriorityQueue`]: asyncio's `PriorityQueue`, a [`Queue`] whose `get` takes the
//! smallest item first (a binary heap; asyncio's `heapq`). Items of equal priority come
//! out in an order the heap decides, as in asyncio: put `(priority, sequence, item)` if
//! you need FIFO among equals. Waking, cancellation, `task_done` and `join` are the
//! queue's.
//!
//! ```
//! use simloop_executor::Runtime;
//! use simloop_primitives::sync::PriorityQueue;
//!
//! Runtime::new().block_on(async {
//!     let q = PriorityQueue::new(0);
//!     for job in [(3, "low"), (1, "urgent"), (2, "normal")] {
//!         q.put(job).await;
//!     }
//!     assert_eq!(q.get().await, (1, "urgent"));
//!     assert_eq!(q.get_nowait(), Ok((2, "normal")));
//! });
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::sync::queue::{Queue, Store};

/// Smallest first: [`PriorityQueue`]'s store.
#[derive(Debug)]
pub struct Heap<T: Ord>(BinaryHeap<Reverse<T>>);

impl<T: Ord> Default for Heap<T> {
    fn default() -> Self {
        Heap(BinaryHeap::new())
    }
}

impl<T: Ord> Store<T> for Heap<T> {
    fn put(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn take(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// asyncio's `PriorityQueue`: smallest item first. See the [module docs](self).
///
/// A [`Queue`] with another store: every queue method is reached through `Deref`. A
/// cloneable handle.
pub struct PriorityQueue<T: Ord>(Queue<T, Heap<T>>);

impl<T: Ord> Clone for PriorityQueue<T> {
    fn clone(&self) -> Self {
        PriorityQueue(self.0.clone())
    }
}

impl<T: Ord> std::fmt::Debug for PriorityQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Ord> std::ops::Deref for PriorityQueue<T> {
    type Target = Queue<T, Heap<T>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T: Ord> PriorityQueue<T> {
    /// A queue holding at most `maxsize` items, 0 for no limit.
    pub fn new(maxsize: usize) -> Self {
        PriorityQueue(Queue::build("PriorityQueue", None, maxsize))
    }

    /// A named queue, for traces and deadlock reports.
    pub fn named(name: &str, maxsize: usize) -> Self {
        PriorityQueue(Queue::build("PriorityQueue", Some(name), maxsize))
    }

    /// Keeps this queue's operations out of the verbose trace.
    pub fn untraced(self) -> Self {
        PriorityQueue(self.0.untraced())
    }
}
