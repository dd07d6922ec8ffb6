//! Cancel scopes: catching a task's cancellation, cleaning up with awaits, then re-raising
//! it or refusing it, as asyncio code does with `except CancelledError`.
//!
//! When a task is cancelled ([`Task::cancel`](crate::Task::cancel), a failing task group,
//! an expiring timeout, a cancelled `gather` or `wait_for`), the request is delivered at
//! the task's next turn to the innermost scope active in it: [`catch_cancel`]'s inner
//! future is dropped there and the scope returns `Err(Cancelled)`. The code after it is
//! ordinary async code: it may await (close a connection, flush a log, sleep a backoff),
//! log and spawn, and then re-raise the cancellation ([`Cancelled::reraise`]), which goes
//! on to the next scope out in the same step, or ends the task as cancelled if there is
//! none; or carry on, refusing it. A task with no active scope is cancelled by dropping its
//! future.
//!
//! ```
//! use simloop_executor::{catch_cancel, log, sleep, spawn, yield_now, Runtime};
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let worker = spawn(async {
//!         match catch_cancel(sleep(Duration::from_secs(60))).await {
//!             Ok(()) => "slept",
//!             Err(cancelled) => {
//!                 log!("cancelled: flushing");
//!                 sleep(Duration::from_secs(1)).await; // cleanup may await
//!                 log!("flushed");
//!                 cancelled.reraise().await
//!             }
//!         }
//!     });
//!     yield_now().await;
//!     worker.cancel();
//!     assert!(worker.await.unwrap_err().is_cancelled());
//!     log!("worker gone");
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  Task-2       cancelled: flushing
//! \x20  1.000s  Task-2       flushed
//! \x20  1.000s  main         worker gone
//! -- elapsed 1.000s");
//! ```

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::context;
use crate::task::cancel_count;
use crate::task::core::ErasedTask;

/// The error a cancel scope returns when the task's cancellation reached it (asyncio's
/// `CancelledError`, caught). Re-raise it with [`Cancelled::reraise`], or drop it to refuse
/// the cancellation.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a caught cancellation is refused unless it is re-raised with .reraise().await"]
pub struct Cancelled {
    _private: (),
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the task was cancelled")
    }
}

impl std::error::Error for Cancelled {}

impl Cancelled {
    /// A cancellation the task raises itself (asyncio's `raise CancelledError()`), for a
    /// library whose awaited thing ended cancelled without the task being cancelled (an
    /// asyncio `Future` someone cancelled): [`Cancelled::reraise`] then carries it to the
    /// task's innermost cancel scope, or ends the task as cancelled. It adds no
    /// cancellation request (`cancelling()` is unchanged), as in asyncio.
    pub fn raised() -> Cancelled {
        Cancelled { _private: () }
    }

    /// Re-raises the cancellation (asyncio's bare `raise` in `except CancelledError`): it
    /// goes on, in the same step, to the next cancel scope out, or, if there is none, ends
    /// the task as cancelled. The future never completes, so it fits any return type:
    /// `return cancelled.reraise().await;`.
    ///
    /// # Panics
    /// When polled outside a simloop task.
    pub fn reraise<T>(self) -> Reraise<T> {
        Reraise { _output: PhantomData }
    }
}

/// Future of [`Cancelled::reraise`]; never completes.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Reraise<T> {
    _output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Reraise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reraise")
    }
}

impl<T> Future for Reraise<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        current_task("Cancelled::reraise()").header().cancel_within_poll(false);
        Poll::Pending
    }
}

/// The task being polled, or a panic naming `op` and the fix.
fn current_task(op: &'static str) -> Rc<dyn ErasedTask> {
    match context::current_task_core() {
        Some(task) => task,
        None => panic!(
            "{op} polled outside a simloop task: a cancel scope belongs to the task that \
             awaits it; await it inside #[simloop::test], Runtime::block_on or a spawned task"
        ),
    }
}

