//! Plain callbacks on the loop: asyncio's `loop.call_soon`, `call_later` and `call_at`.
//!
//! A callback runs as its own step, outside any task (its `log!` lines are attributed to
//! `(callback)`, as the oracle prints them). `call_later` / `call_at` register a timer at
//! call time; when it fires, the callback takes its step in the timer batch, in
//! registration order with the sleeps due at the same instant.

use std::sync::Arc;
use std::time::Duration;

use futures::task::{waker, ArcWake};

use crate::context;
use crate::time::instant::Instant;
use crate::time::timer_queue::TimerKey;

/// The waker of a callback timer: when the timer fires it queues the callback's step.
struct CallbackWaker {
    /// The runtime whose timer queue holds this waker (the only place it lives).
    runtime: u32,
    slot: usize,
    seq: u64,
}

impl ArcWake for CallbackWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        let (slot, seq) = (arc_self.slot, arc_self.seq);
        context::with(|rt| {
            if rt.id() == arc_self.runtime {
                // The step runs the callback unless it is cancelled before then.
                if let Some(owner) = rt.timer_callback_owner(slot, seq) {
                    rt.call_soon(owner, Box::new(move || run_parked(slot, seq)));
                }
            }
        });
    }
}

/// The step of a fired `call_later` timer: runs its callback, unless it was cancelled.
fn run_parked(slot: usize, seq: u64) {
    if let Some(f) = context::with(|rt| rt.take_timer_callback(slot, seq)).flatten() {
        f();
    }
}

/// Schedules `f` to run as its own step at the back of the ready queue (asyncio's
/// `loop.call_soon`). Libraries use it to reproduce asyncio's callback hops exactly.
///
/// # Panics
/// Outside a simloop runtime.
pub fn call_soon(f: impl FnOnce() + 'static) {
    context::expect("call_soon()", |rt| rt.call_soon(rt.current_or_none(), Box::new(f)))
}

/// Runs `f` as its own step once `delay` of virtual time has passed (asyncio's
/// `loop.call_later`). As in asyncio, every timer due is moved to the ready queue at the
/// start of each loop iteration: a zero delay runs `f` in the next iteration, after every
/// step queued before it, even while another task spins on `yield_now()`.
///
/// ```
/// use simloop_executor::{call_later, log, sleep, Runtime};
/// use std::time::Duration;
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     call_later(Duration::from_secs(2), || log!("callback"));
///     let never = call_later(Duration::from_secs(1), || log!("cancelled"));
///     never.cancel();
///     sleep(Duration::from_secs(3)).await;
/// });
/// assert_eq!(rt.trace().text(), "   2.000s  (callback)   callback\n-- elapsed 3.000s");
/// ```
///
/// # Panics
/// Outside a simloop runtime.
pub fn call_later(delay: Duration, f: impl FnOnce() + 'static) -> TimerHandle {
    let when = context::expect("call_later()", |rt| rt.now().saturating_add(delay));
    call_at(when, f)
}

/// Runs `f` as its own step when the clock reaches `when` (asyncio's `loop.call_at`).
///
/// # Panics
/// Outside a simloop runtime.
pub fn call_at(when: Instant, f: impl FnOnce() + 'static) -> TimerHandle {
    context::expect("call_at()", |rt| {
        let owner = rt.current_id_and_slot();
        let (slot, seq) = rt.park_timer_callback(owner.0, Box::new(f));
        let w = waker(Arc::new(CallbackWaker { runtime: rt.id(), slot, seq }));
        let key = rt.add_callback_timer(when, owner, w);
        TimerHandle { key, slot, seq, when }
    })
}

/// A scheduled callback (asyncio's `TimerHandle`): cancel it before it runs.
#[derive(Debug)]
pub struct TimerHandle {
    key: TimerKey,
    slot: usize,
    seq: u64,
    when: Instant,
}

impl TimerHandle {
    /// When the callback is due.
    pub fn when(&self) -> Instant {
        self.when
    }

    /// Cancels the callback if it has not run yet (even if its timer fired and its step is
    /// queued, as asyncio's `TimerHandle.cancel()`); returns whether it had not run.
    pub fn cancel(&self) -> bool {
        context::with(|rt| rt.cancel_timer_callback(self.key, self.slot, self.seq)).unwrap_or(false)
    }
}
