//! How many live tasks on this thread have a cancellation request under way
//! (`cancelling() > 0`): when none has, a library entering (a timeout taking its
//! [`ScopeMark`](crate::ScopeMark)) knows its task's count is 0 without looking the task up.
//!
//! The count may only err high (a task destroyed while its count was above 0 is not taken
//! off), which costs a lookup, never a wrong answer.

use std::cell::Cell;

thread_local! {
    static CANCELLING_TASKS: Cell<u64> = const { Cell::new(0) };
}

/// A task's count went from 0 to 1.
pub(crate) fn became_nonzero() {
    CANCELLING_TASKS.with(|n| n.set(n.get() + 1));
}

/// A task's count went back to 0, or the task finished with a count above 0.
pub(crate) fn became_zero() {
    CANCELLING_TASKS.with(|n| n.set(n.get().saturating_sub(1)));
}

/// Whether some live task may have a count above 0.
#[inline]
pub(crate) fn any() -> bool {
    CANCELLING_TASKS.with(|n| n.get() > 0)
}
