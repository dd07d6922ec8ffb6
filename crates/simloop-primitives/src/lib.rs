//! asyncio's high-level primitives on the simloop runtime, with CPython's semantics made
//! exact on the virtual clock: [`gather`](fn@gather) / [`try_gather`](fn@try_gather),
//! [`TaskGroup`], [`timeout`] / [`timeout_at`] / [`wait_for`], [`wait`],
//! [`as_completed`] and [`shield`].
//!
//! Each primitive lives in its own module, whose docs explain it with a runnable example;
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
//! resumes one step later, as in asyncio.

#![forbid(unsafe_code)]

mod as_completed;
mod error;
mod gather;
mod shield;
mod task_group;
mod timeout;
mod wait;
mod wait_for;

pub use as_completed::{as_completed, AsCompleted};
pub use error::{ChildError, Elapsed, TaskGroupError};
pub use gather::{gather, try_gather, Gather, IntoTask, TryGather};
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
    pub use crate::gather::{
        is_failure, never_fails, Core, GatherTuple, Slot, TakeAll, TryGatherTuple, TryTakeAll,
        ViaFuture, ViaTask, Wrap,
    };
}
