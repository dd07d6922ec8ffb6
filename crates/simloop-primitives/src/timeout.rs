//! `timeout` and `timeout_at`: cancel work that runs past a deadline (asyncio's
//! `async with asyncio.timeout(d):` and `asyncio.timeout_at(when)`), with a [`Timeout`]
//! handle that reads and moves the deadline, like `asyncio.Timeout`.
//!
//! At the deadline the inner future is cancelled (dropped) and the caller gets
//! [`Elapsed`]; the elapsed virtual time is exactly the deadline. If the inner future has
//! cancel scopes open ([`simloop_executor::catch_cancel`]), the cancellation goes to the
//! innermost one instead, as asyncio's timeout cancels its task: the future cleans up (it
//! may await) and the caller gets `Err(Elapsed)` once it re-raises, or `Ok` with its output
//! if it refuses the cancellation and finishes ([`Timeout::expired`] is true either way).
//! The rules, as CPython's:
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

use pin_project_lite::pin_project;
use simloop_executor::{
    call_soon, cancel_inner_scopes, cancelled_since, forward_cancel_at, library_scope, now,
    scope_mark, sleep_until, Instant, LibraryScope, ScopeMark, Sleep,
};

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
    timer: Option<Sleep>,
    /// Set by the queued step of a deadline not in the future.
    fired: bool,
    /// Bumped at each (re)arm, so a stale queued step does nothing.
    generation: u64,
    waker: Option<Waker>,
}

impl State {
    fn new(deadline: Option<Instant>) -> State {
        State {
            phase: Phase::Created,
            deadline,
            timer: None,
            fired: false,
            generation: 0,
            waker: None,
        }
    }

    /// Whether the deadline has come, as seen by the guarded future's poll.
    fn poll_fired(&mut self, cx: &mut Context<'_>) -> bool {
        self.fired || timer_fired(&mut self.timer, cx)
    }

    /// Registers a timer for a deadline in the future, waking `waker`; asyncio's `call_at`
    /// at enter or reschedule.
    fn start_timer(&mut self, deadline: Instant, waker: &Waker) {
        self.timer = Some(timer_at(deadline, waker));
    }

    /// The outcome once the deadline has come: the state is expired and the timer gone.
    fn expire(&mut self) -> Elapsed {
        self.phase = Phase::Expired;
        self.timer = None;
        self.waker = None;
        let deadline = self.deadline.unwrap_or_else(now);
        simloop_executor::trace_note_deadline("timeout expired", deadline);
        Elapsed::at(deadline)
    }

    /// The guarded future was dropped from outside while entered. If the deadline has
    /// come, this timeout's timer fired in the same batch as whatever cancelled us:
    /// asyncio reports it as expired.
    fn abandon(&mut self) {
        if self.phase == Phase::Entered {
            let reached = self.timer.is_some() && self.deadline.is_some_and(|d| d <= now());
            self.phase = if reached || self.fired { Phase::Expired } else { Phase::Exited };
            self.timer = None;
            self.waker = None;
        }
    }
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
        Timeout::at(deadline_after(delay.into()))
    }

    /// A timeout at `deadline` (asyncio's `timeout_at(when)`); `None` never fires until
    /// rescheduled.
    pub fn at(deadline: impl Into<Option<Instant>>) -> Timeout {
        Timeout::from_state(State::new(deadline.into()))
    }

    fn from_state(state: State) -> Timeout {
        Timeout { state: Rc::new(RefCell::new(state)) }
    }

    /// Guards `future` with this timeout: the returned future gives `Ok(output)`, or
    /// `Err(Elapsed)` if the deadline came first (the inner future is then dropped).
    ///
    /// # Panics
    /// When the returned future is polled if this timeout was already entered by another
    /// `wrap` (asyncio: "Timeout has already been entered").
    pub fn wrap<F: Future>(&self, future: F) -> TimeoutFuture<F> {
        TimeoutFuture::new(future, Home::Shared(self.clone()))
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
            s.start_timer(deadline, &waker);
        }
    }

    /// The shared timeout's part of a poll of its guarded future: `Some(Elapsed)` once the
    /// deadline has come.
    fn poll_entered(&self, entered: &mut bool, cx: &mut Context<'_>) -> Option<Elapsed> {
        let phase = {
            let mut s = self.state.borrow_mut();
            match &s.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => s.waker = Some(cx.waker().clone()),
            }
            s.phase
        };
        if !*entered {
            if phase != Phase::Created {
                panic!(
                    "this Timeout was already entered by another future: make one Timeout \
                     per guarded future"
                );
            }
            *entered = true;
            self.state.borrow_mut().phase = Phase::Entered;
            self.arm();
        }
        let mut s = self.state.borrow_mut();
        if s.poll_fired(cx) {
            return Some(s.expire());
        }
        None
    }
}

