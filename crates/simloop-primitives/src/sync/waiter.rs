//! asyncio's waiter futures: the `loop.create_future()` a blocked `acquire`, `wait`, `get`
//! or `put` appends to a deque and awaits, and the deque itself.
//!
//! A waiter is *done* (CPython's `fut.done()`) once it was given its result, or once its
//! task's cancellation was requested: asyncio's `Task.cancel()` cancels the future the task
//! waits on at once, so a lock's `_wake_up_first` passes over it; simloop drops the
//! waiting future only at the task's next turn, and [`cancel_pending`] tells the lock in
//! the meantime. Giving a waiter its result wakes its task, which resumes one step later,
//! as asyncio's `fut.set_result` schedules the task's `__wakeup` with `call_soon`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Waker};

use simloop_executor::{cancel_pending, current_task, TaskRef};

/// One blocked call's future (asyncio's `loop.create_future()` in a waiter deque).
pub(crate) struct Waiter {
    result: Cell<bool>,
    waker: RefCell<Option<Waker>>,
    task: TaskRef,
}

impl Waiter {
    /// A waiter for the task being polled, woken through `cx`.
    ///
    /// # Panics
    /// Outside a simloop task, naming `op` and the fix.
    pub(crate) fn new(op: &'static str, cx: &Context<'_>) -> Rc<Waiter> {
        let Some(task) = current_task() else { outside_a_task(op) };
        Rc::new(Waiter {
            result: Cell::new(false),
            waker: RefCell::new(Some(cx.waker().clone())),
            task,
        })
    }

    /// Gives the waiter its result and wakes its task (asyncio's `fut.set_result`).
    pub(crate) fn set_result(&self) {
        self.result.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// Whether it was given its result.
    pub(crate) fn has_result(&self) -> bool {
        self.result.get()
    }

    /// asyncio's `fut.done()`: given its result, or its task is being cancelled.
    pub(crate) fn is_done(&self) -> bool {
        self.result.get() || cancel_pending(&self.task)
    }

    /// asyncio's `fut.cancelled()`: its task is being cancelled and it got no result.
    pub(crate) fn cancelled(&self) -> bool {
        !self.result.get() && cancel_pending(&self.task)
    }

    /// Keeps `cx`'s waker to wake on [`Waiter::set_result`].
    pub(crate) fn register(&self, cx: &Context<'_>) {
        let mut w = self.waker.borrow_mut();
        match &*w {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => *w = Some(cx.waker().clone()),
        }
    }
}

/// The panic of a blocking call polled outside a simloop task.
#[cold]
#[track_caller]
pub(crate) fn outside_a_task(op: &'static str) -> ! {
    panic!(
        "{op} polled outside a simloop task: asyncio's primitives belong to a running loop; \
         await it inside #[simloop::test], Runtime::block_on or a spawned task"
    )
}

/// A deque of waiters, oldest first (asyncio's `self._waiters`).
#[derive(Default)]
pub(crate) struct Waiters(VecDeque<Rc<Waiter>>);

impl Waiters {
    /// Appends a waiter.
    pub(crate) fn push(&mut self, w: Rc<Waiter>) {
        self.0.push_back(w);
    }

    /// Removes `w` if it is still queued (asyncio's `_waiters.remove(fut)`).
    pub(crate) fn remove(&mut self, w: &Rc<Waiter>) {
        if let Some(i) = self.0.iter().position(|x| Rc::ptr_eq(x, w)) {
            self.0.remove(i);
        }
    }

    /// The oldest waiter.
    pub(crate) fn first(&self) -> Option<&Rc<Waiter>> {
        self.0.front()
    }

    /// Takes the oldest waiter out (a queue's `waiters.popleft()`).
    pub(crate) fn pop_front(&mut self) -> Option<Rc<Waiter>> {
        self.0.pop_front()
    }

    /// The waiters, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Rc<Waiter>> {
        self.0.iter()
    }

    /// How many are queued.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// asyncio's `_wake_up_first` (Lock): gives the first waiter its result unless it is done.
    pub(crate) fn wake_first(&self) {
        if let Some(w) = self.first() {
            if !w.is_done() {
                w.set_result();
            }
        }
    }

    /// asyncio's queue `_wakeup_next`: pops waiters until one that is not done, and gives
    /// it its result.
    pub(crate) fn wake_next_popping(&mut self) {
        while let Some(w) = self.pop_front() {
            if !w.is_done() {
                w.set_result();
                break;
            }
        }
    }
}
