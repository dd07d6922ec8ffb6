//! Spawning tasks and asking about the current one: asyncio's `create_task`,
//! `current_task`, `Task.get_name`.

use std::future::Future;
use std::panic::Location;

use crate::context;
use crate::error::ContextError;
use crate::task::id::TaskId;
use crate::task::join::Task;
use crate::task::task_ref::TaskRef;

/// Spawns `future` as a new task (asyncio's `create_task`). It first runs after the
/// current step yields, after every task spawned before it.
///
/// Dropping the returned handle does not cancel the task.
///
/// ```
/// use simloop_executor::{log, run, spawn};
/// run(async {
///     let a = spawn(async { log!("a runs second") });
///     log!("main runs first");
///     a.await.unwrap();
/// });
/// ```
///
/// # Panics
/// Outside a simloop runtime; [`try_spawn`] returns that as an error.
#[track_caller]
pub fn spawn<F>(future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let site = Location::caller();
    context::expect("spawn()", |rt| rt.spawn(future, None, site))
}

/// Spawns a task with a name (asyncio's `create_task(coro, name=...)`); the name appears
/// in traces and failure reports.
///
/// # Panics
/// Outside a simloop runtime.
#[track_caller]
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let site = Location::caller();
    let name = name.into();
    context::expect("spawn_named()", |rt| rt.spawn(future, Some(name.into()), site))
}

/// Like [`spawn`], but outside a runtime returns an error instead of panicking.
#[track_caller]
pub fn try_spawn<F>(future: F) -> Result<Task<F::Output>, ContextError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let site = Location::caller();
    context::try_with("try_spawn()", |rt| rt.spawn(future, None, site))
}

/// Like [`spawn_named`], but outside a runtime returns an error instead of panicking.
///
/// ```
/// let err = simloop_executor::try_spawn_named("worker", async {}).unwrap_err();
/// assert!(err.to_string().starts_with("try_spawn_named() called outside a simloop runtime"));
/// ```
#[track_caller]
pub fn try_spawn_named<F>(
    name: impl Into<String>,
    future: F,
) -> Result<Task<F::Output>, ContextError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let site = Location::caller();
    let name = name.into();
    context::try_with("try_spawn_named()", |rt| rt.spawn(future, Some(name.into()), site))
}

/// The id of the task being polled; `None` in a done callback or outside a runtime.
pub fn current_task_id() -> Option<TaskId> {
    context::with(|rt| rt.current_task()).flatten()
}

/// A reference to the task being polled (asyncio's `current_task()`).
pub fn current_task() -> Option<TaskRef> {
    context::with(|rt| rt.current_task_core()).flatten().map(TaskRef::from_erased)
}

/// The name of the task being polled: `main`, `Task-2`, ... or `(callback)` in a done
/// callback.
///
/// # Panics
/// Outside a simloop runtime.
pub fn current_task_name() -> String {
    context::expect("current_task_name()", |rt| rt.current_name())
}

/// Renames the current task (asyncio's `current_task().set_name(...)`).
///
/// # Panics
/// Outside a simloop runtime.
pub fn set_current_task_name(name: impl Into<String>) {
    let name: std::rc::Rc<str> = name.into().into();
    context::expect("set_current_task_name()", |rt| {
        if let Some(t) = rt.current_task_core() {
            t.header().set_name(name.clone());
            rt.rename(t.header().id(), name);
        }
    })
}

/// Makes the current task wait, when it finishes or is cancelled, until `task` is done
/// too: its completion (and so its awaiters) is held back until then. This is how a
/// structured-concurrency scope keeps its guarantee under cancellation: asyncio's
/// `TaskGroup` waits for its children even when the task running it is cancelled, and
/// simloop's task group, dropped by a cancellation, asks for its children's cancellation
/// and then calls this for each.
///
/// No-op outside a task, for a task that is already done, or for the current task itself.
pub fn finish_after(task: &TaskRef) {
    context::with(|rt| rt.add_lingering(task.erased()));
}
