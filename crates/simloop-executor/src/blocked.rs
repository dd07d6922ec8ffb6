//! `wait_all_tasks_blocked`: wait until every other task is blocked, without moving the
//! clock (trio's `wait_all_tasks_blocked`, Go's `synctest.Wait`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::context;
use crate::task::state::WaitOn;

/// Future returned by [`wait_all_tasks_blocked`].
#[derive(Debug, Default)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct AllBlocked {
    registered: bool,
}

/// Completes once nothing else is ready to run, before the clock moves: every other task
/// is waiting on a timer, another task or something outside. Lets a test observe the
/// state "after everything that can happen now has happened".
///
/// ```
/// use simloop_executor::{run, spawn, wait_all_tasks_blocked, now, Instant};
/// use std::cell::Cell;
/// use std::rc::Rc;
/// run(async {
///     let hits = Rc::new(Cell::new(0));
///     for _ in 0..3 {
///         let hits = hits.clone();
///         spawn(async move { hits.set(hits.get() + 1) });
///     }
///     wait_all_tasks_blocked().await;
///     assert_eq!(hits.get(), 3);
///     assert_eq!(now(), Instant::ZERO);
/// });
/// ```
///
/// # Panics
/// When polled outside a simloop runtime.
pub fn wait_all_tasks_blocked() -> AllBlocked {
    AllBlocked { registered: false }
}

impl Future for AllBlocked {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.registered {
            return Poll::Ready(());
        }
        self.registered = true;
        context::expect("wait_all_tasks_blocked()", |rt| {
            rt.note_wait(WaitOn::AllBlocked);
            rt.add_idle_waiter(cx.waker().clone());
        });
        Poll::Pending
    }
}
