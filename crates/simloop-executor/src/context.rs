//! The thread-local link from free functions (`spawn`, `sleep`, `now`, `log!`) to the
//! runtime currently driving this thread, and the verbs tasks and handles use through it.

use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::rc::{Rc, Weak};

use std::task::Waker;

use crate::error::ContextError;
use crate::runtime::inner::Inner;
use crate::task::core::ErasedTask;
use crate::task::header::Header;
use crate::task::id::TaskId;
use crate::task::state::WaitOn;
use crate::task::target::CancelTarget;
use crate::trace::EventKind;

thread_local! {
    /// The current runtime. `ManuallyDrop` makes the slot a type without drop glue, so
    /// that every access skips the check that a destructor is registered (a few
    /// instructions on each of the several accesses per event); [`EnterGuard`] drops each
    /// value it replaces, and restores `None` when the outermost guard ends, so nothing
    /// is left to drop when the thread exits.
    static CURRENT: RefCell<Option<ManuallyDrop<Rc<Inner>>>> = const { RefCell::new(None) };
}

/// Runs `f` with the current runtime, or returns `None` outside any runtime.
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(&Rc<Inner>) -> R) -> Option<R> {
    CURRENT.try_with(|c| c.borrow().as_deref().map(f)).ok().flatten()
}

/// Runs `f` with the current runtime, or reports which operation needed one.
#[inline]
pub(crate) fn try_with<R>(
    op: &'static str,
    f: impl FnOnce(&Rc<Inner>) -> R,
) -> Result<R, ContextError> {
    with(f).ok_or(ContextError::NoRuntime { op })
}

/// Like [`try_with`], panicking with the error's message (which names the fix).
#[track_caller]
#[inline]
pub(crate) fn expect<R>(op: &'static str, f: impl FnOnce(&Rc<Inner>) -> R) -> R {
    match with(f) {
        Some(r) => r,
        None => no_runtime(op),
    }
}

/// The panic of [`expect`] outside a runtime, kept out of the callers' fast path.
#[cold]
#[inline(never)]
#[track_caller]
fn no_runtime(op: &'static str) -> ! {
    panic!("{}", ContextError::NoRuntime { op })
}

/// Whether this thread is inside a runtime.
pub(crate) fn is_set() -> bool {
    with(|_| ()).is_some()
}

/// Makes `rt` current until the guard drops; the previous one (if any) is restored.
pub(crate) fn enter(rt: &Rc<Inner>) -> EnterGuard {
    let prev = CURRENT.with(|c| c.replace(Some(ManuallyDrop::new(rt.clone()))));
    EnterGuard { prev: prev.map(ManuallyDrop::into_inner) }
}

/// Restores the previously current runtime on drop.
pub(crate) struct EnterGuard {
    prev: Option<Rc<Inner>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take().map(ManuallyDrop::new);
        let replaced = CURRENT.with(|c| c.replace(prev));
        drop(replaced.map(ManuallyDrop::into_inner));
    }
}

/// Records an event for `task` if a runtime with tracing is current.
#[inline]
pub(crate) fn record(task: TaskId, kind: EventKind) {
    with(|rt| rt.record(task, kind));
}

/// Notes what the task being polled waits on (no-op outside a poll).
#[inline]
pub(crate) fn note_wait(on: WaitOn) {
    with(|rt| rt.note_wait(on));
}

/// Notes that the task being polled awaits a cancel target (no-op outside a poll).
#[inline]
pub(crate) fn note_target(on: Option<WaitOn>, target: Weak<dyn CancelTarget>) {
    with(|rt| rt.note_target(on, target));
}

/// Schedules `f` as its own step at the back of the ready queue.
pub(crate) fn call_soon_for(owner: TaskId, f: Box<dyn FnOnce()>) {
    with(|rt| rt.call_soon(owner, f));
}

/// Remembers a panicked task, to report it at the end if nobody retrieves the panic.
pub(crate) fn note_failed(task: Rc<dyn ErasedTask>) {
    with(|rt| rt.note_failed(task));
}

/// At the end of a task poll that left it pending: records what it waits on.
#[inline]
pub(crate) fn end_poll(header: &Header) {
    with(|rt| rt.end_poll(header));
}

/// Whether the task must still wait for a task it outlives (see `finish_after`).
pub(crate) fn still_lingering(header: &Header, waker: &Waker) -> bool {
    with(|rt| rt.still_lingering(header, waker)) == Some(true)
}

/// Tells the loop that the task being polled completed.
#[inline]
pub(crate) fn task_done() {
    with(|rt| rt.task_done());
}

/// The id of the task being polled, if any.
pub(crate) fn current_task() -> Option<TaskId> {
    with(|rt| rt.current_task()).flatten()
}

/// The `cancelling()` count of the task being polled (0 outside a task poll).
#[inline]
pub(crate) fn current_cancelling() -> u32 {
    with(|rt| rt.current_cancelling()).unwrap_or(0)
}

/// The task being polled, if any.
pub(crate) fn current_task_core() -> Option<Rc<dyn ErasedTask>> {
    with(|rt| rt.current_task_core()).flatten()
}

/// Records a task's new name, if a runtime is current.
pub(crate) fn rename(task: TaskId, name: Rc<str>) {
    with(|rt| rt.rename(task, name));
}
