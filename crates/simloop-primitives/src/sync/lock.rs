//! [`Lock`]: asyncio's `Lock`, fair as CPython 3.11's.
//!
//! - An unlocked lock is taken at once, without a step, unless tasks wait for it (a
//!   waiter whose task is being cancelled does not count).
//! - `release()` hands the lock to the **first** waiter: the waiter is woken, and takes
//!   the lock only when it runs, one step later; in between the lock is unlocked but
//!   nobody else can take it without waiting behind it (asyncio's `_wake_up_first`).
//! - A waiter cancelled while waiting (its future dropped: a cancelled task, an expired
//!   timeout) leaves the queue; if the lock is free it wakes the next waiter, so a lock
//!   handed to a task that is being cancelled passes on to the next one, in that task's
//!   step, as CPython's `except CancelledError` branch does.
//! - `release()` of an unlocked lock is [`SyncError::NotAcquired`] (asyncio's
//!   `RuntimeError`). Any task may release a lock, as in asyncio.
//!
//! Acquire, release and waits are recorded in the verbose trace ([`Trace::verbose`],
//! never [`Trace::text`]) as `acquire Lock 'db'`, unless the lock is
//! [`untraced`](Lock::untraced); a deadlock report names the task holding it.
//!
//! [`Trace::verbose`]: simloop_executor::Trace::verbose
//! [`Trace::text`]: simloop_executor::Trace::text
//!
//! ```
//! use simloop_executor::{log, sleep, spawn_named, Runtime};
//! use simloop_primitives::sync::Lock;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let db = Lock::named("db");
//!     let mut tasks = Vec::new();
//!     for name in ["alice", "bob"] {
//!         let db = db.clone();
//!         tasks.push(spawn_named(name, async move {
//!             let _held = db.lock().await; // released when dropped
//!             log!("writing");
//!             sleep(Duration::from_secs(1)).await;
//!         }));
//!     }
//!     for t in tasks {
//!         t.await.unwrap();
//!     }
//!     assert!(db.release().is_err()); // not held: asyncio's RuntimeError
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  alice        writing
//! \x20  1.000s  bob          writing
//! -- elapsed 2.000s");
//! assert!(rt.trace().verbose().contains("bob          acquire Lock 'db'"));
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
    locked: bool,
    waiters: Waiters,
}

struct Shared {
    state: RefCell<State>,
    res: Resource,
}

/// asyncio's `Lock`: a cloneable handle (clones share the lock). See the
/// [module docs](self).
#[derive(Clone)]
pub struct Lock(Rc<Shared>);

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.0.state.borrow();
        f.debug_struct("Lock")
            .field("name", &self.0.res.name())
            .field("locked", &st.locked)
            .field("waiters", &st.waiters.len())
            .finish()
    }
}

impl Lock {
    /// An unlocked lock (asyncio's `Lock()`).
    pub fn new() -> Lock {
        Lock::with_resource(Resource::new("Lock", None))
    }

    /// An unlocked lock with a name for traces and deadlock reports.
    pub fn named(name: &str) -> Lock {
        Lock::with_resource(Resource::new("Lock", Some(name)))
    }

    pub(crate) fn with_resource(res: Resource) -> Lock {
        Lock(Rc::new(Shared {
            state: RefCell::new(State { locked: false, waiters: Waiters::default() }),
            res,
        }))
    }

    /// Keeps this lock's operations out of the verbose trace.
    pub fn untraced(self) -> Lock {
        self.0.res.set_traced(false);
        self
    }

    /// The lock's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.0.res.name()
    }

    /// Whether the lock is held (asyncio's `locked()`).
    pub fn locked(&self) -> bool {
        self.0.state.borrow().locked
    }

    /// Waits for the lock and takes it (asyncio's `await lock.acquire()`); release it with
    /// [`Lock::release`], or use [`Lock::lock`] for a guard.
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire { lock: self, waiter: None }
    }

    /// Takes the lock and returns a guard that releases it when dropped (asyncio's
    /// `async with lock:`).
    pub async fn lock(&self) -> LockGuard<'_> {
        self.acquire().await;
        LockGuard { lock: self }
    }

    /// Takes the lock if that needs no wait; `false` otherwise.
    pub fn try_acquire(&self) -> bool {
        let mut st = self.0.state.borrow_mut();
        if !st.locked && st.waiters.iter().all(|w| w.cancelled()) {
            st.locked = true;
            drop(st);
            self.took();
            true
        } else {
            false
        }
    }

    /// Releases the lock and hands it to the first waiter (asyncio's `release()`).
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if the lock is not held (asyncio's `RuntimeError`).
    pub fn release(&self) -> Result<(), SyncError> {
        let mut st = self.0.state.borrow_mut();
        if !st.locked {
            return Err(SyncError::NotAcquired { what: self.0.res.label(), op: "release()" });
        }
        st.locked = false;
        st.waiters.wake_first();
        drop(st);
        self.0.res.released();
        self.0.res.note("release");
        Ok(())
    }

    /// The lock is now held by the current task.
    fn took(&self) {
        self.0.res.held();
        self.0.res.note("acquire");
    }

    /// The resource the lock reports as (for a condition sharing it).
    pub(crate) fn resource(&self) -> &Resource {
        &self.0.res
    }
}

/// Future of [`Lock::acquire`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Acquire<'a> {
    lock: &'a Lock,
    waiter: Option<Rc<Waiter>>,
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl Future for Acquire<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let lock = self.lock;
        let shared = &lock.0;
        match &self.waiter {
            None => {
                if lock.try_acquire() {
                    return Poll::Ready(());
                }
                let w = Waiter::new("Lock::acquire()", cx);
                shared.state.borrow_mut().waiters.push(w.clone());
                self.waiter = Some(w);
                shared.res.note("wait for");
            }
            Some(w) if w.has_result() => {
                let mut st = shared.state.borrow_mut();
                st.waiters.remove(w);
                st.locked = true;
                drop(st);
                self.waiter = None;
                lock.took();
                return Poll::Ready(());
            }
            Some(w) => w.register(cx),
        }
        shared.res.waits("release");
        Poll::Pending
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        // Cancelled while waiting: asyncio's `except CancelledError: if not self._locked:
        // self._wake_up_first()`.
        if let Some(w) = self.waiter.take() {
            let mut st = self.lock.0.state.borrow_mut();
            st.waiters.remove(&w);
            if !st.locked {
                st.waiters.wake_first();
            }
        }
    }
}

/// Holds a [`Lock`] until dropped (asyncio's `async with lock:` block).
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard").field("lock", self.lock).finish()
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // Someone else may have released it (asyncio's locks have no owner); then there
        // is nothing left to release.
        let _ = self.lock.release();
    }
}
