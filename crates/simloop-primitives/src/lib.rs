//! asyncio's high-level primitives on the simloop runtime, with CPython's semantics made
//! exact on the virtual clock. One module per primitive, each with its rules and a
//! runnable example:
//!
//! | module | asyncio | what |
//! |---|---|---|
//! | [`mod@gather`] | `gather(*aws, return_exceptions=...)` | [`gather()`](fn@gather), [`try_gather()`](fn@try_gather), [`gather!`], [`try_gather!`] |
//! | [`mod@task_group`] | `async with TaskGroup() as tg` | [`task_group()`](fn@task_group), [`TaskGroup`], [`GroupTask`] |
//! | [`mod@timeout`] | `async with timeout(d)`, `timeout_at(t)`, `Timeout` | [`timeout()`](fn@timeout), [`timeout_at()`](fn@timeout_at), [`Timeout`] |
//! | [`mod@wait_for`] | `wait_for(aw, timeout)` | [`wait_for()`](fn@wait_for) |
//! | [`mod@wait`] | `wait(tasks, timeout=, return_when=)` | [`wait()`](fn@wait), [`ReturnWhen`] |
//! | [`mod@as_completed`] | `as_completed(aws, timeout=)` | [`as_completed()`](fn@as_completed) |
//! | [`mod@loop_future`] | `loop.create_future()`, `Future` | [`LoopFuture`], [`create_future()`](fn@create_future) |
//! | [`mod@shield`] | `shield(aw)` | [`shield()`](fn@shield) |
//! | [`mod@sync`] | `Lock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Barrier`, `Queue`, `PriorityQueue`, `LifoQueue` | [`sync::Lock`], [`sync::Event`], [`sync::Queue`], ... |
//! | [`mod@error`] | `ExceptionGroup`, `TimeoutError` | [`ChildError`], [`TaskGroupError`], [`Elapsed`] |
//!
//! `docs/asyncio-to-simloop.md` at the repository root maps every asyncio call to its
//! simloop counterpart.
//!
//! The error model, for porting asyncio code: a child "raises" by returning `Err(e)`; a
//! panic or a cancellation is a failure too. [`ChildError`] carries either.
//! Cancellation is Rust's: dropping a future cancels it, and the executor's
//! `Task::cancel` drops the task's future at its next turn.
//!
//! Ordering within one instant follows CPython's callback queue step for step: a child's
//! completion is processed by a done callback that runs as its own step, and the awaiter
//! resumes one step later, as in asyncio. Each module says where Rust's drop-based
//! cancellation makes a difference.

#![forbid(unsafe_code)]

pub mod as_completed;
pub mod error;
pub mod future_error;
pub mod gather;
mod gather_macros;
pub mod loop_future;
pub mod shield;
pub mod sync;
pub mod task_group;
pub mod timeout;
pub mod wait;
pub mod wait_for;

pub use as_completed::{as_completed, AsCompleted};
pub use error::{ChildError, Elapsed, TaskGroupError};
pub use future_error::{FutureError, FutureState, InvalidStateError};
pub use gather::{gather, try_gather, Gather, IntoTask, TryGather};
pub use loop_future::{create_future, CallbackId, FutureWait, LoopFuture};
pub use shield::{shield, Shield};
pub use task_group::{
    task_group, ChildOutput, GroupTask, TaskGroup, TaskGroupClosed, TaskGroupRun,
};
pub use timeout::{timeout, timeout_at, Timeout, TimeoutFuture};
pub use wait::{wait, ReturnWhen, TaskOutput, Wait};
pub use wait_for::{wait_for, WaitFor};

/// What the macros call; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::gather::{is_failure, never_fails, Core, Slot};
    pub use crate::gather_macros::{
        GatherTuple, TakeAll, TryGatherTuple, TryTakeAll, ViaFuture, ViaTask, Wrap,
    };
}
