//! The runtime's state, and the verbs through which the rest of the crate reaches it.
//!
//! Every field is private to the runtime module: a sleep adds a timer with
//! [`Inner::add_timer`], a task notes what it waits on with [`Inner::note_wait`], user code
//! draws a random number with [`Inner::draw`]; the driver, the spawn funnel, diagnosis and
//! teardown (the other files of this module) work on the fields directly.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::Waker;

use slab::Slab;

use crate::report::RunReport;
use crate::resource::table::ResourceTable;
use crate::runtime::builder::Builder;
use crate::runtime::remote::{self, Remote};
use crate::sched::policy::Policy;
use crate::sched::ready_queue::{ReadyQueue, Step};
use crate::sched::scheduler::Scheduler;
use crate::task::core::ErasedTask;
use crate::task::header::Header;
use crate::task::id::{TaskId, TaskKey, NO_TASK};
use crate::task::state::WaitOn;
use crate::task::target::CancelTarget;
use crate::time::clock::{Clock, WallTime};
use crate::time::instant::Instant;
use crate::time::timer_callbacks::TimerCallbacks;
use crate::time::timer_queue::{Slot, TimerKey, TimerQueue};
use crate::trace::{Event, EventKind, Trace};

/// A live task as the runtime holds it.
pub(super) struct TaskEntry {
    pub(super) task: Rc<dyn ErasedTask>,
    pub(super) handle: async_task::Task<(), TaskKey>,
}

/// The runtime's state, shared by the [`Runtime`](crate::Runtime) handle and the
/// thread-local context.
pub(crate) struct Inner {
    /// Unique among live runtimes; tasks carry it to find their runtime's queues.
    pub(super) id: u32,
    pub(super) remote: Arc<Remote>,
    pub(super) clock: Clock,
    pub(super) timers: RefCell<TimerQueue>,
    pub(super) timer_callbacks: RefCell<TimerCallbacks>,
    pub(super) lingering: RefCell<HashMap<TaskId, Vec<Rc<dyn ErasedTask>>>>,
    pub(super) ready: RefCell<ReadyQueue>,
    pub(super) tasks: RefCell<Slab<TaskEntry>>,
    pub(super) trace: RefCell<Trace>,
    pub(super) tracing: bool,
    pub(super) echo: bool,
    /// Cancel the tasks left when main returns and run them to the end (asyncio.run).
    pub(super) cancel_leftovers: bool,
    /// `Builder::allow_unretrieved_panics`: when off, teardown fails the run on a panic
    /// nobody retrieved.
    pub(super) allow_unretrieved_panics: bool,
    pub(super) scheduler: RefCell<Box<dyn Scheduler>>,
    /// The scheduler's [`Scheduler::wants_spawns`], asked once: whether the spawn funnel
    /// tells it of each spawn.
    pub(super) spawn_hook: bool,
    pub(super) seed: u64,
    pub(super) policy: Policy,
    pub(super) step_limit: Option<u64>,
    pub(super) time_limit: Option<Instant>,
    /// The task being polled and its slot in the task table (`NO_TASK` and `usize::MAX`
    /// outside a task poll).
    pub(super) current: Cell<(TaskId, usize)>,
    pub(super) just_done: Cell<bool>,
    pub(super) stopping: Cell<bool>,
    /// What the task being polled first said it waits on during this poll.
    pub(super) wait_scratch: Cell<Option<WaitOn>>,
    /// How many things the task being polled awaits in this poll, and the cancel target
    /// of the first one if it is one (see `task::forward`).
    pub(super) awaits: Cell<u32>,
    pub(super) first_target: Cell<Option<Weak<dyn CancelTarget>>>,
    /// Whether `first_target` was set in this poll (else it is stale and not read).
    pub(super) first_is_target: Cell<bool>,
    pub(super) idle_waiters: RefCell<Vec<Waker>>,
    pub(super) steps: Cell<u64>,
    pub(super) next_id: Cell<u64>,
    pub(super) main_used: Cell<bool>,
    pub(super) failed: RefCell<Vec<Rc<dyn ErasedTask>>>,
    pub(super) callback_panics: RefCell<Vec<(Instant, String)>>,
    pub(super) fired: RefCell<Vec<Slot>>,
    pub(super) report: RefCell<RunReport>,
    /// The resources tasks hold and wait on (locks, events, queues), for diagnosis; built
    /// at the first one, so a run without any costs nothing.
    pub(super) resources: RefCell<Option<Box<ResourceTable>>>,
}

