//! `TaskGroup`: structured concurrency as asyncio 3.11+ does it.
//!
//! [`task_group(body)`](task_group) runs `body` with a [`TaskGroup`] handle, then waits
//! for every child the body (or any child) spawned into the group:
//!
//! - The first failing child (it returned `Err(e)`, or panicked) **cancels every other
//!   child and the body** at that instant: the body's future is dropped at the parent's
//!   next turn, the children's at theirs.
//! - Every failure that happens before the cancellation completes comes back together in
//!   a [`TaskGroupError`] (asyncio's `ExceptionGroup`): children's errors in the order their
//!   completion was processed, then the body's own `Err` last.
//! - A body that returns `Err(e)` cancels the children too (but is not itself cancelled).
//! - Children may spawn more children into the same group (clone the handle), even after
//!   the body has returned; the group waits for them all. Spawning after the group ended
//!   is an error ([`TaskGroupClosed`]).
//! - [`GroupTask`] handles read their child's value with [`GroupTask::result`] once the
//!   group has ended (the guide's `.result()`), or by awaiting (the guide's `await`).
//!
//! Children return `Result<T, E>` (one `E` per group) or `()`; see [`ChildOutput`].
//! Timing follows CPython: a child's completion is processed by a done callback running as
//! its own step (asyncio's `_on_task_done`), and the parent resumes one step later.
//!
//! Cancelled from outside, the group does what asyncio's `__aexit__` does: the body ends
//! (unless a cancel scope in it keeps the cancellation), the group cancels its children
//! and waits for their cleanup, then passes the cancellation on, or, if a child failed
//! meanwhile, returns the [`TaskGroupError`] and the task goes on (errors win over the
//! cancellation; case `cx_16`). Only a group dropped by Rust code (a `select!` that took
//! another branch) cannot wait: it requests its children's cancellation and its task
//! completes only once they are done ([`simloop_executor::finish_after`]), so no child
//! outlives the group's owner.
//!
//! ```
//! use simloop_executor::{log, sleep, Runtime};
//! use simloop_primitives::task_group;
//! use std::time::Duration;
//!
//! async fn say_after(delay: u64, what: &str) {
//!     sleep(Duration::from_secs(delay)).await;
//!     log!("{what}");
//! }
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     task_group(|tg| async move {
//!         tg.spawn(say_after(1, "hello"));
//!         tg.spawn(say_after(2, "world"));
//!         Ok::<_, std::convert::Infallible>(())
//!     })
//!     .await
//!     .unwrap();
//!     log!("both done");
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  1.000s  Task-2       hello
//! \x20  2.000s  Task-3       world
//! \x20  2.000s  main         both done
//! -- elapsed 2.000s");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::FutureExt;
use simloop_executor::{
    cancel_inner_scopes, current_task, library_scope, scope_mark, spawn, spawn_named, LibraryScope,
    ScopeMark, Task, TaskError, TaskRef,
};

use crate::error::{ChildError, TaskGroupError};
use crate::gather::cancel_and_outlive;

/// What a task-group child may return: `Result<T, E>` (an `Err` is a failure that cancels
/// the group) or `()` (never fails, except by panicking).
pub trait ChildOutput<E> {
    /// The value of a successful child.
    type Ok;
    /// The output as a `Result`.
    fn into_result(self) -> Result<Self::Ok, E>;
}

impl<T, E> ChildOutput<E> for Result<T, E> {
    type Ok = T;
    fn into_result(self) -> Result<T, E> {
        self
    }
}

impl<E> ChildOutput<E> for () {
    type Ok = ();
    fn into_result(self) -> Result<(), E> {
        Ok(())
    }
}

/// Why a child could not be spawned into a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskGroupClosed {
    /// The group has ended: every child finished and the group returned.
    Finished,
    /// A child failed and the group is cancelling the others.
    ShuttingDown,
}

impl fmt::Display for TaskGroupClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskGroupClosed::Finished => f.write_str(
                "TaskGroup is finished: spawn children while the group runs (from its body \
                 or from another child), or use simloop::spawn for a detached task",
            ),
            TaskGroupClosed::ShuttingDown => f.write_str(
                "TaskGroup is shutting down after a child failed: no new children are \
                 accepted; handle the TaskGroupError the group returns",
            ),
        }
    }
}

impl std::error::Error for TaskGroupClosed {}

