//! The task harness: the future async-task polls, wrapping the user's future with
//! cancellation, panic capture, tracing and completion.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::context;
use crate::panic::panic_message;
use crate::task::core::{ErasedTask, Outcome, TaskCore};
use crate::task::header::{Callback, Header};
use crate::task::state::TaskState;
use crate::task::target::{CancelTarget, Resolution};
use crate::trace::EventKind;

pin_project! {
    /// The future async-task runs: the user's future plus cancellation, panic capture and
    /// completion bookkeeping.
    pub(crate) struct TaskFuture<F: Future> {
        #[pin]
        inner: Option<F>,
        core: Rc<TaskCore<F::Output>>,
        started: bool,
        // Whether the runtime records events (a copy, to skip the thread-local lookup).
        tracing: bool,
        // The outcome, held while the task waits for the tasks it must outlive.
        stash: Option<Outcome<F::Output>>,
    }
    impl<F: Future> PinnedDrop for TaskFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            this.core.header().mark_future_dropped();
        }
    }
}

impl<F: Future> TaskFuture<F> {
    pub(crate) fn new(inner: F, core: Rc<TaskCore<F::Output>>, tracing: bool) -> Self {
        TaskFuture { inner: Some(inner), core, started: false, tracing, stash: None }
    }
}

impl<F> Future for TaskFuture<F>
where
    F: Future,
    F::Output: 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let header = this.core.header();
        if header.is_done() {
            return Poll::Ready(());
        }
        // A cancellation passed on to what the task awaits comes back when that ends
        // cancelled (`task::forward`); the target it went to, to tell if the task moved on.
        let forwarded_to = if header.forwarded() { resolve_forwarded(header) } else { None };
        while this.stash.is_none() {
            if header.must_cancel() && !header.deliver_to_scope() {
                // No cancel scope is active: dropping the future is Rust's cancellation;
                // its destructors run inside the runtime, so timers it registered are
                // removed at once.
                this.inner.set(None);
                *this.stash = Some(Outcome::Cancelled);
                break;
            }
            // Otherwise a waiting cancellation now sits with the innermost scope, which
            // sees it when this poll reaches it.
            let Some(fut) = this.inner.as_mut().as_pin_mut() else {
                return Poll::Ready(());
            };
            if !*this.started {
                *this.started = true;
                if *this.tracing {
                    context::record(header.id(), EventKind::Start);
                }
            }
            let polled = catch_unwind(AssertUnwindSafe(|| fut.poll(cx)));
            let done = match polled {
                Ok(Poll::Pending) => {
                    if header.take_cancel_now() {
                        // A scope re-raised its cancellation, or a timeout expired: it
                        // goes on to the next scope out (or ends the task) in this step,
                        // as an exception propagates in asyncio.
                        continue;
                    }
                    header.remember_waker(cx.waker());
                    context::end_poll(header);
                    if forwarded_to
                        .as_ref()
                        .is_some_and(|before| header.forwarded() && moved_on(header, before))
                    {
                        // The task no longer awaits what its cancellation went to (a
                        // `select!` took another branch): it is cancelled now.
                        header.resolve_forwarded(true);
                        continue;
                    }
                    return Poll::Pending;
                }
                // A cancellation requested during the step that completed the future
                // cancels the task (asyncio: "Task is cancelled right before coro stops").
                Ok(Poll::Ready(_)) if header.must_cancel() => Outcome::Cancelled,
                Ok(Poll::Ready(v)) => {
                    if *this.tracing {
                        context::record(header.id(), EventKind::Finished);
                    }
                    Outcome::Ok(v)
                }
                Err(payload) => {
                    let msg = panic_message(payload.as_ref());
                    context::record(header.id(), EventKind::Panicked(msg.clone()));
                    header.set_panic(msg, payload);
                    Outcome::Panicked
                }
            };
            this.inner.set(None);
            *this.stash = Some(done);
        }
        // A task that must outlive others (a cancelled task group's children) completes
        // only once they are done, as asyncio's TaskGroup waits for its children even
        // when the task running it is cancelled.
        if header.lingers() && context::still_lingering(header, cx.waker()) {
            header.remember_waker(cx.waker());
            return Poll::Pending;
        }
        let Some(outcome) = this.stash.take() else {
            return Poll::Ready(());
        };
        let state = outcome.state();
        if state == TaskState::Cancelled {
            context::record(header.id(), EventKind::Cancelled);
        }
        this.core.set_outcome(outcome);
        if state == TaskState::Panicked {
            let erased: Rc<dyn ErasedTask> = this.core.clone();
            context::note_failed(erased);
        }
        complete(header, state);
        context::task_done();
        Poll::Ready(())
    }
}

/// At the poll of a task whose cancellation was passed on: delivers it if the target
/// ended cancelled (or is gone), drops it if the target ended otherwise (it refused the
/// cancellation), and keeps waiting while the target runs; returns the target if so.
#[cold]
fn resolve_forwarded(header: &Header) -> Option<Rc<dyn CancelTarget>> {
    let target = header.forward_target();
    match target.as_ref().map_or(Resolution::Cancelled, |t| t.resolution()) {
        Resolution::Pending => return target,
        Resolution::Cancelled => header.resolve_forwarded(true),
        Resolution::Done => header.resolve_forwarded(false),
    }
    None
}

/// Whether the task's poll ended awaiting something other than `before`, the target its
/// cancellation was passed on to before the poll. (A cancellation passed on during the
/// poll, by a timeout at its deadline, goes to what the task awaits at its end.)
#[cold]
fn moved_on(header: &Header, before: &Rc<dyn CancelTarget>) -> bool {
    match header.forward_target() {
        Some(now) => !std::ptr::addr_eq(Rc::as_ptr(&now), Rc::as_ptr(before)),
        None => true,
    }
}

/// Marks the task done and schedules its callbacks, each as its own step; awaiters'
/// wakers are woken in registration order.
#[inline]
fn complete(header: &Header, state: TaskState) {
    header.set_done(state);
    if !header.has_callbacks() {
        // Nobody awaits the task or asked to hear of it: nothing to schedule.
        return;
    }
    for cb in header.take_callbacks() {
        match cb {
            Callback::Waker(w) => w.wake(),
            Callback::Fn(f) => context::call_soon_for(header.id(), f),
        }
    }
}
