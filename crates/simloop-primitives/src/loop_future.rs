//! [`LoopFuture`]: asyncio's `Future` (`loop.create_future()`), a result that some code
//! sets and any number of tasks await.
//!
//! - A handle is cheap to clone; clones are the same future. Awaiting it (by value or by
//!   reference) gives `Ok(value)` or `Err(exception)`, cloned for each awaiter; awaiting a
//!   done future returns at once, without a step.
//! - `set_result`, `set_exception` and `cancel` end it once; setting a done future is
//!   asyncio's `InvalidStateError` ([`InvalidStateError`]), a second `cancel` returns
//!   `false`.
//! - When it ends, its done callbacks and its awaiters are resumed in the order they were
//!   registered (an awaiter registers when it starts waiting), each as its own step, as
//!   asyncio's `call_soon` of each callback does.
//! - A cancelled future raises the cancellation in each task awaiting it, as asyncio's
//!   `await fut` raises `CancelledError`: the task's innermost cancel scope
//!   ([`catch_cancel`](simloop_executor::catch_cancel)) catches it, or the task ends
//!   cancelled. It adds no request to the task's `cancelling()`.
//! - A task cancelled (or timed out) while awaiting the future cancels the future at once,
//!   as asyncio's `Task.cancel()` cancels the future the task waits on (the future is the
//!   task's cancel target, see [`await_target`](simloop_executor::await_target)): the
//!   other awaiters are cancelled too, and the task sees its cancellation when the
//!   future's callbacks reach it. Dropping an await of a pending future (a `select!` that
//!   took another branch) cancels it too.
//!
//! ```
//! use simloop_executor::{log, spawn_named, yield_now, Runtime};
//! use simloop_primitives::LoopFuture;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let fut: LoopFuture<u32> = LoopFuture::new();
//!     fut.add_done_callback(|f| log!("callback sees {:?}", f.result()));
//!     let waiter = spawn_named("waiter", {
//!         let fut = fut.clone();
//!         async move { log!("waiter got {:?}", fut.await) }
//!     });
//!     yield_now().await;
//!     fut.set_result(7).unwrap();
//!     assert!(fut.set_result(8).is_err()); // InvalidStateError: already finished
//!     waiter.await.unwrap();
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  (callback)   callback sees Ok(7)
//! \x20  0.000s  waiter       waiter got Ok(7)
//! -- elapsed 0.000s");
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use simloop_executor::{
    call_soon, current_task_id, raise_cancellation, CancelTarget, Resolution, Resource, TaskId,
};

use crate::future_error::{FutureError, FutureState, InvalidStateError};

/// What the future ended with.
enum Outcome<T, E> {
    Pending,
    Value(T),
    Exception(E),
    Cancelled(Option<String>),
}

impl<T, E> Outcome<T, E> {
    fn state(&self) -> FutureState {
        match self {
            Outcome::Pending => FutureState::Pending,
            Outcome::Value(_) | Outcome::Exception(_) => FutureState::Finished,
            Outcome::Cancelled(_) => FutureState::Cancelled,
        }
    }
}

/// A done callback, given the future.
type DoneCallback<T, E> = Box<dyn FnOnce(&LoopFuture<T, E>)>;

/// A done callback of the future, or an awaiter's waker.
enum Entry<T, E> {
    Waker(Waker),
    Callback(DoneCallback<T, E>),
}

struct Shared<T, E> {
    outcome: RefCell<Outcome<T, E>>,
    /// Callbacks and awaiters in registration order, by slot; a removed one leaves `None`.
    entries: RefCell<Vec<Option<Entry<T, E>>>>,
    res: Resource,
    /// The future itself, for a cancellation forwarded to it (which holds only this).
    me: Weak<Shared<T, E>>,
    /// The task being polled when a task's cancellation was forwarded to the future.
    forwarded_in: Cell<Option<TaskId>>,
}

/// asyncio's `Future`: a cloneable handle (clones are the same future) on a result set
/// once. `E` is what `set_exception` takes. See the [module docs](self).
pub struct LoopFuture<T, E = String>(Rc<Shared<T, E>>);

