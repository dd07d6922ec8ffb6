//! Tasks: spawned futures, their handles, their outcomes and done callbacks.
//!
//! A [`Task<T>`] is asyncio's `Task`: awaiting it gives the output or a [`TaskError`];
//! [`Task::cancel`] takes effect at the task's next turn in the ready queue; dropping the
//! handle does *not* cancel the task (the runtime keeps it, as asyncio's loop does);
//! [`Task::result`] reads a finished task without awaiting. Done callbacks run in
//! registration order, each as its own queued step.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use crate::context;
use crate::instant::Instant;
use crate::trace::EventKind;

/// A task's identity, unique within one runtime. The main task is 1, spawned tasks count
/// up from 2 (so default names match asyncio's `Task-2`, `Task-3`, ...).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TaskId(pub(crate) u64);

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
    pub(crate) slot: u32,
    /// The runtime's id (see `Inner::id`), so that the schedule function needs no capture.
    pub(crate) runtime: u32,
}

/// Why awaiting a task, or reading its result, gave no value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskError {
    /// The task was cancelled ([`Task::cancel`], a timeout, a failing task group, or the
    /// runtime destroying it when `block_on` returned).
    Cancelled,
    /// The task panicked; the panic message.
    Panicked(String),
    /// The result is not available: the task is still pending, or its result was already
    /// taken. The message says which and what to do.
    InvalidState(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("task was cancelled"),
            TaskError::Panicked(msg) => write!(f, "task panicked: {msg}"),
            TaskError::InvalidState(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for TaskError {}

impl TaskError {
    /// Whether this is [`TaskError::Cancelled`].
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// Whether this is [`TaskError::Panicked`].
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }
}

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
    /// A future simloop does not know (a channel, a lock, a foreign waker).
    Foreign,
}

pub(crate) enum Callback {
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
pub(crate) struct Callbacks {
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
}

/// The type-independent part of a task, shared by its handles and the runtime.
///
/// `repr(C)` keeps the fields every poll reads or writes (state, cancellation, what the
/// task waits on) together at the front, in the cache line that also holds the
/// reference counts of its `TaskCore`. Rarely used fields live behind `extra`.
#[repr(C)]
pub(crate) struct Header {
    state: Cell<TaskState>,
    cancel_requested: Cell<bool>,
    pub(crate) future_alive: Cell<bool>,
    retrieved: Cell<bool>,
    /// Whether the task must outlive other tasks ([`crate::finish_after`]).
    pub(crate) lingers: Cell<bool>,
    /// Whether `waker` was set (see `remember_waker`).
    has_waker: Cell<bool>,
    pub(crate) waiting: Cell<WaitOn>,
    pub(crate) id: TaskId,
    callbacks: RefCell<Callbacks>,
    /// The spawning task (`TaskId(0)`: none).
    parent: TaskId,
    pub(crate) spawned_at: Instant,
    pub(crate) site: &'static Location<'static>,
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
            parent: parent.unwrap_or(TaskId(0)),
            spawned_at,
            site,
            state: Cell::new(TaskState::Pending),
            cancel_requested: Cell::new(false),
            future_alive: Cell::new(true),
            lingers: Cell::new(false),
            has_waker: Cell::new(false),
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

    /// Reads the extra fields, if any were ever set.
    fn extra<R>(&self, f: impl FnOnce(&Extra) -> Option<R>) -> Option<R> {
        self.extra.borrow().as_deref().and_then(f)
    }

    /// The spawning task, if any.
    pub(crate) fn parent(&self) -> Option<TaskId> {
        (self.parent != TaskId(0)).then_some(self.parent)
    }

    /// Keeps the task's own waker, so that a cancel can wake it, from the first poll that
    /// leaves it pending (before that it is queued, and a cancel is seen when it runs; a
    /// task done at its first poll never clones its waker).
    #[inline]
    fn remember_waker(&self, waker: &Waker) {
        if !self.has_waker.replace(true) {
            self.waker.set(Some(waker.clone()));
        }
    }

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

    pub(crate) fn retrieved(&self) -> bool {
        self.retrieved.get()
    }

    pub(crate) fn panic_message(&self) -> Option<String> {
        self.extra(|e| e.panic_msg.clone())
    }

    fn request_cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        if !self.cancel_requested.replace(true) {
            context::record(self.id, EventKind::CancelRequested);
        }
        let waker = self.waker.take();
        if let Some(w) = &waker {
            w.wake_by_ref();
        }
        self.waker.set(waker);
        true
    }