impl Inner {
    pub(super) fn new(b: Builder) -> Inner {
        let (id, remote) = remote::register();
        let scheduler = b.scheduler.unwrap_or_else(|| b.policy.scheduler(b.seed));
        let spawn_hook = scheduler.wants_spawns();
        let mut trace = Trace::default();
        trace.set_name(NO_TASK, "(callback)".into());
        trace.set_limit(b.trace_limit);
        Inner {
            id,
            remote,
            clock: Clock::new(b.wall_start),
            timers: RefCell::default(),
            timer_callbacks: RefCell::default(),
            lingering: RefCell::default(),
            ready: RefCell::default(),
            tasks: RefCell::default(),
            trace: RefCell::new(trace),
            tracing: b.tracing,
            echo: b.echo,
            cancel_leftovers: b.cancel_leftovers,
            allow_unretrieved_panics: b.allow_unretrieved_panics,
            scheduler: RefCell::new(scheduler),
            spawn_hook,
            seed: b.seed,
            policy: b.policy,
            step_limit: b.step_limit,
            time_limit: b.time_limit,
            current: Cell::new((NO_TASK, usize::MAX)),
            just_done: Cell::new(false),
            stopping: Cell::new(false),
            wait_scratch: Cell::new(None),
            awaits: Cell::new(0),
            first_target: Cell::new(None),
            first_is_target: Cell::new(false),
            idle_waiters: RefCell::default(),
            steps: Cell::new(0),
            next_id: Cell::new(2),
            main_used: Cell::new(false),
            failed: RefCell::default(),
            callback_panics: RefCell::default(),
            fired: RefCell::default(),
            report: RefCell::default(),
            resources: RefCell::default(),
        }
    }

    /// The runtime's id (unique among live runtimes).
    #[inline]
    pub(crate) fn id(&self) -> u32 {
        self.id
    }

    /// The clock.
    #[inline]
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The virtual wall clock.
    pub(crate) fn wall_clock(&self) -> WallTime {
        self.clock.wall()
    }

    /// Whether runtime events are recorded (`log!` lines always are).
    #[inline]
    pub(crate) fn tracing(&self) -> bool {
        self.tracing
    }

    /// The task being polled, if any (callbacks run outside any task).
    pub(crate) fn current_task(&self) -> Option<TaskId> {
        let (id, _) = self.current.get();
        (id != NO_TASK).then_some(id)
    }

    /// The id events of the current step are attributed to.
    pub(crate) fn current_or_none(&self) -> TaskId {
        self.current_task().unwrap_or(NO_TASK)
    }

    /// The id events of the current step are attributed to, and the task's slot in the
    /// task table (`usize::MAX` outside a task).
    #[inline]
    pub(crate) fn current_id_and_slot(&self) -> (TaskId, usize) {
        self.current.get()
    }

    /// The current task's name, or `(callback)`.
    pub(crate) fn current_name(&self) -> String {
        match self.current.get() {
            (NO_TASK, _) => "(callback)".to_string(),
            (id, slot) => self.tasks.borrow().get(slot).map_or_else(
                || self.trace.borrow().name(id),
                |e| e.task.header().name().to_string(),
            ),
        }
    }

