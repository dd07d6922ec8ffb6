//! The errors the primitives return: a child's failure ([`ChildError`]), a task group's
//! collected failures ([`TaskGroupError`], asyncio's `ExceptionGroup`) and a deadline
//! passing ([`Elapsed`], asyncio's `TimeoutError`).
//!
//! simloop's error model: a child "raises" by returning `Err(e)` (the `E` of a
//! `Result<T, E>` output); a panic or a cancellation is a failure too, reported through the
//! executor's [`TaskError`]. Both come together as a [`ChildError<E>`].
//!
//! ```
//! use simloop_executor::{sleep, Runtime};
//! use simloop_primitives::{task_group, timeout, ChildError, TaskGroup};
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let r = task_group(|tg: TaskGroup<String>| async move {
//!         tg.spawn(async { Err::<(), _>("disk full".to_string()) });
//!         Ok(())
//!     })
//!     .await;
//!     let group_error = r.unwrap_err();
//!     assert_eq!(group_error.errors(), [ChildError::Raised("disk full".to_string())]);
//!     assert_eq!(
//!         group_error.to_string(),
//!         "unhandled errors in a TaskGroup (1 sub-error): disk full"
//!     );
//!
//!     let elapsed = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2)))
//!         .await
//!         .unwrap_err();
//!     assert_eq!(elapsed.deadline().as_nanos(), 1_000_000_000);
//! });
//! ```

use std::fmt;

use simloop_executor::{Instant, TaskError};

/// Why a child of [`try_gather`](fn@crate::try_gather) or a
/// [`TaskGroup`](crate::TaskGroup) gave no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildError<E> {
    /// The child returned `Err(e)` (asyncio: it raised an exception).
    Raised(E),
    /// The child panicked, was cancelled, or its result was not available.
    Task(TaskError),
}

impl<E> ChildError<E> {
    /// The error the child returned, if it returned one (not a panic or cancellation).
    pub fn raised(&self) -> Option<&E> {
        match self {
            ChildError::Raised(e) => Some(e),
            ChildError::Task(_) => None,
        }
    }

    /// Whether the child was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ChildError::Task(TaskError::Cancelled))
    }

    /// Whether the child panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, ChildError::Task(TaskError::Panicked(_)))
    }

    /// Splits a task's outcome (`Result<Result<T, E>, TaskError>`) into a value or a
    /// `ChildError`.
    pub fn flatten<T>(outcome: Result<Result<T, E>, TaskError>) -> Result<T, ChildError<E>> {
        match outcome {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(ChildError::Raised(e)),
            Err(e) => Err(ChildError::Task(e)),
        }
    }
}

impl<E> From<TaskError> for ChildError<E> {
    fn from(e: TaskError) -> Self {
        ChildError::Task(e)
    }
}

impl<E: fmt::Display> fmt::Display for ChildError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Raised(e) => e.fmt(f),
            ChildError::Task(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ChildError<E> {}

/// Every failure of a task group, in the order asyncio collects them: the children's
/// errors in the order their completion was processed, then the body's error last
/// (asyncio's `ExceptionGroup('unhandled errors in a TaskGroup', [...])`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskGroupError<E> {
    errors: Vec<ChildError<E>>,
}

impl<E> TaskGroupError<E> {
    pub(crate) fn new(errors: Vec<ChildError<E>>) -> Self {
        TaskGroupError { errors }
    }

    /// The collected failures (never empty).
    pub fn errors(&self) -> &[ChildError<E>] {
        &self.errors
    }

    /// The collected failures, by value.
    pub fn into_errors(self) -> Vec<ChildError<E>> {
        self.errors
    }

    /// The errors children (or the body) returned, skipping panics.
    pub fn raised(&self) -> impl Iterator<Item = &E> {
        self.errors.iter().filter_map(ChildError::raised)
    }
}

impl<E: fmt::Display> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "unhandled errors in a TaskGroup ({n} sub-error{}): ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TaskGroupError<E> {}

/// A deadline passed before the work finished: the work was cancelled (asyncio's
/// `TimeoutError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    deadline: Instant,
}

impl Elapsed {
    /// The error for `deadline` (to compare against in tests).
    pub fn at(deadline: Instant) -> Self {
        Elapsed { deadline }
    }

    /// The deadline that passed.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deadline {} has elapsed and the work was cancelled; give it a later deadline \
             (or reschedule the Timeout) if it should finish",
            self.deadline
        )
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(e: Elapsed) -> Self {
        std::io::Error::new(std::io::ErrorKind::TimedOut, e)
    }
}