    fn add_callback(&self, cb: Callback) -> usize {
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
    fn with_callback<R>(&self, i: usize, f: impl FnOnce(&mut Option<Callback>) -> R) -> Option<R> {
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

    /// Takes every callback, in registration order.
    fn take_callbacks(&self) -> Vec<Callback> {
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

    /// Marks the task done and schedules its callbacks, each as its own step.
    #[inline]
    fn complete(&self, state: TaskState) {
        self.state.set(state);
        drop(self.waker.take());
        if self.callbacks.borrow().len == 0 {
            // Nobody awaits the task or asked to hear of it: nothing to schedule.
            return;
        }
        for cb in self.take_callbacks() {
            match cb {
                Callback::Waker(w) => w.wake(),
                Callback::Fn(f) => context::call_soon_for(self.id, f),
            }
        }
    }
}

/// Internal outcome of a task, kept until someone takes it. A panic's message lives in
/// the header, where untyped references read it too.
enum Outcome<T> {
    Ok(T),
    Cancelled,
    Panicked,
    Taken,
}

impl<T> Outcome<T> {
    /// The state a task with this outcome is in.
    fn state(&self) -> TaskState {
        match self {
            Outcome::Ok(_) | Outcome::Taken => TaskState::Finished,
            Outcome::Cancelled => TaskState::Cancelled,
            Outcome::Panicked => TaskState::Panicked,
        }
    }

    /// The error reading this outcome gives, or `None` for a value still there.
    fn error(&self, header: &Header) -> Option<TaskError> {
        match self {
            Outcome::Ok(_) => None,
            Outcome::Cancelled => Some(TaskError::Cancelled),
            Outcome::Panicked => {
                Some(TaskError::Panicked(header.panic_message().unwrap_or_default()))
            }
            Outcome::Taken => Some(TaskError::InvalidState(format!(
                "the result of task {} was already taken (by an await or take_result()); \
                 use result() on a Clone output to read it more than once",
                header.name()
            ))),
        }
    }
}

/// What a task shares with its handles: the header and the typed result slot, in one
/// allocation.
#[repr(C)]
pub(crate) struct TaskCore<T> {
    pub(crate) header: Header,
    result: RefCell<Option<Outcome<T>>>,
}

impl<T> TaskCore<T> {
    pub(crate) fn new(header: Header) -> TaskCore<T> {
        TaskCore { header, result: RefCell::new(None) }
    }

    /// Takes the outcome, marking it retrieved: a value is moved out (leaving `Taken`),
    /// an error stays for later readers. `None` while pending.
    pub(crate) fn take(&self) -> Option<Result<T, TaskError>> {
        let mut slot = self.result.borrow_mut();
        let outcome = slot.as_mut()?;
        self.header.retrieved.set(true);
        if let Some(e) = outcome.error(&self.header) {
            return Some(Err(e));
        }
        match std::mem::replace(outcome, Outcome::Taken) {
            Outcome::Ok(v) => Some(Ok(v)),
            _ => unreachable!("only a value has no error"),
        }
    }

    /// The panic payload of a panicked task (used by `block_on` to re-raise main's panic).
    pub(crate) fn take_panic_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.header.extra.borrow_mut().as_mut().and_then(|e| e.panic_payload.take())
    }

    /// Marks a task that was destroyed while pending as cancelled (no callbacks run).
    pub(crate) fn mark_destroyed(&self) {
        if !self.header.is_done() {
            *self.result.borrow_mut() = Some(Outcome::Cancelled);
            self.header.state.set(TaskState::Cancelled);
            drop(self.header.waker.take());
            drop(self.header.take_callbacks());
        }
    }
}

/// The runtime's type-erased view of a task.
pub(crate) trait ErasedTask {
    fn header(&self) -> &Header;
    fn mark_destroyed(&self);
}

impl<T> ErasedTask for TaskCore<T> {
    fn header(&self) -> &Header {
        &self.header
    }
    fn mark_destroyed(&self) {
        TaskCore::mark_destroyed(self)
    }
}

pin_project! {
    /// The future async-task runs: the user's future plus cancellation, panic capture and
    /// completion bookkeeping.
    pub(crate) struct TaskFuture<F: Future> {
        #[pin]
        inner: Option<F>,
        core: Rc<TaskCore<F::Output>>,
        started: bool,
        // Whether the runtime records events (a copy, to skip the thread-local lookup).
        tracing: bool,
        // The outcome, held while the task waits for the tasks it must outlive.
        stash: Option<Outcome<F::Output>>,
    }
    impl<F: Future> PinnedDrop for TaskFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            this.core.header.future_alive.set(false);
        }
    }
}