    /// The `cancelling()` count of the task being polled (0 outside a task poll), without
    /// taking a handle to it.
    #[inline]
    pub(crate) fn current_cancelling(&self) -> u32 {
        match self.current.get() {
            (NO_TASK, _) => 0,
            (_, slot) => self.tasks.borrow().get(slot).map_or(0, |e| e.task.header().cancelling()),
        }
    }

    /// The task being polled.
    pub(crate) fn current_task_core(&self) -> Option<Rc<dyn ErasedTask>> {
        match self.current.get() {
            (NO_TASK, _) => None,
            (_, slot) => self.tasks.borrow().get(slot).map(|e| e.task.clone()),
        }
    }

    /// Records an event (when tracing).
    #[inline]
    pub(crate) fn record(&self, task: TaskId, kind: EventKind) {
        if self.tracing {
            self.trace.borrow_mut().push(Event { at: self.now(), task, kind });
        }
    }

    /// How many events the trace has recorded, forgotten ones included.
    pub(crate) fn events_recorded(&self) -> u64 {
        let t = self.trace.borrow();
        t.dropped() + t.len() as u64
    }

    /// Records a `log!` line of the current step (always, tracing or not).
    pub(crate) fn log(&self, msg: String) {
        let task = self.current_or_none();
        if !self.tracing && task != NO_TASK {
            // With tracing on, names are recorded at spawn; off, only for tasks that log.
            let name = self.current_name();
            self.trace.borrow_mut().set_name(task, name.into());
        }
        if self.echo {
            println!("{}", Trace::line(self.now(), &self.current_name(), &msg));
        }
        self.trace.borrow_mut().push(Event { at: self.now(), task, kind: EventKind::Log(msg) });
    }

    /// Notes what the task being polled waits on (the first note of a poll wins).
    #[inline]
    pub(crate) fn note_wait(&self, on: WaitOn) {
        if self.current.get().0 != NO_TASK {
            self.note_wait_uncounted(on);
            self.awaits.set(self.awaits.get() + 1);
        }
    }

    /// Notes what the task being polled waits on, for diagnosis only: a combinator's own
    /// timer, which does not count as something the task awaits (`task::forward`).
    #[inline]
    pub(crate) fn note_wait_uncounted(&self, on: WaitOn) {
        if self.current.get().0 != NO_TASK && self.wait_scratch.get().is_none() {
            self.wait_scratch.set(Some(on));
        }
    }

    /// Notes that the task being polled awaits `target`, a thing its cancellation can be
    /// forwarded to (and, with `on`, what it waits on for diagnosis).
    #[inline]
    pub(crate) fn note_target(&self, on: Option<WaitOn>, target: Weak<dyn CancelTarget>) {
        if self.current.get().0 == NO_TASK {
            return;
        }
        if let Some(on) = on {
            self.note_wait_uncounted(on);
        }
        let n = self.awaits.get() + 1;
        self.awaits.set(n);
        if n == 1 {
            self.first_target.set(Some(target));
            self.first_is_target.set(true);
        }
    }

    /// Called at the end of each task poll that returned pending: what it waits on, and
    /// where its cancellation goes while it waits (one awaited target, or nowhere).
    #[inline]
    pub(crate) fn end_poll(&self, header: &Header) {
        header.set_waiting(self.wait_scratch.get().unwrap_or(WaitOn::Foreign));
        if self.first_is_target.get() || header.has_forward() {
            self.end_poll_forward(header);
        }
    }

    /// The part of [`Inner::end_poll`] for a task that awaited a cancel target in this
    /// poll or had one before (kept out of the common path).
    #[cold]
    #[inline(never)]
    fn end_poll_forward(&self, header: &Header) {
        let target = if self.first_is_target.get() { self.first_target.take() } else { None };
        header.set_forward(if self.awaits.get() == 1 { target } else { None });
    }

    /// Called by a task's harness when it completes, so the loop can forget it.
    #[inline]
    pub(crate) fn task_done(&self) {
        self.just_done.set(true);
    }

