//! What a [`LoopFuture`](crate::LoopFuture) reports: its state ([`FutureState`], asyncio's
//! `_state`), what reading it gives instead of a value ([`FutureError`]: its exception, its
//! cancellation, or asyncio's `InvalidStateError`), and a refused operation
//! ([`InvalidStateError`]).
//!
//! ```
//! use simloop_primitives::{FutureError, FutureState, LoopFuture};
//!
//! let fut: LoopFuture<u32> = LoopFuture::new();
//! let err = fut.result().unwrap_err();
//! assert!(matches!(&err, FutureError::InvalidState(e) if e.state() == FutureState::Pending));
//! assert!(err.to_string().starts_with("result() called on a future that is not done yet"));
//! ```

use std::fmt;

/// Where a [`LoopFuture`](crate::LoopFuture) is in its life (asyncio's `PENDING`,
/// `FINISHED`, `CANCELLED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FutureState {
    /// No result, exception or cancellation yet.
    Pending,
    /// Given a result or an exception.
    Finished,
    /// Cancelled.
    Cancelled,
}

impl fmt::Display for FutureState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FutureState::Pending => "pending",
            FutureState::Finished => "finished",
            FutureState::Cancelled => "cancelled",
        })
    }
}

/// asyncio's `InvalidStateError`: an operation the future's state does not allow (reading
/// a pending future, setting a done one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidStateError {
    op: &'static str,
    state: FutureState,
}

impl InvalidStateError {
    pub(crate) fn new(op: &'static str, state: FutureState) -> InvalidStateError {
        InvalidStateError { op, state }
    }

    /// The refused operation, e.g. `"set_result()"`.
    pub fn op(&self) -> &'static str {
        self.op
    }

    /// The future's state when it was refused.
    pub fn state(&self) -> FutureState {
        self.state
    }
}

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state {
            FutureState::Pending => write!(
                f,
                "{} called on a future that is not done yet (asyncio's InvalidStateError, \
                 'Result is not set.'): await the future, or check is_done() first",
                self.op
            ),
            state => write!(
                f,
                "{} called on a future that is already {state} (asyncio's InvalidStateError): \
                 a future is set once; check is_done() first, or use a new future",
                self.op
            ),
        }
    }
}

impl std::error::Error for InvalidStateError {}

/// Why reading a [`LoopFuture`](crate::LoopFuture) gave no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FutureError<E> {
    /// The future was given this exception (`set_exception`); `result()` raises it.
    Exception(E),
    /// The future was cancelled, with the message given to `cancel_with` if any (asyncio's
    /// `CancelledError(msg)`).
    Cancelled {
        /// The cancel message.
        message: Option<String>,
    },
    /// The future is still pending (asyncio's `InvalidStateError`).
    InvalidState(InvalidStateError),
}

impl<E> FutureError<E> {
    /// Whether the future was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, FutureError::Cancelled { .. })
    }
}

impl<E: fmt::Display> fmt::Display for FutureError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::Exception(e) => write!(f, "the future's exception: {e}"),
            FutureError::Cancelled { message: None } => f.write_str("the future was cancelled"),
            FutureError::Cancelled { message: Some(m) } => {
                write!(f, "the future was cancelled: {m}")
            }
            FutureError::InvalidState(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FutureError<E> {}