impl<F: Future> TaskFuture<F> {
    pub(crate) fn new(inner: F, core: Rc<TaskCore<F::Output>>, tracing: bool) -> Self {
        TaskFuture { inner: Some(inner), core, started: false, tracing, stash: None }
    }
}

impl<F> Future for TaskFuture<F>
where
    F: Future,
    F::Output: 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let header = &this.core.header;
        if header.is_done() {
            return Poll::Ready(());
        }
        if this.stash.is_none() {
            if header.cancel_requested.get() {
                // Dropping the future is Rust's cancellation; its destructors run inside
                // the runtime, so timers it registered are removed at once.
                this.inner.set(None);
                *this.stash = Some(Outcome::Cancelled);
            } else {
                let Some(fut) = this.inner.as_mut().as_pin_mut() else {
                    return Poll::Ready(());
                };
                if !*this.started {
                    *this.started = true;
                    if *this.tracing {
                        context::record(header.id, EventKind::Start);
                    }
                }
                let polled = catch_unwind(AssertUnwindSafe(|| fut.poll(cx)));
                let done = match polled {
                    Ok(Poll::Pending) => {
                        header.remember_waker(cx.waker());
                        context::with(|rt| rt.end_poll(header));
                        return Poll::Pending;
                    }
                    Ok(Poll::Ready(v)) => {
                        if *this.tracing {
                            context::record(header.id, EventKind::Finished);
                        }
                        Outcome::Ok(v)
                    }
                    Err(payload) => {
                        let msg = panic_message(payload.as_ref());
                        context::record(header.id, EventKind::Panicked(msg.clone()));
                        header.extra_mut(|e| {
                            e.panic_msg = Some(msg);
                            e.panic_payload = Some(payload);
                        });
                        Outcome::Panicked
                    }
                };
                this.inner.set(None);
                *this.stash = Some(done);
            }
        }
        // A task that must outlive others (a cancelled task group's children) completes
        // only once they are done, as asyncio's TaskGroup waits for its children even
        // when the task running it is cancelled.
        if header.lingers.get()
            && context::with(|rt| rt.still_lingering(header, cx.waker())) == Some(true)
        {
            header.remember_waker(cx.waker());
            return Poll::Pending;
        }
        let Some(outcome) = this.stash.take() else {
            return Poll::Ready(());
        };
        let state = outcome.state();
        if state == TaskState::Cancelled {
            context::record(header.id, EventKind::Cancelled);
        }
        *this.core.result.borrow_mut() = Some(outcome);
        if state == TaskState::Panicked {
            let erased: Rc<dyn ErasedTask> = this.core.clone();
            context::note_failed(TaskRef(erased));
        }
        header.complete(state);
        context::with(|rt| rt.task_done());
        Poll::Ready(())
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder: how every report of
/// simloop words a panic.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(simloop_executor::panic_message(payload.as_ref()), "boom 1");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// A handle to a spawned task; awaiting it gives `Result<T, TaskError>`.
///
/// Dropping the handle does not cancel the task (the runtime keeps it, as asyncio's loop
/// does) — except when the handle is dropped *while being awaited*: an awaiter that is
/// cancelled or timed out cancels the task it waits on, as asyncio's `Task.cancel()`
/// cancels the future the task waits on (so `timeout(d, task)` cancels `task`, like
/// `asyncio.wait_for`). Use [`Task::detach`] or `&mut task` to give up waiting without
/// cancelling. Awaiting a finished task returns at once, without a step.
///
/// `task.await` moves the output out; `(&task).await` and [`Task::result`] clone it
/// (for `T: Clone`), so several readers can share one task.
///
/// ```
/// use simloop_executor::{spawn, sleep, Runtime};
/// use std::time::Duration;
///
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let task = spawn(async {
///         sleep(Duration::from_secs(1)).await;
///         "done"
///     });
///     assert!(task.result().is_err()); // InvalidState: still pending
///     assert_eq!(task.await, Ok("done"));
/// });
/// assert_eq!(rt.now().as_nanos(), 1_000_000_000);
/// ```
#[must_use = "dropping a Task handle does not cancel it; await it to get its output"]
pub struct Task<T> {
    core: Rc<TaskCore<T>>,
    waker_slot: WakerSlot,
}

/// The callback slot an awaiting handle registered its waker in, if any; a `u32` with a
/// sentinel keeps a `Task` handle at two words.
struct WakerSlot(Cell<u32>);

impl WakerSlot {
    const NONE: u32 = u32::MAX;

    fn none() -> WakerSlot {
        WakerSlot(Cell::new(Self::NONE))
    }

    fn get(&self) -> Option<usize> {
        let i = self.0.get();
        (i != Self::NONE).then_some(i as usize)
    }

    fn set(&self, slot: Option<usize>) {
        let i = slot.map_or(Self::NONE, |i| u32::try_from(i).expect("fewer than 2^32 awaiters"));
        self.0.set(i);
    }

    fn take(&self) -> Option<usize> {
        let slot = self.get();
        self.0.set(Self::NONE);
        slot
    }
}

impl<T: 'static> Task<T> {
    pub(crate) fn from_core(core: Rc<TaskCore<T>>) -> Task<T> {
        Task { core, waker_slot: WakerSlot::none() }
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.core.header.id
    }

    /// The task's name: the one given at spawn, or asyncio's default `Task-<id>`.
    pub fn name(&self) -> String {
        self.core.header.name().to_string()
    }

    /// Renames the task (asyncio's `Task.set_name`).
    pub fn set_name(&self, name: impl Into<String>) {
        let name: Rc<str> = name.into().into();
        self.core.header.set_name(name.clone());
        context::with(|rt| rt.rename(self.core.header.id, name));
    }

    /// Whether the task has finished, been cancelled or panicked.
    pub fn is_done(&self) -> bool {
        self.core.header.is_done()
    }

    /// Whether the task ended by cancellation.
    pub fn is_cancelled(&self) -> bool {
        self.core.header.state() == TaskState::Cancelled
    }

    /// Where the task is in its life.
    pub fn state(&self) -> TaskState {
        self.core.header.state()
    }

    /// Requests cancellation; it takes effect at the task's next turn in the ready queue,
    /// where its future is dropped. Returns `false` if the task is already done
    /// (asyncio's `Task.cancel()`).
    pub fn cancel(&self) -> bool {
        self.core.header.request_cancel()
    }

    /// Drops this handle without cancelling the task, even if it was being awaited.
    pub fn detach(self) {
        if let Some(i) = self.waker_slot.take() {
            forget_waker(&self.core.header, i, false);
        }
    }

    /// Takes the output of a finished task without awaiting. A task's output can be taken
    /// once; afterwards this (and awaiting) gives [`TaskError::InvalidState`].
    pub fn take_result(&self) -> Result<T, TaskError> {
        self.core.take().unwrap_or_else(|| Err(self.pending_error("take_result()")))
    }

    /// Registers `f` to run when the task is done, as its own step in the ready queue, in
    /// registration order; if the task is already done it is scheduled at once.
    pub fn add_done_callback(&self, f: impl FnOnce(&TaskRef) + 'static) {
        self.as_ref().add_done_callback(f);
    }

    /// Calls `f` with the output of a task that finished with a value not yet taken, and
    /// returns what `f` returns; `None` while pending, after a cancellation or a panic, or
    /// once the output was taken. The output is neither taken nor cloned, and not marked
    /// retrieved: combinators use it to classify an outcome (asyncio's `wait` with
    /// `FIRST_EXCEPTION` looks at `exception()` without consuming the result).
    ///
    /// ```
    /// use simloop_executor::{spawn, yield_now, Runtime};
    ///
    /// let mut rt = Runtime::new();
    /// rt.block_on(async {
    ///     let t = spawn(async { Err::<u8, &str>("bad") });
    ///     assert_eq!(t.inspect(|r| r.is_err()), None); // still pending
    ///     yield_now().await;
    ///     assert_eq!(t.inspect(|r| r.is_err()), Some(true));
    ///     assert_eq!(t.await, Ok(Err("bad"))); // the output is still there
    /// });
    /// ```
    pub fn inspect<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        match self.core.result.borrow().as_ref()? {
            Outcome::Ok(v) => Some(f(v)),
            _ => None,
        }
    }

    /// An untyped reference to this task, for callbacks and collections.
    pub fn as_ref(&self) -> TaskRef {
        let erased: Rc<dyn ErasedTask> = self.core.clone();
        TaskRef(erased)
    }

    fn pending_error(&self, what: &str) -> TaskError {
        TaskError::InvalidState(format!(
            "{what} called on task {} while it is still pending: await the task, or read \
             its result once it is done (is_done())",
            self.core.header.name()
        ))
    }
}

