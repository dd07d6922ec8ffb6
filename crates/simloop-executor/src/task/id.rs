//! A task's identity: its number in the runtime, and the key its `Runnable` carries.

use std::fmt;

/// A task's identity, unique within one runtime. The main task is 1, spawned tasks count
/// up from 2 (so default names match asyncio's `Task-2`, `Task-3`, ...).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TaskId(pub(crate) u64);

/// The id of steps that belong to no task (done callbacks, `call_soon`); named
/// `(callback)` in traces.
pub(crate) const NO_TASK: TaskId = TaskId(0);

impl TaskId {
    /// The id as a number.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What the runtime attaches to each `async_task::Runnable`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskKey {
    pub(crate) id: TaskId,
    /// The task's slot in the runtime's task table.
    pub(crate) slot: u32,
    /// The runtime's id, so that the schedule function needs no capture.
    pub(crate) runtime: u32,
}
