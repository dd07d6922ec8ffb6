//! Why awaiting a task, or reading its result, gave no value.

use std::fmt;

/// Why awaiting a task, or reading its result, gave no value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskError {
    /// The task was cancelled (`Task::cancel`, a timeout, a failing task group, or the
    /// runtime destroying it when `block_on` returned).
    Cancelled,
    /// The task panicked; the panic message.
    Panicked(String),
    /// The result is not available: the task is still pending, or its result was already
    /// taken. The message says which and what to do.
    InvalidState(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("task was cancelled"),
            TaskError::Panicked(msg) => write!(f, "task panicked: {msg}"),
            TaskError::InvalidState(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for TaskError {}

impl TaskError {
    /// Whether this is [`TaskError::Cancelled`].
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// Whether this is [`TaskError::Panicked`].
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }
}
