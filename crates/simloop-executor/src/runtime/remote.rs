//! Wakes from other threads: each runtime's remote queue, and the process-wide registry
//! where a waker woken off its runtime's thread finds that queue.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use async_task::Runnable;

use crate::task::id::TaskKey;

/// A runtime's queue of tasks woken from outside its thread.
pub(crate) struct Remote {
    /// Tasks woken from another thread; `None` once the runtime is gone.
    queue: Mutex<Option<Vec<Runnable<TaskKey>>>>,
    has_wakes: AtomicBool,
}

impl Remote {
    /// Queues a task woken from outside the runtime thread. After the runtime is gone the
    /// runnable is leaked instead: dropping it here could drop a `!Send` future on a
    /// foreign thread (every task is cancelled by then, so this only happens to a wake
    /// that raced with the runtime's end).
    fn push(&self, runnable: Runnable<TaskKey>) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        match queue.as_mut() {
            Some(q) => {
                q.push(runnable);
                self.has_wakes.store(true, Ordering::Release);
            }
            None => std::mem::forget(runnable),
        }
    }

    /// Whether wakes arrived since the last call (then take them with `take_new`).
    #[inline]
    pub(crate) fn has_new(&self) -> bool {
        self.has_wakes.swap(false, Ordering::Acquire)
    }

    /// Takes the wakes queued so far.
    pub(crate) fn take_new(&self) -> Vec<Runnable<TaskKey>> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Takes the queued wakes and refuses later ones (they are leaked, see `push`).
    pub(crate) fn close(&self) -> Vec<Runnable<TaskKey>> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.take().unwrap_or_default()
    }
}

/// Every live runtime's remote queue, by runtime id: where a task woken off its runtime's
/// thread (or while another runtime is current) is queued. Only such wakes look here.
static REMOTE_QUEUES: Mutex<Vec<(u32, Arc<Remote>)>> = Mutex::new(Vec::new());

/// The next runtime id to try; ids are unique among live runtimes (a wrapped-around id
/// still in use is skipped).
static NEXT_RUNTIME_ID: AtomicU32 = AtomicU32::new(1);

/// Registers a new runtime: its id (unique among live runtimes, never 0) and its queue.
pub(crate) fn register() -> (u32, Arc<Remote>) {
    let remote = Arc::new(Remote { queue: Mutex::new(Some(Vec::new())), has_wakes: false.into() });
    let mut queues = REMOTE_QUEUES.lock().unwrap_or_else(|e| e.into_inner());
    let id = loop {
        let id = NEXT_RUNTIME_ID.fetch_add(1, Ordering::Relaxed);
        if id != 0 && queues.iter().all(|(live, _)| *live != id) {
            break id;
        }
    };
    queues.push((id, remote.clone()));
    (id, remote)
}

/// Forgets a runtime that is going away; wakes meant for it are leaked from now on.
pub(crate) fn unregister(id: u32) {
    REMOTE_QUEUES.lock().unwrap_or_else(|e| e.into_inner()).retain(|(live, _)| *live != id);
}

/// Queues a wake on runtime `id`'s remote queue, or leaks it if that runtime is gone.
pub(crate) fn push(id: u32, runnable: Runnable<TaskKey>) {
    let queues = REMOTE_QUEUES.lock().unwrap_or_else(|e| e.into_inner());
    match queues.iter().find(|(live, _)| *live == id) {
        Some((_, remote)) => remote.push(runnable),
        // The runtime is gone (see `Remote::push`).
        None => std::mem::forget(runnable),
    }
}
