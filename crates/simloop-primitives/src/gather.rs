//! `gather` and `try_gather`: run several futures as tasks and collect their outcomes in
//! input order, whatever order they finish in (asyncio's `gather`).
//!
//! Every input becomes a task when `gather` is *called* (as CPython's `gather` does), so
//! the children start running at the caller's next yield, in input order. Inputs are
//! [`Task`]s (used as they are) or boxed futures (`fut.boxed_local()`, spawned); the
//! [`gather!`](crate::gather!) and [`try_gather!`](crate::try_gather!) macros take a fixed
//! set of differently-typed futures or tasks.
//!
//! - [`gather`] returns every outcome, `Vec<Result<T, TaskError>>` (asyncio's
//!   `return_exceptions=True`): a child that returns `Err(e)` gives `Ok(Err(e))`, one
//!   that panics or is cancelled gives `Err(TaskError)`.
//! - [`try_gather`] (asyncio's default `return_exceptions=False`) takes children returning
//!   `Result<T, E>` and gives `Ok(Vec<T>)`, or the first failure as a [`ChildError`] at
//!   the instant it happens. **The other children keep running**: this is what CPython
//!   does. The guide says they are cancelled; it is wrong. Cancel them yourself if you
//!   need that, or use a [`TaskGroup`](crate::TaskGroup).
//! - Dropping a pending gather (the caller was cancelled, or a timeout fired) cancels its
//!   unfinished children.
//!
//! Pass each task once: asyncio deduplicates a task given twice and repeats its result,
//! but a gather moves each child's output out, so a second copy of a task reports
//! `TaskError::InvalidState`. Once a `try_gather` has failed (or a gather was dropped),
//! the children still running keep their outputs for other handles (`Task::clone`).
//!
//! Timing follows CPython exactly: each child's completion is processed by a done
//! callback that runs as its own step, and the awaiter resumes one step after the
//! callback that completes the gather, so the awaiter resumes two steps after the last
//! child finishes, with other ready tasks interleaving.
//!
//! ```
//! use futures::FutureExt;
//! use simloop_executor::{log, sleep, Runtime};
//! use simloop_primitives::gather;
//! use std::time::Duration;
//!
//! async fn foo(x: u64) -> String {
//!     sleep(Duration::from_secs(x)).await;
//!     format!("foo: {x}")
//! }
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let results = gather([foo(2).boxed_local(), foo(1).boxed_local()]).await;
//!     let results: Vec<String> = results.into_iter().map(Result::unwrap).collect();
//!     log!("{results:?}");
//! });
//! assert_eq!(rt.trace().text(), "   2.000s  main         [\"foo: 2\", \"foo: 1\"]\n-- elapsed 2.000s");
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use futures::future::{BoxFuture, LocalBoxFuture};
use simloop_executor::{
    raise_cancellation, spawn, CancelTarget, Resolution, Task, TaskError, TaskRef,
};

use crate::error::ChildError;

/// What [`gather`] and [`try_gather`] accept: a task (used as is) or a boxed future
/// (spawned as a new task). Box a future with `futures::FutureExt::boxed_local`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a simloop Task nor a boxed future",
    label = "pass a Task, or box the future: `fut.boxed_local()` (use futures::FutureExt)",
    note = "gather, try_gather, wait_for, as_completed and shield take a `Task<T>` or a \
            `LocalBoxFuture<T>`; the macros gather! / try_gather! take any future"
)]
pub trait IntoTask {
    /// The task's output.
    type Output: 'static;
    /// The task: this one, or a newly spawned one.
    fn into_task(self) -> Task<Self::Output>;
}

impl<T: 'static> IntoTask for Task<T> {
    type Output = T;
    fn into_task(self) -> Task<T> {
        self
    }
}

impl<T: 'static> IntoTask for LocalBoxFuture<'static, T> {
    type Output = T;
    #[track_caller]
    fn into_task(self) -> Task<T> {
        spawn(self)
    }
}

impl<T: 'static> IntoTask for BoxFuture<'static, T> {
    type Output = T;
    #[track_caller]
    fn into_task(self) -> Task<T> {
        spawn(self)
    }
}

/// The untyped state every gather shares with its children's done callbacks.
pub(crate) struct Tracker {
    remaining: usize,
    done: bool,
    fail_fast: bool,
    failed: Option<usize>,
    waker: Option<Waker>,
    children: Vec<TaskRef>,
    /// A cancellation of the awaiting task was passed on to the children (asyncio's
    /// `_GatheringFuture._cancel_requested`): the awaiter is cancelled when the gather ends.
    cancel_requested: bool,
}

