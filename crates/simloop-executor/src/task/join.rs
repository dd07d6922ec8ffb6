//! The typed task handle: [`Task<T>`], awaited by value, and [`Join`], awaited by reference.

use std::cell::Cell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use crate::context;
use crate::task::cancel::request_cancel;
use crate::task::core::{ErasedTask, TaskCore};
use crate::task::error::TaskError;
use crate::task::header::{Callback, Header};
use crate::task::id::TaskId;
use crate::task::state::{TaskState, WaitOn};
use crate::task::target::CancelTarget;
use crate::task::task_ref::TaskRef;

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

    fn header(&self) -> &Header {
        self.core.header()
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.header().id()
    }

    /// The task's name: the one given at spawn, or asyncio's default `Task-<id>`.
    pub fn name(&self) -> String {
        self.header().name().to_string()
    }

    /// Renames the task (asyncio's `Task.set_name`).
    pub fn set_name(&self, name: impl Into<String>) {
        let name: Rc<str> = name.into().into();
        self.header().set_name(name.clone());
        context::rename(self.id(), name);
    }

    /// Whether the task has finished, been cancelled or panicked.
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

    /// The task's exception, asyncio's `Task.exception()`: `Ok(Some(message))` if it
    /// panicked (reading it counts as retrieving the panic), `Ok(None)` if it returned,
    /// `Err(TaskError::Cancelled)` if it was cancelled, `Err(TaskError::InvalidState)`
    /// while it is pending. A task returning `Err(e)` returned: its error is its value.
    ///
    /// ```
    /// use simloop_executor::{spawn, yield_now, Runtime, TaskError};
    /// let mut rt = Runtime::new();
    /// rt.block_on(async {
    ///     let t = spawn(async { panic!("boom") });
    ///     assert!(matches!(t.exception(), Err(TaskError::InvalidState(_))));
    ///     yield_now().await;
    ///     assert_eq!(t.exception(), Ok(Some("boom".to_string())));
    /// });
    /// assert!(rt.report().is_clean()); // retrieved
    /// ```
    pub fn exception(&self) -> Result<Option<String>, TaskError> {
        self.as_ref().exception()
    }

    /// Requests cancellation; it takes effect at the task's next turn in the ready queue,
    /// where its future is dropped. Returns `false` if the task is already done
    /// (asyncio's `Task.cancel()`).
    pub fn cancel(&self) -> bool {
        request_cancel(self.header())
    }

    /// How many cancellation requests the task has that were not withdrawn (asyncio 3.11's
    /// `Task.cancelling()`): each `cancel()` adds one, each `uncancel()` takes one away.
    /// A timeout or task group compares it with what it saw on entry to tell its own
    /// cancellation from an outer one.
    pub fn cancelling(&self) -> u32 {
        self.header().cancelling()
    }

    /// Withdraws one cancellation request (asyncio 3.11's `Task.uncancel()`, for the party
    /// that called `cancel()`), and returns how many remain. Below zero it stays at zero,
    /// as CPython's does. It does not stop a cancellation already on its way.
    pub fn uncancel(&self) -> u32 {
        self.header().uncancel()
    }

    /// Drops this handle without cancelling the task, even if it was being awaited.
    pub fn detach(self) {
        if let Some(i) = self.waker_slot.take() {
            forget_waker(self.header(), i, false);
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
        self.core.inspect(f)
    }

    /// An untyped reference to this task, for callbacks and collections.
    pub fn as_ref(&self) -> TaskRef {
        let erased: Rc<dyn ErasedTask> = self.core.clone();
        TaskRef::from_erased(erased)
    }

    fn pending_error(&self, what: &str) -> TaskError {
        TaskError::InvalidState(format!(
            "{what} called on task {} while it is still pending: await the task, or read \
             its result once it is done (is_done())",
            self.header().name()
        ))
    }
}

impl<T: Clone + 'static> Task<T> {
    /// Reads the output of a finished task without awaiting (asyncio's `Task.result()`):
    /// `Err(InvalidState)` while pending, `Err(Cancelled)` or `Err(Panicked)` if it did not
    /// return. The output is cloned, so it can be read any number of times.
    pub fn result(&self) -> Result<T, TaskError> {
        self.core.read().unwrap_or_else(|| Err(self.pending_error("result()")))
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(out) = this.core.take() {
            if let Some(i) = this.waker_slot.take() {
                forget_waker(this.core.header(), i, false);
            }
            return Poll::Ready(out);
        }
        let target: Weak<dyn CancelTarget> = Rc::downgrade(&this.core) as _;
        let slot = register_waker(this.core.header(), this.waker_slot.get(), cx.waker(), target);
        this.waker_slot.set(Some(slot));
        Poll::Pending
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Some(i) = self.waker_slot.get() {
            forget_waker(self.core.header(), i, true);
        }
    }
}

/// Forgets the waker an awaiter registered in slot `i`. If the awaiter gave up while the
/// task is still pending (it was cancelled, or a timeout dropped it), the task is
/// cancelled too: asyncio's `Task.cancel()` cancels the future the task waits on.
fn forget_waker(header: &Header, i: usize, cancel: bool) {
    let removed = header.with_callback(i, Option::take).flatten().is_some();
    if removed && cancel && !header.is_done() {
        request_cancel(header);
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
                forget_waker(self.task.header(), i, false);
            }
            return Poll::Ready(self.task.result());
        }
        let target: Weak<dyn CancelTarget> = Rc::downgrade(&self.task.core) as _;
        let slot = register_waker(self.task.header(), self.waker_slot, cx.waker(), target);
        self.waker_slot = Some(slot);
        Poll::Pending
    }
}

impl<T> Drop for Join<'_, T> {
    fn drop(&mut self) {
        if let Some(i) = self.waker_slot {
            forget_waker(self.task.core.header(), i, true);
        }
    }
}

/// Registers (or refreshes) an awaiter's waker in the task's callback list; returns its slot.
/// Registers the awaiter's waker with the awaited task; the task is also the awaiter's
/// cancel target while it waits (`task::forward`).
fn register_waker(
    header: &Header,
    slot: Option<usize>,
    waker: &Waker,
    target: Weak<dyn CancelTarget>,
) -> usize {
    context::note_target(Some(WaitOn::Task(header.id())), target);
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
        let h = self.core.header();
        f.debug_struct("Task")
            .field("id", &h.id())
            .field("name", &h.name())
            .field("state", &h.state())
            .finish()
    }
}