impl fmt::Debug for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.borrow();
        f.debug_struct("Timeout").field("when", &s.deadline).field("phase", &s.phase).finish()
    }
}

/// Where a [`TimeoutFuture`] keeps its timeout's state: in itself while nobody else can
/// see it (`timeout()` with no [`TimeoutFuture::handle`] taken), else behind a shared
/// [`Timeout`] handle.
enum Home {
    Inline(State),
    Shared(Timeout),
}

pin_project! {
    /// Future for [`timeout`], [`timeout_at`] and [`Timeout::wrap`]: the inner output, or
    /// [`Elapsed`].
    #[must_use = "futures do nothing unless you .await or poll them"]
    pub struct TimeoutFuture<F> {
        #[pin]
        inner: Option<F>,
        home: RefCell<Home>,
        entered: bool,
        // Where this timeout sits among the task's cancel scopes (taken at entry).
        mark: Option<ScopeMark>,
        // Expired while the guarded future had cancel scopes open: it is cleaning up
        // after this timeout's cancellation.
        // (Boxed: it is rare, and the future stays small.)
        expiring: Option<Box<(LibraryScope, Elapsed)>>,
    }
    impl<F> PinnedDrop for TimeoutFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.inner.is_none() {
                return;
            }
            // Cancelled from outside: the timer goes first, then the guarded future.
            match &mut *this.home.borrow_mut() {
                Home::Inline(s) => s.timer = None,
                Home::Shared(t) => {
                    if let Ok(mut s) = t.state.try_borrow_mut() {
                        s.abandon();
                    }
                }
            }
            this.inner.set(None);
        }
    }
}

impl<F> TimeoutFuture<F> {
    fn new(future: F, home: Home) -> TimeoutFuture<F> {
        TimeoutFuture {
            inner: Some(future),
            home: RefCell::new(home),
            entered: false,
            mark: None,
            expiring: None,
        }
    }

    /// The timeout's handle, to read or move its deadline.
    pub fn handle(&self) -> Timeout {
        let mut home = self.home.borrow_mut();
        share(&mut home).clone()
    }
}

/// Moves an inline state behind a shared handle (once), and returns the handle.
fn share(home: &mut Home) -> &Timeout {
    if let Home::Inline(s) = home {
        let state = std::mem::replace(s, State::new(None));
        *home = Home::Shared(Timeout::from_state(state));
    }
    match home {
        Home::Shared(t) => t,
        Home::Inline(_) => unreachable!("shared above"),
    }
}

impl<F: Future> Future for TimeoutFuture<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if this.inner.is_none() {
            panic!("TimeoutFuture polled after it completed");
        }
        if this.expiring.is_some() {
            return poll_expiring(this.inner, this.expiring, cx);
        }
        if !*this.entered {
            *this.mark = Some(scope_mark());
        }
        let home = this.home.get_mut();
        let elapsed = match home {
            Home::Inline(s) if *this.entered => {
                if s.poll_fired(cx) {
                    Some(s.expire())
                } else {
                    None
                }
            }
            Home::Inline(s) => match s.deadline {
                // A deadline not in the future fires from a queued step, which needs the
                // state shared with it.
                Some(deadline) if deadline <= now() => share(home).poll_entered(this.entered, cx),
                deadline => {
                    *this.entered = true;
                    s.phase = Phase::Entered;
                    s.generation += 1;
                    if let Some(deadline) = deadline {
                        // Registered now, before the guarded future first runs; it was
                        // registered with this poll's waker and has not fired, so there
                        // is nothing to check this time.
                        s.start_timer(deadline, cx.waker());
                    }
                    None
                }
            },
            Home::Shared(t) => t.poll_entered(this.entered, cx),
        };
        if let Some(elapsed) = elapsed {
            // asyncio cancels the task here. With cancel scopes open inside the guarded
            // future, the innermost gets the cancellation within this poll and the future
            // cleans up; with none, the cancellation comes straight back to the timeout,
            // which drops the future.
            // A task parked on one task or gather inside the guarded future has its
            // cancellation passed on to it (asyncio's `_fut_waiter.cancel()`): the
            // future goes on waiting for it, and the timeout's scope catches the
            // cancellation if it comes back.
            if let Some(scope) = this.mark.and_then(forward_cancel_at) {
                *this.expiring = Some(Box::new((scope, elapsed)));
                return poll_expiring(this.inner, this.expiring, cx);
            }
            if let Some(scope) = this.mark.and_then(cancel_inner_scopes) {
                *this.expiring = Some(Box::new((scope, elapsed)));
                return Poll::Pending;
            }
            this.inner.set(None);
            // The timeout's own request is withdrawn at once; if another one is under way
            // (an outer cancellation came after entry), it goes on out: no `Elapsed`.
            if let Some(mark) = this.mark.filter(|m| cancelled_since(*m)) {
                if let Some(scope) = library_scope(mark) {
                    scope.reraise();
                    return Poll::Pending;
                }
            }
            return Poll::Ready(Err(elapsed));
        }
        let inner = this.inner.as_mut().as_pin_mut().expect("checked above");
        match inner.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(v) => {
                this.inner.set(None);
                let mut home = this.home.borrow_mut();
                let s = match &mut *home {
                    Home::Inline(s) => s,
                    Home::Shared(t) => &mut t.state.borrow_mut(),
                };
                s.phase = Phase::Exited;
                s.timer = None;
                s.waker = None;
                Poll::Ready(Ok(v))
            }
        }
    }
}