    /// Queues `f` as its own step at the back of the ready queue, on behalf of `owner`.
    pub(crate) fn call_soon(&self, owner: TaskId, f: Box<dyn FnOnce()>) {
        self.ready.borrow_mut().push(Step::Callback { owner, f });
    }

    /// Wakes `waker` once nothing else is ready (`wait_all_tasks_blocked`).
    pub(crate) fn add_idle_waiter(&self, waker: Waker) {
        self.idle_waiters.borrow_mut().push(waker);
    }

    /// Records a task's new name for the trace.
    pub(crate) fn rename(&self, task: TaskId, name: Rc<str>) {
        self.trace.borrow_mut().set_name(task, name);
    }

    /// Registers a timer that wakes `waker` at `deadline`, set on behalf of `owner` (a task
    /// id and its slot in the task table, as [`Inner::current_id_and_slot`] gives them).
    #[inline]
    pub(crate) fn add_timer(
        &self,
        deadline: Instant,
        owner: (TaskId, usize),
        waker: Waker,
    ) -> TimerKey {
        self.timers.borrow_mut().insert(deadline, owner, waker, false)
    }

    /// Registers the timer of a `call_later` callback (see [`Inner::add_timer`]).
    pub(crate) fn add_callback_timer(
        &self,
        deadline: Instant,
        owner: (TaskId, usize),
        waker: Waker,
    ) -> TimerKey {
        self.timers.borrow_mut().insert(deadline, owner, waker, true)
    }

    /// Cancels a pending timer; a fired or cancelled one is ignored.
    #[inline]
    pub(crate) fn cancel_timer(&self, key: TimerKey) {
        self.timers.borrow_mut().cancel(key);
    }

    /// Replaces the waker of a pending timer.
    #[inline]
    pub(crate) fn update_timer_waker(&self, key: TimerKey, waker: &Waker) {
        self.timers.borrow_mut().update_waker(key, waker);
    }

    /// Parks a `call_later` callback until its timer fires; returns its slot and number.
    pub(crate) fn park_timer_callback(&self, owner: TaskId, f: Box<dyn FnOnce()>) -> (usize, u64) {
        self.timer_callbacks.borrow_mut().park(owner, f)
    }

    /// On whose behalf the parked callback (`slot`, `seq`) was set; `None` once it ran or
    /// was cancelled.
    pub(crate) fn timer_callback_owner(&self, slot: usize, seq: u64) -> Option<TaskId> {
        self.timer_callbacks.borrow().owner(slot, seq)
    }

    /// Takes the parked callback (`slot`, `seq`) to run it, if it was not cancelled.
    pub(crate) fn take_timer_callback(&self, slot: usize, seq: u64) -> Option<Box<dyn FnOnce()>> {
        self.timer_callbacks.borrow_mut().take(slot, seq)
    }

    /// Cancels a parked callback and its timer; `false` if it already ran.
    pub(crate) fn cancel_timer_callback(&self, key: TimerKey, slot: usize, seq: u64) -> bool {
        let callback = self.timer_callbacks.borrow_mut().take(slot, seq);
        let pending = callback.is_some();
        if pending {
            self.cancel_timer(key);
        }
        drop(callback);
        pending
    }

    /// One random number from the run's scheduler (the program's draws).
    pub(crate) fn draw(&self) -> u64 {
        self.scheduler.borrow_mut().draw()
    }

    /// Remembers a panicked task, to report it at the end if nobody retrieves the panic.
    pub(crate) fn note_failed(&self, task: Rc<dyn ErasedTask>) {
        self.failed.borrow_mut().push(task);
    }

    /// Asks the driver to stop at the end of the current iteration (main's done callback).
    pub(crate) fn request_stop(&self) {
        self.stopping.set(true);
    }

    /// Works on the table of resources tasks hold and wait on (see `resource`).
    pub(crate) fn with_resources<R>(&self, f: impl FnOnce(&mut ResourceTable) -> R) -> R {
        f(self.resources.borrow_mut().get_or_insert_with(Box::default))
    }
}