struct State<E> {
    /// Live children, in spawn order (removed by their done callbacks).
    tasks: Vec<TaskRef>,
    errors: Vec<ChildError<E>>,
    aborting: bool,
    cancel_body: bool,
    /// The group's cancellation of its body was passed on to what the body awaits
    /// (asyncio's `_parent_cancel_requested`, forwarded): when it comes back to the
    /// group's scope it is the group's own, withdrawn rather than propagated.
    forwarded_body_cancel: bool,
    finished: bool,
    waker: Option<Waker>,
    /// The task running the group (set at its first poll).
    parent: Option<TaskRef>,
}

impl<E> State<E> {
    /// [`State::abort`] unless the group is aborting already (`None` then).
    fn abort_once(&mut self) -> Option<Vec<TaskRef>> {
        (!self.aborting).then(|| self.abort())
    }

    /// Cancels every unfinished child, in spawn order (asyncio's `_abort`).
    fn abort(&mut self) -> Vec<TaskRef> {
        self.aborting = true;
        self.tasks.iter().filter(|t| !t.is_done()).cloned().collect()
    }
}

/// The handle a task group's body and children spawn children with (asyncio's
/// `TaskGroup`). Clone it to give it to children.
pub struct TaskGroup<E> {
    state: Rc<RefCell<State<E>>>,
}

impl<E> Clone for TaskGroup<E> {
    fn clone(&self) -> Self {
        TaskGroup { state: self.state.clone() }
    }
}

impl<E> fmt::Debug for TaskGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.borrow();
        f.debug_struct("TaskGroup")
            .field("live", &s.tasks.len())
            .field("errors", &s.errors.len())
            .field("aborting", &s.aborting)
            .field("finished", &s.finished)
            .finish()
    }
}

