//! A task's core: its header and typed outcome in one allocation, and the runtime's untyped
//! view of it.

use std::any::Any;
use std::cell::RefCell;

use crate::task::error::TaskError;
use crate::task::header::Header;
use crate::task::state::TaskState;

/// Internal outcome of a task, kept until someone takes it. A panic's message lives in
/// the header, where untyped references read it too.
pub(crate) enum Outcome<T> {
    Ok(T),
    Cancelled,
    Panicked,
    Taken,
}

impl<T> Outcome<T> {
    /// The state a task with this outcome is in.
    pub(crate) fn state(&self) -> TaskState {
        match self {
            Outcome::Ok(_) | Outcome::Taken => TaskState::Finished,
            Outcome::Cancelled => TaskState::Cancelled,
            Outcome::Panicked => TaskState::Panicked,
        }
    }

    /// The error reading this outcome gives, or `None` for a value still there.
    fn error(&self, header: &Header) -> Option<TaskError> {
        match self {
            Outcome::Ok(_) => None,
            Outcome::Cancelled => Some(TaskError::Cancelled),
            Outcome::Panicked => {
                Some(TaskError::Panicked(header.panic_message().unwrap_or_default()))
            }
            Outcome::Taken => Some(TaskError::InvalidState(format!(
                "the result of task {} was already taken (by an await or take_result()); \
                 use result() on a Clone output to read it more than once",
                header.name()
            ))),
        }
    }
}

/// What a task shares with its handles: the header and the typed result slot, in one
/// allocation.
#[repr(C)]
pub(crate) struct TaskCore<T> {
    header: Header,
    result: RefCell<Option<Outcome<T>>>,
}

impl<T> TaskCore<T> {
    pub(crate) fn new(header: Header) -> TaskCore<T> {
        TaskCore { header, result: RefCell::new(None) }
    }

    #[inline]
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Stores the outcome of a task that just ended.
    #[inline]
    pub(crate) fn set_outcome(&self, outcome: Outcome<T>) {
        *self.result.borrow_mut() = Some(outcome);
    }

    /// Takes the outcome, marking it retrieved: a value is moved out (leaving `Taken`),
    /// an error stays for later readers. `None` while pending.
    #[inline]
    pub(crate) fn take(&self) -> Option<Result<T, TaskError>> {
        let mut slot = self.result.borrow_mut();
        let outcome = slot.as_mut()?;
        self.header.mark_retrieved();
        if let Some(e) = outcome.error(&self.header) {
            return Some(Err(e));
        }
        match std::mem::replace(outcome, Outcome::Taken) {
            Outcome::Ok(v) => Some(Ok(v)),
            _ => unreachable!("only a value has no error"),
        }
    }

    /// Calls `f` on a value still in place, without taking it or marking it retrieved.
    pub(crate) fn inspect<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        match self.result.borrow().as_ref()? {
            Outcome::Ok(v) => Some(f(v)),
            _ => None,
        }
    }

    /// Reads the outcome by clone, marking it retrieved; `None` while pending.
    pub(crate) fn read(&self) -> Option<Result<T, TaskError>>
    where
        T: Clone,
    {
        let slot = self.result.borrow();
        let outcome = slot.as_ref()?;
        self.header.mark_retrieved();
        Some(match outcome {
            Outcome::Ok(v) => Ok(v.clone()),
            other => Err(other.error(&self.header).expect("not a value")),
        })
    }

    /// The panic payload of a panicked task (used by `block_on` to re-raise main's panic).
    pub(crate) fn take_panic_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.header.take_panic_payload()
    }

    /// Marks a task that was destroyed while pending as cancelled (no callbacks run).
    pub(crate) fn mark_destroyed(&self) {
        if !self.header.is_done() {
            *self.result.borrow_mut() = Some(Outcome::Cancelled);
            self.header.set_done(TaskState::Cancelled);
            drop(self.header.take_callbacks());
        }
    }
}

/// The runtime's type-erased view of a task.
pub(crate) trait ErasedTask {
    fn header(&self) -> &Header;
    fn mark_destroyed(&self);
}

impl<T> ErasedTask for TaskCore<T> {
    #[inline]
    fn header(&self) -> &Header {
        &self.header
    }
    fn mark_destroyed(&self) {
        TaskCore::mark_destroyed(self)
    }
}
