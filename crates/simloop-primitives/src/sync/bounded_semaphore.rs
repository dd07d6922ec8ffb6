//! [`BoundedSemaphore`]: asyncio's `BoundedSemaphore`, a [`Semaphore`] whose `release()`
//! refuses to go past the initial value ([`SyncError::ReleasedTooOften`], asyncio's
//! `ValueError('BoundedSemaphore released too many times')`). Waking and cancellation are
//! the semaphore's.
//!
//! ```
//! use simloop_executor::Runtime;
//! use simloop_primitives::sync::{BoundedSemaphore, SyncError};
//!
//! Runtime::new().block_on(async {
//!     let sem = BoundedSemaphore::named("pool", 1);
//!     sem.acquire().await;
//!     sem.release().unwrap();
//!     let err = sem.release().unwrap_err();
//!     assert!(matches!(err, SyncError::ReleasedTooOften { bound: 1, .. }));
//!     assert!(err.to_string().starts_with("BoundedSemaphore 'pool' released too many times"));
//! });
//! ```

use std::fmt;

use simloop_executor::Resource;

use crate::sync::error::SyncError;
use crate::sync::semaphore::{Semaphore, SemaphoreAcquire};

/// asyncio's `BoundedSemaphore`: a cloneable handle. See the [module docs](self).
#[derive(Clone)]
pub struct BoundedSemaphore(Semaphore);

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl BoundedSemaphore {
    /// A bounded semaphore with `value` permits, which is also its bound.
    pub fn new(value: usize) -> BoundedSemaphore {
        BoundedSemaphore(Semaphore::build(
            Resource::new("BoundedSemaphore", None),
            value,
            Some(value),
        ))
    }

    /// A named bounded semaphore, for traces and deadlock reports.
    pub fn named(name: &str, value: usize) -> BoundedSemaphore {
        let res = Resource::new("BoundedSemaphore", Some(name));
        BoundedSemaphore(Semaphore::build(res, value, Some(value)))
    }

    /// Keeps this semaphore's operations out of the verbose trace.
    pub fn untraced(self) -> BoundedSemaphore {
        BoundedSemaphore(self.0.untraced())
    }

    /// The permits left.
    pub fn value(&self) -> usize {
        self.0.value()
    }

    /// Whether an acquire would wait (asyncio's `locked()`).
    pub fn locked(&self) -> bool {
        self.0.locked()
    }

    /// Waits for a permit and takes it (asyncio's `await sem.acquire()`).
    pub fn acquire(&self) -> SemaphoreAcquire<'_> {
        self.0.acquire()
    }

    /// Takes a permit if that needs no wait; `false` otherwise.
    pub fn try_acquire(&self) -> bool {
        self.0.try_acquire()
    }

    /// Gives a permit back (asyncio's `release()`).
    ///
    /// # Errors
    /// [`SyncError::ReleasedTooOften`] if the value is already at its bound.
    pub fn release(&self) -> Result<(), SyncError> {
        self.0.release_checked()
    }
}
