//! Lingering: a task that must outlive other tasks (`finish_after`) completes only once
//! they are done, as asyncio's TaskGroup waits for its children even when the task
//! running it is cancelled.

use std::rc::Rc;
use std::task::Waker;

use crate::runtime::inner::Inner;
use crate::task::core::ErasedTask;
use crate::task::header::{Callback, Header};
use crate::task::state::WaitOn;

impl Inner {
    /// Makes the current task outlive `task` (see [`crate::finish_after`]).
    pub(crate) fn add_lingering(&self, task: &Rc<dyn ErasedTask>) {
        let Some(current) = self.current_task_core() else { return };
        let (cur, other) = (current.header(), task.header());
        if other.is_done() || cur.id() == other.id() {
            return;
        }
        cur.set_lingers(true);
        self.lingering.borrow_mut().entry(cur.id()).or_default().push(task.clone());
    }

    /// Whether `header`'s task still has to wait for a task it must outlive; if so, its
    /// waker is registered on that task.
    pub(crate) fn still_lingering(&self, header: &Header, waker: &Waker) -> bool {
        let first = {
            let mut map = self.lingering.borrow_mut();
            let Some(list) = map.get_mut(&header.id()) else { return false };
            list.retain(|t| !t.header().is_done());
            match list.first() {
                Some(t) => t.clone(),
                None => {
                    map.remove(&header.id());
                    header.set_lingers(false);
                    return false;
                }
            }
        };
        let awaited = first.header();
        self.note_wait(WaitOn::Task(awaited.id()));
        awaited.add_callback(Callback::Waker(waker.clone()));
        self.end_poll(header);
        true
    }
}
