//! The runtime: one thread, a virtual clock, a FIFO ready queue and a timer queue.
//!
//! [`Runtime::block_on`] runs a main future (asyncio's `main()` task, named `main`) until
//! it finishes. Steps run from the ready queue in FIFO order (or as the [`Policy`] picks);
//! when nothing is ready the clock jumps straight to the earliest timer deadline and every
//! timer due then fires, in registration order. When nothing is ready and no timer is
//! pending while main is still pending, the run is a deadlock and fails at once.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe, Location};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_task::Runnable;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use slab::Slab;

use crate::callback::PendingCallbacks;
use crate::context;
use crate::error::RunError;
use crate::instant::Instant;
use crate::policy::Chooser;
use crate::ready::{ReadyQueue, Step};
use crate::report::{DeadlockReport, RunReport, TaskReport};
use crate::sched::Policy;
use crate::task::{
    panic_message, ErasedTask, Header, Task, TaskCore, TaskFuture, TaskId, TaskKey, TaskRef, WaitOn,
};
use crate::timers::{Slot, TimerQueue};
use crate::trace::{Event, EventKind, Trace};

/// The default step limit: generous for real tests, small enough to stop a spinning task
/// within seconds.
pub const DEFAULT_STEP_LIMIT: u64 = 100_000_000;

/// How many tasks of a report get their last events (each lookup scans the trace).
const DETAILED_REPORTS: usize = 32;

/// How many leftover tasks `block_on` prints to stderr (the report holds all of them).
const PRINTED_REPORTS: usize = 10;

/// Task id reserved for steps that belong to no task (done callbacks); named `(callback)`.
pub(crate) const NO_TASK: TaskId = TaskId(0);

/// Configures a [`Runtime`].
///
/// ```
/// use simloop_executor::{Policy, Runtime};
/// use std::time::Duration;
/// let rt = Runtime::builder()
///     .seed(0x5eed)
///     .policy(Policy::Random)
///     .wall_clock_hms(17, 13, 52)
///     .step_limit(1_000_000)
///     .time_limit(Duration::from_secs(3600))
///     .build();
/// assert_eq!(rt.seed(), 0x5eed);
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    seed: u64,
    policy: Policy,
    wall_start: SystemTime,
    step_limit: Option<u64>,
    time_limit: Option<Instant>,
    tracing: bool,
    echo: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            seed: 0,
            policy: Policy::Fifo,
            wall_start: UNIX_EPOCH,
            step_limit: Some(DEFAULT_STEP_LIMIT),
            time_limit: None,
            tracing: true,
            echo: false,
        }
    }
}