impl<E: 'static> TaskGroup<E> {
    /// Spawns a child into the group (asyncio's `tg.create_task`).
    ///
    /// # Panics
    /// If the group has finished or is shutting down ([`TaskGroup::try_spawn`] returns
    /// that as an error), or outside a simloop runtime.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> GroupTask<<F::Output as ChildOutput<E>>::Ok>
    where
        F: Future + 'static,
        F::Output: ChildOutput<E>,
    {
        self.try_spawn(future).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Spawns a named child into the group (asyncio's `tg.create_task(coro, name=...)`).
    ///
    /// # Panics
    /// As [`TaskGroup::spawn`].
    #[track_caller]
    pub fn spawn_named<F>(
        &self,
        name: impl Into<String>,
        future: F,
    ) -> GroupTask<<F::Output as ChildOutput<E>>::Ok>
    where
        F: Future + 'static,
        F::Output: ChildOutput<E>,
    {
        self.try_spawn_inner(Some(name.into()), future).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`TaskGroup::spawn`], returning an error if the group no longer accepts
    /// children.
    #[track_caller]
    pub fn try_spawn<F>(
        &self,
        future: F,
    ) -> Result<GroupTask<<F::Output as ChildOutput<E>>::Ok>, TaskGroupClosed>
    where
        F: Future + 'static,
        F::Output: ChildOutput<E>,
    {
        self.try_spawn_inner(None, future)
    }

    #[track_caller]
    fn try_spawn_inner<F>(
        &self,
        name: Option<String>,
        future: F,
    ) -> Result<GroupTask<<F::Output as ChildOutput<E>>::Ok>, TaskGroupClosed>
    where
        F: Future + 'static,
        F::Output: ChildOutput<E>,
    {
        {
            let s = self.state.borrow();
            if s.finished {
                return Err(TaskGroupClosed::Finished);
            }
            if s.aborting {
                return Err(TaskGroupClosed::ShuttingDown);
            }
        }
        let future = future.map(ChildOutput::into_result);
        let task: Task<Result<_, E>> = match name {
            Some(n) => spawn_named(n, future),
            None => spawn(future),
        };
        let r = task.as_ref();
        self.state.borrow_mut().tasks.push(r.clone());
        let slot: Slot<_> = Rc::new(RefCell::new(None));
        let (state, out) = (self.state.clone(), slot.clone());
        r.add_done_callback(move |done| on_task_done(&state, done, task, &out));
        Ok(GroupTask { task: r, slot, waker_slot: None })
    }
}

/// A child's outcome once the group processed it, and where its failure sits in the
/// group's errors (for [`GroupTask::error_in`]).
struct Done<T> {
    out: Result<T, TaskError>,
    error_at: Option<usize>,
}

type Slot<T> = Rc<RefCell<Option<Done<T>>>>;

/// A child's done callback, run as its own step (asyncio's `TaskGroup._on_task_done`).
fn on_task_done<T: 'static, E: 'static>(
    state: &Rc<RefCell<State<E>>>,
    done: &TaskRef,
    task: Task<Result<T, E>>,
    slot: &Slot<T>,
) {
    let (error, out) = match task.take_result() {
        Ok(Ok(v)) => (None, Ok(v)),
        Ok(Err(e)) => (
            Some(ChildError::Raised(e)),
            Err(TaskError::InvalidState(format!(
                "task {} failed: its error is in the TaskGroupError the group returned; \
                 read it with GroupTask::error_in(&group_error)",
                done.name()
            ))),
        ),
        Err(TaskError::Cancelled) => (None, Err(TaskError::Cancelled)),
        Err(e) => (Some(ChildError::Task(e.clone())), Err(e)),
    };
    let mut wake = None;
    let mut cancel = Vec::new();
    let mut cancel_parent = false;
    {
        let mut s = state.borrow_mut();
        let error_at = error.is_some().then_some(s.errors.len());
        *slot.borrow_mut() = Some(Done { out, error_at });
        s.tasks.retain(|t| !t.ptr_eq(done));
        if s.tasks.is_empty() {
            wake = s.waker.take();
        }
        if let Some(e) = error {
            s.errors.push(e);
            if !s.aborting && !s.finished {
                cancel = s.abort();
                cancel_parent = true;
            }
        }
    }
    for t in &cancel {
        t.cancel();
    }
    if cancel_parent {
        // asyncio's `parent_task.cancel()`: a body parked on one task or gather has the
        // cancellation passed on to it at once; otherwise the body is cancelled at the
        // parent's next turn.
        let parent = state.borrow().parent.clone();
        let forwarded = parent.is_some_and(|p| p.forward_cancel());
        let mut s = state.borrow_mut();
        if forwarded {
            s.forwarded_body_cancel = true;
        } else {
            s.cancel_body = true;
            wake = wake.or_else(|| s.waker.take());
        }
    }
    if let Some(w) = wake {
        w.wake();
    }
}

/// A child of a [`TaskGroup`]: read its value with [`GroupTask::result`] after the group
/// ended, or await it.
///
/// A child that failed gives `Err(TaskError::InvalidState)`: its error went to the
/// group's [`TaskGroupError`], where [`GroupTask::error_in`] finds it.
pub struct GroupTask<T> {
    task: TaskRef,
    slot: Slot<T>,
    waker_slot: Option<usize>,
}

impl<T> GroupTask<T> {
    /// The task, to inspect or cancel it.
    pub fn task(&self) -> &TaskRef {
        &self.task
    }

    /// The child's name.
    pub fn name(&self) -> String {
        self.task.name()
    }

    /// Whether the child is done and the group has processed its completion.
    pub fn is_done(&self) -> bool {
        self.slot.borrow().is_some()
    }

    /// Requests the child's cancellation (see `Task::cancel`); a cancelled child is not a
    /// failure of the group.
    pub fn cancel(&self) -> bool {
        self.task.cancel()
    }

    /// Takes the child's value (once); `Err(InvalidState)` while pending.
    pub fn take_result(&self) -> Result<T, TaskError> {
        let mut slot = self.slot.borrow_mut();
        match slot.as_mut() {
            None => Err(self.pending()),
            Some(done) => std::mem::replace(
                &mut done.out,
                Err(TaskError::InvalidState(format!(
                    "the result of task {} was already taken",
                    self.task.name()
                ))),
            ),
        }
    }

    /// The child's own failure in the error its group returned (asyncio's
    /// `task.exception()` after `except* ...`): `None` if the child did not fail (it
    /// returned a value or was cancelled) or is not done yet. Pass the error of this
    /// child's own group.
    ///
    /// ```
    /// use simloop_executor::Runtime;
    /// use simloop_primitives::{task_group, ChildError, TaskGroup};
    ///
    /// Runtime::new().block_on(async {
    ///     let mut handles = Vec::new();
    ///     let group_error = task_group(|tg: TaskGroup<String>| {
    ///         handles.push(tg.spawn(async { Ok::<u8, String>(1) }));
    ///         handles.push(tg.spawn(async { Err::<u8, String>("disk full".into()) }));
    ///         async { Ok(()) }
    ///     })
    ///     .await
    ///     .unwrap_err();
    ///     assert_eq!(handles[0].error_in(&group_error), None);
    ///     assert_eq!(
    ///         handles[1].error_in(&group_error),
    ///         Some(&ChildError::Raised("disk full".to_string()))
    ///     );
    /// });
    /// ```
    pub fn error_in<'a, E>(&self, group_error: &'a TaskGroupError<E>) -> Option<&'a ChildError<E>> {
        let at = self.slot.borrow().as_ref()?.error_at?;
        group_error.errors().get(at)
    }

    fn pending(&self) -> TaskError {
        TaskError::InvalidState(format!(
            "result() called on task {} while it is still pending: read it after the \
             task group has ended, or await the task",
            self.task.name()
        ))
    }
}