impl<T: Clone + 'static> Task<T> {
    /// Reads the output of a finished task without awaiting (asyncio's `Task.result()`):
    /// `Err(InvalidState)` while pending, `Err(Cancelled)` or `Err(Panicked)` if it did not
    /// return. The output is cloned, so it can be read any number of times.
    pub fn result(&self) -> Result<T, TaskError> {
        let slot = self.core.result.borrow();
        let Some(outcome) = slot.as_ref() else {
            return Err(self.pending_error("result()"));
        };
        self.core.header.retrieved.set(true);
        match outcome {
            Outcome::Ok(v) => Ok(v.clone()),
            other => Err(other.error(&self.core.header).expect("not a value")),
        }
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(out) = this.core.take() {
            if let Some(i) = this.waker_slot.take() {
                forget_waker(&this.core.header, i, false);
            }
            return Poll::Ready(out);
        }
        let slot = register_waker(&this.core.header, this.waker_slot.get(), cx.waker());
        this.waker_slot.set(Some(slot));
        Poll::Pending
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Some(i) = self.waker_slot.get() {
            forget_waker(&self.core.header, i, true);
        }
    }
}

/// Forgets the waker an awaiter registered in slot `i`. If the awaiter gave up while the
/// task is still pending (it was cancelled, or a timeout dropped it), the task is
/// cancelled too: asyncio's `Task.cancel()` cancels the future the task waits on.
fn forget_waker(header: &Header, i: usize, cancel: bool) {
    let removed = header.with_callback(i, Option::take).flatten().is_some();
    if removed && cancel && !header.is_done() {
        header.request_cancel();
    }
}