/// A shared [`Tracker`].
#[doc(hidden)]
#[derive(Clone)]
pub struct Core(Rc<Shared>);

/// A gather's [`Tracker`], its awaiter's cancel target.
pub(crate) struct Shared(RefCell<Tracker>);

impl Core {
    /// A tracker for a gather; `fail_fast` ends it at the first failure.
    #[doc(hidden)]
    pub fn new(fail_fast: bool) -> Core {
        Core(Rc::new(Shared(RefCell::new(Tracker {
            remaining: 0,
            done: false,
            fail_fast,
            failed: None,
            waker: None,
            children: Vec::new(),
            cancel_requested: false,
        }))))
    }

    /// Watches `task` as the next child; returns the slot its outcome lands in.
    /// `is_failure` tells a failing outcome (used only when failing fast).
    #[doc(hidden)]
    pub fn watch<T: 'static>(
        &self,
        task: Task<T>,
        is_failure: fn(&Result<T, TaskError>) -> bool,
    ) -> Slot<T> {
        let slot = Slot(Rc::new(RefCell::new(None)));
        let r = task.as_ref();
        let index = {
            let mut t = self.0 .0.borrow_mut();
            t.remaining += 1;
            t.children.push(r.clone());
            t.children.len() - 1
        };
        let (core, out) = (self.clone(), slot.clone());
        r.add_done_callback(move |done| {
            if core.is_done() {
                // The gather already has its outcome (a failure came first, or it was
                // dropped): leave the value to other handles of the task, but count a
                // panic as retrieved, as asyncio's `_done_callback` retrieves exceptions.
                let _ = done.panic_message();
                return;
            }
            let outcome = task.take_result();
            let failed = is_failure(&outcome);
            *out.0.borrow_mut() = Some(outcome);
            core.child_done(index, failed);
        });
        slot
    }

    /// A child's done callback: the step asyncio's `gather._done_callback` runs.
    fn child_done(&self, index: usize, failed: bool) {
        let waker = {
            let mut t = self.0 .0.borrow_mut();
            if t.done {
                return;
            }
            t.remaining -= 1;
            if t.fail_fast && failed {
                t.failed = Some(index);
            } else if t.remaining > 0 {
                return;
            }
            t.done = true;
            t.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Marks a gather with no children done (asyncio returns a finished future).
    pub(crate) fn seal(&self) {
        let mut t = self.0 .0.borrow_mut();
        if t.children.is_empty() {
            t.done = true;
        }
    }

    /// `Ready(failed index)` once the gather is complete; otherwise stores the waker.
    #[doc(hidden)]
    pub fn poll_done(&self, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let mut t = self.0 .0.borrow_mut();
        if t.done {
            Poll::Ready(t.failed)
        } else {
            match &t.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => t.waker = Some(cx.waker().clone()),
            }
            drop(t);
            // The awaiting task's cancellation goes to the children while it waits.
            let target: Weak<dyn CancelTarget> = Rc::downgrade(&self.0) as _;
            simloop_executor::await_target(target);
            Poll::Pending
        }
    }

    /// Whether the gather has completed (or was cancelled).
    fn is_done(&self) -> bool {
        self.0 .0.borrow().done
    }

    /// asyncio's `_GatheringFuture.cancel()`: cancels every unfinished child, and the
    /// gather's awaiter then gets the cancellation when the gather ends; `false` if the
    /// gather is already done or no child took the request.
    fn cancel(&self) -> bool {
        self.0.forward_cancel()
    }

    /// Whether awaiting the completed gather raises a cancellation in the awaiter (its
    /// cancellation was requested, and no other failure ended it first).
    fn raises_cancellation(&self) -> bool {
        self.0.resolution() == Resolution::Cancelled
    }

    /// The children, in input order.
    fn children(&self) -> Vec<TaskRef> {
        self.0 .0.borrow().children.clone()
    }

    /// Cancels the unfinished children of a gather nobody waits for any more.
    fn abandon(&self) {
        let children = {
            let mut t = self.0 .0.borrow_mut();
            if t.done {
                return;
            }
            t.done = true;
            t.waker = None;
            std::mem::take(&mut t.children)
        };
        cancel_and_outlive(&children);
    }
}

