//! `wait`: wait for a set of tasks until all, the first, or the first failing one are
//! done, or a timeout passes (asyncio's `wait(tasks, timeout=, return_when=)`).
//!
//! [`wait`] returns `(done, pending)`, the tasks split by whether they are done *when the
//! caller resumes* (so a task finishing in between counts as done), each in input order.
//! It never cancels anything: a timeout only returns early. It takes tasks, not futures
//! (asyncio no longer accepts coroutines here either): spawn them first. Pass them by
//! value or by reference (`wait([&a, &b], ..)`): `done` and `pending` hold the same tasks
//! (handles to them, as asyncio's sets do), and the caller's handles stay usable.
//!
//! What counts as a failure for [`ReturnWhen::FirstException`]: a panic, or an output
//! that [`TaskOutput::is_failure`] says failed (an `Err` for `Result` outputs);
//! a cancellation does not count, as in asyncio.
//!
//! Timing follows CPython: each task's completion is processed by a done callback that
//! runs as its own step, and the caller resumes one step after the callback that ends
//! the wait (two steps after the task).
//!
//! ```
//! use simloop_executor::{sleep, spawn, Runtime};
//! use simloop_primitives::{wait, ReturnWhen};
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let fast = spawn(async { sleep(Duration::from_secs(1)).await; "fast" });
//!     let slow = spawn(async { sleep(Duration::from_secs(2)).await; "slow" });
//!     let (done, pending) = wait([fast, slow], ReturnWhen::FirstCompleted, None).await;
//!     assert_eq!((done.len(), pending.len()), (1, 1));
//!     assert_eq!(done[0].result(), Ok("fast"));
//! });
//! assert_eq!(rt.now().as_nanos(), 1_000_000_000);
//! ```

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use simloop_executor::{now, Sleep, Task, TaskState};

use crate::timeout::{timer_at, timer_fired};

/// When [`wait`] returns (asyncio's `ALL_COMPLETED`, `FIRST_COMPLETED`,
/// `FIRST_EXCEPTION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReturnWhen {
    /// When every task is done.
    #[default]
    AllCompleted,
    /// When any task is done.
    FirstCompleted,
    /// When any task fails (see [`TaskOutput`]), or when all are done.
    FirstException,
}

/// How [`wait`] with [`ReturnWhen::FirstException`] tells a failed output: `Err` for a
/// `Result`, never for other types. Implement it (usually with the default method) for
/// your own output types: `impl TaskOutput for MyType {}`.
pub trait TaskOutput {
    /// Whether this output is a failure (asyncio: the task raised).
    fn is_failure(&self) -> bool {
        false
    }
}

impl<T, E> TaskOutput for Result<T, E> {
    fn is_failure(&self) -> bool {
        self.is_err()
    }
}

macro_rules! never_fails {
    ($($t:ty),*) => {$( impl TaskOutput for $t {} )*};
}

never_fails!((), bool, char, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
never_fails!(f32, f64, String, &'static str);

impl<T> TaskOutput for Option<T> {}
impl<T> TaskOutput for Vec<T> {}

struct State {
    remaining: usize,
    released: bool,
    waker: Option<Waker>,
}

/// Waits for `tasks` (handles, or references to them) as `return_when` says, or until
/// `timeout` passes; gives `(done, pending)` in input order and cancels nothing. See the
/// [module docs](self).
///
/// ```
/// use simloop_executor::{sleep, spawn, Runtime};
/// use simloop_primitives::{wait, ReturnWhen};
/// use std::time::Duration;
///
/// Runtime::new().block_on(async {
///     let a = spawn(async { 1 });
///     let b = spawn(async { sleep(Duration::from_secs(1)).await; 2 });
///     let (done, _pending) = wait([&a, &b], ReturnWhen::FirstCompleted, None).await;
///     assert!(done[0].as_ref().ptr_eq(&a.as_ref())); // the same task
///     assert_eq!((a.await, b.await), (Ok(1), Ok(2))); // still ours to await
/// });
/// ```
///
/// # Panics
/// If `tasks` is empty (asyncio raises `ValueError` too).
pub fn wait<T, I>(
    tasks: I,
    return_when: ReturnWhen,
    timeout: impl Into<Option<Duration>>,
) -> Wait<T>
where
    I: IntoIterator,
    I::Item: Borrow<Task<T>>,
    T: TaskOutput + 'static,
{
    let tasks: Vec<Task<T>> = tasks.into_iter().map(|t| t.borrow().clone()).collect();
    assert!(
        !tasks.is_empty(),
        "wait() needs at least one task (asyncio raises ValueError for an empty set)"
    );
    Wait { tasks, return_when, timeout: timeout.into(), timer: None, state: None }
}

/// Future for [`wait`]: `(done, pending)`.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Wait<T> {
    tasks: Vec<Task<T>>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
    timer: Option<Sleep>,
    state: Option<Rc<RefCell<State>>>,
}

impl<T> Unpin for Wait<T> {}

impl<T: TaskOutput + 'static> Wait<T> {
    fn start(&mut self, cx: &mut Context<'_>) -> Rc<RefCell<State>> {
        self.timer = self.timeout.map(|d| timer_at(now().saturating_add(d), cx.waker()));
        let state = Rc::new(RefCell::new(State {
            remaining: self.tasks.len(),
            released: false,
            waker: Some(cx.waker().clone()),
        }));
        for t in &self.tasks {
            let (st, task, when) = (state.clone(), t.clone(), self.return_when);
            t.add_done_callback(move |_| {
                // asyncio's `_on_completion`, one step per finished task.
                let mut s = st.borrow_mut();
                s.remaining -= 1;
                let failed = task.state() == TaskState::Panicked
                    || task.inspect(TaskOutput::is_failure).unwrap_or(false);
                let release = s.remaining == 0
                    || when == ReturnWhen::FirstCompleted
                    || (when == ReturnWhen::FirstException && failed);
                if release && !s.released {
                    s.released = true;
                    if let Some(w) = s.waker.take() {
                        drop(s);
                        w.wake();
                    }
                }
            });
        }
        state
    }
}

impl<T: TaskOutput + 'static> Future for Wait<T> {
    type Output = (Vec<Task<T>>, Vec<Task<T>>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let state = match &this.state {
            Some(s) => s.clone(),
            None => {
                let s = this.start(cx);
                this.state = Some(s.clone());
                s
            }
        };
        let fired = timer_fired(&mut this.timer, cx);
        {
            let mut s = state.borrow_mut();
            if !s.released && !fired {
                s.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            s.released = true;
            s.waker = None;
        }
        this.timer = None;
        let (done, pending) = std::mem::take(&mut this.tasks).into_iter().partition(Task::is_done);
        Poll::Ready((done, pending))
    }
}

impl<T> Drop for Wait<T> {
    fn drop(&mut self) {
        if let Some(s) = &self.state {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.released = true;
                s.waker = None;
            }
        }
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("tasks", &self.tasks.len())
            .field("return_when", &self.return_when)
            .field("timeout", &self.timeout)
            .finish()
    }
}