impl<T> Clone for Task<T> {
    /// Another handle to the same task (asyncio tasks are shared references). Each handle
    /// can await the task; the output is moved out by the first `await` of a handle, so
    /// for several readers await `&task` or call `result()` (both need `T: Clone`).
    fn clone(&self) -> Self {
        Task { core: self.core.clone(), waker_slot: WakerSlot::none() }
    }
}

impl<'a, T: Clone + 'static> IntoFuture for &'a Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = Join<'a, T>;
    fn into_future(self) -> Join<'a, T> {
        Join { task: self, waker_slot: None }
    }
}

/// Future of `(&task).await`: waits for the task and clones its output, leaving it in
/// place for other readers.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Join<'a, T> {
    task: &'a Task<T>,
    waker_slot: Option<usize>,
}

impl<T: Clone + 'static> Future for Join<'_, T> {
    type Output = Result<T, TaskError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.task.is_done() {
            if let Some(i) = self.waker_slot.take() {
                forget_waker(&self.task.core.header, i, false);
            }
            return Poll::Ready(self.task.result());
        }
        let slot = register_waker(&self.task.core.header, self.waker_slot, cx.waker());
        self.waker_slot = Some(slot);
        Poll::Pending
    }
}

impl<T> Drop for Join<'_, T> {
    fn drop(&mut self) {
        if let Some(i) = self.waker_slot {
            forget_waker(&self.task.core.header, i, true);
        }
    }
}

/// Registers (or refreshes) an awaiter's waker in the task's callback list; returns its slot.
fn register_waker(header: &Header, slot: Option<usize>, waker: &Waker) -> usize {
    context::note_wait(WaitOn::Task(header.id));
    if let Some(i) = slot {
        let kept = header.with_callback(i, |entry| match entry {
            Some(Callback::Waker(w)) if w.will_wake(waker) => true,
            Some(_) => {
                *entry = Some(Callback::Waker(waker.clone()));
                true
            }
            None => false,
        });
        if kept == Some(true) {
            return i;
        }
    }
    header.add_callback(Callback::Waker(waker.clone()))
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.core.header.id)
            .field("name", &self.core.header.name())
            .field("state", &self.core.header.state())
            .finish()
    }
}

/// An untyped, cloneable reference to a task: what done callbacks receive, and what
/// collections of differently-typed tasks hold.
#[derive(Clone)]
pub struct TaskRef(pub(crate) Rc<dyn ErasedTask>);

impl TaskRef {
    pub(crate) fn header(&self) -> &Header {
        self.0.header()
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.header().id
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
            self.header().retrieved.set(true);
        }
        msg
    }

    /// Requests cancellation (see [`Task::cancel`]).
    pub fn cancel(&self) -> bool {
        self.header().request_cancel()
    }

    /// What the task waited on at the end of its last poll.
    pub fn waiting_on(&self) -> WaitOn {
        self.header().waiting.get()
    }

    /// Registers a done callback (see [`Task::add_done_callback`]).
    pub fn add_done_callback(&self, f: impl FnOnce(&TaskRef) + 'static) {
        let header = self.header();
        let task = self.clone();
        let call: Box<dyn FnOnce()> = Box::new(move || f(&task));
        if header.is_done() {
            context::call_soon_for(header.id, call);
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
            context::note_wait(WaitOn::Task(header.id));
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
