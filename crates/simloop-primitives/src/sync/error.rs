//! The errors of the synchronization primitives and queues: asyncio's `RuntimeError`,
//! `ValueError`, `BrokenBarrierError`, `QueueFull` and `QueueEmpty`, each saying what
//! happened and what to do.

use std::fmt;

/// Misuse of a primitive (asyncio raises `RuntimeError` or `ValueError`), or a broken
/// barrier.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncError {
    /// `release()` of a lock (or `wait`/`notify` of a condition) that is not acquired
    /// (asyncio's `RuntimeError('Lock is not acquired.')`).
    NotAcquired {
        /// The primitive, as `Lock 'db'`.
        what: String,
        /// The call: `release()`, `wait()`, `notify()`.
        op: &'static str,
    },
    /// A bounded semaphore released more often than acquired (asyncio's
    /// `ValueError('BoundedSemaphore released too many times')`).
    ReleasedTooOften {
        /// The semaphore, as `BoundedSemaphore 'pool'`.
        what: String,
        /// Its initial value, which release may not exceed.
        bound: usize,
    },
    /// `task_done()` called more times than items were put (asyncio's
    /// `ValueError('task_done() called too many times')`).
    TaskDoneTooOften {
        /// The queue, as `Queue 'jobs'`.
        what: String,
    },
    /// A barrier of zero parties (asyncio's `ValueError('parties must be > 0')`).
    ZeroParties,
    /// The barrier was reset or aborted while waiting, or is broken (asyncio's
    /// `BrokenBarrierError`).
    BrokenBarrier {
        /// The barrier, as `Barrier 'start'`.
        what: String,
    },
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::NotAcquired { what, op } => write!(
                f,
                "{op} on {what}, which is not acquired (asyncio: RuntimeError): acquire it \
                 first, and release it once per acquire"
            ),
            SyncError::ReleasedTooOften { what, bound } => write!(
                f,
                "{what} released too many times: its value would exceed its bound {bound} \
                 (asyncio: ValueError); release it once per acquire"
            ),
            SyncError::TaskDoneTooOften { what } => write!(
                f,
                "task_done() on {what} called too many times (asyncio: ValueError): call it \
                 once per item taken with get()"
            ),
            SyncError::ZeroParties => f.write_str(
                "a Barrier needs at least one party (asyncio: ValueError('parties must be > \
                 0')): pass the number of tasks that will wait on it",
            ),
            SyncError::BrokenBarrier { what } => write!(
                f,
                "{what} is broken: it was reset or aborted while this task waited (asyncio: \
                 BrokenBarrierError); reset() it before waiting again"
            ),
        }
    }
}

impl std::error::Error for SyncError {}

/// `put_nowait` on a full queue (asyncio's `QueueFull`): the item comes back.
#[derive(Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

impl<T> fmt::Debug for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueFull(..)")
    }
}

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the queue is full (asyncio: QueueFull): await put() to wait for room, or give \
             the queue a larger maxsize",
        )
    }
}

impl<T> std::error::Error for QueueFull<T> {}

/// `get_nowait` on an empty queue (asyncio's `QueueEmpty`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueEmpty;

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is empty (asyncio: QueueEmpty): await get() to wait for an item")
    }
}

impl std::error::Error for QueueEmpty {}
