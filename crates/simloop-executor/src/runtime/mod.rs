//! The runtime: one thread, a virtual clock, a ready queue, a timer queue and a scheduler.
//!
//! [`Runtime::block_on`] runs a main future (asyncio's `main()` task, named `main`) until
//! it finishes. Steps run from the ready queue in FIFO order (or as the
//! [`Policy`](crate::Policy) picks); when nothing is ready the clock jumps straight to the
//! earliest timer deadline and every timer due then fires, in registration order. When
//! nothing is ready and no timer is pending while main is still pending, the run is a
//! deadlock and fails at once.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Runtime`], the public handle, and [`run`] |
//! | `builder.rs` | [`Builder`]: seed, policy or scheduler, wall clock, limits |
//! | `inner.rs` | the state, private to this module, and the verbs the crate reaches it by |
//! | `raw.rs` | the spawn funnel and `block_on`'s main task: the crate's only `unsafe` |
//! | `remote.rs` | wakes from other threads |
//! | `driver.rs` | the loop: iterations, the scheduler's pick, clock jumps, timer batches |
//! | `lingering.rs` | tasks that must outlive others (`finish_after`) |
//! | `diagnose.rs` | task reports and deadlock wait-for chains |
//! | `teardown.rs` | the end of a run and of a runtime |

pub(crate) mod builder;
mod diagnose;
mod driver;
pub(crate) mod inner;
mod lingering;
mod raw;
mod remote;
mod teardown;

use std::future::Future;
use std::panic::{resume_unwind, Location};
use std::rc::Rc;

use crate::context;
use crate::error::RunError;
use crate::panic::panic_message;
use crate::report::RunReport;
use crate::runtime::builder::Builder;
use crate::runtime::driver::Drive;
use crate::runtime::inner::Inner;
use crate::runtime::raw::MainOutcome;
use crate::sched::policy::Policy;
use crate::task::id::NO_TASK;
use crate::task::join::Task;
use crate::time::instant::Instant;
use crate::trace::Trace;

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

impl Builder {
    /// Builds the runtime.
    pub fn build(self) -> Runtime {
        Runtime { inner: Rc::new(Inner::new(self)) }
    }
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
        let mut fresh = self.inner.trace.borrow_mut();
        fresh.set_name(NO_TASK, "(callback)".into());
        fresh.set_limit(t.limit());
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
    /// pending!") and destroyed (or, with [`Builder::cancel_leftovers`], cancelled and run
    /// to the end); see [`Runtime::report`].
    ///
    /// # Panics
    /// With the failure report on a deadlock, a step or time limit, a nested call, or a
    /// task's panic nobody retrieved ([`RunError::UnretrievedPanic`], unless
    /// [`Builder::allow_unretrieved_panics`]); and with the main future's own panic if it
    /// panics. [`Runtime::try_block_on`] returns those as errors instead.
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

    /// Like [`Runtime::block_on`], but a deadlock, limit, nested call, unretrieved panic or
    /// main panic is returned as a [`RunError`].
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

    #[track_caller]
    fn run_main<F: Future>(&mut self, future: F) -> Result<MainOutcome<F::Output>, RunError>
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
        inner.run_main(future, Location::caller())
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
        self.inner.close();
    }
}

/// Runs `future` on a new runtime and returns its output: asyncio's `asyncio.run(main())`.
/// When main returns, every task still pending is cancelled and run until it has finished
/// its cleanup ([`Builder::cancel_leftovers`]); `Runtime::new().block_on(future)` destroys
/// them instead, as `loop.run_until_complete` leaves them.
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
    Runtime::builder().cancel_leftovers(true).build().block_on(future)
}