impl Builder {
    /// A builder with seed 0, FIFO policy, tracing on, the default step limit and no
    /// virtual-time limit.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The seed of the runtime's ChaCha RNG (scheduling choices and [`crate::random_u64`]).
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = seed;
        self
    }

    /// The scheduling policy (default [`Policy::Fifo`], asyncio's order).
    pub fn policy(mut self, policy: Policy) -> Builder {
        self.policy = policy;
        self
    }

    /// Where the virtual wall clock ([`crate::wall_clock`]) starts.
    pub fn wall_clock_start(mut self, start: SystemTime) -> Builder {
        self.wall_start = start;
        self
    }

    /// Starts the virtual wall clock at this time of day on 1970-01-01 UTC, so that
    /// `wall_clock().hms()` prints e.g. `17:13:52` as the guide's `time.strftime('%X')`.
    pub fn wall_clock_hms(self, hours: u64, minutes: u64, seconds: u64) -> Builder {
        let secs = hours * 3600 + minutes * 60 + seconds;
        self.wall_clock_start(UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// Stops a run after this many steps (task polls and callbacks) with
    /// [`RunError::StepLimit`]. Default [`DEFAULT_STEP_LIMIT`].
    pub fn step_limit(mut self, steps: u64) -> Builder {
        self.step_limit = Some(steps);
        self
    }

    /// Removes the step limit.
    pub fn no_step_limit(mut self) -> Builder {
        self.step_limit = None;
        self
    }

    /// Stops a run with [`RunError::TimeLimit`] before the clock would pass this much
    /// virtual time.
    pub fn time_limit(mut self, limit: Duration) -> Builder {
        self.time_limit = Some(Instant::ZERO.saturating_add(limit));
        self
    }

    /// Records runtime events (spawn, sleep, timer, completion...) in the trace; `log!`
    /// lines are always recorded. Default on.
    pub fn tracing(mut self, on: bool) -> Builder {
        self.tracing = on;
        self
    }

    /// Also prints each `log!` line to stdout as it is recorded, in the canonical layout.
    pub fn echo(mut self, on: bool) -> Builder {
        self.echo = on;
        self
    }

    /// Builds the runtime.
    pub fn build(self) -> Runtime {
        Runtime { inner: Rc::new(Inner::new(self)) }
    }
}

/// What the schedule function of every task shares across threads.
pub(crate) struct Shared {
    /// Tasks woken from another thread; `None` once the runtime is gone.
    remote: Mutex<Option<Vec<Runnable<TaskKey>>>>,
    has_remote: AtomicBool,
}

impl Shared {
    /// Queues a task woken from outside the runtime thread. After the runtime is gone the
    /// runnable is leaked instead: dropping it here could drop a `!Send` future on a
    /// foreign thread (every task is cancelled by then, so this only happens to a wake
    /// that raced with the runtime's end).
    fn push_remote(&self, runnable: Runnable<TaskKey>) {
        let mut remote = self.remote.lock().unwrap_or_else(|e| e.into_inner());
        match remote.as_mut() {
            Some(queue) => {
                queue.push(runnable);
                self.has_remote.store(true, Ordering::Release);
            }
            None => std::mem::forget(runnable),
        }
    }

    /// Takes the queued remote wakes; with `close`, also refuses later ones.
    fn take_remote(&self, close: bool) -> Vec<Runnable<TaskKey>> {
        let mut remote = self.remote.lock().unwrap_or_else(|e| e.into_inner());
        let taken = if close { remote.take() } else { remote.as_mut().map(std::mem::take) };
        taken.unwrap_or_default()
    }
}

/// Every live runtime's remote queue, by runtime id: where a task woken off its runtime's
/// thread (or while another runtime is current) is queued. Only such wakes look here.
static REMOTE_QUEUES: Mutex<Vec<(u32, Arc<Shared>)>> = Mutex::new(Vec::new());

/// The next runtime id to try; ids are unique among live runtimes (a wrapped-around id
/// still in use is skipped).
static NEXT_RUNTIME_ID: AtomicU32 = AtomicU32::new(1);

/// The schedule function given to async-task: push to the local ready queue when called on
/// the runtime's thread while it is current, else to the runtime's remote queue. It
/// captures nothing (the runtime's id is in the task's metadata), which lets async-task
/// hand a waker's reference straight to the runnable it schedules.
fn schedule(runnable: Runnable<TaskKey>) {
    let runtime = runnable.metadata().runtime;
    let mut runnable = Some(runnable);
    context::with(|rt| {
        if rt.id == runtime {
            if let Some(r) = runnable.take() {
                rt.ready.borrow_mut().push(Step::Run(r));
            }
        }
    });
    if let Some(r) = runnable {
        let queues = REMOTE_QUEUES.lock().unwrap_or_else(|e| e.into_inner());
        match queues.iter().find(|(id, _)| *id == runtime) {
            Some((_, shared)) => shared.push_remote(r),
            // The runtime is gone (see `Shared::push_remote`).
            None => std::mem::forget(r),
        }
    }
}

struct TaskEntry {
    task: TaskRef,
    handle: async_task::Task<(), TaskKey>,
}

/// The runtime's state, shared by the [`Runtime`] handle and the thread-local context.
pub(crate) struct Inner {
    /// Unique in the process; tasks carry it to find their runtime's queues.
    pub(crate) id: u32,
    pub(crate) shared: Arc<Shared>,
    pub(crate) clock: Cell<Instant>,
    pub(crate) timers: RefCell<TimerQueue>,
    pub(crate) callbacks: PendingCallbacks,
    lingering: RefCell<HashMap<TaskId, Vec<TaskRef>>>,
    pub(crate) ready: RefCell<ReadyQueue>,
    tasks: RefCell<Slab<TaskEntry>>,
    trace: RefCell<Trace>,
    pub(crate) tracing: bool,
    echo: bool,
    pub(crate) rng: RefCell<ChaCha8Rng>,
    chooser: RefCell<Chooser>,
    pub(crate) seed: u64,
    pub(crate) policy: Policy,
    pub(crate) wall_start: SystemTime,
    step_limit: Option<u64>,
    time_limit: Option<Instant>,
    /// The task being polled and its slot in the task table (`NO_TASK` and `usize::MAX`
    /// outside a task poll).
    current: Cell<(TaskId, usize)>,
    just_done: Cell<bool>,
    stopping: Cell<bool>,
    /// What the task being polled first said it waits on during this poll.
    wait_scratch: Cell<Option<WaitOn>>,
    idle_waiters: RefCell<Vec<Waker>>,
    steps: Cell<u64>,
    next_id: Cell<u64>,
    main_used: Cell<bool>,
    pub(crate) failed: RefCell<Vec<TaskRef>>,
    callback_panics: RefCell<Vec<(Instant, String)>>,
    fired: RefCell<Vec<Slot>>,
    report: RefCell<RunReport>,
}

impl Inner {
    fn new(b: Builder) -> Inner {
        let shared =
            Arc::new(Shared { remote: Mutex::new(Some(Vec::new())), has_remote: false.into() });
        let id = {
            let mut queues = REMOTE_QUEUES.lock().unwrap_or_else(|e| e.into_inner());
            let id = loop {
                let id = NEXT_RUNTIME_ID.fetch_add(1, Ordering::Relaxed);
                if id != 0 && queues.iter().all(|(live, _)| *live != id) {
                    break id;
                }
            };
            queues.push((id, shared.clone()));
            id
        };
        let mut rng = ChaCha8Rng::seed_from_u64(b.seed);
        let chooser = Chooser::new(b.policy, &mut rng);
        let mut trace = Trace::default();
        trace.set_name(NO_TASK, "(callback)".into());
        Inner {
            id,
            shared,
            clock: Cell::new(Instant::ZERO),
            timers: RefCell::default(),
            callbacks: PendingCallbacks::default(),
            lingering: RefCell::default(),
            ready: RefCell::default(),
            tasks: RefCell::default(),
            trace: RefCell::new(trace),
            tracing: b.tracing,
            echo: b.echo,
            rng: RefCell::new(rng),
            chooser: RefCell::new(chooser),
            seed: b.seed,
            policy: b.policy,
            wall_start: b.wall_start,
            step_limit: b.step_limit,
            time_limit: b.time_limit,
            current: Cell::new((NO_TASK, usize::MAX)),
            just_done: Cell::new(false),
            stopping: Cell::new(false),
            wait_scratch: Cell::new(None),
            idle_waiters: RefCell::default(),
            steps: Cell::new(0),
            next_id: Cell::new(2),
            main_used: Cell::new(false),
            failed: RefCell::default(),
            callback_panics: RefCell::default(),
            fired: RefCell::default(),
            report: RefCell::default(),
        }
    }

    /// The clock.
    #[inline]
    pub(crate) fn now(&self) -> Instant {
        self.clock.get()
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
            (id, slot) => self
                .tasks
                .borrow()
                .get(slot)
                .map_or_else(|| self.trace.borrow().name(id), |e| e.task.name()),
        }
    }

    /// A reference to the current task.
    pub(crate) fn current_task_ref(&self) -> Option<TaskRef> {
        match self.current.get() {
            (NO_TASK, _) => None,
            (_, slot) => self.tasks.borrow().get(slot).map(|e| e.task.clone()),
        }
    }

    #[inline]
    pub(crate) fn record(&self, task: TaskId, kind: EventKind) {
        if self.tracing {
            self.trace.borrow_mut().push(Event { at: self.now(), task, kind });
        }
    }

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

    #[inline]
    pub(crate) fn note_wait(&self, on: WaitOn) {
        if self.current.get().0 != NO_TASK && self.wait_scratch.get().is_none() {
            self.wait_scratch.set(Some(on));
        }
    }

    pub(crate) fn call_soon(&self, owner: TaskId, f: Box<dyn FnOnce()>) {
        self.ready.borrow_mut().push(Step::Callback { owner, f });
    }

    pub(crate) fn add_idle_waiter(&self, waker: Waker) {
        self.idle_waiters.borrow_mut().push(waker);
    }

    pub(crate) fn rename(&self, task: TaskId, name: Rc<str>) {
        self.trace.borrow_mut().set_name(task, name);
    }

    fn next_task_id(&self) -> TaskId {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        TaskId(id)
    }

    /// Spawns a `'static` future as a task, queued at the back of the ready queue.
    pub(crate) fn spawn<F>(
        self: &Rc<Self>,
        future: F,
        name: Option<Rc<str>>,
        site: &'static Location<'static>,
    ) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.next_task_id();
        // SAFETY: the future is 'static, so it borrows nothing that could end before it.
        let core = unsafe { self.spawn_task(future, id, name, site) };
        Task::from_core(core)
    }

    /// Spawns the main future, which may borrow from the caller of `block_on`.
    ///
    /// # Safety
    /// As [`Inner::spawn_task`]; `block_on` destroys the task with [`MainGuard`].
    unsafe fn spawn_main<F: Future>(
        self: &Rc<Self>,
        future: F,
        site: &'static Location<'static>,
    ) -> Rc<TaskCore<F::Output>>
    where
        F::Output: 'static,
    {
        let id = if self.main_used.replace(true) { self.next_task_id() } else { TaskId(1) };
        // SAFETY: forwarded to our caller (this function's contract is the same).
        let core = unsafe { self.spawn_task(future, id, Some("main".into()), site) };
        // asyncio's run_until_complete: the first done callback of main stops the loop.
        let erased: Rc<dyn ErasedTask> = core.clone();
        TaskRef(erased).add_done_callback(|_| {
            context::with(|rt| rt.request_stop());
        });
        core
    }

    /// Spawns every task: the one place simloop hands async-task a future it cannot check.
    ///
    /// # Safety
    /// The caller must make sure the future is dropped (completed or destroyed) before
    /// anything it borrows goes out of scope (always true of a `'static` future).
    unsafe fn spawn_task<F: Future>(
        self: &Rc<Self>,
        future: F,
        id: TaskId,
        name: Option<Rc<str>>,
        site: &'static Location<'static>,
    ) -> Rc<TaskCore<F::Output>>
    where
        F::Output: 'static,
    {
        let parent = self.current_task();
        let core = Rc::new(TaskCore::new(Header::new(id, name, parent, self.now(), site)));
        let slot = u32::try_from(self.tasks.borrow().vacant_key()).expect("< 2^32 live tasks");
        let key = TaskKey { id, slot, runtime: self.id };
        let wrapped = TaskFuture::new(future, core.clone(), self.tracing);
        // SAFETY: async-task's `spawn_unchecked` asks for three things.
        // (1) The future need not be Send: its Runnable is only run or dropped on this
        // thread. The schedule function pushes it to this thread's ready queue, or to the
        // remote queue that only this runtime's thread drains (`drain_remote`,
        // `destroy_all`, `Drop for Runtime`); once the runtime is gone, `push_remote` leaks a
        // late runnable rather than drop it on a foreign thread. The task handle lives in
        // the task table, dropped on this thread. (2) The future need not be 'static: the
        // caller guarantees it is dropped while its borrows live (for main, `MainGuard`
        // destroys the task before `block_on` returns or unwinds, and aborts if it somehow
        // still lives). (3) The schedule function is Send + Sync + 'static, so wakers may
        // go anywhere. Unlike `spawn_local`, nothing checks the thread at each poll; (1)
        // is what that check guarded.
        let (runnable, handle) = unsafe {
            async_task::Builder::new().metadata(key).spawn_unchecked(move |_| wrapped, schedule)
        };
        self.register(core.clone(), key, runnable, handle);
        core
    }

    fn register<T: 'static>(
        &self,
        core: Rc<TaskCore<T>>,
        key: TaskKey,
        runnable: Runnable<TaskKey>,
        handle: async_task::Task<(), TaskKey>,
    ) {
        let erased: Rc<dyn ErasedTask> = core.clone();
        let task = TaskRef(erased);
        if self.tracing {
            if let Some(name) = core.header.explicit_name() {
                self.trace.borrow_mut().set_name(key.id, name);
            }
            if let Some(parent) = self.current_task() {
                self.record(parent, EventKind::Spawn { child: key.id });
            }
        }
        let slot = self.tasks.borrow_mut().insert(TaskEntry { task, handle });
        debug_assert_eq!(slot, key.slot as usize);
        self.ready.borrow_mut().push(Step::Run(runnable));
    }

    /// Moves tasks woken from other threads into the ready queue.
    fn drain_remote(&self) {
        if self.shared.has_remote.swap(false, Ordering::Acquire) {
            let woken = self.shared.take_remote(false);
            let mut ready = self.ready.borrow_mut();
            for r in woken {
                ready.push(Step::Run(r));
            }
        }
    }

    /// Fires every timer due at the current instant, in registration order.
    fn fire_due(&self) {
        let mut fired = std::mem::take(&mut *self.fired.borrow_mut());
        self.timers.borrow_mut().pop_due(self.now(), &mut fired);
        self.warm_up(&fired);
        for slot in fired.drain(..) {
            if let Some(waker) = slot.waker {
                if self.tracing {
                    self.record(slot.owner, EventKind::TimerFired);
                }
                waker.wake();
            }
        }
        *self.fired.borrow_mut() = fired;
    }

    /// Reads, with plain loads, the task-table entry, task header and async-task header of
    /// every task a timer batch is about to wake. Once the tasks outgrow the L2 cache (at
    /// about 10k tasks) these are misses; plain loads overlap, while the atomic
    /// read-modify-writes of `wake` and `run` would take them one at a time. Worth it from
    /// two timers on (W1 at 100k tasks: 360 -> 320 ns per sleep). Semantically a no-op.
    fn warm_up(&self, fired: &[Slot]) {
        if fired.len() < 2 {
            return;
        }
        let tasks = self.tasks.borrow();
        let mut sum = 0usize;
        for f in fired {
            if let Some(e) = tasks.get(f.task_slot) {
                sum += e.task.header().state() as usize;
                sum += usize::from(e.handle.is_finished());
            }
        }
        std::hint::black_box(sum);
    }

    /// Runs one step from the ready queue.
    fn run_one(&self) -> Result<(), RunError> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if let Some(limit) = self.step_limit {
            if n > limit {
                return Err(RunError::StepLimit {
                    limit,
                    at: self.now(),
                    seed: self.seed,
                    policy: self.policy,
                    tail: self.trace.borrow().tail(20),
                });
            }
        }
        let step = if self.policy == Policy::Fifo {
            self.ready.borrow_mut().pop_front()
        } else {
            let mut ready = self.ready.borrow_mut();
            let index = self.chooser.borrow_mut().pick(&ready, n, &mut self.rng.borrow_mut());
            ready.take(index)
        };
        match step {
            Some(Step::Run(runnable)) => {
                let key = runnable.metadata();
                let slot = key.slot as usize;
                self.current.set((key.id, slot));
                self.wait_scratch.set(None);
                runnable.run();
                self.current.set((NO_TASK, usize::MAX));
                if self.just_done.replace(false) {
                    let entry = self.tasks.borrow_mut().try_remove(slot);
                    drop(entry);
                }
            }
            Some(Step::Callback { f, .. }) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
                    let msg = panic_message(payload.as_ref());
                    self.record(NO_TASK, EventKind::Note(format!("done callback panicked: {msg}")));
                    self.callback_panics.borrow_mut().push((self.now(), msg));
                }
            }
            None => {}
        }
        Ok(())
    }

    /// Makes the current task outlive `task` (see [`crate::finish_after`]).
    pub(crate) fn add_lingering(&self, task: &TaskRef) {
        let Some(current) = self.current_task_ref() else { return };
        if task.is_done() || current.id() == task.id() {
            return;
        }
        current.header().lingers.set(true);
        self.lingering.borrow_mut().entry(current.id()).or_default().push(task.clone());
    }

    /// Whether `header`'s task still has to wait for a task it must outlive; if so, its
    /// waker is registered on that task.
    pub(crate) fn still_lingering(&self, header: &Header, waker: &Waker) -> bool {
        let first = {
            let mut map = self.lingering.borrow_mut();
            let Some(list) = map.get_mut(&header.id) else { return false };
            list.retain(|t| !t.is_done());
            match list.first() {
                Some(t) => t.clone(),
                None => {
                    map.remove(&header.id);
                    header.lingers.set(false);
                    return false;
                }
            }
        };
        first.add_done_waker(waker.clone());
        self.end_poll(header);
        true
    }

    /// Called by a task's future when it completes, so the loop can forget it.
    #[inline]
    pub(crate) fn task_done(&self) {
        self.just_done.set(true);
    }

    /// Called at the end of each task poll that returned pending: what it waits on.
    #[inline]
    pub(crate) fn end_poll(&self, header: &Header) {
        header.waiting.set(self.wait_scratch.get().unwrap_or(WaitOn::Foreign));
    }

    /// Runs steps, moving the clock when nothing is ready, until `mode` is satisfied (main
    /// done, everything blocked, or the next timer batch handled) or an error.
    fn drive(&self, mode: Drive<'_>) -> Result<(), RunError> {
        let mut fired = false;
        // Steps run in iterations, as asyncio's `_run_once`: an iteration runs the steps
        // that were queued when it began; steps queued meanwhile wait for the next one.
        // When the main task finishes, its done callback (queued like any other) asks the
        // loop to stop, and the loop stops at the end of that iteration, exactly as
        // `run_until_complete` does: tasks queued before the stop still take their step.
        let mut batch_left = 0usize;
        loop {
            if batch_left == 0 {
                if let Drive::Main(h) = mode {
                    if self.stopping.get() || (h.is_done() && self.ready.borrow().is_empty()) {
                        self.stopping.set(false);
                        return Ok(());
                    }
                }
                self.drain_remote();
                if self.ready.borrow().is_empty() {
                    let idle = std::mem::take(&mut *self.idle_waiters.borrow_mut());
                    if !idle.is_empty() {
                        idle.into_iter().for_each(Waker::wake);
                        continue;
                    }
                    match mode {
                        Drive::Blocked => return Ok(()),
                        Drive::NextTimer if fired => return Ok(()),
                        _ => {}
                    }
                    let Some(deadline) = self.timers.borrow().next_deadline() else {
                        return match mode {
                            Drive::Main(_) => Err(RunError::Deadlock(Box::new(self.deadlock()))),
                            _ => Ok(()),
                        };
                    };
                    if let Some(limit) = self.time_limit {
                        if deadline > limit {
                            return Err(RunError::TimeLimit {
                                limit,
                                next_deadline: deadline,
                                seed: self.seed,
                                policy: self.policy,
                                tail: self.trace.borrow().tail(20),
                            });
                        }
                    }
                    self.clock.set(deadline);
                    self.fire_due();
                    fired = true;
                    continue;
                }
                batch_left = self.ready.borrow().len();
            }
            batch_left -= 1;
            self.run_one()?;
        }
    }

    /// Asks `drive` to stop at the end of the current iteration (main's done callback).
    pub(crate) fn request_stop(&self) {
        self.stopping.set(true);
    }

    fn live_tasks(&self) -> Vec<TaskRef> {
        let mut v: Vec<TaskRef> = self.tasks.borrow().iter().map(|(_, e)| e.task.clone()).collect();
        v.sort_by_key(TaskRef::id);
        v
    }

    fn describe_wait(&self, on: WaitOn) -> String {
        match on {
            WaitOn::Nothing => "nothing: it is ready to run or was never polled".into(),
            WaitOn::Timer(t) if t == Instant::MAX => {
                "a sleep that never ends (its deadline overflowed the virtual clock, e.g. \
                 sleep(Duration::MAX))"
                    .into()
            }
            WaitOn::Timer(t) => format!("a timer at {t}"),
            WaitOn::Task(id) => {
                format!("task {} ({id})", self.trace.borrow().name(id))
            }
            WaitOn::AllBlocked => "wait_all_tasks_blocked()".into(),
            WaitOn::Foreign => "a future simloop does not know (a channel, a lock, or a waker \
                                from outside the runtime)"
                .into(),
        }
    }

    /// A task's report; its last events only when `with_events` (each lookup scans the
    /// trace, so reports of many tasks give events to the first few only).
    fn task_report(&self, t: &TaskRef, with_events: bool) -> TaskReport {
        let h = t.header();
        let on = h.waiting.get();
        TaskReport {
            id: h.id,
            name: h.name().to_string(),
            spawn_site: h.site.to_string(),
            spawned_at: h.spawned_at,
            waiting_on: on,
            waiting: self.describe_wait(on),
            last_events: if with_events {
                self.trace.borrow().last_events_of(h.id, 4)
            } else {
                Vec::new()
            },
        }
    }

    fn deadlock(&self) -> DeadlockReport {
        let tasks = self.live_tasks();
        let reports: Vec<TaskReport> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| self.task_report(t, i < DETAILED_REPORTS))
            .collect();
        let mut wait_for = Vec::new();
        let waits: Vec<(TaskId, WaitOn)> = reports.iter().map(|r| (r.id, r.waiting_on)).collect();
        let name = |id: TaskId| self.trace.borrow().name(id);
        // Chains start from tasks nobody waits for.
        let wait_of: HashMap<TaskId, WaitOn> = waits.iter().copied().collect();
        let awaited: std::collections::HashSet<TaskId> = waits
            .iter()
            .filter_map(|(_, w)| if let WaitOn::Task(t) = w { Some(*t) } else { None })
            .collect();
        for (id, _) in waits.iter().filter(|(id, _)| !awaited.contains(id)) {
            let mut chain = vec![name(*id)];
            let mut cur = *id;
            let mut seen = vec![cur];
            loop {
                match wait_of.get(&cur).copied() {
                    Some(WaitOn::Task(next)) => {
                        chain.push(name(next));
                        if seen.contains(&next) {
                            chain.push("(cycle)".into());
                            break;
                        }
                        seen.push(next);
                        cur = next;
                    }
                    Some(WaitOn::Foreign) => {
                        chain.push("(a foreign future)".into());
                        break;
                    }
                    Some(WaitOn::Timer(_)) => {
                        chain.push("(a never-ending sleep)".into());
                        break;
                    }
                    _ => break,
                }
            }
            if chain.len() > 1 {
                wait_for.push(chain.join(" -> "));
            }
        }
        if wait_for.is_empty() {
            // Every task is awaited by another: a pure cycle.
            if let Some((id, _)) = waits.first() {
                let mut chain = vec![name(*id)];
                let mut cur = *id;
                for _ in 0..waits.len() {
                    match wait_of.get(&cur).copied() {
                        Some(WaitOn::Task(next)) => {
                            chain.push(name(next));
                            cur = next;
                            if next == *id {
                                break;
                            }
                        }
                        _ => break,
                    }
                }
                wait_for.push(format!("{} (cycle)", chain.join(" -> ")));
            }
        }
        DeadlockReport {
            at: self.now(),
            seed: self.seed,
            policy: self.policy,
            tasks: reports,
            wait_for,
        }
    }

    /// Destroys every task: drops its future (inside the runtime, so destructors can
    /// deregister timers) without running its done callbacks.
    fn destroy_all(&self) {
        loop {
            let entries: Vec<TaskEntry> = self.tasks.borrow_mut().drain().collect();
            let had_work = !entries.is_empty() || !self.ready.borrow().is_empty();
            for e in entries {
                e.task.0.mark_destroyed();
                // Dropping the handle cancels the task; an idle one is scheduled so that
                // its future is dropped when its Runnable is dropped below.
                drop(e.handle);
            }
            self.drain_remote();
            loop {
                let step = self.ready.borrow_mut().take(0);
                match step {
                    Some(step) => drop(step),
                    None => break,
                }
            }
            if !had_work {
                break;
            }
        }
        self.idle_waiters.borrow_mut().clear();
    }

    /// End of `block_on`: report leftovers, then destroy them.
    fn finish_run(&self) {
        let mut report = self.report.borrow_mut();
        report.seed = self.seed;
        report.policy = self.policy;
        let live = self.live_tasks();
        for (i, t) in live.iter().enumerate() {
            let r = self.task_report(t, i < DETAILED_REPORTS);
            self.record(t.id(), EventKind::DestroyedPending);
            if i < PRINTED_REPORTS {
                eprintln!("simloop: Task was destroyed but it is pending!\n{r}");
            }
            report.destroyed_pending.push(r);
        }
        if live.len() > PRINTED_REPORTS {
            eprintln!(
                "simloop: ... and {} more tasks destroyed while pending (all are in \
                 Runtime::report())",
                live.len() - PRINTED_REPORTS
            );
        }
        for t in std::mem::take(&mut *self.failed.borrow_mut()) {
            if !t.header().retrieved() {
                let msg = t.header().panic_message().unwrap_or_default();
                let r = self.task_report(&t, report.never_retrieved.len() < DETAILED_REPORTS);
                self.record(t.id(), EventKind::NeverRetrieved(msg.clone()));
                eprintln!("simloop: Task exception was never retrieved: {msg}\n{r}");
                report.never_retrieved.push((r, msg));
            }
        }
        report.callback_panics.append(&mut self.callback_panics.borrow_mut());
        drop(report);
        self.destroy_all();
        self.sync_report();
    }

    fn sync_report(&self) {
        let mut report = self.report.borrow_mut();
        report.elapsed = self.now();
        report.steps = self.steps.get();
        self.trace.borrow_mut().set_elapsed(self.now());
    }
}

