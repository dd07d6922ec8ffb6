//! [`Barrier`]: asyncio's `Barrier` (3.11), built as CPython builds it: on a
//! [`Condition`], with the states filling, draining, resetting and broken, so its waits
//! take the same steps.
//!
//! - `wait()` blocks until `parties` tasks wait, then all resume, each with its arrival
//!   index (0 for the first); the last to arrive resumes first, the others in arrival
//!   order once it releases the condition's lock.
//! - Tasks arriving while the barrier drains wait for the next round.
//! - `reset()` and `abort()` break the waits in progress ([`SyncError::BrokenBarrier`]);
//!   after `abort()` every wait fails until `reset()`.
//! - `Barrier::new(0)` is [`SyncError::ZeroParties`] (asyncio's `ValueError`).
//!
//! A wait cancelled while it blocks leaves the count and lets the others re-check the
//! state, as CPython's `finally` does; see [`Condition`] for the one difference (a
//! cancelled condition wait does not take the lock back).
//!
//! ```
//! use simloop_executor::{log, spawn_named, Runtime};
//! use simloop_primitives::sync::Barrier;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let start = Barrier::named("start", 3).unwrap();
//!     let tasks: Vec<_> = ["a", "b", "c"]
//!         .into_iter()
//!         .map(|n| {
//!             let start = start.clone();
//!             spawn_named(n, async move {
//!                 let i = start.wait().await.unwrap();
//!                 log!("through as {i}");
//!             })
//!         })
//!         .collect();
//!     for t in tasks {
//!         t.await.unwrap();
//!     }
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  c            through as 2
//! \x20  0.000s  a            through as 0
//! \x20  0.000s  b            through as 1
//! -- elapsed 0.000s");
//! ```

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use crate::sync::condition::Condition;
use crate::sync::error::SyncError;

/// asyncio's `_BarrierState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BarrierState {
    Filling,
    Draining,
    Resetting,
    Broken,
}

struct Shared {
    parties: usize,
    state: Cell<BarrierState>,
    count: Cell<usize>,
    name: Option<String>,
}

/// asyncio's `Barrier`: a cloneable handle. See the [module docs](self).
#[derive(Clone)]
pub struct Barrier {
    cond: Condition,
    shared: Rc<Shared>,
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("name", &self.shared.name)
            .field("parties", &self.shared.parties)
            .field("n_waiting", &self.n_waiting())
            .field("broken", &self.broken())
            .finish()
    }
}

impl Barrier {
    /// A barrier for `parties` tasks (asyncio's `Barrier(parties)`).
    ///
    /// # Errors
    /// [`SyncError::ZeroParties`] when `parties` is 0.
    pub fn new(parties: usize) -> Result<Barrier, SyncError> {
        Barrier::build(parties, None)
    }

    /// A named barrier, for traces and reports.
    ///
    /// # Errors
    /// [`SyncError::ZeroParties`] when `parties` is 0.
    pub fn named(name: &str, parties: usize) -> Result<Barrier, SyncError> {
        Barrier::build(parties, Some(name))
    }

    fn build(parties: usize, name: Option<&str>) -> Result<Barrier, SyncError> {
        if parties == 0 {
            return Err(SyncError::ZeroParties);
        }
        let cond = match name {
            Some(n) => Condition::named(&format!("{n} (barrier)")),
            None => Condition::new(),
        };
        let shared = Rc::new(Shared {
            parties,
            state: Cell::new(BarrierState::Filling),
            count: Cell::new(0),
            name: name.map(str::to_string),
        });
        Ok(Barrier { cond, shared })
    }

    /// Keeps this barrier's operations out of the verbose trace.
    pub fn untraced(self) -> Barrier {
        Barrier { cond: self.cond.untraced(), shared: self.shared }
    }

    fn label(&self) -> String {
        match &self.shared.name {
            Some(n) => format!("Barrier '{n}'"),
            None => "Barrier".into(),
        }
    }

    /// The number of tasks needed to pass (asyncio's `parties`).
    pub fn parties(&self) -> usize {
        self.shared.parties
    }

    /// The number of tasks waiting in the current round (asyncio's `n_waiting`).
    pub fn n_waiting(&self) -> usize {
        if self.shared.state.get() == BarrierState::Filling {
            self.shared.count.get()
        } else {
            0
        }
    }

    /// Whether the barrier is broken (asyncio's `broken`).
    pub fn broken(&self) -> bool {
        self.shared.state.get() == BarrierState::Broken
    }

    /// Waits until `parties` tasks wait; returns this task's arrival index (asyncio's
    /// `await barrier.wait()`).
    ///
    /// # Errors
    /// [`SyncError::BrokenBarrier`] if the barrier is broken, or is reset or aborted
    /// during the wait.
    ///
    /// # Panics
    /// When polled outside a simloop task.
    pub async fn wait(&self) -> Result<usize, SyncError> {
        let s = &self.shared;
        self.cond.acquire().await;
        let mut guard = Exit { barrier: self, counted: false, held: true };
        // _block: wait while the barrier drains or resets.
        guard.held = false;
        let r = self
            .cond
            .wait_for(|| !matches!(s.state.get(), BarrierState::Draining | BarrierState::Resetting))
            .await;
        guard.held = true;
        r?;
        if s.state.get() == BarrierState::Broken {
            return Err(SyncError::BrokenBarrier { what: self.label() });
        }
        let index = s.count.get();
        s.count.set(index + 1);
        guard.counted = true;
        if index + 1 == s.parties {
            // _release
            s.state.set(BarrierState::Draining);
            self.cond.notify_all()?;
        } else {
            // _wait
            guard.held = false;
            let r = self.cond.wait_for(|| s.state.get() != BarrierState::Filling).await;
            guard.held = true;
            r?;
            if matches!(s.state.get(), BarrierState::Broken | BarrierState::Resetting) {
                return Err(SyncError::BrokenBarrier { what: self.label() });
            }
        }
        Ok(index)
    }

    /// Breaks the waits in progress and returns the barrier to filling once they are out
    /// (asyncio's `await barrier.reset()`).
    pub async fn reset(&self) {
        self.cond.acquire().await;
        let s = &self.shared;
        if s.count.get() > 0 {
            s.state.set(BarrierState::Resetting);
        } else {
            s.state.set(BarrierState::Filling);
        }
        self.cond.notify_unchecked(self.cond.waiter_count());
        let _ = self.cond.release();
    }

    /// Puts the barrier in the broken state: every wait fails until `reset()` (asyncio's
    /// `await barrier.abort()`).
    pub async fn abort(&self) {
        self.cond.acquire().await;
        self.shared.state.set(BarrierState::Broken);
        self.cond.notify_unchecked(self.cond.waiter_count());
        let _ = self.cond.release();
    }

    /// asyncio's `_exit`: the last task out refills the barrier and everyone re-checks.
    fn exit(&self) {
        let s = &self.shared;
        if s.count.get() == 0 {
            if matches!(s.state.get(), BarrierState::Resetting | BarrierState::Draining) {
                s.state.set(BarrierState::Filling);
            }
            self.cond.notify_unchecked(self.cond.waiter_count());
        }
    }
}

/// The `finally` and `async with` exit of `wait()`, run on return and on cancellation.
struct Exit<'a> {
    barrier: &'a Barrier,
    counted: bool,
    held: bool,
}

impl Drop for Exit<'_> {
    fn drop(&mut self) {
        if self.counted {
            let s = &self.barrier.shared;
            s.count.set(s.count.get() - 1);
            self.barrier.exit();
        }
        if self.held {
            let _ = self.barrier.cond.release();
        }
    }
}
