//! Tasks: spawned futures, their handles, their outcomes and done callbacks.
//!
//! A [`Task<T>`](join::Task) is asyncio's `Task`: awaiting it gives the output or a
//! [`TaskError`](error::TaskError); `cancel()` takes effect at the task's next turn in the
//! ready queue; dropping the handle does *not* cancel the task (the runtime keeps it, as
//! asyncio's loop does); `result()` reads a finished task without awaiting. Done callbacks
//! run in registration order, each as its own queued step.
//!
//! # Glossary: the parts of a task
//!
//! | part | file | what it is |
//! |---|---|---|
//! | [`TaskId`](id::TaskId) | `id.rs` | a task's number in its runtime: main is 1, spawned tasks count from 2 (asyncio's `Task-2`, ...); 0 is "no task" (a callback step) |
//! | `TaskKey` | `id.rs` | what async-task's `Runnable` carries: the id, the slot in the runtime's task table, the runtime's id |
//! | `Header` | `header.rs` | the type-independent state every handle shares: state, cancel request, name, spawn site, what the task waits on, its awaiters and done callbacks |
//! | `TaskCore<T>` | `core.rs` | the header plus the typed outcome slot, in one allocation (`Rc`) shared by the runtime and every handle |
//! | `ErasedTask` | `core.rs` | the runtime's untyped view of a `TaskCore<T>` |
//! | `TaskFuture` | `harness.rs` | what async-task polls: the user's future wrapped with cancellation, panic capture, tracing and completion |
//! | [`Task<T>`](join::Task), [`Join`](join::Join) | `join.rs` | the typed handle, awaited by value or by reference |
//! | [`TaskRef`](task_ref::TaskRef) | `task_ref.rs` | the untyped handle: what done callbacks receive and collections hold |
//! | `request_cancel` | `cancel.rs` | asking for a cancellation, as every handle and combinator does |
//! | [`CancelTarget`](target::CancelTarget) | `target.rs` | what a parked task's cancellation is passed on to (asyncio's `_fut_waiter`): an awaited task or gather |
//! | [`await_target`](forward::await_target) | `forward.rs` | how a future names its target, and how a forwarded cancellation comes back |
//! | [`catch_cancel`](scope::catch_cancel), [`Cancelled`](scope::Cancelled) | `scope.rs` | cancel scopes: where a cancellation is delivered, caught, cleaned up after, re-raised or refused |
//!
//! # States
//!
//! A task is [`Pending`](state::TaskState::Pending) from spawn until its future returns
//! ([`Finished`](state::TaskState::Finished)), panics
//! ([`Panicked`](state::TaskState::Panicked)) or is dropped by a cancellation
//! ([`Cancelled`](state::TaskState::Cancelled)); a task still pending when `block_on`
//! returns is destroyed and counts as cancelled. While pending it is either queued (a
//! `Runnable` in the ready queue) or parked, and then [`WaitOn`](state::WaitOn) says on
//! what: a timer, another task, `wait_all_tasks_blocked`, or a future simloop does not
//! know. Its outcome is taken once by value (`task.await`, `take_result()`), or read by
//! clone (`result()`, `(&task).await`); an error stays readable.
//!
//! A cancellation request counts (`cancelling()`, withdrawn by `uncancel()`, as asyncio
//! 3.11 counts them) and waits (`must_cancel`) for the task's next turn; there it goes to
//! the innermost cancel scope active in the task, or drops the task's future if none is.

pub(crate) mod cancel;
pub(crate) mod cancel_count;
pub(crate) mod core;
pub(crate) mod error;
pub(crate) mod forward;
pub(crate) mod harness;
pub(crate) mod header;
pub(crate) mod id;
pub(crate) mod join;
pub(crate) mod scope;
pub(crate) mod state;
pub(crate) mod target;
pub(crate) mod task_ref;
