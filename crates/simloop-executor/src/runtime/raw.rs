//! The spawn funnel: the one place simloop hands async-task a future it cannot check, and
//! the schedule function every task's waker calls.
//!
//! This file holds the crate's only `unsafe` code (the crate denies it everywhere else).
//! The soundness argument is on [`Inner::spawn_task`]; `tests/block_on_borrows.rs` runs
//! its cases under Miri.
#![allow(unsafe_code)]

use std::any::Any;
use std::future::Future;
use std::panic::Location;
use std::rc::Rc;

use async_task::Runnable;

use crate::context;
use crate::error::RunError;
use crate::runtime::driver::Drive;
use crate::runtime::inner::{Inner, TaskEntry};
use crate::runtime::remote;
use crate::sched::ready_queue::Step;
use crate::sched::scheduler::Spawn;
use crate::task::core::{ErasedTask, TaskCore};
use crate::task::harness::TaskFuture;
use crate::task::header::{Callback, Header};
use crate::task::id::{TaskId, TaskKey};
use crate::task::join::Task;
use crate::trace::EventKind;

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
        remote::push(runtime, r);
    }
}

/// What `block_on` gives back: main's output, or the payload of its panic (or of the
/// message that it was cancelled).
pub(super) type MainOutcome<T> = Result<T, Box<dyn Any + Send>>;

impl Inner {
    /// Runs `future` as the main task until the run ends, and destroys every task before
    /// returning (or unwinding), so the future never outlives what it borrows.
    pub(super) fn run_main<F: Future>(
        self: &Rc<Self>,
        future: F,
        site: &'static Location<'static>,
    ) -> Result<MainOutcome<F::Output>, RunError>
    where
        F::Output: 'static,
    {
        // SAFETY: `guard` destroys the main task before this function returns or unwinds,
        // so the future is dropped while everything it borrows is still alive.
        let core = unsafe { self.spawn_main(future, site) };
        let main: Rc<dyn ErasedTask> = core.clone();
        let guard = MainGuard { inner: self, main };
        let mut driven = self.drive(Drive::Main(core.header()));
        if driven.is_ok() && self.cancel_leftovers {
            driven = self.cancel_leftovers();
        }
        let out = match driven {
            Ok(()) => {
                let out = match core.take() {
                    Some(Ok(v)) => Ok(v),
                    _ => Err(core
                        .take_panic_payload()
                        .unwrap_or_else(|| Box::new("the main task was cancelled".to_string()))),
                };
                match self.finish_run() {
                    // Main's own panic comes first; else a panic nobody retrieved fails it.
                    Err(e) if out.is_ok() => Err(e),
                    _ => Ok(out),
                }
            }
            Err(e) => {
                self.destroy_all();
                self.sync_report();
                Err(e)
            }
        };
        drop(guard);
        out
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
    /// As [`Inner::spawn_task`]; `run_main` destroys the task with its `MainGuard`.
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
        let stop: Box<dyn FnOnce()> = Box::new(|| {
            context::with(|rt| rt.request_stop());
        });
        core.header().add_callback(Callback::Fn(stop));
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
        // remote queue that only this runtime's thread drains (the driver's
        // `drain_remote`, teardown's `destroy_all`, `Drop for Runtime`); once the runtime
        // is gone, `remote::push` leaks a late runnable rather than drop it on a foreign
        // thread. The task handle lives in the task table, dropped on this thread.
        // (2) The future need not be 'static: the caller guarantees it is dropped while
        // its borrows live (for main, `MainGuard` destroys the task before `block_on`
        // returns or unwinds, and aborts if it somehow still lives). (3) The schedule
        // function is Send + Sync + 'static, so wakers may go anywhere. Unlike
        // `spawn_local`, nothing checks the thread at each poll; (1) is what that check
        // guarded.
        let (runnable, handle) = unsafe {
            async_task::Builder::new().metadata(key).spawn_unchecked(move |_| wrapped, schedule)
        };
        self.register(core.clone(), key, runnable, handle);
        if self.spawn_hook {
            self.tell_spawn(core.header(), std::any::type_name::<F>());
        }
        core
    }

    /// Tells the scheduler of a spawn (only when it asked, see `Scheduler::wants_spawns`).
    #[cold]
    fn tell_spawn(&self, header: &Header, future: &'static str) {
        let name = header.explicit_name();
        let spawn =
            Spawn { task: header.id(), parent: header.parent(), name: name.as_deref(), future };
        self.scheduler.borrow_mut().spawned(&spawn);
    }

    fn register<T: 'static>(
        &self,
        core: Rc<TaskCore<T>>,
        key: TaskKey,
        runnable: Runnable<TaskKey>,
        handle: async_task::Task<(), TaskKey>,
    ) {
        if self.tracing {
            if let Some(name) = core.header().explicit_name() {
                self.trace.borrow_mut().set_name(key.id, name);
            }
            if let Some(parent) = self.current_task() {
                self.record(parent, EventKind::Spawn { child: key.id });
            }
        }
        let task: Rc<dyn ErasedTask> = core;
        let slot = self.tasks.borrow_mut().insert(TaskEntry { task, handle });
        debug_assert_eq!(slot, key.slot as usize);
        self.ready.borrow_mut().push(Step::Run(runnable));
    }
}

/// Destroys the main task (and every other) when `block_on` ends, normally or by unwinding,
/// so that the main future never outlives what it borrows.
struct MainGuard<'a> {
    inner: &'a Rc<Inner>,
    main: Rc<dyn ErasedTask>,
}

impl Drop for MainGuard<'_> {
    fn drop(&mut self) {
        self.inner.destroy_all();
        if self.main.header().future_alive() {
            // Unreachable by construction: destroy_all drops every task's future. If it
            // ever happened, continuing could let the future use freed borrows.
            eprintln!("simloop: internal error: the main future outlived block_on; aborting");
            std::process::abort();
        }
    }
}
