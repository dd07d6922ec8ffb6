//! Cancel forwarding: where a task's cancellation goes while the task awaits one thing
//! (asyncio's `Task._fut_waiter`).
//!
//! In asyncio, `task.cancel()` on a task parked on one future cancels *that future* at
//! once (`_fut_waiter.cancel()`): a task awaiting another task cancels the inner task in the
//! same step, a task awaiting a `gather` cancels every child, and the outer task itself is
//! not marked for cancellation. It sees the cancellation only when what it awaits completes
//! cancelled (the `await` raises `CancelledError`); if the inner task refuses the
//! cancellation and returns, the outer task gets the value and goes on.
//!
//! simloop does the same. A future that stands for one cancellable thing (a [`Task`]
//! handle, a [`Join`], a `gather`) names it with [`await_target`] when it returns
//! `Pending`; if a task's poll ends awaiting exactly one thing and that thing is a target,
//! the target is the task's *forward*. [`Task::cancel`] on a parked task with a forward
//! passes the request on ([`CancelTarget::forward_cancel`]) instead of marking the task;
//! when the task is next polled, the harness asks the target how it ended
//! ([`CancelTarget::resolution`]) and, if it ended cancelled, delivers the cancellation to
//! the task (its innermost cancel scope, or dropping its future) before polling it.
//!
//! A poll that awaits several things at once (a Rust `select!`, a timeout's own timer
//! aside) has no forward: the task is cancelled at its next turn, as before.
//!
//! [`Task`]: crate::Task
//! [`Join`]: crate::Join
//! [`Task::cancel`]: crate::Task::cancel

use std::rc::Weak;

use crate::context;
use crate::task::cancel::request_cancel;
use crate::task::core::TaskCore;
use crate::task::state::TaskState;
use crate::task::target::{CancelTarget, Resolution};

impl<T: 'static> CancelTarget for TaskCore<T> {
    fn forward_cancel(&self) -> bool {
        request_cancel(self.header())
    }

    fn resolution(&self) -> Resolution {
        match self.header().state() {
            TaskState::Pending => Resolution::Pending,
            TaskState::Cancelled => Resolution::Cancelled,
            TaskState::Finished | TaskState::Panicked => Resolution::Done,
        }
    }
}

/// Names what the current poll awaits, for cancel forwarding (see the module docs). Call
/// it when returning `Pending` from a future that stands for one cancellable thing. Outside
/// a task poll it does nothing.
pub fn await_target(target: Weak<dyn CancelTarget>) {
    context::note_target(None, target);
}