impl<T, E> Clone for LoopFuture<T, E> {
    fn clone(&self) -> Self {
        LoopFuture(self.0.clone())
    }
}

impl<T, E> fmt::Debug for LoopFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopFuture")
            .field("name", &self.0.res.name())
            .field("state", &self.0.outcome.borrow().state())
            .finish()
    }
}

/// Creates a pending future (asyncio's `loop.create_future()`); the same as
/// [`LoopFuture::new`].
pub fn create_future<T: 'static, E: 'static>() -> LoopFuture<T, E> {
    LoopFuture::with_resource(Resource::new("Future", None))
}

/// Which callback [`LoopFuture::add_done_callback`] registered, to remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackId(usize);

impl<T: 'static, E: 'static> Default for LoopFuture<T, E> {
    fn default() -> Self {
        create_future()
    }
}

impl<T: 'static, E: 'static> LoopFuture<T, E> {
    /// A pending future (asyncio's `loop.create_future()`).
    pub fn new() -> LoopFuture<T, E> {
        create_future()
    }

    /// A pending future with a name for the verbose trace and deadlock reports ("waits for
    /// Future 'reply' that nobody can set anymore").
    pub fn named(name: &str) -> LoopFuture<T, E> {
        LoopFuture::with_resource(Resource::new("Future", Some(name)))
    }

    fn with_resource(res: Resource) -> LoopFuture<T, E> {
        LoopFuture(Rc::new_cyclic(|me| Shared {
            outcome: RefCell::new(Outcome::Pending),
            entries: RefCell::new(Vec::new()),
            res,
            me: me.clone(),
            forwarded_in: Cell::new(None),
        }))
    }

    /// Where the future is in its life.
    pub fn state(&self) -> FutureState {
        self.0.outcome.borrow().state()
    }

    /// Whether it has a result, an exception or was cancelled (asyncio's `done()`).
    pub fn is_done(&self) -> bool {
        self.state() != FutureState::Pending
    }

    /// Whether it was cancelled (asyncio's `cancelled()`).
    pub fn is_cancelled(&self) -> bool {
        self.state() == FutureState::Cancelled
    }

    /// Gives the future its result and resumes its callbacks and awaiters, each as its own
    /// step (asyncio's `set_result`); an [`InvalidStateError`] if it is already done.
    ///
    /// # Panics
    /// Outside a simloop runtime, if a done callback is registered (it needs a step).
    pub fn set_result(&self, value: T) -> Result<(), InvalidStateError> {
        self.end("set_result()", Outcome::Value(value))
    }

    /// Gives the future an exception (asyncio's `set_exception`): awaiters get `Err(e)`,
    /// `result()` gives [`FutureError::Exception`]; an [`InvalidStateError`] if it is
    /// already done.
    ///
    /// # Panics
    /// As [`LoopFuture::set_result`].
    pub fn set_exception(&self, exception: E) -> Result<(), InvalidStateError> {
        self.end("set_exception()", Outcome::Exception(exception))
    }

    /// Cancels the future (asyncio's `cancel()`): `false` if it is already done. Its
    /// callbacks run and each awaiting task gets the cancellation at its await.
    ///
    /// # Panics
    /// As [`LoopFuture::set_result`].
    pub fn cancel(&self) -> bool {
        self.end("cancel()", Outcome::Cancelled(None)).is_ok()
    }

