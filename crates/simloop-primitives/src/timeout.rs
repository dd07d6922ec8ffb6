//! `timeout` and `timeout_at`: cancel work that runs past a deadline (asyncio's
//! `async with asyncio.timeout(d):` and `asyncio.timeout_at(when)`), with a [`Timeout`]
//! handle that reads and moves the deadline, like `asyncio.Timeout`.
//!
//! At the deadline the inner future is cancelled (dropped) and the caller gets
//! [`Elapsed`]; the elapsed virtual time is exactly the deadline. The rules, as CPython's:
//!
//! - The timer is registered when the timeout is *entered* (first polled), before the
//!   inner future first runs, so work that would finish exactly at the deadline loses:
//!   at that instant the timeout fires first and the work is cancelled.
//! - A deadline that is not in the future (`timeout(Duration::ZERO, ..)`, a `reschedule`
//!   into the past) fires one queued step later (asyncio's `call_soon(_on_timeout)`):
//!   the inner future is cancelled at its next suspension.
//! - Nested timeouts: the inner one that expires first gives `Err(Elapsed)` to its caller
//!   and the outer one goes on; if the outer expires first (or both at the same instant)
//!   the inner is cancelled with everything else and the outer gives `Err(Elapsed)`.
//! - `None` as the duration or deadline disables the timeout until
//!   [`Timeout::reschedule`] gives it one.
//!
//! ```
//! use simloop_executor::{log, sleep, Runtime};
//! use simloop_primitives::timeout;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let r = timeout(Duration::from_secs(3), async {
//!         log!("Task started");
//!         sleep(Duration::from_secs(5)).await;
//!         log!("Task finished");
//!     })
//!     .await;
//!     if r.is_err() {
//!         log!("The task took too long and was cancelled");
//!     }
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  main         Task started
//! \x20  3.000s  main         The task took too long and was cancelled
//! -- elapsed 3.000s");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use simloop_executor::{call_soon, now, sleep_until, Instant, Sleep};

use crate::error::Elapsed;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Created,
    Entered,
    Expired,
    Exited,
}

struct State {
    phase: Phase,
    deadline: Option<Instant>,
    /// The armed timer, for a deadline in the future.
    timer: Option<Pin<Box<Sleep>>>,
    /// Set by the queued step of a deadline not in the future.
    fired: bool,
    /// Bumped at each (re)arm, so a stale queued step does nothing.
    generation: u64,
    waker: Option<Waker>,
}

/// A timeout's handle (asyncio's `asyncio.Timeout`): read the deadline with
/// [`when`](Timeout::when), move it with [`reschedule`](Timeout::reschedule), ask whether
/// it fired with [`expired`](Timeout::expired). Cloning gives another handle to the same
/// timeout, e.g. for use inside the guarded future.
///
/// ```
/// use simloop_executor::{log, now, sleep, Instant, Runtime};
/// use simloop_primitives::Timeout;
/// use std::time::Duration;
///
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let cm = Timeout::after(Duration::from_secs(2));
///     let r = cm
///         .wrap(async {
///             sleep(Duration::from_secs(1)).await;
///             cm.reschedule(Some(now() + Duration::from_secs(3))); // 2 s -> 4 s
///             sleep(Duration::from_secs(10)).await;
///         })
///         .await;
///     assert!(r.is_err() && cm.expired());
///     assert_eq!(cm.when(), Some(Instant::from_secs(4)));
/// });
/// assert_eq!(rt.now(), Instant::from_secs(4));
/// ```
#[derive(Clone)]
pub struct Timeout {
    state: Rc<RefCell<State>>,
}

impl Timeout {
    /// A timeout `delay` from now (asyncio's `timeout(delay)`); `None` never fires until
    /// rescheduled.
    ///
    /// # Panics
    /// With a delay, outside a simloop runtime (the deadline is computed now).
    pub fn after(delay: impl Into<Option<Duration>>) -> Timeout {
        Timeout::at(delay.into().map(|d| now().saturating_add(d)))
    }

    /// A timeout at `deadline` (asyncio's `timeout_at(when)`); `None` never fires until
    /// rescheduled.
    pub fn at(deadline: impl Into<Option<Instant>>) -> Timeout {
        Timeout {
            state: Rc::new(RefCell::new(State {
                phase: Phase::Created,
                deadline: deadline.into(),
                timer: None,
                fired: false,
                generation: 0,
                waker: None,
            })),
        }
    }

    /// Guards `future` with this timeout: the returned future gives `Ok(output)`, or
    /// `Err(Elapsed)` if the deadline came first (the inner future is then dropped).
    ///
    /// # Panics
    /// When the returned future is polled if this timeout was already entered by another
    /// `wrap` (asyncio: "Timeout has already been entered").
    pub fn wrap<F: Future>(&self, future: F) -> TimeoutFuture<F> {
        TimeoutFuture { inner: Some(Box::pin(future)), timeout: self.clone(), entered: false }
    }

    /// The deadline, or `None` when disabled (asyncio's `when()`).
    pub fn when(&self) -> Option<Instant> {
        self.state.borrow().deadline
    }

    /// Whether the deadline passed while the timeout guarded its future (asyncio's
    /// `expired()`).
    pub fn expired(&self) -> bool {
        self.state.borrow().phase == Phase::Expired
    }

