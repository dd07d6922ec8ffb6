//! The untyped task handle: what done callbacks receive, and what collections of
//! differently-typed tasks hold.

use std::fmt;
use std::rc::Rc;
use std::task::Waker;

use crate::context;
use crate::task::cancel::{forward_only, request_cancel};
use crate::task::core::ErasedTask;
use crate::task::error::TaskError;
use crate::task::header::{Callback, Header};
use crate::task::id::TaskId;
use crate::task::state::{TaskState, WaitOn};

/// An untyped, cloneable reference to a task: what done callbacks receive, and what
/// collections of differently-typed tasks hold.
#[derive(Clone)]
pub struct TaskRef(Rc<dyn ErasedTask>);

impl TaskRef {
    pub(crate) fn from_erased(task: Rc<dyn ErasedTask>) -> TaskRef {
        TaskRef(task)
    }

    /// The runtime's view of the task.
    pub(crate) fn erased(&self) -> &Rc<dyn ErasedTask> {
        &self.0
    }

    pub(crate) fn header(&self) -> &Header {
        self.0.header()
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.header().id()
    }

    /// The task's name.
    pub fn name(&self) -> String {
        self.header().name().to_string()
    }

    /// The task that spawned this one (`None` for main, or a task spawned from outside).
    pub fn parent(&self) -> Option<TaskId> {
        self.header().parent()
    }

    /// Whether the task is done.
    pub fn is_done(&self) -> bool {
        self.header().is_done()
    }

    /// Whether the task ended by cancellation.
    pub fn is_cancelled(&self) -> bool {
        self.header().state() == TaskState::Cancelled
    }

    /// Where the task is in its life.
    pub fn state(&self) -> TaskState {
        self.header().state()
    }

    /// The panic message, if the task panicked. Reading it counts as retrieving the error.
    pub fn panic_message(&self) -> Option<String> {
        let msg = self.header().panic_message();
        if msg.is_some() {
            self.header().mark_retrieved();
        }
        msg
    }

    /// The task's exception (see [`Task::exception`](crate::Task::exception)).
    pub fn exception(&self) -> Result<Option<String>, TaskError> {
        let h = self.header();
        match h.state() {
            TaskState::Pending => Err(TaskError::InvalidState(format!(
                "exception() called on task {} while it is still pending: await the task, or \
                 read it once it is done (is_done())",
                h.name()
            ))),
            TaskState::Cancelled => Err(TaskError::Cancelled),
            TaskState::Finished => Ok(None),
            TaskState::Panicked => {
                h.mark_retrieved();
                Ok(h.panic_message())
            }
        }
    }

    /// Requests cancellation (see [`Task::cancel`](crate::Task::cancel)).
    pub fn cancel(&self) -> bool {
        request_cancel(self.header())
    }

    /// Requests cancellation only if the task is parked on one task or gather (its cancel
    /// target, see [`await_target`](crate::await_target)): the request counts and is
    /// passed on to the target, as asyncio's `Task.cancel()` does with `_fut_waiter`;
    /// `true` if so. Otherwise nothing is done and `false` is returned: a library that
    /// cancels the task it belongs to (a task group cancelling its body) then cancels it
    /// its own way at the task's next turn.
    pub fn forward_cancel(&self) -> bool {
        forward_only(self.header())
    }

    /// Cancellation requests not withdrawn (see [`Task::cancelling`](crate::Task::cancelling)).
    pub fn cancelling(&self) -> u32 {
        self.header().cancelling()
    }

    /// Withdraws one cancellation request (see [`Task::uncancel`](crate::Task::uncancel)).
    pub fn uncancel(&self) -> u32 {
        self.header().uncancel()
    }

    /// What the task waited on at the end of its last poll.
    pub fn waiting_on(&self) -> WaitOn {
        self.header().waiting()
    }

    /// Registers a done callback (see [`Task::add_done_callback`](crate::Task::add_done_callback)).
    pub fn add_done_callback(&self, f: impl FnOnce(&TaskRef) + 'static) {
        let header = self.header();
        let task = self.clone();
        let call: Box<dyn FnOnce()> = Box::new(move || f(&task));
        if header.is_done() {
            context::call_soon_for(header.id(), call);
        } else {
            // The callback holds its task until it runs, or until the task is destroyed
            // pending (which clears its callbacks).
            header.add_callback(Callback::Fn(call));
        }
    }

    /// Registers `waker` to be woken when the task is done (for combinators that wait on
    /// many tasks without holding their handles). Returns a slot for [`TaskRef::remove_waker`].
    pub fn add_done_waker(&self, waker: Waker) -> Option<usize> {
        let header = self.header();
        if header.is_done() {
            waker.wake();
            None
        } else {
            context::note_wait(WaitOn::Task(header.id()));
            Some(header.add_callback(Callback::Waker(waker)))
        }
    }

    /// Forgets a waker registered with [`TaskRef::add_done_waker`].
    pub fn remove_waker(&self, slot: usize) {
        self.header().with_callback(slot, |s| *s = None);
    }

    /// Whether both refer to the same task.
    pub fn ptr_eq(&self, other: &TaskRef) -> bool {
        self.id() == other.id() && std::ptr::eq(self.header(), other.header())
    }
}

impl fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRef")
            .field("id", &self.id())
            .field("name", &self.header().name())
            .field("state", &self.state())
            .finish()
    }
}