impl<T: Clone> GroupTask<T> {
    /// The child's value once the group has processed its completion (asyncio's
    /// `Task.result()`, valid for every child once the group ended).
    pub fn result(&self) -> Result<T, TaskError> {
        self.slot.borrow().as_ref().map_or_else(|| Err(self.pending()), |d| d.out.clone())
    }
}

impl<T> Future for GroupTask<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(i) = this.waker_slot.take() {
            this.task.remove_waker(i);
        }
        if this.slot.borrow().is_some() {
            return Poll::Ready(this.take_result());
        }
        // The group's callback was registered first, so it runs before this waker's step.
        this.waker_slot = this.task.add_done_waker(cx.waker().clone());
        Poll::Pending
    }
}

impl<T> Drop for GroupTask<T> {
    fn drop(&mut self) {
        // An awaiter that gives up (it was cancelled) cancels the child it awaited, as
        // asyncio's `Task.cancel()` cancels the future its task waits on.
        if let Some(i) = self.waker_slot.take() {
            self.task.remove_waker(i);
            if !self.task.is_done() {
                self.task.cancel();
            }
        }
    }
}

impl<T> fmt::Debug for GroupTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupTask").field("task", &self.task).finish()
    }
}

/// Runs `body` with a new [`TaskGroup`], then waits for every child (asyncio's
/// `async with asyncio.TaskGroup() as tg:`). Gives the body's value, or every failure
/// as a [`TaskGroupError`]. See the [module docs](self).
///
/// # Cancellation
/// Dropping the returned future before it completes drops the body and requests the
/// cancellation of every unfinished child.
pub fn task_group<B, Fut, R, E>(body: B) -> TaskGroupRun<Fut, E>
where
    B: FnOnce(TaskGroup<E>) -> Fut,
    Fut: Future<Output = Result<R, E>>,
{
    let group = TaskGroup {
        state: Rc::new(RefCell::new(State {
            tasks: Vec::new(),
            errors: Vec::new(),
            aborting: false,
            cancel_body: false,
            forwarded_body_cancel: false,
            finished: false,
            waker: None,
            parent: None,
        })),
    };
    let state = group.state.clone();
    TaskGroupRun {
        body: Some(Box::pin(body(group))),
        output: None,
        state,
        mark: None,
        body_scope: None,
        outer: None,
        cancelled_from_outside: false,
    }
}

/// Future for [`task_group`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct TaskGroupRun<Fut: Future, E> {
    body: Option<Pin<Box<Fut>>>,
    /// The body's outcome, once it has returned.
    output: Option<Fut::Output>,
    state: Rc<RefCell<State<E>>>,
    /// Where the group sits among the task's cancel scopes (taken at the first poll).
    mark: Option<ScopeMark>,
    /// Set while the body cleans up after the group cancelled it (it had cancel scopes
    /// open when a child failed).
    body_scope: Option<LibraryScope>,
    /// The group's own scope, around the body (asyncio's `__aexit__`): a cancellation of
    /// the task from outside that reaches it makes the group cancel its children, wait
    /// for them, and then pass the cancellation on (or raise their errors).
    outer: Option<LibraryScope>,
    /// The task was cancelled from outside (asyncio's `propagate_cancellation_error`).
    cancelled_from_outside: bool,
}

