//! Sleeping on the virtual clock: `sleep`, `sleep_until`, `yield_now`.
//!
//! A sleep registers a timer at its first poll (asyncio starts the timer when the sleep is
//! awaited) and completes when the clock reaches its deadline. `sleep(Duration::ZERO)` and
//! a `sleep_until` in the past yield once instead, re-queueing the caller at the back of
//! the ready queue, as asyncio's `sleep(0)` does. A deadline past the end of the virtual
//! clock (`sleep(Duration::MAX)`) never fires; if nothing else can run, the run fails as
//! a deadlock whose report names that sleep.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::context;
use crate::instant::Instant;
use crate::task::WaitOn;
use crate::timers::TimerKey;
use crate::trace::EventKind;

#[derive(Clone, Copy, Debug)]
enum Target {
    After(Duration),
    At(Instant),
}

#[derive(Clone, Copy, Debug)]
enum State {
    Init,
    Yielded,
    Waiting { key: TimerKey, deadline: Instant },
    Done,
}

/// Future returned by [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Sleep {
    target: Target,
    state: State,
}

/// Waits until `duration` of virtual time has passed (asyncio's `sleep`). Costs no wall
/// time: the clock jumps when nothing else is ready.
///
/// ```
/// use simloop_executor::{now, run, sleep, Instant};
/// use std::time::Duration;
/// run(async {
///     sleep(Duration::from_secs(3600)).await;
///     assert_eq!(now(), Instant::from_secs(3600));
/// });
/// ```
///
/// # Panics
/// When polled outside a simloop runtime.
#[inline]
pub fn sleep(duration: Duration) -> Sleep {
    Sleep { target: Target::After(duration), state: State::Init }
}

/// Waits until the clock reads `deadline`; a deadline not after now yields once.
///
/// # Panics
/// When polled outside a simloop runtime.
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { target: Target::At(deadline), state: State::Init }
}

impl Sleep {
    /// The deadline, once the sleep has started (first poll); `None` before, or for a
    /// zero sleep.
    pub fn deadline(&self) -> Option<Instant> {
        match (self.state, self.target) {
            (State::Waiting { deadline, .. }, _) => Some(deadline),
            (_, Target::At(t)) => Some(t),
            _ => None,
        }
    }

    /// Whether the sleep has completed.
    pub fn is_elapsed(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Moves the deadline (like `asyncio.Timeout.reschedule`); a pending timer is replaced.
    pub fn reset(&mut self, deadline: Instant) {
        self.cancel_timer();
        self.target = Target::At(deadline);
        self.state = State::Init;
    }

    fn cancel_timer(&mut self) {
        if let State::Waiting { key, .. } = self.state {
            context::with(|rt| rt.timers.borrow_mut().cancel(key));
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.state {
            State::Done | State::Yielded => {
                self.state = State::Done;
                Poll::Ready(())
            }
            State::Init => {
                let target = self.target;
                let state = context::expect("sleep()", |rt| {
                    let now = rt.now();
                    let deadline = match target {
                        Target::After(d) if d.is_zero() => None,
                        Target::After(d) => Some(now.saturating_add(d)),
                        Target::At(t) if t <= now => None,
                        Target::At(t) => Some(t),
                    };
                    match deadline {
                        None => {
                            rt.note_wait(WaitOn::Nothing);
                            cx.waker().wake_by_ref();
                            State::Yielded
                        }
                        Some(deadline) => {
                            let (owner, slot) = rt.current_id_and_slot();
                            let key = rt.timers.borrow_mut().insert(
                                deadline,
                                (owner, slot),
                                cx.waker().clone(),
                            );
                            if rt.tracing {
                                rt.record(owner, EventKind::Sleep { until: deadline });
                            }
                            rt.note_wait(WaitOn::Timer(deadline));
                            State::Waiting { key, deadline }
                        }
                    }
                });
                self.state = state;
                Poll::Pending
            }
            State::Waiting { key, deadline } => {
                let done = context::expect("sleep()", |rt| {
                    if rt.now() >= deadline {
                        // Fired: the clock only reaches a deadline by firing its bucket,
                        // which forgot the timer, so there is nothing to cancel.
                        true
                    } else {
                        rt.timers.borrow_mut().update_waker(key, cx.waker());
                        rt.note_wait(WaitOn::Timer(deadline));
                        false
                    }
                });
                if done {
                    self.state = State::Done;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel_timer();
    }
}

/// Future returned by [`yield_now`].
#[derive(Debug, Default)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct YieldNow {
    yielded: bool,
}

/// Gives every other ready step a turn: re-queues the caller at the back of the ready
/// queue (asyncio's `await asyncio.sleep(0)`).
#[inline]
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        context::note_wait(WaitOn::Nothing);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
