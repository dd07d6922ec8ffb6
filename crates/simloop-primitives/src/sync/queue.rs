//! [`Queue`]: asyncio's `Queue` (FIFO), and the machinery [`PriorityQueue`] and
//! [`LifoQueue`] share: only where an item goes in and comes out differs.
//!
//! - `maxsize` 0 is unbounded. `put` on a full queue waits for room; `get` on an empty
//!   one waits for an item. `put_nowait` / `get_nowait` fail with [`QueueFull`] (the item
//!   comes back) / [`QueueEmpty`].
//! - An item put wakes the first getter that is not done, taking it off the getters'
//!   deque (asyncio's `_wakeup_next`); it resumes one step later and takes an item if one
//!   is still there, else waits again at the back. Taking an item wakes a putter alike.
//! - A getter (putter) cancelled after it was woken wakes the next one if items (room)
//!   are still there; one cancelled before simply leaves.
//! - `task_done()` once per item taken; `join()` waits until every item put was marked
//!   done. Too many `task_done()` calls are [`SyncError::TaskDoneTooOften`].
//! - asyncio 3.13's `shutdown()` is not here: 3.11, the version simloop follows, lacks it.
//!
//! Puts and gets are in the verbose trace (`put Queue 'jobs'`); a deadlock report says
//! "waits for Queue 'jobs' that nobody can put into anymore".
//!
//! [`PriorityQueue`]: crate::sync::PriorityQueue
//! [`LifoQueue`]: crate::sync::LifoQueue
//!
//! ```
//! use simloop_executor::{log, sleep, spawn_named, Runtime};
//! use simloop_primitives::sync::Queue;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let jobs = Queue::named("jobs", 1);
//!     let worker = {
//!         let jobs = jobs.clone();
//!         spawn_named("worker", async move {
//!             loop {
//!                 let job: u32 = jobs.get().await;
//!                 sleep(Duration::from_secs(1)).await;
//!                 log!("did job {job}");
//!                 jobs.task_done().unwrap();
//!             }
//!         })
//!     };
//!     for job in 1..=3 {
//!         jobs.put(job).await; // waits while the queue is full
//!     }
//!     jobs.join().await;
//!     worker.cancel();
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  1.000s  worker       did job 1
//! \x20  2.000s  worker       did job 2
//! \x20  3.000s  worker       did job 3
//! -- elapsed 3.000s");
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use simloop_executor::Resource;

use crate::sync::error::{QueueEmpty, QueueFull, SyncError};
use crate::sync::waiter::{Waiter, Waiters};

