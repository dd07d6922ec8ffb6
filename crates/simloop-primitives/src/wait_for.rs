//! `wait_for`: run a task with a timeout (asyncio's `wait_for(aw, timeout)`).
//!
//! Unlike [`timeout`](fn@crate::timeout), which guards a future in the caller's own task,
//! `wait_for` runs its input as a task (spawned when the `wait_for` future is first polled,
//! as CPython creates it when `wait_for` starts running) and waits for it or for the
//! deadline, whichever comes first. At the deadline the task is cancelled, and the caller
//! gets `Err(Elapsed)` once the task has finished being cancelled.
//!
//! Timing follows CPython 3.11's implementation: the timer is registered before the task
//! is created; the caller resumes through a done callback (two steps after the task
//! finishes); and when the deadline and the task's completion fall in the same instant,
//! whichever ran first wins: a task whose own timer was registered before the
//! `wait_for`'s runs first and its result is returned.
//!
//! ```
//! use futures::FutureExt;
//! use simloop_executor::{sleep, Runtime};
//! use simloop_primitives::wait_for;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let slow = async { sleep(Duration::from_secs(5)).await; "late" };
//!     assert!(wait_for(slow.boxed_local(), Duration::from_secs(2)).await.is_err());
//!     let fast = async { sleep(Duration::from_secs(1)).await; "on time" };
//!     let r = wait_for(fast.boxed_local(), Duration::from_secs(2)).await;
//!     assert_eq!(r, Ok(Ok("on time")));
//! });
//! assert_eq!(rt.now().as_nanos(), 3_000_000_000);
//! ```

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use simloop_executor::{now, Instant, Sleep, Task, TaskError};

use crate::error::Elapsed;
use crate::gather::IntoTask;
use crate::timeout::{timer_at, timer_fired};

/// Runs `input` as a task and waits at most `timeout` for it (asyncio's `wait_for`).
/// Gives `Ok(outcome)` (the task's value, or its panic or cancellation as a
/// [`TaskError`]), or `Err(Elapsed)` if the deadline came first; the task is then
/// cancelled. `None` waits for ever; a zero timeout cancels the task at once unless it is
/// already done. See the [module docs](self).
///
/// # Cancellation
/// Dropping the returned future cancels the task if it is still running.
pub fn wait_for<I: IntoTask>(input: I, timeout: impl Into<Option<Duration>>) -> WaitFor<I> {
    WaitFor { input: Some(input), timeout: timeout.into(), state: None }
}

struct Running<T> {
    task: Task<T>,
    timer: Option<Sleep>,
    deadline: Option<Instant>,
    cancelling: bool,
    /// What the task's done callback wakes; cleared when the caller is done, so a late
    /// callback does nothing.
    waker: Rc<Cell<Option<Waker>>>,
}

/// Future for [`wait_for`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct WaitFor<I: IntoTask> {
    input: Option<I>,
    timeout: Option<Duration>,
    state: Option<Running<I::Output>>,
}

impl<I: IntoTask> Unpin for WaitFor<I> {}

impl<I: IntoTask> WaitFor<I> {
    fn start(&mut self, cx: &mut Context<'_>) {
        let input = self.input.take().expect("started once");
        let waker = Rc::new(Cell::new(Some(cx.waker().clone())));
        let (deadline, timer) = match self.timeout {
            Some(d) if !d.is_zero() => {
                let deadline = now().saturating_add(d);
                (Some(deadline), Some(timer_at(deadline, cx.waker())))
            }
            Some(_) => (Some(now()), None),
            None => (None, None),
        };
        let task = input.into_task();
        // A zero timeout cancels at once what is not already done.
        let cancelling = deadline.is_some() && timer.is_none() && !task.is_done();
        if cancelling {
            task.cancel();
        }
        if deadline.is_some() {
            let waker = waker.clone();
            task.add_done_callback(move |_| {
                if let Some(w) = waker.take() {
                    w.wake();
                }
            });
        }
        // Without a deadline: asyncio's `return await fut`, the caller resumes as the
        // task's awaiter.
        self.state = Some(Running { task, timer, deadline, cancelling, waker });
    }
}

impl<I: IntoTask> Future for WaitFor<I> {
    type Output = Result<Result<I::Output, TaskError>, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.state.is_none() {
            this.start(cx);
            if this.timeout.is_some_and(|d| !d.is_zero()) {
                // Even an already-done task's callback is queued: resume through it.
                return Poll::Pending;
            }
        }
        let r = this.state.as_mut().expect("started");
        let Some(deadline) = r.deadline else {
            return Pin::new(&mut r.task).poll(cx).map(Ok);
        };
        if r.task.is_done() {
            r.waker.set(None);
            let out = r.task.take_result();
            return Poll::Ready(match (r.cancelling, out) {
                (true, Err(TaskError::Cancelled)) => Err(Elapsed::at(deadline)),
                (_, out) => Ok(out),
            });
        }
        r.waker.set(Some(cx.waker().clone()));
        if !r.cancelling && timer_fired(&mut r.timer, cx) {
            // asyncio's `_cancel_and_wait`: cancel, then wait until the task is done.
            r.timer = None;
            r.cancelling = true;
            r.task.cancel();
        }
        Poll::Pending
    }
}

impl<I: IntoTask> Drop for WaitFor<I> {
    fn drop(&mut self) {
        if let Some(r) = &self.state {
            r.waker.set(None);
            if !r.task.is_done() {
                r.task.cancel();
            }
        }
    }
}

impl<I: IntoTask> fmt::Debug for WaitFor<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitFor").field("started", &self.state.is_some()).finish()
    }
}
