//! `shield`: await a task without cancelling it when the awaiter is cancelled (asyncio's
//! `shield(aw)`).
//!
//! Dropping a [`Shield`] (because the task awaiting it was cancelled, or a timeout fired)
//! leaves the task running; cancelling the task itself still reaches the awaiter, as
//! `Err(TaskError::Cancelled)`. A task already done when shielded is returned at once;
//! otherwise the awaiter resumes through a done callback, two steps after the task
//! finishes, as in CPython.
//!
//! ```
//! use simloop_executor::{sleep, spawn, Runtime};
//! use simloop_primitives::{shield, timeout};
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let t = spawn(async { sleep(Duration::from_secs(3)).await; "kept" });
//!     let r = timeout(Duration::from_secs(1), shield(t.clone())).await;
//!     assert!(r.is_err()); // the wait timed out ...
//!     assert_eq!(t.await, Ok("kept")); // ... but the task ran on
//! });
//! assert_eq!(rt.now().as_nanos(), 3_000_000_000);
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use simloop_executor::{Task, TaskError};

use crate::gather::IntoTask;

/// Shields `input` (a task, or a boxed future, spawned) from the cancellation of whoever
/// awaits the returned future. See the [module docs](self).
pub fn shield<I: IntoTask>(input: I) -> Shield<I::Output> {
    let task = input.into_task();
    if task.is_done() {
        return Shield { task, state: None };
    }
    let state = Rc::new(RefCell::new(ShieldState { done: false, waker: None }));
    let st = state.clone();
    task.add_done_callback(move |_| {
        // asyncio's `_inner_done_callback`: completes the outer future.
        let mut s = st.borrow_mut();
        s.done = true;
        if let Some(w) = s.waker.take() {
            drop(s);
            w.wake();
        }
    });
    Shield { task, state: Some(state) }
}

struct ShieldState {
    done: bool,
    waker: Option<Waker>,
}

/// Future for [`shield`]: the task's outcome. Dropping it does not cancel the task.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Shield<T> {
    task: Task<T>,
    state: Option<Rc<RefCell<ShieldState>>>,
}

impl<T> Unpin for Shield<T> {}

impl<T> Shield<T> {
    /// The shielded task.
    pub fn task(&self) -> &Task<T> {
        &self.task
    }
}

impl<T: 'static> Future for Shield<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(state) = &this.state {
            let mut s = state.borrow_mut();
            if !s.done {
                s.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
        }
        Poll::Ready(this.task.take_result())
    }
}

impl<T> Drop for Shield<T> {
    fn drop(&mut self) {
        if let Some(state) = &self.state {
            if let Ok(mut s) = state.try_borrow_mut() {
                s.waker = None;
            }
        }
    }
}

impl<T> fmt::Debug for Shield<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shield").field("task", &self.task).finish()
    }
}