    /// Moves the deadline (asyncio's `reschedule(when)`); `None` disables the timeout. A
    /// deadline not in the future fires one queued step later.
    ///
    /// # Panics
    /// If the timeout already expired or its future finished (asyncio raises
    /// `RuntimeError` there too).
    pub fn reschedule(&self, deadline: Option<Instant>) {
        let phase = self.state.borrow().phase;
        match phase {
            Phase::Created => self.state.borrow_mut().deadline = deadline,
            Phase::Entered => {
                {
                    let mut s = self.state.borrow_mut();
                    s.deadline = deadline;
                    s.timer = None;
                    s.fired = false;
                }
                self.arm();
            }
            Phase::Expired | Phase::Exited => panic!(
                "Timeout::reschedule on a timeout that has {}: reschedule only while its \
                 future runs",
                if phase == Phase::Expired { "expired" } else { "finished" }
            ),
        }
    }

    /// Registers the timer for the current deadline: a timer for a future deadline, a
    /// queued step for one not in the future.
    fn arm(&self) {
        let mut s = self.state.borrow_mut();
        s.generation += 1;
        let Some(deadline) = s.deadline else { return };
        let Some(waker) = s.waker.clone() else { return };
        if deadline <= now() {
            let (state, generation) = (self.state.clone(), s.generation);
            drop(s);
            call_soon(move || {
                let mut s = state.borrow_mut();
                if s.generation == generation && s.phase == Phase::Entered {
                    s.fired = true;
                    if let Some(w) = s.waker.take() {
                        drop(s);
                        w.wake();
                    }
                }
            });
        } else {
            let mut timer = Box::pin(sleep_until(deadline));
            // Registers the timer now, in asyncio's order (call_at at enter/reschedule).
            let _ = timer.as_mut().poll(&mut Context::from_waker(&waker));
            s.timer = Some(timer);
        }
    }

    /// Whether the deadline has come, as seen by the guarded future's poll.
    fn poll_fired(&self, cx: &mut Context<'_>) -> bool {
        let mut s = self.state.borrow_mut();
        if s.fired {
            return true;
        }
        match s.timer.as_mut() {
            Some(t) => t.as_mut().poll(cx).is_ready(),
            None => false,
        }
    }
}

impl fmt::Debug for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.borrow();
        f.debug_struct("Timeout").field("when", &s.deadline).field("phase", &s.phase).finish()
    }
}

/// Future for [`timeout`], [`timeout_at`] and [`Timeout::wrap`]: the inner output, or
/// [`Elapsed`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct TimeoutFuture<F> {
    inner: Option<Pin<Box<F>>>,
    timeout: Timeout,
    entered: bool,
}

impl<F> TimeoutFuture<F> {
    /// The timeout's handle, to read or move its deadline.
    pub fn handle(&self) -> Timeout {
        self.timeout.clone()
    }
}

impl<F: Future> Future for TimeoutFuture<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let t = this.timeout.clone();
        let phase = {
            let mut s = t.state.borrow_mut();
            s.waker = Some(cx.waker().clone());
            s.phase
        };
        if this.inner.is_none() {
            panic!("TimeoutFuture polled after it completed");
        }
        if !this.entered {
            if phase != Phase::Created {
                panic!(
                    "this Timeout was already entered by another future: make one Timeout \
                     per guarded future"
                );
            }
            this.entered = true;
            t.state.borrow_mut().phase = Phase::Entered;
            t.arm();
        }
        if t.poll_fired(cx) {
            this.inner = None;
            let deadline = {
                let mut s = t.state.borrow_mut();
                s.phase = Phase::Expired;
                s.timer = None;
                s.waker = None;
                s.deadline.unwrap_or_else(now)
            };
            simloop_executor::trace_note(format!("timeout expired (deadline {deadline})"));
            return Poll::Ready(Err(Elapsed::new(deadline)));
        }
        let inner = this.inner.as_mut().expect("checked above");
        match inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(v) => {
                this.inner = None;
                let mut s = t.state.borrow_mut();
                s.phase = Phase::Exited;
                s.timer = None;
                s.waker = None;
                Poll::Ready(Ok(v))
            }
        }
    }
}

impl<F> Drop for TimeoutFuture<F> {
    fn drop(&mut self) {
        if self.inner.is_none() {
            return;
        }
        // Cancelled from outside. If the deadline has come, this timeout's timer fired in
        // the same batch as whatever cancelled us: asyncio reports it as expired.
        if let Ok(mut s) = self.timeout.state.try_borrow_mut() {
            if s.phase == Phase::Entered {
                let reached = s.timer.is_some() && s.deadline.is_some_and(|d| d <= now());
                s.phase = if reached || s.fired { Phase::Expired } else { Phase::Exited };
                s.timer = None;
                s.waker = None;
            }
        }
        self.inner = None;
    }
}

impl<F> fmt::Debug for TimeoutFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutFuture").field("timeout", &self.timeout).finish()
    }
}

/// Runs `future` with a deadline `delay` from now (asyncio's `async with timeout(delay)`):
/// its output, or `Err(Elapsed)` at the deadline, with the future dropped. `None` never
/// times out (until rescheduled through [`TimeoutFuture::handle`]). See the
/// [module docs](self).
///
/// # Cancellation
/// Dropping the returned future drops the inner one and the timer.
///
/// # Panics
/// With a delay, outside a simloop runtime.
pub fn timeout<F: Future>(delay: impl Into<Option<Duration>>, future: F) -> TimeoutFuture<F> {
    Timeout::after(delay).wrap(future)
}

/// Runs `future` until the clock reads `deadline` (asyncio's `timeout_at(when)`). See
/// [`timeout`].
pub fn timeout_at<F: Future>(deadline: impl Into<Option<Instant>>, future: F) -> TimeoutFuture<F> {
    Timeout::at(deadline).wrap(future)
}
