//! Configuring a runtime: seed, scheduling policy (or a scheduler of one's own), wall
//! clock, limits, tracing.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sched::policy::Policy;
use crate::sched::scheduler::Scheduler;
use crate::time::instant::Instant;

/// The default step limit (task polls and callbacks), as shuttle's: generous for real
/// tests, small enough to stop a spinning task within seconds, even in a debug build.
pub const DEFAULT_STEP_LIMIT: u64 = 1_000_000;

/// The default virtual-time limit: one day. A test of hours of retries runs well inside
/// it; `loop { sleep(Duration::from_secs(1)).await }` stops after 86,400 iterations, a
/// fraction of a second. Raise it with [`Builder::time_limit`] (or, under the checker,
/// `#[simloop::test(time_limit = ...)]` or `SIMLOOP_TIME_LIMIT`).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(24 * 3600);

/// How many of the latest events a trace keeps by default: a runaway run's trace (and
/// the failure report's files written from it) stays bounded, while any test whose trace
/// one would read keeps all of it. Older events are forgotten in chunks and counted
/// ([`Trace::dropped`](crate::Trace::dropped)); [`Builder::trace_limit`] changes it.
pub const DEFAULT_TRACE_LIMIT: usize = 100_000;

/// Configures a [`Runtime`](crate::Runtime); [`Builder::build`] makes it.
///
/// ```
/// use simloop_executor::{Policy, Runtime};
/// use std::time::Duration;
/// let rt = Runtime::builder()
///     .seed(0x5eed)
///     .policy(Policy::Random)
///     .wall_clock_hms(17, 13, 52)
///     .step_limit(1_000_000)
///     .time_limit(Duration::from_secs(3600))
///     .build();
/// assert_eq!(rt.seed(), 0x5eed);
/// ```
pub struct Builder {
    pub(super) seed: u64,
    pub(super) policy: Policy,
    pub(super) scheduler: Option<Box<dyn Scheduler>>,
    pub(super) wall_start: SystemTime,
    pub(super) step_limit: Option<u64>,
    pub(super) time_limit: Option<Instant>,
    pub(super) trace_limit: Option<usize>,
    pub(super) tracing: bool,
    pub(super) echo: bool,
    pub(super) cancel_leftovers: bool,
    pub(super) allow_unretrieved_panics: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            seed: 0,
            policy: Policy::Fifo,
            scheduler: None,
            wall_start: UNIX_EPOCH,
            step_limit: Some(DEFAULT_STEP_LIMIT),
            time_limit: Some(Instant::ZERO.saturating_add(DEFAULT_TIME_LIMIT)),
            trace_limit: Some(DEFAULT_TRACE_LIMIT),
            tracing: true,
            echo: false,
            cancel_leftovers: false,
            allow_unretrieved_panics: false,
        }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("seed", &self.seed)
            .field("policy", &self.policy)
            .field("custom_scheduler", &self.scheduler.is_some())
            .field("wall_start", &self.wall_start)
            .field("step_limit", &self.step_limit)
            .field("time_limit", &self.time_limit)
            .field("trace_limit", &self.trace_limit)
            .field("tracing", &self.tracing)
            .field("echo", &self.echo)
            .field("cancel_leftovers", &self.cancel_leftovers)
            .field("allow_unretrieved_panics", &self.allow_unretrieved_panics)
            .finish()
    }
}