    /// Cancels the future with a message (asyncio's `cancel(msg)`), which `result()` and
    /// `exception()` give back in [`FutureError::Cancelled`].
    ///
    /// # Panics
    /// As [`LoopFuture::set_result`].
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.end("cancel()", Outcome::Cancelled(Some(message.into()))).is_ok()
    }

    fn end(&self, op: &'static str, outcome: Outcome<T, E>) -> Result<(), InvalidStateError> {
        {
            let mut current = self.0.outcome.borrow_mut();
            let state = current.state();
            if state != FutureState::Pending {
                return Err(InvalidStateError::new(op, state));
            }
            *current = outcome;
        }
        self.0.res.note(if op == "cancel()" { "cancel" } else { "set" });
        let entries = std::mem::take(&mut *self.0.entries.borrow_mut());
        for entry in entries.into_iter().flatten() {
            match entry {
                Entry::Waker(w) => w.wake(),
                Entry::Callback(f) => {
                    let me = self.clone();
                    call_soon(move || f(&me));
                }
            }
        }
        Ok(())
    }

    /// Registers `f` to run with the future once it is done, as its own step, in
    /// registration order with the awaiters; if it is done already, it is scheduled at once
    /// (asyncio's `add_done_callback`).
    ///
    /// # Panics
    /// Outside a simloop runtime, if the future is done.
    pub fn add_done_callback(&self, f: impl FnOnce(&LoopFuture<T, E>) + 'static) -> CallbackId {
        let mut entries = self.0.entries.borrow_mut();
        if self.is_done() {
            let me = self.clone();
            call_soon(move || f(&me));
            return CallbackId(usize::MAX);
        }
        entries.push(Some(Entry::Callback(Box::new(f))));
        CallbackId(entries.len() - 1)
    }

    /// Removes a done callback that has not been scheduled yet; returns how many were
    /// removed, 0 or 1 (asyncio's `remove_done_callback`).
    pub fn remove_done_callback(&self, id: CallbackId) -> usize {
        let mut entries = self.0.entries.borrow_mut();
        match entries.get_mut(id.0) {
            Some(slot @ Some(Entry::Callback(_))) => {
                *slot = None;
                1
            }
            _ => 0,
        }
    }

    /// Waits for the future (what `.await` on it does).
    pub fn wait(&self) -> FutureWait<T, E> {
        FutureWait { fut: self.clone(), slot: None }
    }

    /// Keeps `waker` in slot `slot` (or a new one, returned) to wake when the future ends.
    fn register(&self, slot: Option<usize>, waker: &Waker) -> usize {
        let mut entries = self.0.entries.borrow_mut();
        if let Some(Some(Entry::Waker(w))) = slot.and_then(|i| entries.get_mut(i)) {
            if !w.will_wake(waker) {
                *w = waker.clone();
            }
            return slot.expect("matched above");
        }
        entries.push(Some(Entry::Waker(waker.clone())));
        entries.len() - 1
    }

    /// Forgets the awaiter in `slot`; a pending future is cancelled (its awaiter gave up:
    /// asyncio's `Task.cancel()` cancels the future the task waits on).
    fn forget_awaiter(&self, slot: usize) {
        let removed = match self.0.entries.borrow_mut().get_mut(slot) {
            Some(s @ Some(Entry::Waker(_))) => s.take().is_some(),
            _ => false,
        };
        if removed {
            self.cancel();
        }
    }
}

impl<T: Clone + 'static, E: Clone + 'static> LoopFuture<T, E> {
    /// The result (asyncio's `result()`): the value, or [`FutureError::Exception`],
    /// [`FutureError::Cancelled`], or [`FutureError::InvalidState`] while pending.
    pub fn result(&self) -> Result<T, FutureError<E>> {
        match &*self.0.outcome.borrow() {
            Outcome::Pending => Err(FutureError::InvalidState(InvalidStateError::new(
                "result()",
                FutureState::Pending,
            ))),
            Outcome::Value(v) => Ok(v.clone()),
            Outcome::Exception(e) => Err(FutureError::Exception(e.clone())),
            Outcome::Cancelled(m) => Err(FutureError::Cancelled { message: m.clone() }),
        }
    }

    /// The exception (asyncio's `exception()`): `Ok(None)` after a result, `Ok(Some(e))`
    /// after `set_exception`, [`FutureError::Cancelled`], or [`FutureError::InvalidState`]
    /// while pending.
    pub fn exception(&self) -> Result<Option<E>, FutureError<E>> {
        match &*self.0.outcome.borrow() {
            Outcome::Pending => Err(FutureError::InvalidState(InvalidStateError::new(
                "exception()",
                FutureState::Pending,
            ))),
            Outcome::Value(_) => Ok(None),
            Outcome::Exception(e) => Ok(Some(e.clone())),
            Outcome::Cancelled(m) => Err(FutureError::Cancelled { message: m.clone() }),
        }
    }
}

