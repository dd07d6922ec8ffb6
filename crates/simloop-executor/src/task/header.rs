//! A task's header: the type-independent state that the runtime and every handle share.
//!
//! The header knows nothing of the runtime: recording events, waking and scheduling are
//! done by the callers (the harness, the handles, `cancel`), which reach the runtime
//! through the context.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::{Rc, Weak};
use std::task::Waker;

use crate::task::cancel_count;
use crate::task::id::{TaskId, NO_TASK};
use crate::task::state::{TaskState, WaitOn};
use crate::task::target::CancelTarget;
use crate::time::instant::Instant;

/// An entry of a task's callback list.
pub(crate) enum Callback {
    /// An awaiter's (or a combinator's) waker, woken when the task is done.
    Waker(Waker),
    /// A done callback, closed over its task already, so that completing the task queues
    /// it as it is.
    Fn(Box<dyn FnOnce()>),
}

/// A task's done callbacks and awaiters' wakers, by slot; a removed one leaves `None`.
///
/// The first slot is stored inline: most tasks have at most one awaiter, and this spares
/// them an allocation. Later slots live in the header's [`Extra`].
#[derive(Default)]
struct Callbacks {
    len: u32,
    first: Option<Callback>,
}

/// What few tasks need, allocated on first use so that the header stays small: an
/// explicit name, a panic, callbacks after the first.
#[derive(Default)]
struct Extra {
    name: Option<Rc<str>>,
    panic_msg: Option<String>,
    panic_payload: Option<Box<dyn Any + Send>>,
    more_callbacks: Vec<Option<Callback>>,
    /// The cancel scopes active in the task, innermost last; their ids (unique in the
    /// runtime) increase from the outermost in (see `task::scope`).
    scopes: Vec<u64>,
    /// The scope a cancellation was delivered to, until it sees it.
    delivered: Option<u64>,
    /// What the task's cancellation is passed on to while it stays parked (see
    /// `task::forward`).
    forward: Option<Weak<dyn CancelTarget>>,
}

/// The type-independent part of a task, shared by its handles and the runtime.
///
/// `repr(C)` keeps the fields every poll reads or writes (state, cancellation, what the
/// task waits on) together at the front, in the cache line that also holds the
/// reference counts of its `TaskCore`. Rarely used fields live behind `extra`.
#[repr(C)]
pub(crate) struct Header {
    state: Cell<TaskState>,
    /// A cancellation waits to be delivered at the task's next turn (asyncio's
    /// `_must_cancel`).
    must_cancel: Cell<bool>,
    /// A cancellation is to be delivered within the current poll (a scope re-raised, or a
    /// timeout expired): the harness polls again at once.
    cancel_now: Cell<bool>,
    future_alive: Cell<bool>,
    retrieved: Cell<bool>,
    /// Whether the task must outlive other tasks (`finish_after`).
    lingers: Cell<bool>,
    /// Whether `Extra::forward` is set (so polls that never await a target skip it).
    has_forward: Cell<bool>,
    /// Whether a cancellation was passed on to the forward target and waits for it to end.
    forwarded: Cell<bool>,
    /// Whether `waker` was set (see `remember_waker`).
    has_waker: Cell<bool>,
    /// Cancellation requests not yet withdrawn (asyncio's `cancelling()`).
    cancels: Cell<u32>,
    waiting: Cell<WaitOn>,
    id: TaskId,
    callbacks: RefCell<Callbacks>,
    /// The spawning task (`NO_TASK`: none).
    parent: TaskId,
    spawned_at: Instant,
    site: &'static Location<'static>,
    /// The task's own waker (taken when it completes).
    waker: Cell<Option<Waker>>,
    extra: RefCell<Option<Box<Extra>>>,
}

