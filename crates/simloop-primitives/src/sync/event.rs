//! [`Event`]: asyncio's `Event`, a flag tasks wait for.
//!
//! - `wait()` on a set event returns at once, without a step.
//! - `set()` wakes every waiter, oldest first; each resumes one step later, in that order
//!   (asyncio's `fut.set_result` on each waiter's future). A waiter resumes even if the
//!   event was cleared again before it ran.
//! - A waiter cancelled while waiting leaves the queue.
//!
//! `set` and waits appear in the verbose trace as `set Event 'ready'`; a deadlock report
//! says "waits for Event 'ready' that nobody can set anymore".
//!
//! ```
//! use simloop_executor::{log, sleep, spawn_named, Runtime};
//! use simloop_primitives::sync::Event;
//! use std::time::Duration;
//!
//! let mut rt = Runtime::new();
//! rt.block_on(async {
//!     let ready = Event::named("ready");
//!     let waiter = {
//!         let ready = ready.clone();
//!         spawn_named("waiter", async move {
//!             ready.wait().await;
//!             log!("ready at last");
//!         })
//!     };
//!     sleep(Duration::from_secs(2)).await;
//!     ready.set();
//!     waiter.await.unwrap();
//! });
//! assert_eq!(rt.trace().text(), "   2.000s  waiter       ready at last\n-- elapsed 2.000s");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use simloop_executor::Resource;

use crate::sync::waiter::{Waiter, Waiters};

struct State {
    value: bool,
    waiters: Waiters,
}

struct Shared {
    state: RefCell<State>,
    res: Resource,
}

/// asyncio's `Event`: a cloneable handle (clones share the flag). See the
/// [module docs](self).
#[derive(Clone)]
pub struct Event(Rc<Shared>);

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.0.state.borrow();
        f.debug_struct("Event")
            .field("name", &self.0.res.name())
            .field("set", &st.value)
            .field("waiters", &st.waiters.len())
            .finish()
    }
}

impl Event {
    /// An event that is not set (asyncio's `Event()`).
    pub fn new() -> Event {
        Event::with_resource(Resource::new("Event", None))
    }

    /// An event with a name for traces and deadlock reports.
    pub fn named(name: &str) -> Event {
        Event::with_resource(Resource::new("Event", Some(name)))
    }

    pub(crate) fn with_resource(res: Resource) -> Event {
        Event(Rc::new(Shared {
            state: RefCell::new(State { value: false, waiters: Waiters::default() }),
            res,
        }))
    }

    /// Keeps this event's operations out of the verbose trace.
    pub fn untraced(self) -> Event {
        self.0.res.set_traced(false);
        self
    }

    /// The event's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.0.res.name()
    }

    /// Whether the flag is set (asyncio's `is_set()`).
    pub fn is_set(&self) -> bool {
        self.0.state.borrow().value
    }

    /// Sets the flag and wakes every waiter, oldest first (asyncio's `set()`).
    pub fn set(&self) {
        let mut st = self.0.state.borrow_mut();
        if !st.value {
            st.value = true;
            for w in st.waiters.iter() {
                if !w.is_done() {
                    w.set_result();
                }
            }
            drop(st);
            self.0.res.note("set");
        }
    }

    /// Clears the flag (asyncio's `clear()`).
    pub fn clear(&self) {
        self.0.state.borrow_mut().value = false;
    }

    /// Waits until the flag is set (asyncio's `await event.wait()`).
    ///
    /// # Panics
    /// When it must wait and is polled outside a simloop task.
    pub fn wait(&self) -> EventWait<'_> {
        EventWait { event: self, waiter: None }
    }
}

/// Future of [`Event::wait`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct EventWait<'a> {
    event: &'a Event,
    waiter: Option<Rc<Waiter>>,
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait").field("waiting", &self.waiter.is_some()).finish()
    }
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.event.0;
        match &self.waiter {
            None => {
                if shared.state.borrow().value {
                    return Poll::Ready(());
                }
                let w = Waiter::new("Event::wait()", cx);
                shared.state.borrow_mut().waiters.push(w.clone());
                self.waiter = Some(w);
                shared.res.note("wait for");
            }
            Some(w) if w.has_result() => {
                shared.state.borrow_mut().waiters.remove(w);
                self.waiter = None;
                return Poll::Ready(());
            }
            Some(w) => w.register(cx),
        }
        shared.res.waits("set");
        Poll::Pending
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            self.event.0.state.borrow_mut().waiters.remove(&w);
        }
    }
}
