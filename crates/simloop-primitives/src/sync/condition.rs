//! [`Condition`]: asyncio's `Condition`, a lock with notifications.
//!
//! - `wait()` needs the lock held ([`SyncError::NotAcquired`] otherwise, asyncio's
//!   `RuntimeError('cannot wait on un-acquired lock')`); it releases the lock, waits to be
//!   notified, then acquires the lock again, queueing behind its other waiters.
//! - `notify(n)` gives the first `n` waiters that are not done their notification, oldest
//!   first; each resumes one step later and then waits for the lock, which the notifier
//!   still holds.
//! - `wait_for(predicate)` checks the predicate first and waits until it holds
//!   (asyncio's `while not predicate(): await self.wait()`).
//! - A waiter cancelled while waiting for a notification leaves the queue, and a
//!   notification it was given is lost, as in CPython 3.11 (3.13 hands it on).
//!
//! One difference, because a Rust future cannot await in its destructor: a `wait()`
//! cancelled while it waits for a notification (or for the lock afterwards) returns
//! *without* the lock, where asyncio re-acquires it before the `CancelledError`
//! propagates. Code that catches the cancellation must not release the lock then.
//!
//! ```
//! use simloop_executor::{log, spawn_named, yield_now, Runtime};
//! use simloop_primitives::sync::Condition;
//! use std::cell::Cell;
//! use std::rc::Rc;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let cond = Condition::named("stock");
//!     let items = Rc::new(Cell::new(0));
//!     let consumer = {
//!         let (cond, items) = (cond.clone(), items.clone());
//!         spawn_named("consumer", async move {
//!             cond.acquire().await;
//!             cond.wait_for(|| items.get() > 0).await.unwrap();
//!             log!("took item {}", items.get());
//!             cond.release().unwrap();
//!         })
//!     };
//!     yield_now().await;
//!     cond.acquire().await;
//!     items.set(1);
//!     cond.notify(1).unwrap();
//!     cond.release().unwrap();
//!     consumer.await.unwrap();
//! });
//! assert_eq!(rt.trace().text(), "   0.000s  consumer     took item 1\n-- elapsed 0.000s");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use simloop_executor::Resource;

use crate::sync::error::SyncError;
use crate::sync::lock::{Acquire, Lock};
use crate::sync::waiter::{Waiter, Waiters};

struct Shared {
    waiters: RefCell<Waiters>,
    res: Resource,
}

/// asyncio's `Condition`: a cloneable handle (clones share the condition and its lock).
/// See the [module docs](self).
#[derive(Clone)]
pub struct Condition {
    lock: Lock,
    shared: Rc<Shared>,
}

impl Default for Condition {
    fn default() -> Self {
        Condition::new()
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("name", &self.shared.res.name())
            .field("locked", &self.lock.locked())
            .field("waiters", &self.shared.waiters.borrow().len())
            .finish()
    }
}

impl Condition {
    /// A condition with a new lock (asyncio's `Condition()`).
    pub fn new() -> Condition {
        Condition::with_lock(Lock::new())
    }

    /// A named condition (its lock is named the same), for traces and reports.
    pub fn named(name: &str) -> Condition {
        let lock = Lock::with_resource(Resource::new("Lock", Some(name)));
        Condition::build(lock, Resource::new("Condition", Some(name)))
    }

    /// A condition on an existing lock (asyncio's `Condition(lock)`).
    pub fn with_lock(lock: Lock) -> Condition {
        let res = Resource::new("Condition", lock.name());
        Condition::build(lock, res)
    }

    fn build(lock: Lock, res: Resource) -> Condition {
        Condition { lock, shared: Rc::new(Shared { waiters: RefCell::default(), res }) }
    }

    /// Keeps this condition's (and its lock's) operations out of the verbose trace.
    pub fn untraced(self) -> Condition {
        self.shared.res.set_traced(false);
        self.lock.resource().set_traced(false);
        self
    }

    /// The lock underneath.
    pub fn lock(&self) -> &Lock {
        &self.lock
    }

    /// Whether the lock is held (asyncio's `locked()`).
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Acquires the lock (asyncio's `await cond.acquire()`).
    pub fn acquire(&self) -> Acquire<'_> {
        self.lock.acquire()
    }

    /// Releases the lock (asyncio's `cond.release()`).
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if the lock is not held.
    pub fn release(&self) -> Result<(), SyncError> {
        self.lock.release()
    }

    /// Releases the lock, waits to be notified, and re-acquires the lock (asyncio's
    /// `await cond.wait()`).
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if the lock is not held when it starts.
    ///
    /// # Panics
    /// When polled outside a simloop task.
    pub async fn wait(&self) -> Result<(), SyncError> {
        if !self.lock.locked() {
            return Err(SyncError::NotAcquired { what: self.shared.res.label(), op: "wait()" });
        }
        self.lock.release()?;
        Notified { cond: self, waiter: None }.await;
        self.lock.acquire().await;
        Ok(())
    }

    /// Waits until `predicate` is true, checking it first and after each notification
    /// (asyncio's `await cond.wait_for(predicate)`); returns its last value.
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if it must wait and the lock is not held.
    pub async fn wait_for(&self, mut predicate: impl FnMut() -> bool) -> Result<bool, SyncError> {
        let mut result = predicate();
        while !result {
            self.wait().await?;
            result = predicate();
        }
        Ok(result)
    }

    /// Wakes up to `n` waiters, oldest first (asyncio's `notify(n)`).
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if the lock is not held (asyncio's `RuntimeError`).
    pub fn notify(&self, n: usize) -> Result<(), SyncError> {
        if !self.lock.locked() {
            return Err(SyncError::NotAcquired { what: self.shared.res.label(), op: "notify()" });
        }
        self.notify_unchecked(n);
        Ok(())
    }

    /// Wakes every waiter (asyncio's `notify_all()`).
    ///
    /// # Errors
    /// [`SyncError::NotAcquired`] if the lock is not held.
    pub fn notify_all(&self) -> Result<(), SyncError> {
        let n = self.shared.waiters.borrow().len();
        self.notify(n)
    }

    /// `notify(n)` without the lock check (a barrier's exit on cancellation).
    pub(crate) fn notify_unchecked(&self, n: usize) {
        let waiters = self.shared.waiters.borrow();
        let mut woken = 0;
        for w in waiters.iter() {
            if woken >= n {
                break;
            }
            if !w.is_done() {
                woken += 1;
                w.set_result();
            }
        }
        drop(waiters);
        self.shared.res.note("notify");
    }

    /// The number of waiters (for `notify_all` without the lock check).
    pub(crate) fn waiter_count(&self) -> usize {
        self.shared.waiters.borrow().len()
    }
}

/// The notification part of `wait()`: asyncio's `fut` in `self._waiters`.
struct Notified<'a> {
    cond: &'a Condition,
    waiter: Option<Rc<Waiter>>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.cond.shared;
        match &self.waiter {
            None => {
                let w = Waiter::new("Condition::wait()", cx);
                shared.waiters.borrow_mut().push(w.clone());
                self.waiter = Some(w);
                shared.res.note("wait for");
            }
            Some(w) if w.has_result() => {
                shared.waiters.borrow_mut().remove(w);
                self.waiter = None;
                return Poll::Ready(());
            }
            Some(w) => w.register(cx),
        }
        shared.res.waits("notify");
        Poll::Pending
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            self.cond.shared.waiters.borrow_mut().remove(&w);
        }
    }
}