impl Header {
    pub(crate) fn new(
        id: TaskId,
        name: Option<Rc<str>>,
        parent: Option<TaskId>,
        spawned_at: Instant,
        site: &'static Location<'static>,
    ) -> Header {
        let extra = name.map(|name| Box::new(Extra { name: Some(name), ..Extra::default() }));
        Header {
            id,
            parent: parent.unwrap_or(NO_TASK),
            spawned_at,
            site,
            state: Cell::new(TaskState::Pending),
            must_cancel: Cell::new(false),
            cancel_now: Cell::new(false),
            cancels: Cell::new(0),
            future_alive: Cell::new(true),
            lingers: Cell::new(false),
            has_waker: Cell::new(false),
            has_forward: Cell::new(false),
            forwarded: Cell::new(false),
            callbacks: RefCell::new(Callbacks::default()),
            retrieved: Cell::new(false),
            waker: Cell::new(None),
            waiting: Cell::new(WaitOn::Nothing),
            extra: RefCell::new(extra),
        }
    }

    /// Runs `f` on the extra fields, allocating them first if needed.
    fn extra_mut<R>(&self, f: impl FnOnce(&mut Extra) -> R) -> R {
        f(self.extra.borrow_mut().get_or_insert_with(Box::default))
    }

    /// Runs `f` on the extra fields if they exist, without allocating them: a task that
    /// never opened a cancel scope has none to look at.
    fn existing_extra_mut<R>(&self, f: impl FnOnce(&mut Extra) -> Option<R>) -> Option<R> {
        self.extra.borrow_mut().as_deref_mut().and_then(f)
    }

    /// Reads the extra fields, if any were ever set.
    fn extra<R>(&self, f: impl FnOnce(&Extra) -> Option<R>) -> Option<R> {
        self.extra.borrow().as_deref().and_then(f)
    }

    /// The task's id.
    #[inline]
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    /// The spawning task, if any.
    pub(crate) fn parent(&self) -> Option<TaskId> {
        (self.parent != NO_TASK).then_some(self.parent)
    }

    /// When the task was spawned.
    pub(crate) fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// Where the task was spawned.
    pub(crate) fn site(&self) -> &'static Location<'static> {
        self.site
    }

    /// Keeps the task's own waker, so that a cancel can wake it, from the first poll that
    /// leaves it pending (before that it is queued, and a cancel is seen when it runs; a
    /// task done at its first poll never clones its waker).
    #[inline]
    pub(crate) fn remember_waker(&self, waker: &Waker) {
        if !self.has_waker.replace(true) {
            self.waker.set(Some(waker.clone()));
        }
    }

    /// Wakes the task through its own waker, if it has parked once.
    pub(crate) fn wake(&self) {
        let waker = self.waker.take();
        if let Some(w) = &waker {
            w.wake_by_ref();
        }
        self.waker.set(waker);
    }

    /// The task's name: the explicit one, or asyncio's `Task-<id>`.
    pub(crate) fn name(&self) -> Rc<str> {
        if let Some(name) = self.explicit_name() {
            return name;
        }
        format!("Task-{}", self.id.0).into()
    }

    /// The name given at spawn or by a rename, if any (default names are not built).
    pub(crate) fn explicit_name(&self) -> Option<Rc<str>> {
        self.extra(|e| e.name.clone())
    }

    pub(crate) fn set_name(&self, name: Rc<str>) {
        self.extra_mut(|e| e.name = Some(name));
    }