/// Where a queue keeps its items: the order they come out in.
pub trait Store<T>: Default {
    /// Adds an item (asyncio's `_put`).
    fn put(&mut self, item: T);
    /// Takes the next item (asyncio's `_get`); the queue checked it is not empty.
    fn take(&mut self) -> Option<T>;
    /// The number of items.
    fn len(&self) -> usize;
    /// Whether there is none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out: [`Queue`]'s store.
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Store<T> for Fifo<T> {
    fn put(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn take(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

struct State<S> {
    items: S,
    maxsize: usize,
    getters: Waiters,
    putters: Waiters,
    unfinished: usize,
    /// Waiters of `join()` (asyncio's `_finished` event's waiters).
    joiners: Waiters,
}

impl<S> State<S> {
    fn full<T>(&self) -> bool
    where
        S: Store<T>,
    {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }
}

struct Shared<S> {
    state: RefCell<State<S>>,
    res: Resource,
}

/// asyncio's `Queue`, generic over where items are kept: `Queue<T>` is FIFO,
/// [`PriorityQueue`](crate::sync::PriorityQueue) and
/// [`LifoQueue`](crate::sync::LifoQueue) are this type with another [`Store`]. A
/// cloneable handle (clones share the queue). See the [module docs](self).
pub struct Queue<T, S: Store<T> = Fifo<T>> {
    shared: Rc<Shared<S>>,
    _items: std::marker::PhantomData<fn(T) -> T>,
}

impl<T, S: Store<T>> Clone for Queue<T, S> {
    fn clone(&self) -> Self {
        Queue { shared: self.shared.clone(), _items: std::marker::PhantomData }
    }
}

impl<T, S: Store<T>> fmt::Debug for Queue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.shared.state.borrow();
        f.debug_struct(self.shared.res.kind())
            .field("name", &self.shared.res.name())
            .field("maxsize", &st.maxsize)
            .field("qsize", &st.items.len())
            .field("getters", &st.getters.len())
            .field("putters", &st.putters.len())
            .field("unfinished", &st.unfinished)
            .finish()
    }
}

impl<T> Queue<T, Fifo<T>> {
    /// A FIFO queue holding at most `maxsize` items, 0 for no limit (asyncio's
    /// `Queue(maxsize)`).
    pub fn new(maxsize: usize) -> Self {
        Queue::build("Queue", None, maxsize)
    }

    /// A named FIFO queue, for traces and deadlock reports.
    pub fn named(name: &str, maxsize: usize) -> Self {
        Queue::build("Queue", Some(name), maxsize)
    }
}

impl<T, S: Store<T>> Queue<T, S> {
    pub(crate) fn build(kind: &'static str, name: Option<&str>, maxsize: usize) -> Self {
        let state = State {
            items: S::default(),
            maxsize,
            getters: Waiters::default(),
            putters: Waiters::default(),
            unfinished: 0,
            joiners: Waiters::default(),
        };
        let shared = Shared { state: RefCell::new(state), res: Resource::new(kind, name) };
        Queue { shared: Rc::new(shared), _items: std::marker::PhantomData }
    }

    /// Keeps this queue's operations out of the verbose trace.
    pub fn untraced(self) -> Self {
        self.shared.res.set_traced(false);
        self
    }

    /// The queue's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.shared.res.name()
    }

    /// The number of items (asyncio's `qsize()`).
    pub fn qsize(&self) -> usize {
        self.shared.state.borrow().items.len()
    }

    /// The most items it holds, 0 for no limit (asyncio's `maxsize`).
    pub fn maxsize(&self) -> usize {
        self.shared.state.borrow().maxsize
    }

    /// Whether it holds no item (asyncio's `empty()`).
    pub fn empty(&self) -> bool {
        self.shared.state.borrow().items.is_empty()
    }

    /// Whether it holds `maxsize` items (never, for an unbounded queue; asyncio's `full()`).
    pub fn full(&self) -> bool {
        self.shared.state.borrow().full()
    }

    /// Puts `item` in, waiting for room if the queue is full (asyncio's `await put(item)`).
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn put(&self, item: T) -> Put<'_, T, S> {
        Put { queue: self, item: Some(item), waiter: None }
    }

    /// Puts `item` in at once (asyncio's `put_nowait`).
    ///
    /// # Errors
    /// [`QueueFull`] with the item if the queue is full.
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        let mut st = self.shared.state.borrow_mut();
        if st.full() {
            return Err(QueueFull(item));
        }
        st.items.put(item);
        st.unfinished += 1;
        st.getters.wake_next_popping();
        drop(st);
        self.shared.res.note("put");
        Ok(())
    }

    /// Takes the next item, waiting for one if the queue is empty (asyncio's `await get()`).
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn get(&self) -> Get<'_, T, S> {
        Get { queue: self, waiter: None }
    }

    /// Takes the next item at once (asyncio's `get_nowait`).
    ///
    /// # Errors
    /// [`QueueEmpty`] if the queue is empty.
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        let mut st = self.shared.state.borrow_mut();
        let item = st.items.take().ok_or(QueueEmpty)?;
        st.putters.wake_next_popping();
        drop(st);
        self.shared.res.note("get");
        Ok(item)
    }

    /// Marks an item taken with `get` as processed (asyncio's `task_done()`).
    ///
    /// # Errors
    /// [`SyncError::TaskDoneTooOften`] if every item put is already marked done.
    pub fn task_done(&self) -> Result<(), SyncError> {
        let mut st = self.shared.state.borrow_mut();
        if st.unfinished == 0 {
            return Err(SyncError::TaskDoneTooOften { what: self.shared.res.label() });
        }
        st.unfinished -= 1;
        if st.unfinished == 0 {
            for w in st.joiners.iter() {
                if !w.is_done() {
                    w.set_result();
                }
            }
        }
        Ok(())
    }

    /// The number of items put and not yet marked done.
    pub fn unfinished_tasks(&self) -> usize {
        self.shared.state.borrow().unfinished
    }

    /// Waits until every item put was marked done with `task_done` (asyncio's
    /// `await join()`).
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn join(&self) -> Join<'_, T, S> {
        Join { queue: self, waiter: None }
    }
}

