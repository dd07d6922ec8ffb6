//! Where a task is in its life, and what a pending task waits on.

use crate::resource::table::ResourceId;
use crate::task::id::TaskId;
use crate::time::instant::Instant;

/// Where a task is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Not finished yet.
    Pending,
    /// Returned a value.
    Finished,
    /// Cancelled before it returned.
    Cancelled,
    /// Panicked.
    Panicked,
}

/// What a pending task waits on, as recorded at the end of its last poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitOn {
    /// Nothing recorded yet (never polled, or ready to run).
    Nothing,
    /// A simloop timer at this instant ([`Instant::MAX`]: a sleep that never ends).
    Timer(Instant),
    /// Another task's completion.
    Task(TaskId),
    /// `wait_all_tasks_blocked()`: every other task going idle.
    AllBlocked,
    /// A resource a library declared (a simloop `Lock`, `Event`, `Queue`, ...): see
    /// [`Resource`](crate::Resource).
    Resource(ResourceId),
    /// A future simloop does not know (a channel, a lock, a foreign waker).
    Foreign,
}
