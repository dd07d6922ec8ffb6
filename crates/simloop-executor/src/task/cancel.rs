//! Asking for a task's cancellation: what `Task::cancel`, `TaskRef::cancel` and an awaiter
//! that gives up do. The request takes effect at the task's next turn (see the harness).

use crate::context;
use crate::task::header::Header;
use crate::trace::EventKind;

/// Requests cancellation of the task; `false` if it is already done. The first request is
/// recorded; a parked task is woken so that it sees the request at its next turn.
pub(crate) fn request_cancel(header: &Header) -> bool {
    if header.is_done() {
        return false;
    }
    if header.mark_cancel_requested() {
        context::record(header.id(), EventKind::CancelRequested);
    }
    header.wake();
    true
}
