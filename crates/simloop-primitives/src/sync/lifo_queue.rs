//! [`LifoQueue`]: asyncio's `LifoQueue`, a [`Queue`] whose `get` takes the item put last.
//! Waking, cancellation, `task_done` and `join` are the queue's.
//!
//! ```
//! use simloop_executor::Runtime;
//! use simloop_primitives::sync::LifoQueue;
//!
//! Runtime::new().block_on(async {
//!     let stack = LifoQueue::new(2);
//!     stack.put("first").await;
//!     stack.put("second").await;
//!     assert!(stack.put_nowait("third").is_err()); // full: QueueFull
//!     assert_eq!(stack.get().await, "second");
//! });
//! ```

use crate::sync::queue::{Queue, Store};

/// Last in, first out: [`LifoQueue`]'s store.
#[derive(Debug)]
pub struct Stack<T>(Vec<T>);

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Stack(Vec::new())
    }
}

impl<T> Store<T> for Stack<T> {
    fn put(&mut self, item: T) {
        self.0.push(item);
    }
    fn take(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// asyncio's `LifoQueue`: last in, first out. See the [module docs](self).
///
/// A [`Queue`] with another store: every queue method is reached through `Deref`. A
/// cloneable handle.
pub struct LifoQueue<T>(Queue<T, Stack<T>>);

impl<T> Clone for LifoQueue<T> {
    fn clone(&self) -> Self {
        LifoQueue(self.0.clone())
    }
}

impl<T> std::fmt::Debug for LifoQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T> std::ops::Deref for LifoQueue<T> {
    type Target = Queue<T, Stack<T>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T> LifoQueue<T> {
    /// A queue holding at most `maxsize` items, 0 for no limit.
    pub fn new(maxsize: usize) -> Self {
        LifoQueue(Queue::build("LifoQueue", None, maxsize))
    }

    /// A named queue, for traces and deadlock reports.
    pub fn named(name: &str, maxsize: usize) -> Self {
        LifoQueue(Queue::build("LifoQueue", Some(name), maxsize))
    }

    /// Keeps this queue's operations out of the verbose trace.
    pub fn untraced(self) -> Self {
        LifoQueue(self.0.untraced())
    }
}
