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
use crate::runtime::Inner;
use crate::task::WaitOn;
use crate::timers::TimerKey;
use crate::trace::EventKind;

#[derive(Clone, Copy, Debug)]
enum State {
    /// Not started: sleep this long from the first poll.
    After(Duration),
    /// Not started: sleep until then.
    At(Instant),
    /// Started; the timer's key holds its deadline.
    Waiting(TimerKey),
    /// A zero sleep that re-queued its task; done at the next poll.
    Yielded,
    Done,
}

/// Future returned by [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Sleep {
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
    Sleep { state: State::After(duration) }
}

/// Waits until the clock reads `deadline`; a deadline not after now yields once.
///
/// # Panics
/// When polled outside a simloop runtime.
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { state: State::At(deadline) }
}

impl Sleep {
    /// The deadline, once the sleep has started (first poll); `None` before, or for a
    /// zero sleep.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Waiting(key) => Some(key.deadline()),
            State::At(t) => Some(t),
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
        self.state = State::At(deadline);
    }

    fn cancel_timer(&mut self) {
        if let State::Waiting(key) = self.state {
            context::with(|rt| rt.timers.borrow_mut().cancel(key));
        }
    }

    /// First poll: registers the timer, or yields once for a deadline not in the future.
    #[inline]
    fn start(&mut self, rt: &Inner, cx: &Context<'_>) {
        let now = rt.now();
        let deadline = match self.state {
            State::After(d) if !d.is_zero() => now.saturating_add(d),
            State::At(t) if t > now => t,
            _ => {
                rt.note_wait(WaitOn::Nothing);
                cx.waker().wake_by_ref();
                self.state = State::Yielded;
                return;
            }
        };
        let owner = rt.current_id_and_slot();
        let key = rt.timers.borrow_mut().insert(deadline, owner, cx.waker().clone());
        if rt.tracing {
            rt.record(owner.0, EventKind::Sleep { until: deadline });
        }
        rt.note_wait(WaitOn::Timer(deadline));
        self.state = State::Waiting(key);
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        match this.state {
            State::Done | State::Yielded => {
                this.state = State::Done;
                Poll::Ready(())
            }
            State::Waiting(key) => {
                let fired = context::expect("sleep()", |rt| {
                    // The clock only reaches a deadline by firing its bucket, which forgot
                    // the timer, so a fired one has nothing to cancel.
                    let fired = rt.now() >= key.deadline();
                    if !fired {
                        rt.timers.borrow_mut().update_waker(key, cx.waker());
                        rt.note_wait(WaitOn::Timer(key.deadline()));
                    }
                    fired
                });
                if fired {
                    this.state = State::Done;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            State::After(_) | State::At(_) => {
                context::expect("sleep()", |rt| this.start(rt, cx));
                Poll::Pending
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