/// Future of [`Queue::put`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Put<'a, T, S: Store<T>> {
    queue: &'a Queue<T, S>,
    item: Option<T>,
    waiter: Option<Rc<Waiter>>,
}

impl<T, S: Store<T>> Unpin for Put<'_, T, S> {}

impl<T, S: Store<T>> fmt::Debug for Put<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl<T, S: Store<T>> Future for Put<'_, T, S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.queue.shared;
        if let Some(w) = &self.waiter {
            if !w.has_result() {
                w.register(cx);
                shared.res.waits("get from");
                return Poll::Pending;
            }
            self.waiter = None;
        }
        // asyncio's `while self.full(): await putter`.
        if shared.state.borrow().full() {
            let w = Waiter::new("Queue::put()", cx);
            shared.state.borrow_mut().putters.push(w.clone());
            self.waiter = Some(w);
            shared.res.note("wait for");
            shared.res.waits("get from");
            return Poll::Pending;
        }
        let item = self.item.take().expect("Put polled after it completed");
        if self.queue.put_nowait(item).is_err() {
            unreachable!("the queue is not full");
        }
        Poll::Ready(())
    }
}

impl<T, S: Store<T>> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        // asyncio's `except: ... if not self.full() and not putter.cancelled():
        // self._wakeup_next(self._putters)`.
        if let Some(w) = self.waiter.take() {
            let mut st = self.queue.shared.state.borrow_mut();
            st.putters.remove(&w);
            if !st.full() && w.has_result() {
                st.putters.wake_next_popping();
            }
        }
    }
}

/// Future of [`Queue::get`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Get<'a, T, S: Store<T>> {
    queue: &'a Queue<T, S>,
    waiter: Option<Rc<Waiter>>,
}

impl<T, S: Store<T>> fmt::Debug for Get<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl<T, S: Store<T>> Future for Get<'_, T, S> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let shared = &self.queue.shared;
        if let Some(w) = &self.waiter {
            if !w.has_result() {
                w.register(cx);
                shared.res.waits("put into");
                return Poll::Pending;
            }
            self.waiter = None;
        }
        // asyncio's `while self.empty(): await getter`.
        match self.queue.get_nowait() {
            Ok(item) => Poll::Ready(item),
            Err(QueueEmpty) => {
                let w = Waiter::new("Queue::get()", cx);
                shared.state.borrow_mut().getters.push(w.clone());
                self.waiter = Some(w);
                shared.res.note("wait for");
                shared.res.waits("put into");
                Poll::Pending
            }
        }
    }
}

impl<T, S: Store<T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            let mut st = self.queue.shared.state.borrow_mut();
            st.getters.remove(&w);
            if !st.items.is_empty() && w.has_result() {
                st.getters.wake_next_popping();
            }
        }
    }
}

/// Future of [`Queue::join`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Join<'a, T, S: Store<T>> {
    queue: &'a Queue<T, S>,
    waiter: Option<Rc<Waiter>>,
}

impl<T, S: Store<T>> fmt::Debug for Join<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl<T, S: Store<T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.queue.shared;
        match &self.waiter {
            None => {
                if shared.state.borrow().unfinished == 0 {
                    return Poll::Ready(());
                }
                let w = Waiter::new("Queue::join()", cx);
                shared.state.borrow_mut().joiners.push(w.clone());
                self.waiter = Some(w);
                shared.res.note("join");
            }
            Some(w) if w.has_result() => {
                shared.state.borrow_mut().joiners.remove(w);
                self.waiter = None;
                return Poll::Ready(());
            }
            Some(w) => w.register(cx),
        }
        shared.res.waits("call task_done() on");
        Poll::Pending
    }
}

impl<T, S: Store<T>> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            self.queue.shared.state.borrow_mut().joiners.remove(&w);
        }
    }
}