impl<T: 'static, E: 'static> CancelTarget for Shared<T, E> {
    fn forward_cancel(&self) -> bool {
        // asyncio's `_fut_waiter.cancel()`: the awaiting task was cancelled (by a timeout
        // at its deadline, from inside its own poll, if a task is being polled).
        self.forwarded_in.set(current_task_id());
        self.me.upgrade().is_some_and(|shared| LoopFuture(shared).cancel())
    }

    fn resolution(&self) -> Resolution {
        match self.outcome.borrow().state() {
            FutureState::Pending => Resolution::Pending,
            FutureState::Cancelled => Resolution::Cancelled,
            FutureState::Finished => Resolution::Done,
        }
    }
}

/// Future of awaiting a [`LoopFuture`]: `Ok(value)` or `Err(exception)`; a cancelled future
/// raises the cancellation in the awaiting task instead (see the [module docs](self)).
/// Dropping it while the future is pending cancels the future.
///
/// # Panics
/// When the future is cancelled and it is polled outside a simloop task.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct FutureWait<T: 'static, E: 'static> {
    fut: LoopFuture<T, E>,
    /// The slot of this awaiter's waker in the future's entries.
    slot: Option<usize>,
}

impl<T: 'static, E: 'static> fmt::Debug for FutureWait<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureWait").field("future", &self.fut).finish()
    }
}

impl<T: Clone + 'static, E: Clone + 'static> Future for FutureWait<T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let state = self.fut.state();
        if state == FutureState::Pending {
            let slot = self.fut.register(self.slot, cx.waker());
            if self.slot.is_none() {
                self.fut.0.res.note("wait for");
            }
            self.slot = Some(slot);
            // The awaiting task's cancellation goes to the future while it waits.
            let target: Weak<dyn CancelTarget> = Rc::downgrade(&self.fut.0) as _;
            self.fut.0.res.waits_as_target("set", target);
            return Poll::Pending;
        }
        self.slot = None;
        match self.fut.result() {
            Ok(v) => Poll::Ready(Ok(v)),
            Err(FutureError::Exception(e)) => Poll::Ready(Err(e)),
            Err(_) => {
                let task = current_task_id();
                if task.is_none() {
                    cancelled_outside_a_task();
                }
                if self.fut.0.forwarded_in.get() == task {
                    self.fut.0.forwarded_in.set(None);
                    // This task's own cancellation (a timeout at its deadline) cancelled the
                    // future in this poll: it comes back at the task's next turn, as
                    // asyncio's wakeup raises it one step later, after earlier awaiters.
                    return Poll::Pending;
                }
                // asyncio's `await fut` raising CancelledError: to the innermost scope.
                raise_cancellation();
                Poll::Pending
            }
        }
    }
}

/// The panic of a cancelled future awaited outside a simloop task.
#[cold]
fn cancelled_outside_a_task() -> ! {
    panic!(
        "a cancelled LoopFuture was awaited outside a simloop task, where there is no task \
         to raise its cancellation in: await it inside #[simloop::test], Runtime::block_on \
         or a spawned task, or read it with result()"
    )
}

impl<T: 'static, E: 'static> Drop for FutureWait<T, E> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.fut.forget_awaiter(slot);
        }
    }
}

impl<T: Clone + 'static, E: Clone + 'static> IntoFuture for LoopFuture<T, E> {
    type Output = Result<T, E>;
    type IntoFuture = FutureWait<T, E>;
    fn into_future(self) -> FutureWait<T, E> {
        FutureWait { fut: self, slot: None }
    }
}

impl<T: Clone + 'static, E: Clone + 'static> IntoFuture for &LoopFuture<T, E> {
    type Output = Result<T, E>;
    type IntoFuture = FutureWait<T, E>;
    fn into_future(self) -> FutureWait<T, E> {
        self.wait()
    }
}
