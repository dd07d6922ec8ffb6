//! Asking for a task's cancellation: what `Task::cancel`, `TaskRef::cancel` and an awaiter
//! that gives up do. The request takes effect at the task's next turn (see the harness).

use crate::context;
use crate::task::header::Header;
use crate::trace::EventKind;

/// Requests cancellation of the task (asyncio's `Task.cancel()`); `false` if it is already
/// done. Every request counts (`cancelling()`); one that finds none waiting is recorded; a
/// parked task is woken so that it sees the request at its next turn, where it goes to the
/// task's innermost cancel scope, or drops the task's future if none is active.
pub(crate) fn request_cancel(header: &Header) -> bool {
    if header.is_done() {
        return false;
    }
    // A parked task awaiting one cancellable thing passes the request on to it, as
    // asyncio's `Task.cancel()` calls `_fut_waiter.cancel()` (see `task::forward`).
    if forward_only(header) {
        return true;
    }
    if header.add_cancel_request() {
        context::record(header.id(), EventKind::CancelRequested);
    }
    header.wake();
    true
}

/// Passes a cancellation request on to the task's forward target, if it is parked on one
/// that takes it (counted, recorded); `false` (nothing done) if not.
pub(crate) fn forward_only(header: &Header) -> bool {
    if header.is_done() || context::current_task() == Some(header.id()) {
        return false;
    }
    let passed = header.pass_on_cancel();
    if passed {
        context::record(header.id(), EventKind::CancelRequested);
    }
    passed
}