impl<Fut, R, E> Future for TaskGroupRun<Fut, E>
where
    Fut: Future<Output = Result<R, E>>,
{
    type Output = Result<R, TaskGroupError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.mark.is_none() {
            this.outer = library_scope(scope_mark());
            this.mark = Some(scope_mark());
            this.state.borrow_mut().parent = current_task();
        }
        if this.outer.as_ref().is_some_and(LibraryScope::take_delivery) {
            this.cancel_reached_the_group();
        }
        if let Some(body) = this.body.as_mut() {
            // After a child failed, the body is cancelled at this turn (asyncio's
            // `parent_task.cancel()`), and the group goes on waiting. With cancel scopes
            // open in the body, the innermost gets the cancellation (within this poll) and
            // the body cleans up; else the body is dropped.
            let cancel_now = this.state.borrow().cancel_body && this.body_scope.is_none();
            if cancel_now {
                if let Some(scope) = this.mark.and_then(cancel_inner_scopes) {
                    this.body_scope = Some(scope);
                    this.state.borrow_mut().waker = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            } else if this.body_scope.as_ref().is_some_and(LibraryScope::take_delivery) {
                // The body re-raised the group's cancellation: it ends here, and the
                // group withdraws its request (asyncio's `parent_task.uncancel()`). If
                // another cancellation is under way too, it goes on out.
                this.body = None;
                let scope = this.body_scope.take().expect("checked above");
                if !scope.uncancel_own() {
                    scope.reraise();
                    return Poll::Pending;
                }
            } else {
                let Poll::Ready(out) = body.as_mut().poll(cx) else {
                    this.state.borrow_mut().waker = Some(cx.waker().clone());
                    return Poll::Pending;
                };
                if let Some(scope) = this.body_scope.take() {
                    // The body refused the cancellation and returned.
                    scope.uncancel_own();
                }
                this.output = Some(out);
            }
            this.body = None;
            if let Some(Err(_)) = this.output {
                let cancel = this.state.borrow_mut().abort_once().unwrap_or_default();
                for t in &cancel {
                    t.cancel();
                }
            }
        }
        let mut s = this.state.borrow_mut();
        if s.finished {
            panic!("TaskGroupRun polled after it completed");
        }
        if !s.tasks.is_empty() {
            s.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        s.finished = true;
        s.waker = None;
        let mut errors = std::mem::take(&mut s.errors);
        drop(s);
        let outer = this.outer.take();
        if this.cancelled_from_outside && errors.is_empty() {
            // Every child is done: the cancellation goes on out (the children's errors,
            // had there been any, would have taken priority, as in asyncio).
            if let Some(scope) = outer {
                scope.reraise();
                return Poll::Pending;
            }
        }
        match this.output.take() {
            Some(Ok(v)) if errors.is_empty() => return Poll::Ready(Ok(v)),
            Some(Err(e)) => errors.push(ChildError::Raised(e)),
            _ => assert!(
                !errors.is_empty(),
                "the body is only cancelled after a child failed or from outside"
            ),
        }
        Poll::Ready(Err(TaskGroupError::new(errors)))
    }
}

impl<Fut: Future, E> TaskGroupRun<Fut, E> {
    /// A cancellation reached the group's own scope (asyncio's `__aexit__` entered with, or
    /// waiting through, `CancelledError`): the group's own cancellation of its body coming
    /// back is withdrawn; one from outside ends the body, aborts the children and is passed
    /// on once they are done (unless their errors take priority).
    fn cancel_reached_the_group(&mut self) {
        let own = std::mem::take(&mut self.state.borrow_mut().forwarded_body_cancel);
        self.body_scope = None;
        if own && self.outer.as_ref().is_some_and(LibraryScope::uncancel_own) {
            // The group's own cancellation of its body came back, and nothing else is
            // under way: the body ends and the group goes on with its errors.
            self.body = None;
            return;
        }
        // The task was cancelled from outside and no scope in the body kept the
        // cancellation: the body ends (the CancelledError leaves it), and the group cancels
        // its children and waits for them (asyncio's `__aexit__`).
        let body_running = self.body.take().is_some();
        let cancel = self.state.borrow_mut().abort_once();
        // asyncio propagates the cancellation if it left the body, or if it came while the
        // group waited without aborting; one that comes while the group is already aborting
        // (a child failed) is absorbed.
        if body_running || cancel.is_some() {
            self.cancelled_from_outside = true;
        }
        for t in cancel.iter().flatten() {
            t.cancel();
        }
    }
}

// The body is boxed and no field is ever pinned, so the future can move.
impl<Fut: Future, E> Unpin for TaskGroupRun<Fut, E> {}

impl<Fut: Future, E> Drop for TaskGroupRun<Fut, E> {
    fn drop(&mut self) {
        let cancel = {
            let Ok(mut s) = self.state.try_borrow_mut() else { return };
            if s.finished {
                return;
            }
            s.finished = true;
            s.waker = None;
            s.abort()
        };
        self.body = None;
        // Structured concurrency under cancellation: the task running this group completes
        // only once these children are done (asyncio's TaskGroup waits for them in
        // `__aexit__` even when cancelled).
        cancel_and_outlive(&cancel);
    }
}

impl<Fut: Future, E> fmt::Debug for TaskGroupRun<Fut, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroupRun").field("body_running", &self.body.is_some()).finish()
    }
}