#[derive(Clone, Copy)]
enum Drive<'a> {
    /// Until the main task is done.
    Main(&'a Header),
    /// Until nothing is ready, without moving the clock.
    Blocked,
    /// Fire the next timer batch, then until nothing is ready.
    NextTimer,
}

/// Destroys the main task (and every other) when `block_on` ends, normally or by unwinding,
/// so that the main future never outlives what it borrows.
struct MainGuard<'a> {
    inner: &'a Rc<Inner>,
    main: TaskRef,
}

impl Drop for MainGuard<'_> {
    fn drop(&mut self) {
        self.inner.destroy_all();
        if self.main.header().future_alive.get() {
            // Unreachable by construction: destroy_all drops every task's future. If it
            // ever happened, continuing could let the future use freed borrows.
            eprintln!("simloop: internal error: the main future outlived block_on; aborting");
            std::process::abort();
        }
    }
}

/// A deterministic, single-threaded, virtual-time runtime.
///
/// ```
/// use simloop_executor::{log, sleep, spawn, Runtime};
/// use std::time::Duration;
///
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let t = spawn(async {
///         sleep(Duration::from_secs(2)).await;
///         log!("world");
///     });
///     log!("hello");
///     sleep(Duration::from_secs(1)).await;
///     t.await.unwrap();
/// });
/// assert_eq!(
///     rt.trace().text(),
///     "   0.000s  main         hello\n   2.000s  Task-2       world\n-- elapsed 2.000s"
/// );
/// ```
pub struct Runtime {
    inner: Rc<Inner>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}

impl Runtime {
    /// A runtime with the default configuration (seed 0, FIFO).
    pub fn new() -> Runtime {
        Builder::new().build()
    }

    /// A builder to configure seed, policy, wall clock and limits.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// The seed of this runtime's RNG.
    pub fn seed(&self) -> u64 {
        self.inner.seed
    }

    /// The scheduling policy.
    pub fn policy(&self) -> Policy {
        self.inner.policy
    }

    /// The virtual clock.
    pub fn now(&self) -> Instant {
        self.inner.now()
    }

    /// Steps run so far.
    pub fn steps(&self) -> u64 {
        self.inner.steps.get()
    }

    /// A copy of the trace recorded so far.
    pub fn trace(&self) -> Trace {
        let mut t = self.inner.trace.borrow().clone();
        t.set_elapsed(self.inner.now());
        t
    }

    /// Takes the recorded trace, leaving an empty one (cheaper than [`Runtime::trace`]).
    pub fn take_trace(&self) -> Trace {
        let mut t = std::mem::take(&mut *self.inner.trace.borrow_mut());
        t.set_elapsed(self.inner.now());
        self.inner.trace.borrow_mut().set_name(NO_TASK, "(callback)".into());
        t
    }

    /// What the last `block_on` left behind (tasks destroyed while pending, panics never
    /// retrieved, callback panics).
    pub fn report(&self) -> RunReport {
        self.inner.report.borrow().clone()
    }

    /// Runs `future` as the main task (named `main`) until it completes, and returns its
    /// output; asyncio's `loop.run_until_complete(main())`.
    ///
    /// Tasks still pending when it returns are reported ("Task was destroyed but it is
    /// pending!") and destroyed; panics nobody retrieved are reported (see
    /// [`Runtime::report`]).
    ///
    /// # Panics
    /// With the failure report on a deadlock, a step or time limit, or a nested call; and
    /// with the main future's own panic if it panics. [`Runtime::try_block_on`] returns
    /// those as errors instead.
    #[track_caller]
    pub fn block_on<F: Future>(&mut self, future: F) -> F::Output
    where
        F::Output: 'static,
    {
        match self.run_main(future) {
            Ok(Ok(v)) => v,
            Ok(Err(payload)) => resume_unwind(payload),
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`Runtime::block_on`], but a deadlock, limit, nested call or main panic is
    /// returned as a [`RunError`].
    #[track_caller]
    pub fn try_block_on<F: Future>(&mut self, future: F) -> Result<F::Output, RunError>
    where
        F::Output: 'static,
    {
        let at = self.now();
        match self.run_main(future)? {
            Ok(v) => Ok(v),
            Err(payload) => Err(RunError::MainPanicked {
                message: panic_message(payload.as_ref()),
                at: self.now().max(at),
            }),
        }
    }

    #[allow(clippy::type_complexity)]
    #[track_caller]
    fn run_main<F: Future>(
        &mut self,
        future: F,
    ) -> Result<Result<F::Output, Box<dyn std::any::Any + Send>>, RunError>
    where
        F::Output: 'static,
    {
        if context::is_set() {
            return Err(RunError::NestedBlockOn);
        }
        let inner = &self.inner;
        let _enter = context::enter(inner);
        *inner.report.borrow_mut() = RunReport::default();
        inner.stopping.set(false);
        // SAFETY: `guard` destroys the main task before this function returns or unwinds,
        // so the future is dropped while everything it borrows is still alive.
        let core = unsafe { inner.spawn_main(future, Location::caller()) };
        let main: Rc<dyn ErasedTask> = core.clone();
        let guard = MainGuard { inner, main: TaskRef(main) };
        let driven = inner.drive(Drive::Main(&core.header));
        let out = match driven {
            Ok(()) => {
                let out = match core.take() {
                    Some(Ok(v)) => Ok(v),
                    _ => Err(core
                        .take_panic_payload()
                        .unwrap_or_else(|| Box::new("the main task was cancelled".to_string()))),
                };
                inner.finish_run();
                Ok(out)
            }
            Err(e) => {
                inner.destroy_all();
                inner.sync_report();
                Err(e)
            }
        };
        drop(guard);
        out
    }

    /// Spawns a task from outside the runtime; it runs at the next `block_on`,
    /// [`Runtime::run_until_blocked`] or [`Runtime::advance_to_next_timer`].
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let _enter = context::enter(&self.inner);
        self.inner.spawn(future, None, Location::caller())
    }

    /// Runs every ready step until all tasks are blocked, without moving the clock
    /// (trio's `wait_all_tasks_blocked`, Go's `synctest.Wait`).
    pub fn run_until_blocked(&mut self) -> Result<(), RunError> {
        if context::is_set() {
            return Err(RunError::NestedBlockOn);
        }
        let _enter = context::enter(&self.inner);
        let r = self.inner.drive(Drive::Blocked);
        self.inner.sync_report();
        r
    }

    /// Runs until blocked, then moves the clock to the next timer deadline only, fires the
    /// timers due then and runs until blocked again. Returns the new time, or `None` if
    /// no timer was pending.
    pub fn advance_to_next_timer(&mut self) -> Result<Option<Instant>, RunError> {
        self.run_until_blocked()?;
        if self.inner.timers.borrow().next_deadline().is_none() {
            return Ok(None);
        }
        let _enter = context::enter(&self.inner);
        let r = self.inner.drive(Drive::NextTimer);
        self.inner.sync_report();
        r.map(|()| Some(self.now()))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let _enter = context::enter(&self.inner);
        self.inner.destroy_all();
        // From now on a wake from another thread is leaked, not queued (see push_remote);
        // what raced in before is dropped here, on the runtime's thread.
        drop(self.inner.shared.take_remote(true));
        REMOTE_QUEUES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(id, _)| *id != self.inner.id);
    }
}

/// Runs `future` on a new default runtime and returns its output: asyncio's
/// `asyncio.run(main())`.
///
/// ```
/// let v = simloop_executor::run(async {
///     simloop_executor::sleep(std::time::Duration::from_secs(3600)).await;
///     simloop_executor::now().as_duration().as_secs()
/// });
/// assert_eq!(v, 3600);
/// ```
///
/// # Panics
/// As [`Runtime::block_on`].
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output
where
    F::Output: 'static,
{
    Runtime::new().block_on(future)
}