/// Runs `future` in a cancel scope: `Ok` with its output, or `Err(Cancelled)` if the task
/// was cancelled while the scope was the innermost active one (the future is dropped then).
///
/// The scope opens at its first poll and closes when it returns or is dropped. See the
/// [module docs](crate::catch_cancel) for an example.
///
/// # Panics
/// When polled outside a simloop task.
pub fn catch_cancel<F: Future>(future: F) -> CatchCancel<F> {
    CatchCancel { inner: Some(future), scope: None }
}

pin_project! {
    /// Future of [`catch_cancel`].
    #[must_use = "futures do nothing unless you .await or poll them"]
    pub struct CatchCancel<F> {
        #[pin]
        inner: Option<F>,
        // The task the scope is open in, and the scope's number there.
        scope: Option<(Rc<dyn ErasedTask>, u64)>,
    }
    impl<F> PinnedDrop for CatchCancel<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some((task, id)) = this.project().scope.take() {
                task.header().pop_scope(id);
            }
        }
    }
}

impl<F> fmt::Debug for CatchCancel<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatchCancel").field("open", &self.scope.is_some()).finish()
    }
}

impl<F: Future> Future for CatchCancel<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if this.scope.is_none() {
            let task = current_task("catch_cancel()");
            let id = next_scope_id();
            task.header().push_scope(id);
            *this.scope = Some((task, id));
        }
        let (task, id) = this.scope.as_ref().expect("opened above");
        let (header, id) = (task.header(), *id);
        if header.take_delivery(id) {
            this.inner.set(None);
            header.pop_scope(id);
            *this.scope = None;
            return Poll::Ready(Err(Cancelled { _private: () }));
        }
        let Some(fut) = this.inner.as_mut().as_pin_mut() else {
            panic!("CatchCancel polled after it completed");
        };
        match fut.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(v) => {
                this.inner.set(None);
                header.pop_scope(id);
                *this.scope = None;
                Poll::Ready(Ok(v))
            }
        }
    }
}

thread_local! {
    /// The id the next cancel scope gets. Ids increase, so of two scopes open in one task
    /// the one with the larger id opened later, inside the other.
    static NEXT_SCOPE: Cell<u64> = const { Cell::new(0) };
}

/// A fresh cancel-scope id, larger than every one given before on this thread.
#[inline]
fn next_scope_id() -> u64 {
    NEXT_SCOPE.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// Where a library's cancel scope sits, taken when the library's future is entered: every
/// cancel scope opened after it is inside the library's future. Taking one costs a
/// thread-local counter, nothing more.
///
/// A library that cancels the task it runs in (a timeout at its deadline) uses it with
/// [`cancel_inner_scopes`]; see `simloop_primitives::timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeMark {
    id: u64,
    /// The task's `cancelling()` when the mark was taken (asyncio's `Timeout._cancelling`,
    /// read at `__aenter__`).
    cancelling: u32,
}

/// Takes a [`ScopeMark`].
#[inline]
pub fn scope_mark() -> ScopeMark {
    // Most tasks have no cancellation under way: then the count is 0 without a lookup.
    let cancelling = if cancel_count::any() { context::current_cancelling() } else { 0 };
    ScopeMark { id: next_scope_id(), cancelling }
}

/// Raises a cancellation in the current task from inside a library's future (asyncio's
/// `await fut` raising `CancelledError` when what it awaited ended cancelled): return
/// `Poll::Pending` after it, and the cancellation goes, in the same step, to the task's
/// innermost cancel scope, or ends the task as cancelled. It adds no request
/// (`cancelling()` is unchanged). `false` (nothing done) outside a task.
pub fn raise_cancellation() -> bool {
    match context::current_task_core() {
        Some(task) => {
            task.header().cancel_within_poll(false);
            true
        }
        None => false,
    }
}

/// Whether the current task has more cancellation requests under way than when `mark`
/// was taken: asyncio's `task.uncancel() <= self._cancelling` failing after a library's
/// own request is withdrawn. A timeout whose guarded future had no scope to clean up in
/// then passes the cancellation on instead of reporting `Elapsed`.
pub fn cancelled_since(mark: ScopeMark) -> bool {
    context::current_cancelling() > mark.cancelling
}

