//! [`Semaphore`]: asyncio's `Semaphore`, with CPython 3.11's wake-one bookkeeping.
//!
//! - `acquire()` takes a permit at once, without a step, unless the value is zero or a
//!   task waits (one being cancelled does not count: asyncio's `locked()`).
//! - `release()` adds a permit and hands it to the first waiter that is not done, taking
//!   it from the value at once (`_wake_up_next`); that waiter resumes one step later, and
//!   if permits are left when it runs it wakes the next one.
//! - A waiter cancelled after it was handed a permit gives it back and wakes the next
//!   waiter; one cancelled before simply leaves the queue.
//!
//! [`BoundedSemaphore`](crate::sync::BoundedSemaphore) refuses a release past its initial
//! value. Acquires, releases and waits are in the verbose trace; a deadlock report names
//! the tasks holding permits.
//!
//! ```
//! use simloop_executor::{log, sleep, spawn_named, Runtime};
//! use simloop_primitives::sync::Semaphore;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let pool = Semaphore::named("pool", 2);
//!     let tasks: Vec<_> = ["a", "b", "c"]
//!         .into_iter()
//!         .map(|n| {
//!             let pool = pool.clone();
//!             spawn_named(n, async move {
//!                 pool.acquire().await;
//!                 log!("connected");
//!                 sleep(Duration::from_secs(1)).await;
//!                 pool.release();
//!             })
//!         })
//!         .collect();
//!     for t in tasks {
//!         t.await.unwrap();
//!     }
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  a            connected
//! \x20  0.000s  b            connected
//! \x20  1.000s  c            connected
//! -- elapsed 2.000s");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use simloop_executor::Resource;

use crate::sync::error::SyncError;
use crate::sync::waiter::{Waiter, Waiters};

struct State {
    value: usize,
    waiters: Waiters,
}

struct Shared {
    state: RefCell<State>,
    /// A bounded semaphore's initial value, which a release may not exceed.
    bound: Option<usize>,
    res: Resource,
}

/// asyncio's `Semaphore`: a cloneable handle (clones share the counter). See the
/// [module docs](self).
#[derive(Clone)]
pub struct Semaphore(Rc<Shared>);

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.0.state.borrow();
        f.debug_struct(self.0.res.kind())
            .field("name", &self.0.res.name())
            .field("value", &st.value)
            .field("waiters", &st.waiters.len())
            .finish()
    }
}

impl Semaphore {
    /// A semaphore with `value` permits (asyncio's `Semaphore(value)`; a negative value,
    /// asyncio's `ValueError`, cannot be written).
    pub fn new(value: usize) -> Semaphore {
        Semaphore::build(Resource::new("Semaphore", None), value, None)
    }

    /// A named semaphore, for traces and deadlock reports.
    pub fn named(name: &str, value: usize) -> Semaphore {
        Semaphore::build(Resource::new("Semaphore", Some(name)), value, None)
    }

    pub(crate) fn build(res: Resource, value: usize, bound: Option<usize>) -> Semaphore {
        Semaphore(Rc::new(Shared {
            state: RefCell::new(State { value, waiters: Waiters::default() }),
            bound,
            res,
        }))
    }

    /// Keeps this semaphore's operations out of the verbose trace.
    pub fn untraced(self) -> Semaphore {
        self.0.res.set_traced(false);
        self
    }

    /// The semaphore's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.0.res.name()
    }

    /// The permits left.
    pub fn value(&self) -> usize {
        self.0.state.borrow().value
    }

    /// Whether an acquire would wait (asyncio's `locked()`: no permit left, or a task
    /// waits that is not being cancelled).
    pub fn locked(&self) -> bool {
        let st = self.0.state.borrow();
        st.value == 0 || st.waiters.iter().any(|w| !w.cancelled())
    }

    /// Waits for a permit and takes it (asyncio's `await sem.acquire()`).
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn acquire(&self) -> SemaphoreAcquire<'_> {
        SemaphoreAcquire { sem: self, waiter: None }
    }

    /// Takes a permit if that needs no wait; `false` otherwise.
    pub fn try_acquire(&self) -> bool {
        if self.locked() {
            return false;
        }
        self.0.state.borrow_mut().value -= 1;
        self.took();
        true
    }

    /// Gives a permit back and hands it to the first waiter (asyncio's `release()`).
    pub fn release(&self) {
        self.release_checked().expect("an unbounded semaphore has no bound to exceed");
    }

    /// `release`, refusing to exceed a bound.
    pub(crate) fn release_checked(&self) -> Result<(), SyncError> {
        let mut st = self.0.state.borrow_mut();
        if let Some(bound) = self.0.bound {
            if st.value >= bound {
                return Err(SyncError::ReleasedTooOften { what: self.0.res.label(), bound });
            }
        }
        st.value += 1;
        wake_up_next(&mut st);
        drop(st);
        self.0.res.released();
        self.0.res.note("release");
        Ok(())
    }

    fn took(&self) {
        self.0.res.held();
        self.0.res.note("acquire");
    }
}

/// asyncio's `_wake_up_next`: the first waiter that is not done takes a permit.
fn wake_up_next(st: &mut State) {
    if let Some(w) = st.waiters.iter().find(|w| !w.is_done()) {
        st.value -= 1;
        w.set_result();
    }
}

/// Future of [`Semaphore::acquire`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct SemaphoreAcquire<'a> {
    sem: &'a Semaphore,
    waiter: Option<Rc<Waiter>>,
}

impl fmt::Debug for SemaphoreAcquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreAcquire").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl Future for SemaphoreAcquire<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let sem = self.sem;
        let shared = &sem.0;
        match &self.waiter {
            None => {
                if sem.try_acquire() {
                    return Poll::Ready(());
                }
                let w = Waiter::new("Semaphore::acquire()", cx);
                shared.state.borrow_mut().waiters.push(w.clone());
                self.waiter = Some(w);
                shared.res.note("wait for");
            }
            Some(w) if w.has_result() => {
                let mut st = shared.state.borrow_mut();
                st.waiters.remove(w);
                if st.value > 0 {
                    wake_up_next(&mut st);
                }
                drop(st);
                self.waiter = None;
                sem.took();
                return Poll::Ready(());
            }
            Some(w) => w.register(cx),
        }
        shared.res.waits("release");
        Poll::Pending
    }
}

impl Drop for SemaphoreAcquire<'_> {
    fn drop(&mut self) {
        // Cancelled while waiting: a permit already handed over goes back and on
        // (asyncio's `if not fut.cancelled(): self._value += 1; self._wake_up_next()`).
        if let Some(w) = self.waiter.take() {
            let mut st = self.sem.0.state.borrow_mut();
            st.waiters.remove(&w);
            if w.has_result() {
                st.value += 1;
                wake_up_next(&mut st);
            }
        }
    }
}