/// A poll of a timeout that expired while its guarded future had cancel scopes open: the
/// future cleans up after the timeout's cancellation (kept out of the common path).
#[cold]
#[inline(never)]
fn poll_expiring<F: Future>(
    mut inner: Pin<&mut Option<F>>,
    expiring: &mut Option<Box<(LibraryScope, Elapsed)>>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Elapsed>> {
    let (scope, _) = expiring.as_deref().expect("called while expiring");
    if scope.take_delivery() {
        // It re-raised (or another cancellation came): asyncio's __aexit__ with
        // CancelledError while expiring.
        inner.set(None);
        let (scope, elapsed) = *expiring.take().expect("checked above");
        if scope.uncancel_own() {
            return Poll::Ready(Err(elapsed));
        }
        scope.reraise();
        return Poll::Pending;
    }
    let fut = inner.as_mut().as_pin_mut().expect("checked by the caller");
    match fut.poll(cx) {
        Poll::Pending => Poll::Pending,
        Poll::Ready(v) => {
            // It refused the cancellation and finished: its output stands, and the
            // timeout still counts as expired.
            inner.set(None);
            let (scope, _) = *expiring.take().expect("checked above");
            scope.uncancel_own();
            Poll::Ready(Ok(v))
        }
    }
}

impl<F> fmt::Debug for TimeoutFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.home.borrow() {
            Home::Inline(s) => f
                .debug_struct("TimeoutFuture")
                .field("when", &s.deadline)
                .field("phase", &s.phase)
                .finish(),
            Home::Shared(t) => f.debug_struct("TimeoutFuture").field("timeout", t).finish(),
        }
    }
}

/// A timer for `deadline`, registered now (asyncio's `call_at`) to wake `waker`. It is not
/// recorded as a sleep of the task in the trace (the task is not sleeping: it waits on
/// what the timer guards); its firing is.
pub(crate) fn timer_at(deadline: Instant, waker: &Waker) -> Sleep {
    let mut timer = sleep_until(deadline).unrecorded();
    let _ = Pin::new(&mut timer).poll(&mut Context::from_waker(waker));
    timer
}

/// Whether `timer` exists and has fired; else it wakes `cx` when it does.
pub(crate) fn timer_fired(timer: &mut Option<Sleep>, cx: &mut Context<'_>) -> bool {
    timer.as_mut().is_some_and(|t| Pin::new(t).poll(cx).is_ready())
}

fn deadline_after(delay: Option<Duration>) -> Option<Instant> {
    delay.map(|d| now().saturating_add(d))
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
    TimeoutFuture::new(future, Home::Inline(State::new(deadline_after(delay.into()))))
}

/// Runs `future` until the clock reads `deadline` (asyncio's `timeout_at(when)`). See
/// [`timeout`].
pub fn timeout_at<F: Future>(deadline: impl Into<Option<Instant>>, future: F) -> TimeoutFuture<F> {
    TimeoutFuture::new(future, Home::Inline(State::new(deadline.into())))
}
