//! The runtime's record of the resources tasks hold and wait on: kind, name, holders and
//! what a waiting task needs another task to do. Nothing here runs per step or per sleep:
//! only a library's wait on, or hold of, a resource touches it.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::task::id::TaskId;

/// A resource's identity (unique on its thread), as [`WaitOn::Resource`](crate::WaitOn)
/// names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub(crate) u64);

impl ResourceId {
    /// The id as a number.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

/// What the table knows of one resource.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// `Lock`, `Event`, `Queue`, ...
    pub(crate) kind: &'static str,
    /// The user's name for it, if any.
    pub(crate) name: Option<Rc<str>>,
    /// The tasks holding it, oldest first (a lock's holder, a semaphore's permit holders).
    pub(crate) holders: Vec<TaskId>,
}

impl Entry {
    /// `Lock 'db'`, or `Lock` when unnamed.
    pub(crate) fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} '{n}'", self.kind),
            None => self.kind.to_string(),
        }
    }
}

/// Every resource some task held or waited on, and what each waiting task needs done.
#[derive(Default)]
pub(crate) struct ResourceTable {
    entries: BTreeMap<ResourceId, Entry>,
    /// Per task: the resource it last started waiting on and what it needs another task to
    /// do to it ("release", "set", "put into").
    needs: BTreeMap<TaskId, (ResourceId, &'static str)>,
}

impl ResourceTable {
    /// The entry of `id`, created with `kind` and `name` if new.
    fn entry(&mut self, id: ResourceId, kind: &'static str, name: &Option<Rc<str>>) -> &mut Entry {
        self.entries.entry(id).or_insert_with(|| Entry {
            kind,
            name: name.clone(),
            holders: Vec::new(),
        })
    }

    /// `task` waits on the resource until another task does `need` to it.
    pub(crate) fn wait(
        &mut self,
        id: ResourceId,
        kind: &'static str,
        name: &Option<Rc<str>>,
        task: TaskId,
        need: &'static str,
    ) {
        self.entry(id, kind, name);
        self.needs.insert(task, (id, need));
    }

    /// `task` now holds the resource.
    pub(crate) fn hold(
        &mut self,
        id: ResourceId,
        kind: &'static str,
        name: &Option<Rc<str>>,
        task: TaskId,
    ) {
        self.entry(id, kind, name).holders.push(task);
    }

    /// A holder let go: `task` if it holds the resource, else the oldest holder (asyncio's
    /// locks and semaphores may be released by a task other than the one that acquired).
    pub(crate) fn release(&mut self, id: ResourceId, task: Option<TaskId>) {
        if let Some(e) = self.entries.get_mut(&id) {
            let at = task.and_then(|t| e.holders.iter().position(|h| *h == t)).unwrap_or(0);
            if at < e.holders.len() {
                e.holders.remove(at);
            }
        }
    }

    /// The resource is gone (its last handle dropped).
    pub(crate) fn forget(&mut self, id: ResourceId) {
        self.entries.remove(&id);
    }

    /// The resource's entry.
    pub(crate) fn get(&self, id: ResourceId) -> Option<&Entry> {
        self.entries.get(&id)
    }

    /// What `task` needs done to resource `id` ("release", "set", ...), if recorded.
    pub(crate) fn need_of(&self, task: TaskId, id: ResourceId) -> Option<&'static str> {
        self.needs.get(&task).filter(|(r, _)| *r == id).map(|(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_takes_the_releasing_holder_or_else_the_oldest() {
        let mut t = ResourceTable::default();
        let r = ResourceId(1);
        let name = Some(Rc::from("pool"));
        for task in [3, 4, 5] {
            t.hold(r, "Semaphore", &name, TaskId(task));
        }
        t.release(r, Some(TaskId(4)));
        assert_eq!(t.get(r).unwrap().holders, vec![TaskId(3), TaskId(5)]);
        t.release(r, Some(TaskId(9)));
        assert_eq!(t.get(r).unwrap().holders, vec![TaskId(5)]);
        assert_eq!(t.get(r).unwrap().label(), "Semaphore 'pool'");
        t.wait(r, "Semaphore", &name, TaskId(7), "release");
        assert_eq!(t.need_of(TaskId(7), r), Some("release"));
        assert_eq!(t.need_of(TaskId(7), ResourceId(2)), None);
        t.forget(r);
        assert!(t.get(r).is_none());
    }
}
