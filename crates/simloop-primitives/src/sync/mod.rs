//! asyncio's synchronization primitives and queues (`asyncio.Lock`, `Event`, `Condition`,
//! `Semaphore`, `BoundedSemaphore`, `Barrier`, `Queue`, `PriorityQueue`, `LifoQueue`),
//! with CPython 3.11's waiter bookkeeping reproduced step for step: who is woken, in which
//! order, and after how many loop steps. One file per primitive:
//!
//! | asyncio | simloop | file |
//! |---|---|---|
//! | `Lock()`, `async with lock` | [`Lock`], [`Lock::lock`] → [`LockGuard`] | `lock.rs` |
//! | `Event()` | [`Event`] | `event.rs` |
//! | `Condition(lock=None)` | [`Condition`] | `condition.rs` |
//! | `Semaphore(n)` | [`Semaphore`] | `semaphore.rs` |
//! | `BoundedSemaphore(n)` | [`BoundedSemaphore`] | `bounded_semaphore.rs` |
//! | `Barrier(n)` | [`Barrier`] | `barrier.rs` |
//! | `Queue(maxsize)` | [`Queue`] | `queue.rs` |
//! | `PriorityQueue(maxsize)` | [`PriorityQueue`] | `priority_queue.rs` |
//! | `LifoQueue(maxsize)` | [`LifoQueue`] | `lifo_queue.rs` |
//! | `RuntimeError`, `ValueError`, `QueueFull`, `QueueEmpty`, `BrokenBarrierError` | [`SyncError`], [`QueueFull`], [`QueueEmpty`] | `error.rs` |
//!
//! How CPython's steps are reproduced (`waiter.rs`): a blocked call appends a waiter
//! (asyncio's `loop.create_future()`) to the primitive's deque and its task waits; giving
//! the waiter its result wakes the task, which resumes one step later, as asyncio's
//! `set_result` schedules the task's wakeup. Uncontended calls never yield.
//!
//! Cancellation is Rust's: a waiting future dropped (the task cancelled, a timeout
//! expired, a cancel scope caught the cancellation) leaves the deque and hands on what it
//! was already given, as CPython's `except CancelledError` branches do. asyncio marks a
//! waiter cancelled at the moment of `task.cancel()`; simloop drops it at the task's next
//! turn, and treats the waiter of a task whose cancellation is pending as done in the
//! meantime ([`simloop_executor::cancel_pending`]), so a release passes it over exactly
//! as CPython's does.
//!
//! Every primitive can be named (`Lock::named("db")`): its operations appear in the
//! verbose trace (`acquire Lock 'db'`, never in the canonical text), unless made
//! `untraced()`, and a deadlock report follows it: "bob waits for Lock 'db' held by alice;
//! alice waits for Event 'ready' that nobody can set anymore".

pub mod barrier;
pub mod bounded_semaphore;
pub mod condition;
pub mod error;
pub mod event;
pub mod lifo_queue;
pub mod lock;
pub mod priority_queue;
pub mod queue;
pub mod semaphore;
mod waiter;

pub use barrier::Barrier;
pub use bounded_semaphore::BoundedSemaphore;
pub use condition::Condition;
pub use error::{QueueEmpty, QueueFull, SyncError};
pub use event::{Event, EventWait};
pub use lifo_queue::{LifoQueue, Stack};
pub use lock::{Acquire, Lock, LockGuard};
pub use priority_queue::{Heap, PriorityQueue};
pub use queue::{Fifo, Get, Join, Put, Queue, Store};
pub use semaphore::{Semaphore, SemaphoreAcquire};