impl Builder {
    /// A builder with seed 0, FIFO policy, tracing on, and the default step, virtual-time
    /// and trace limits ([`DEFAULT_STEP_LIMIT`], [`DEFAULT_TIME_LIMIT`],
    /// [`DEFAULT_TRACE_LIMIT`]).
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The seed of the run's ChaCha RNG (scheduling choices and [`crate::random_u64`]).
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = seed;
        self
    }

    /// The scheduling policy (default [`Policy::Fifo`], asyncio's order).
    pub fn policy(mut self, policy: Policy) -> Builder {
        self.policy = policy;
        self
    }

    /// Runs with a scheduler of one's own instead of the one the policy names (see
    /// [`crate::sched`]); the seed is then the scheduler's business, and reports still
    /// name the policy set with [`Builder::policy`].
    pub fn scheduler(mut self, scheduler: Box<dyn Scheduler>) -> Builder {
        self.scheduler = Some(scheduler);
        self
    }

    /// Where the virtual wall clock ([`crate::wall_clock`]) starts.
    pub fn wall_clock_start(mut self, start: SystemTime) -> Builder {
        self.wall_start = start;
        self
    }

    /// Starts the virtual wall clock at this time of day on 1970-01-01 UTC, so that
    /// `wall_clock().hms()` prints e.g. `17:13:52` as the guide's `time.strftime('%X')`.
    pub fn wall_clock_hms(self, hours: u64, minutes: u64, seconds: u64) -> Builder {
        let secs = hours * 3600 + minutes * 60 + seconds;
        self.wall_clock_start(UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// Stops a run after this many steps (task polls and callbacks) with
    /// [`RunError::StepLimit`](crate::RunError::StepLimit). Default [`DEFAULT_STEP_LIMIT`].
    pub fn step_limit(mut self, steps: u64) -> Builder {
        self.step_limit = Some(steps);
        self
    }

    /// Removes the step limit.
    pub fn no_step_limit(mut self) -> Builder {
        self.step_limit = None;
        self
    }

    /// Stops a run with [`RunError::TimeLimit`](crate::RunError::TimeLimit) before the
    /// clock would pass this much virtual time. Default [`DEFAULT_TIME_LIMIT`] (a day).
    pub fn time_limit(mut self, limit: Duration) -> Builder {
        self.time_limit = Some(Instant::ZERO.saturating_add(limit));
        self
    }

    /// Removes the virtual-time limit.
    pub fn no_time_limit(mut self) -> Builder {
        self.time_limit = None;
        self
    }

    /// Keeps at least the last `events` events of the trace (at most twice as many), and
    /// forgets older ones, counting them. Default [`DEFAULT_TRACE_LIMIT`].
    ///
    /// ```
    /// use simloop_executor::{log, Runtime};
    /// let mut rt = Runtime::builder().trace_limit(100).build();
    /// rt.block_on(async {
    ///     for i in 0..1000 {
    ///         log!("line {i}");
    ///     }
    /// });
    /// let trace = rt.trace();
    /// assert!(trace.len() >= 100 && trace.len() < 200);
    /// assert_eq!(trace.dropped() as usize + trace.len(), 1000 + 2); // + main's start, end
    /// assert!(trace.text().starts_with("-- "));
    /// assert!(trace.text().contains("line 999"));
    /// ```
    pub fn trace_limit(mut self, events: usize) -> Builder {
        self.trace_limit = Some(events);
        self
    }

    /// Keeps every event of the trace, however long the run.
    pub fn no_trace_limit(mut self) -> Builder {
        self.trace_limit = None;
        self
    }

    /// Records runtime events (spawn, sleep, timer, completion...) in the trace; `log!`
    /// lines are always recorded. Default on.
    pub fn tracing(mut self, on: bool) -> Builder {
        self.tracing = on;
        self
    }

    /// What `block_on` does with the tasks still pending when main returns. `false` (the
    /// default, asyncio's `run_until_complete`): report and destroy them. `true`
    /// (asyncio's `asyncio.run()`, and [`crate::run`]): cancel every one of them and run
    /// until they have finished, so their cleanup (see [`crate::catch_cancel`]) runs and
    /// the trace and the elapsed time include it; only tasks spawned during that cleanup
    /// are then destroyed.
    ///
    /// ```
    /// use simloop_executor::{catch_cancel, log, sleep, spawn, Runtime};
    /// use std::time::Duration;
    /// let mut rt = Runtime::builder().cancel_leftovers(true).build();
    /// rt.block_on(async {
    ///     spawn(async {
    ///         if let Err(c) = catch_cancel(sleep(Duration::from_secs(60))).await {
    ///             sleep(Duration::from_secs(1)).await;
    ///             log!("flushed");
    ///             return c.reraise().await;
    ///         }
    ///     })
    ///     .detach();
    /// });
    /// assert_eq!(rt.trace().text(), "   1.000s  Task-2       flushed\n-- elapsed 1.000s");
    /// assert!(rt.report().is_clean());
    /// ```
    pub fn cancel_leftovers(mut self, on: bool) -> Builder {
        self.cancel_leftovers = on;
        self
    }

    /// Lets `block_on` return although a spawned task panicked and nobody retrieved its
    /// result (awaited the task, or read `result()`); the panic is still reported on stderr
    /// and in [`Runtime::report`](crate::Runtime::report). Default off: such a run panics
    /// with [`RunError::UnretrievedPanic`](crate::RunError::UnretrievedPanic)'s message
    /// (asyncio's "Task exception was never retrieved", made a failure), naming the task.
    ///
    /// ```
    /// use simloop_executor::{spawn, yield_now, Runtime};
    /// let run = |allow: bool| {
    ///     let mut rt = Runtime::builder().allow_unretrieved_panics(allow).build();
    ///     rt.block_on(async {
    ///         drop(spawn(async { panic!("nobody reads this") }));
    ///         yield_now().await;
    ///     });
    ///     rt.report().never_retrieved.len()
    /// };
    /// assert_eq!(run(true), 1); // returns, and the report holds the panic
    /// let failed = std::panic::catch_unwind(move || run(false)).unwrap_err();
    /// let message = simloop_executor::panic_message(&*failed);
    /// assert!(message.starts_with("task Task-2 panicked and nobody retrieved it"), "{message}");
    /// ```
    pub fn allow_unretrieved_panics(mut self, allow: bool) -> Builder {
        self.allow_unretrieved_panics = allow;
        self
    }

    /// Also prints each `log!` line to stdout as it is recorded, in the canonical layout.
    pub fn echo(mut self, on: bool) -> Builder {
        self.echo = on;
        self
    }
}