/// Opens a library's cancel scope at `mark` in the current task (outside every scope
/// opened after the mark): a cancellation of the task that no scope inside catches, or
/// that they re-raise, is delivered there, as an exception reaches a context manager's
/// `__aexit__`. A task group uses one to see its task cancelled from outside and wait for
/// its children before passing the cancellation on. `None` outside a task.
pub fn library_scope(mark: ScopeMark) -> Option<LibraryScope> {
    let task = context::current_task_core()?;
    let header = task.header();
    header.open_scope_at(mark.id);
    Some(LibraryScope { task, id: mark.id, before: mark.cancelling })
}

/// Cancels the current task from inside a library's future, as asyncio's timeout does at
/// its deadline, when the task's last poll left it awaiting one task or gather (its
/// forward target, see [`await_target`](crate::await_target)): the request counts and is
/// passed on to that target, as asyncio's `Task.cancel()` cancels `_fut_waiter`, and the
/// library gets a [`LibraryScope`] at `mark` (outside every scope opened after it), where
/// the cancellation is delivered if the target ends cancelled. The library then goes on
/// polling its inner future, which goes on waiting for the target. `None` (and nothing
/// done) if the task has no forward target that takes the request.
pub fn forward_cancel_at(mark: ScopeMark) -> Option<LibraryScope> {
    let task = context::current_task_core()?;
    let header = task.header();
    if !header.pass_on_cancel() {
        return None;
    }
    header.open_scope_at(mark.id);
    Some(LibraryScope { task, id: mark.id, before: mark.cancelling })
}

/// Cancels the current task from inside a library's future, as asyncio's timeout does at
/// its deadline (`task.cancel()`), when cancel scopes opened after `mark` are active: the
/// request counts, goes to the innermost of them within this poll, and the library gets a
/// [`LibraryScope`] just outside them, which a re-raise reaches. `None` (and nothing done)
/// if no such scope is active: the library then drops its inner future itself, which is
/// what the delivery would come to.
pub fn cancel_inner_scopes(mark: ScopeMark) -> Option<LibraryScope> {
    let task = context::current_task_core()?;
    let header = task.header();
    if !header.insert_scope_outside_later(mark.id) {
        return None;
    }
    header.cancel_within_poll(true);
    Some(LibraryScope { task, id: mark.id, before: mark.cancelling })
}

/// A library's cancel scope, from [`cancel_inner_scopes`]; closed when dropped.
pub struct LibraryScope {
    task: Rc<dyn ErasedTask>,
    id: u64,
    /// The task's `cancelling()` when the library was entered (its mark was taken).
    before: u32,
}

impl LibraryScope {
    /// Whether the cancellation has come back out to this scope (the inner code re-raised
    /// it, or another cancellation arrived); the library then drops its inner future.
    pub fn take_delivery(&self) -> bool {
        self.task.header().take_delivery(self.id)
    }

    /// Withdraws the library's own request (`uncancel()`), and says whether no other one is
    /// left (asyncio's `task.uncancel() <= self._cancelling`): then the
    /// library reports its own outcome (a timeout's `Elapsed`); if not, an outer
    /// cancellation is under way too and the library should [`LibraryScope::reraise`].
    pub fn uncancel_own(&self) -> bool {
        self.task.header().uncancel() <= self.before
    }

    /// Closes the scope and passes the cancellation on to the next scope out, within this
    /// poll (return `Poll::Pending` after calling it), as [`Cancelled::reraise`] does.
    pub fn reraise(self) {
        self.task.header().cancel_within_poll(false);
    }
}

impl Drop for LibraryScope {
    fn drop(&mut self) {
        self.task.header().pop_scope(self.id);
    }
}

impl fmt::Debug for LibraryScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LibraryScope").field("id", &self.id).finish()
    }
}
