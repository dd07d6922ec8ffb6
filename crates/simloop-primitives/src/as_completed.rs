//! `as_completed`: the outcomes of several tasks in the order they finish (asyncio's
//! `as_completed(aws, timeout=)`).
//!
//! [`as_completed`] gives an [`AsCompleted`] stream: each item is `Ok(outcome)` of the
//! next task to finish (ties in the order their completion was processed, which is the
//! order they finished), or `Err(Elapsed)` once the timeout has passed, for each task
//! still pending. The timeout never cancels anything. Read it with
//! [`AsCompleted::next`] (or `futures::StreamExt::next`).
//!
//! Timing follows CPython: a finished task is put in a queue by a done callback (one
//! step), and a reader waiting on the empty queue resumes one step later; a result already
//! queued is returned without a step.
//!
//! ```
//! use simloop_executor::{sleep, spawn, Runtime};
//! use simloop_primitives::as_completed;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! let order = rt.block_on(async {
//!     let a = spawn(async { sleep(Duration::from_secs(2)).await; "a" });
//!     let b = spawn(async { sleep(Duration::from_secs(1)).await; "b" });
//!     let mut order = Vec::new();
//!     let mut results = as_completed([a, b], None);
//!     while let Some(r) = results.next().await {
//!         order.push(r.unwrap().unwrap());
//!     }
//!     order
//! });
//! assert_eq!(order, ["b", "a"]);
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::Stream;
use simloop_executor::{now, Instant, Sleep, Task, TaskError};

use crate::error::Elapsed;
use crate::gather::IntoTask;
use crate::timeout::{timer_at, timer_fired};

struct State<T> {
    queue: VecDeque<Task<T>>,
    waker: Option<Waker>,
    timed_out: bool,
}

/// Runs every input as a task and yields their outcomes in completion order; with a
/// timeout, yields `Err(Elapsed)` for each task still pending once it passes. See the
/// [module docs](self).
///
/// # Panics
/// With a timeout, outside a simloop runtime.
pub fn as_completed<I>(
    inputs: I,
    timeout: impl Into<Option<Duration>>,
) -> AsCompleted<<I::Item as IntoTask>::Output>
where
    I: IntoIterator,
    I::Item: IntoTask,
{
    let state =
        Rc::new(RefCell::new(State { queue: VecDeque::new(), waker: None, timed_out: false }));
    let mut left = 0;
    for input in inputs {
        let task = input.into_task();
        left += 1;
        let (st, t) = (state.clone(), task.clone());
        task.add_done_callback(move |_| {
            // asyncio's `_on_completion`: queue the task, wake a waiting reader.
            let mut s = st.borrow_mut();
            if s.timed_out {
                return;
            }
            s.queue.push_back(t);
            if let Some(w) = s.waker.take() {
                drop(s);
                w.wake();
            }
        });
    }
    // asyncio registers the timer right after the callbacks, when as_completed is called.
    let deadline = timeout.into().map(|d| now().saturating_add(d));
    let timer = deadline.map(|d| timer_at(d, futures::task::noop_waker_ref()));
    AsCompleted { state, left, deadline, timer }
}

/// Stream for [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<T> {
    state: Rc<RefCell<State<T>>>,
    left: usize,
    deadline: Option<Instant>,
    timer: Option<Sleep>,
}

impl<T> Unpin for AsCompleted<T> {}

impl<T: 'static> AsCompleted<T> {
    /// The next outcome in completion order; `None` when every task has been yielded.
    pub async fn next(&mut self) -> Option<Result<Result<T, TaskError>, Elapsed>> {
        futures::StreamExt::next(self).await
    }

    /// How many outcomes are still to come.
    pub fn remaining(&self) -> usize {
        self.left
    }
}

impl<T: 'static> Stream for AsCompleted<T> {
    type Item = Result<Result<T, TaskError>, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let mut s = this.state.borrow_mut();
        if !s.timed_out {
            if let Some(task) = s.queue.pop_front() {
                this.left -= 1;
                return Poll::Ready(Some(Ok(task.take_result())));
            }
            if !timer_fired(&mut this.timer, cx) {
                s.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            s.timed_out = true;
            s.queue.clear();
        }
        this.left -= 1;
        Poll::Ready(Some(Err(Elapsed::at(this.deadline.unwrap_or_else(now)))))
    }
}

impl<T> fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").field("remaining", &self.left).finish()
    }
}