/// A gather awaited by a task takes the task's cancellation while the task waits, as
/// asyncio's `Task.cancel()` cancels the `_GatheringFuture` it waits on: every unfinished
/// child is cancelled at once, and the awaiter sees the cancellation when the gather ends
/// (at the first cancelled child of a `try_gather`, after every child of a `gather`); a
/// failure that ends a `try_gather` first reaches the awaiter as that failure.
impl CancelTarget for Shared {
    fn forward_cancel(&self) -> bool {
        let children = {
            let t = self.0.borrow();
            if t.done {
                return false;
            }
            t.children.clone()
        };
        let mut taken = false;
        for c in &children {
            taken |= c.cancel();
        }
        if taken {
            self.0.borrow_mut().cancel_requested = true;
        }
        taken
    }

    fn resolution(&self) -> Resolution {
        let t = self.0.borrow();
        if !t.done {
            return Resolution::Pending;
        }
        let failed_otherwise =
            t.failed.and_then(|i| t.children.get(i)).is_some_and(|c| !c.is_cancelled());
        if t.cancel_requested && !failed_otherwise {
            Resolution::Cancelled
        } else {
            Resolution::Done
        }
    }
}

/// Cancels the unfinished `children`, and holds the current task's completion until they
/// are done ([`simloop_executor::finish_after`]): no child outlives the scope that
/// cancelled it, as asyncio's cancelled gather (or `TaskGroup`) completes only when its
/// children have.
pub(crate) fn cancel_and_outlive(children: &[TaskRef]) {
    for c in children.iter().filter(|c| !c.is_done()) {
        c.cancel();
        simloop_executor::finish_after(c);
    }
}

/// Where one child's outcome lands.
#[doc(hidden)]
pub struct Slot<T>(Rc<RefCell<Option<Result<T, TaskError>>>>);

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot(self.0.clone())
    }
}

impl<T> Slot<T> {
    /// The outcome (the gather is done, so every slot not skipped by a failure is full).
    #[doc(hidden)]
    pub fn take(&self) -> Result<T, TaskError> {
        self.0.borrow_mut().take().unwrap_or_else(|| {
            Err(TaskError::InvalidState("gather: this child's outcome was not recorded".into()))
        })
    }
}

impl<T, E> Slot<Result<T, E>> {
    /// The outcome as a value or a [`ChildError`].
    #[doc(hidden)]
    pub fn take_flat(&self) -> Result<T, ChildError<E>> {
        ChildError::flatten(self.take())
    }
}

/// Whether an outcome fails a `try_gather`: an `Err` output, a panic or a cancellation.
#[doc(hidden)]
pub fn is_failure<T, E>(r: &Result<Result<T, E>, TaskError>) -> bool {
    !matches!(r, Ok(Ok(_)))
}

/// Never a failure (for [`gather`], which waits for every child).
#[doc(hidden)]
pub fn never_fails<T>(_: &Result<T, TaskError>) -> bool {
    false
}

/// Cancels unfinished children when dropped before the gather completes.
#[doc(hidden)]
pub struct AbandonGuard(pub Core);

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

/// Runs every input as a task and returns all their outcomes in input order (asyncio's
/// `gather(..., return_exceptions=True)`). See the [module docs](self).
///
/// # Cancellation
/// Dropping the returned future before it completes cancels the unfinished children.
///
/// # Panics
/// Outside a simloop runtime (the inputs are spawned at once).
#[track_caller]
pub fn gather<I>(inputs: I) -> Gather<<I::Item as IntoTask>::Output>
where
    I: IntoIterator,
    I::Item: IntoTask,
{
    let core = Core::new(false);
    let slots = inputs.into_iter().map(|i| core.watch(i.into_task(), never_fails)).collect();
    core.seal();
    Gather { guard: AbandonGuard(core), slots }
}

/// Future for [`gather`]: all outcomes, in input order.
#[must_use = "futures do nothing unless you .await or poll them; dropping a gather cancels its children"]
pub struct Gather<T> {
    guard: AbandonGuard,
    slots: Vec<Slot<T>>,
}

impl<T> Gather<T> {
    /// The children's tasks, in input order (to inspect or cancel them).
    pub fn children(&self) -> Vec<TaskRef> {
        self.guard.0.children()
    }

    /// Whether the gather has its outcome (asyncio's `done()`).
    pub fn is_done(&self) -> bool {
        self.guard.0.is_done()
    }

    /// Cancels every unfinished child (asyncio's `gather(...).cancel()`); returns `false`
    /// if the gather is already done or no child took the request. Awaiting the gather
    /// then raises the cancellation in the awaiting task once the children are done (its
    /// innermost [`catch_cancel`](simloop_executor::catch_cancel) scope gets it, else the
    /// task ends cancelled), as awaiting a cancelled asyncio gather raises
    /// `CancelledError`; outside a task it gives the outcomes, each cancelled child's
    /// `Err(TaskError::Cancelled)`.
    pub fn cancel(&self) -> bool {
        self.guard.0.cancel()
    }
}

