//! [`Resource`]: how a library built on the runtime (simloop's locks, events, semaphores
//! and queues) tells it that the current task now waits on, holds or let go of something,
//! so that a deadlock report can draw the wait-for graph, and how it records what it does
//! in the verbose trace.

use std::cell::Cell;
use std::rc::{Rc, Weak};

use crate::context;
use crate::resource::table::ResourceId;
use crate::task::state::WaitOn;
use crate::task::target::CancelTarget;
use crate::task::task_ref::TaskRef;
use crate::trace::EventKind;

thread_local! {
    /// The next resource id on this thread.
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// A library's handle on one resource (a lock, an event, a queue): it names the resource
/// and tells the current runtime who waits on it and who holds it. Every method is a no-op
/// outside a runtime, and nothing is recorded per step or per sleep.
///
/// ```
/// use simloop_executor::{Resource, Runtime};
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let db = Resource::new("Lock", Some("db"));
///     db.held();
///     db.note("acquire");
///     assert_eq!(db.label(), "Lock 'db'");
/// });
/// assert!(rt.trace().verbose().contains("main         acquire Lock 'db'"));
/// assert!(!rt.trace().text().contains("Lock"));
/// ```
#[derive(Debug)]
pub struct Resource {
    id: ResourceId,
    kind: &'static str,
    name: Option<Rc<str>>,
    label: Rc<str>,
    traced: Cell<bool>,
}

impl Resource {
    /// A resource of `kind` (`"Lock"`, `"Event"`, ...), named or not; traced by default.
    pub fn new(kind: &'static str, name: Option<&str>) -> Resource {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            ResourceId(id)
        });
        let label: Rc<str> = match name {
            Some(n) => format!("{kind} '{n}'").into(),
            None => kind.into(),
        };
        Resource { id, kind, name: name.map(Rc::from), label, traced: Cell::new(true) }
    }

    /// Its id, as [`WaitOn::Resource`] names it.
    pub fn id(&self) -> ResourceId {
        self.id
    }

    /// Its kind.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Its name, if the user gave one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `Lock 'db'`, or `Lock` when unnamed: how traces and reports name it.
    pub fn label(&self) -> String {
        self.label.to_string()
    }

    /// Whether [`Resource::note`] records anything (on by default).
    pub fn set_traced(&self, on: bool) {
        self.traced.set(on);
    }

    /// Whether [`Resource::note`] records anything.
    pub fn is_traced(&self) -> bool {
        self.traced.get()
    }

    /// The current task now waits on this resource until another task does `need` to it
    /// (`"release"`, `"set"`, `"put into"`): what a deadlock report says. Call it at every
    /// poll that returns pending (a task's wait is recorded per poll).
    pub fn waits(&self, need: &'static str) {
        context::with(|rt| {
            if let Some(task) = rt.current_task() {
                rt.note_wait(WaitOn::Resource(self.id));
                rt.with_resources(|t| t.wait(self.id, self.kind, &self.name, task, need));
            }
        });
    }

    /// Like [`Resource::waits`], for a resource that is also what the task's cancellation
    /// goes to while it waits ([`await_target`](crate::await_target)): an asyncio `Future`,
    /// which `task.cancel()` cancels at once. It counts as the one thing the poll awaits.
    pub fn waits_as_target(&self, need: &'static str, target: Weak<dyn CancelTarget>) {
        context::with(|rt| {
            if let Some(task) = rt.current_task() {
                rt.note_target(Some(WaitOn::Resource(self.id)), target);
                rt.with_resources(|t| t.wait(self.id, self.kind, &self.name, task, need));
            }
        });
    }

    /// The current task now holds this resource (acquired a lock or a permit).
    pub fn held(&self) {
        context::with(|rt| {
            if let Some(task) = rt.current_task() {
                rt.with_resources(|t| t.hold(self.id, self.kind, &self.name, task));
            }
        });
    }

    /// A holder let go: the current task if it holds it, else the oldest holder.
    pub fn released(&self) {
        context::with(|rt| {
            let task = rt.current_task();
            rt.with_resources(|t| t.release(self.id, task));
        });
    }

    /// Records `"{verb} {label}"` (`acquire Lock 'db'`) in the verbose trace, attributed to
    /// the current task, if the run traces and this resource is traced. Never in
    /// [`Trace::text`](crate::Trace::text).
    pub fn note(&self, verb: &'static str) {
        if !self.traced.get() {
            return;
        }
        context::with(|rt| {
            if rt.tracing() {
                let kind = EventKind::ResourceNote { verb, resource: self.label.clone() };
                rt.record(rt.current_or_none(), kind);
            }
        });
    }
}

impl Drop for Resource {
    fn drop(&mut self) {
        context::with(|rt| rt.with_resources(|t| t.forget(self.id)));
    }
}

/// Whether a cancellation of `task` was requested and not yet carried out: asyncio has
/// by then cancelled the future the task waits on, so a lock or queue treats the task's
/// waiter as done (it will not take what it is handed, and hands it on).
pub fn cancel_pending(task: &TaskRef) -> bool {
    !task.is_done() && task.header().must_cancel()
}