    #[inline]
    pub(crate) fn state(&self) -> TaskState {
        self.state.get()
    }

    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.state.get() != TaskState::Pending
    }

    /// Whether someone read the task's outcome (an unread panic is reported at the end).
    pub(crate) fn retrieved(&self) -> bool {
        self.retrieved.get()
    }

    pub(crate) fn mark_retrieved(&self) {
        self.retrieved.set(true);
    }

    /// Whether a cancellation waits to be delivered.
    #[inline]
    pub(crate) fn must_cancel(&self) -> bool {
        self.must_cancel.get()
    }

    /// Counts a cancellation request and marks it for delivery; `true` if none was
    /// waiting already.
    pub(crate) fn add_cancel_request(&self) -> bool {
        self.count_request();
        !self.must_cancel.replace(true)
    }

    /// Asks the harness to deliver a cancellation within the current poll; `count` adds
    /// a request (a timeout expiring) rather than passing one on (a scope re-raising).
    pub(crate) fn cancel_within_poll(&self, count: bool) {
        if count {
            self.count_request();
        }
        self.cancel_now.set(true);
    }

    /// Takes the request of [`Header::cancel_within_poll`], making it a waiting one.
    #[inline]
    pub(crate) fn take_cancel_now(&self) -> bool {
        let now = self.cancel_now.replace(false);
        if now {
            self.must_cancel.set(true);
        }
        now
    }

    /// The number of cancellation requests not withdrawn (asyncio's `cancelling()`).
    pub(crate) fn cancelling(&self) -> u32 {
        self.cancels.get()
    }

    /// Withdraws one request (asyncio's `uncancel()`); returns how many remain, never
    /// going below zero.
    pub(crate) fn uncancel(&self) -> u32 {
        let old = self.cancels.get();
        let n = old.saturating_sub(1);
        self.cancels.set(n);
        if old == 1 && !self.is_done() {
            cancel_count::became_zero();
        }
        n
    }

    /// Hands a waiting cancellation to the innermost active scope: `false` (nothing done)
    /// if no scope is active, and the task is to be cancelled by dropping its future.
    pub(crate) fn deliver_to_scope(&self) -> bool {
        let delivered = self.existing_extra_mut(|e| {
            let top = *e.scopes.last()?;
            e.delivered = Some(top);
            Some(top)
        });
        if delivered.is_some() {
            self.must_cancel.set(false);
        }
        delivered.is_some()
    }

    /// Counts one cancellation request (`cancelling()` goes up by one).
    fn count_request(&self) {
        let old = self.cancels.get();
        self.cancels.set(old.saturating_add(1));
        if old == 0 && !self.is_done() {
            cancel_count::became_nonzero();
        }
    }

    /// Whether the task has a forward target (set at the end of its last poll).
    #[inline]
    pub(crate) fn has_forward(&self) -> bool {
        self.has_forward.get()
    }

    /// Sets (or clears) the task's forward target.
    pub(crate) fn set_forward(&self, target: Option<Weak<dyn CancelTarget>>) {
        self.has_forward.set(target.is_some());
        match target {
            Some(t) => self.extra_mut(|e| e.forward = Some(t)),
            None => {
                self.existing_extra_mut(|e| e.forward.take());
            }
        }
    }

    /// The task's forward target, if it has one that still exists.
    pub(crate) fn forward_target(&self) -> Option<Rc<dyn CancelTarget>> {
        if !self.has_forward.get() {
            return None;
        }
        self.extra(|e| e.forward.as_ref()?.upgrade())
    }

    /// Whether a cancellation was passed on to the forward target and not yet resolved.
    #[inline]
    pub(crate) fn forwarded(&self) -> bool {
        self.forwarded.get()
    }

    /// Counts a cancellation request passed on to the forward target: the task itself is
    /// not marked, and learns of it when the target ends (`task::forward`).
    pub(crate) fn add_forwarded_request(&self) {
        self.count_request();
        self.forwarded.set(true);
    }

    /// Passes a cancellation request on to the task's forward target, counting it, if it
    /// has one that takes it (`task::forward`); `false` (nothing done) if not.
    pub(crate) fn pass_on_cancel(&self) -> bool {
        match self.forward_target() {
            Some(target) if target.forward_cancel() => {
                self.add_forwarded_request();
                true
            }
            _ => false,
        }
    }

    /// Resolves a forwarded cancellation: with `cancel`, it waits for delivery at this turn.
    pub(crate) fn resolve_forwarded(&self, cancel: bool) {
        self.forwarded.set(false);
        if cancel {
            self.must_cancel.set(true);
        }
    }

    /// Opens cancel scope `id` (a fresh id, larger than every open one) innermost.
    pub(crate) fn push_scope(&self, id: u64) {
        self.extra_mut(|e| e.scopes.push(id));
    }

    /// Opens scope `id` just outside the open scopes whose ids are larger (those opened
    /// after `id` was reserved), if there are any; `false` (nothing opened) if not.
    pub(crate) fn insert_scope_outside_later(&self, id: u64) -> bool {
        self.existing_extra_mut(|e| {
            let i = e.scopes.iter().position(|s| *s > id)?;
            e.scopes.insert(i, id);
            Some(())
        })
        .is_some()
    }

    /// Opens scope `id` just outside the open scopes whose ids are larger, or innermost if
    /// there are none.
    pub(crate) fn open_scope_at(&self, id: u64) {
        self.extra_mut(|e| {
            let i = e.scopes.iter().position(|s| *s > id).unwrap_or(e.scopes.len());
            e.scopes.insert(i, id);
        });
    }

    /// Closes scope `id` (wherever it is on the stack).
    pub(crate) fn pop_scope(&self, id: u64) {
        self.existing_extra_mut(|e| {
            if let Some(i) = e.scopes.iter().rposition(|s| *s == id) {
                e.scopes.remove(i);
            }
            if e.delivered == Some(id) {
                e.delivered = None;
            }
            Some(())
        });
    }

    /// Whether a cancellation was delivered to scope `id` (and takes it).
    pub(crate) fn take_delivery(&self, id: u64) -> bool {
        self.existing_extra_mut(|e| e.delivered.take_if(|d| *d == id)).is_some()
    }

    /// Whether the task's future has not been dropped yet.
    pub(crate) fn future_alive(&self) -> bool {
        self.future_alive.get()
    }

    /// Called when the task's future is dropped.
    pub(crate) fn mark_future_dropped(&self) {
        self.future_alive.set(false);
    }

    /// Whether the task must outlive other tasks before it completes.
    #[inline]
    pub(crate) fn lingers(&self) -> bool {
        self.lingers.get()
    }

    pub(crate) fn set_lingers(&self, on: bool) {
        self.lingers.set(on);
    }

    /// What the task waited on at the end of its last poll.
    #[inline]
    pub(crate) fn waiting(&self) -> WaitOn {
        self.waiting.get()
    }

    #[inline]
    pub(crate) fn set_waiting(&self, on: WaitOn) {
        self.waiting.set(on);
    }

    pub(crate) fn panic_message(&self) -> Option<String> {
        self.extra(|e| e.panic_msg.clone())
    }

    /// Keeps a panic's message (for every reader) and payload (for `block_on` to re-raise).
    pub(crate) fn set_panic(&self, msg: String, payload: Box<dyn Any + Send>) {
        self.extra_mut(|e| {
            e.panic_msg = Some(msg);
            e.panic_payload = Some(payload);
        });
    }

    /// The panic payload of a panicked task (used by `block_on` to re-raise main's panic).
    pub(crate) fn take_panic_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.extra.borrow_mut().as_mut().and_then(|e| e.panic_payload.take())
    }

    /// Appends to the callback list; returns the slot.
    pub(crate) fn add_callback(&self, cb: Callback) -> usize {
        let mut cbs = self.callbacks.borrow_mut();
        let i = cbs.len as usize;
        cbs.len += 1;
        if i == 0 {
            cbs.first = Some(cb);
        } else {
            self.extra_mut(|e| e.more_callbacks.push(Some(cb)));
        }
        i
    }

    /// Runs `f` on callback slot `i`, if it exists.
    pub(crate) fn with_callback<R>(
        &self,
        i: usize,
        f: impl FnOnce(&mut Option<Callback>) -> R,
    ) -> Option<R> {
        let mut cbs = self.callbacks.try_borrow_mut().ok()?;
        if i >= cbs.len as usize {
            return None;
        }
        if i == 0 {
            return Some(f(&mut cbs.first));
        }
        drop(cbs);
        let mut extra = self.extra.try_borrow_mut().ok()?;
        extra.as_mut()?.more_callbacks.get_mut(i - 1).map(f)
    }

    /// Whether any callback was ever registered (and not taken).
    #[inline]
    pub(crate) fn has_callbacks(&self) -> bool {
        self.callbacks.borrow().len != 0
    }

    /// Takes every callback, in registration order.
    pub(crate) fn take_callbacks(&self) -> Vec<Callback> {
        let mut cbs = self.callbacks.borrow_mut();
        let more = if cbs.len > 1 {
            self.extra_mut(|e| std::mem::take(&mut e.more_callbacks))
        } else {
            Vec::new()
        };
        cbs.len = 0;
        let first = cbs.first.take();
        first.into_iter().chain(more.into_iter().flatten()).collect()
    }

    /// Marks the task done and forgets its own waker; the caller runs the callbacks.
    #[inline]
    pub(crate) fn set_done(&self, state: TaskState) {
        if self.cancels.get() > 0 {
            cancel_count::became_zero();
        }
        self.state.set(state);
        drop(self.waker.take());
    }
}