impl<T> Future for Gather<T> {
    type Output = Vec<Result<T, TaskError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.guard.0.poll_done(cx) {
            Poll::Pending => Poll::Pending,
            // asyncio's `await gather` raising `CancelledError` after `gather.cancel()`
            // (outside a task, where nothing can be raised, the outcomes are given).
            Poll::Ready(_) if this.guard.0.raises_cancellation() && raise_cancellation() => {
                Poll::Pending
            }
            Poll::Ready(_) => Poll::Ready(this.slots.iter().map(Slot::take).collect()),
        }
    }
}

/// Runs every input as a task; gives all their values in input order, or the first
/// failure at the instant it happens (asyncio's `gather` with `return_exceptions=False`).
///
/// The other children are **not** cancelled by a failure: they keep running (CPython's
/// behaviour; the guide's claim that they are cancelled is wrong). When two children fail
/// at the same instant, the one whose completion is processed first wins, which is the one
/// that finished first.
///
/// ```
/// use futures::FutureExt;
/// use simloop_executor::{sleep, Runtime};
/// use simloop_primitives::{try_gather, ChildError};
/// use std::time::Duration;
///
/// async fn job(d: u64, fail: bool) -> Result<u64, String> {
///     sleep(Duration::from_secs(d)).await;
///     if fail { Err(format!("job {d} failed")) } else { Ok(d) }
/// }
///
/// let mut rt = Runtime::new();
/// let r = rt.block_on(async {
///     try_gather([job(2, false).boxed_local(), job(1, true).boxed_local()]).await
/// });
/// assert_eq!(r, Err(ChildError::Raised("job 1 failed".to_string())));
/// assert_eq!(rt.now().as_nanos(), 1_000_000_000); // the error came at 1 s
/// ```
///
/// # Cancellation
/// Dropping the returned future before it completes cancels the unfinished children.
///
/// # Panics
/// Outside a simloop runtime (the inputs are spawned at once).
#[track_caller]
pub fn try_gather<I, T, E>(inputs: I) -> TryGather<T, E>
where
    I: IntoIterator,
    I::Item: IntoTask<Output = Result<T, E>>,
    T: 'static,
    E: 'static,
{
    let core = Core::new(true);
    let slots = inputs.into_iter().map(|i| core.watch(i.into_task(), is_failure)).collect();
    core.seal();
    TryGather { guard: AbandonGuard(core), slots }
}

/// Future for [`try_gather`]: all values in input order, or the first failure.
#[must_use = "futures do nothing unless you .await or poll them; dropping a gather cancels its children"]
pub struct TryGather<T, E> {
    guard: AbandonGuard,
    slots: Vec<Slot<Result<T, E>>>,
}

impl<T, E> TryGather<T, E> {
    /// The children's tasks, in input order (to inspect or cancel them).
    pub fn children(&self) -> Vec<TaskRef> {
        self.guard.0.children()
    }

    /// Whether the gather has its outcome (asyncio's `done()`).
    pub fn is_done(&self) -> bool {
        self.guard.0.is_done()
    }

    /// Cancels every unfinished child (asyncio's `gather(...).cancel()`); returns `false`
    /// if the gather is already done or no child took the request. Awaiting the gather
    /// then raises the cancellation in the awaiting task once the children are done (its
    /// innermost [`catch_cancel`](simloop_executor::catch_cancel) scope gets it, else the
    /// task ends cancelled), as awaiting a cancelled asyncio gather raises
    /// `CancelledError`; outside a task it gives the outcomes, each cancelled child's
    /// `Err(TaskError::Cancelled)`.
    pub fn cancel(&self) -> bool {
        self.guard.0.cancel()
    }
}

impl<T, E> Future for TryGather<T, E> {
    type Output = Result<Vec<T>, ChildError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.guard.0.poll_done(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) if this.guard.0.raises_cancellation() && raise_cancellation() => {
                Poll::Pending
            }
            Poll::Ready(Some(i)) => Poll::Ready(Err(match this.slots[i].take_flat() {
                Err(e) => e,
                Ok(_) => unreachable!("a failed child's outcome is a failure"),
            })),
            Poll::Ready(None) => Poll::Ready(this.slots.iter().map(Slot::take_flat).collect()),
        }
    }
}
