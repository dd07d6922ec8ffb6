//! Sleeping on the virtual clock: `sleep`, `sleep_until`, `yield_now`.
//!
//! A sleep registers a timer at its first poll (asyncio starts the timer when the sleep is
//! awaited) and completes when the clock reaches its deadline. `sleep(Duration::ZERO)` and
//! a `sleep_until` in the past yield once instead, re-queueing the caller at the back of
//! the ready queue, as asyncio's `sleep(0)` does; with tracing on, the yield and the
//! resumption are recorded ([`EventKind::Yield`], [`EventKind::Resumed`]), so the steps
//! that ran in between show in the trace. A deadline past the end of the virtual
//! clock (`sleep(Duration::MAX)`) never fires; if nothing else can run, the run fails as
//! a deadlock whose report names that sleep.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::context;
use crate::runtime::inner::Inner;
use crate::task::state::WaitOn;
use crate::time::instant::Instant;
use crate::time::timer_queue::TimerKey;
use crate::trace::EventKind;

#[derive(Clone, Copy, Debug)]
enum State {
    /// Not started: sleep this long from the first poll; record the start in the trace?
    After(Duration, bool),
    /// Not started: sleep until then; record the start in the trace?
    At(Instant, bool),
    /// Started; the timer's key holds its deadline. Recorded in the trace?
    Waiting(TimerKey, bool),
    /// A zero sleep that re-queued its task; done at the next poll. Recorded in the trace
    /// (tracing was on), so its resumption is too?
    Yielded(bool),
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
    Sleep { state: State::After(duration, true) }
}

/// Waits until the clock reads `deadline`; a deadline not after now yields once.
///
/// # Panics
/// When polled outside a simloop runtime.
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { state: State::At(deadline, true) }
}

impl Sleep {
    /// The deadline, once the sleep has started (first poll); `None` before, or for a
    /// zero sleep.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Waiting(key, _) => Some(key.deadline()),
            State::At(t, _) => Some(t),
            _ => None,
        }
    }

    /// Whether the sleep has completed.
    pub fn is_elapsed(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Moves the deadline (like `asyncio.Timeout.reschedule`); a pending timer is replaced.
    pub fn reset(&mut self, deadline: Instant) {
        let recorded = match self.state {
            State::After(_, r) | State::At(_, r) | State::Waiting(_, r) => r,
            State::Yielded(_) | State::Done => true,
        };
        self.cancel_timer();
        self.state = State::At(deadline, recorded);
    }

    /// Does not record this sleep's start in the trace: for a timer a library sets on a
    /// task's behalf (a timeout's deadline, `wait`'s timeout), which is not the task
    /// sleeping. Its firing is still recorded, and it does not count as something the task
    /// awaits for cancel forwarding (a task parked on a task under a timeout passes its
    /// cancellation on to that task, see [`await_target`](crate::await_target)). Called
    /// after the first poll, it applies to the next start only (after [`Sleep::reset`], which keeps the choice).
    ///
    /// ```
    /// use simloop_executor::{sleep_until, Instant, Runtime};
    ///
    /// let mut rt = Runtime::new();
    /// rt.block_on(sleep_until(Instant::from_secs(1)).unrecorded());
    /// assert!(!rt.trace().verbose().contains("sleep"));
    /// ```
    pub fn unrecorded(mut self) -> Sleep {
        self.state = match self.state {
            State::After(d, _) => State::After(d, false),
            State::At(t, _) => State::At(t, false),
            State::Waiting(key, _) => State::Waiting(key, false),
            done => done,
        };
        self
    }

    fn cancel_timer(&mut self) {
        if let State::Waiting(key, _) = self.state {
            context::with(|rt| rt.cancel_timer(key));
        }
    }

    /// First poll: registers the timer, or yields once for a deadline not in the future.
    #[inline]
    fn start(&mut self, rt: &Inner, cx: &Context<'_>) {
        let now = rt.now();
        let (deadline, recorded) = match self.state {
            State::After(d, recorded) if !d.is_zero() => (now.saturating_add(d), recorded),
            State::At(t, recorded) if t > now => (t, recorded),
            _ => {
                self.state = State::Yielded(yield_once(rt, cx));
                return;
            }
        };
        let owner = rt.current_id_and_slot();
        let key = rt.add_timer(deadline, owner, cx.waker().clone());
        if recorded && rt.tracing() {
            rt.record(owner.0, EventKind::Sleep { until: deadline });
        }
        note_timer(rt, deadline, recorded);
        self.state = State::Waiting(key, recorded);
    }
}

/// Notes the timer the task waits on; an unrecorded sleep is a combinator's own timer
/// (a timeout's), not something the task awaits, so it does not count for cancel
/// forwarding (`task::forward`).
#[inline]
fn note_timer(rt: &Inner, deadline: Instant, recorded: bool) {
    if recorded {
        rt.note_wait(WaitOn::Timer(deadline));
    } else {
        rt.note_wait_uncounted(WaitOn::Timer(deadline));
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        match this.state {
            State::Done | State::Yielded(_) => {
                if let State::Yielded(true) = this.state {
                    record_resumed();
                }
                this.state = State::Done;
                Poll::Ready(())
            }
            State::Waiting(key, recorded) => {
                let fired = context::expect("sleep()", |rt| {
                    // The clock only reaches a deadline by firing its bucket, which forgot
                    // the timer, so a fired one has nothing to cancel.
                    let fired = rt.now() >= key.deadline();
                    if !fired {
                        rt.update_timer_waker(key, cx.waker());
                        note_timer(rt, key.deadline(), recorded);
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
            State::After(..) | State::At(..) => {
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
    state: YieldState,
}

/// Where a [`YieldNow`] is.
#[derive(Clone, Copy, Debug, Default)]
enum YieldState {
    /// Not polled yet.
    #[default]
    Ready,
    /// Yielded; done at the next poll. The yield was recorded, so the resumption is too?
    Yielded(bool),
}

/// Gives every other ready step a turn: re-queues the caller at the back of the ready
/// queue (asyncio's `await asyncio.sleep(0)`).
#[inline]
pub fn yield_now() -> YieldNow {
    YieldNow { state: YieldState::Ready }
}

/// A yield of the task being polled: notes that it waits on nothing, records the yield
/// (with tracing on) and re-queues the task. Returns whether it was recorded, so that
/// only then the resumption is (an untraced run pays nothing more at the resumption).
#[cold]
#[inline(never)]
fn yield_once(rt: &Inner, cx: &Context<'_>) -> bool {
    rt.note_wait(WaitOn::Nothing);
    let traced = rt.tracing();
    if traced {
        rt.record(rt.current_id_and_slot().0, EventKind::Yield);
    }
    cx.waker().wake_by_ref();
    traced
}

/// Records a yield of the task being polled (tracing is on).
#[cold]
fn record_yield() {
    context::with(|rt| rt.record(rt.current_id_and_slot().0, EventKind::Yield));
}

/// Records that the task being polled resumed after a recorded yield.
#[cold]
fn record_resumed() {
    context::with(|rt| rt.record(rt.current_id_and_slot().0, EventKind::Resumed));
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let YieldState::Yielded(traced) = self.state {
            if traced {
                record_resumed();
            }
            return Poll::Ready(());
        }
        let traced = context::with(|rt| {
            rt.note_wait(WaitOn::Nothing);
            rt.tracing()
        });
        let traced = traced == Some(true);
        if traced {
            record_yield();
        }
        self.state = YieldState::Yielded(traced);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
