//! Errors: misuse of the API outside a runtime, and runs that could not finish.

use std::fmt;

use crate::report::{DeadlockReport, TaskReport};
use crate::sched::policy::Policy;
use crate::time::instant::Instant;

/// An operation that needs a running simloop runtime was called without one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextError {
    /// No runtime drives this thread.
    NoRuntime {
        /// The operation, e.g. `"spawn()"`.
        op: &'static str,
    },
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextError::NoRuntime { op } => write!(
                f,
                "{op} called outside a simloop runtime: wrap the test in #[simloop::test] or \
                 Runtime::block_on"
            ),
        }
    }
}

impl std::error::Error for ContextError {}

/// Why a run stopped before its main future finished.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RunError {
    /// The main future is pending, nothing is ready and no timer is pending: it can never
    /// finish. The report names every live task and what it waits on.
    Deadlock(Box<DeadlockReport>),
    /// More steps ran than the step limit allows: a task is probably spinning, or sleeping
    /// in a loop that never ends.
    StepLimit {
        /// The limit.
        limit: u64,
        /// The virtual time when it was reached.
        at: Instant,
        /// The task that took the most of the last steps (the looping one), by name.
        task: String,
        /// That task's `cancelling()` when the limit hit: above 0, it was being cancelled,
        /// so its cleanup after the cancellation (a cancel scope's code, or the shutdown of
        /// `simloop::run`) is what never ends.
        cancelling: u32,
        /// Whether virtual time moved over the last steps: a timer loop rather than a spin.
        time_moving: bool,
        /// The run's seed.
        seed: u64,
        /// The run's policy.
        policy: Policy,
        /// The last events recorded.
        tail: String,
    },
    /// The next timer lies past the virtual-time limit.
    TimeLimit {
        /// The limit.
        limit: Instant,
        /// The deadline that would have passed it.
        next_deadline: Instant,
        /// The task that set that timer, by name.
        task: String,
        /// That task's `cancelling()` when the limit hit (see [`RunError::StepLimit`]).
        cancelling: u32,
        /// The run's seed.
        seed: u64,
        /// The run's policy.
        policy: Policy,
        /// The last events recorded.
        tail: String,
    },
    /// `block_on` was called while a simloop runtime already drives this thread.
    NestedBlockOn,
    /// A spawned task panicked and nobody retrieved its result (awaited it or read
    /// `result()`) before `block_on` returned. `block_on` and `try_block_on` panic with
    /// this message (the run has finished by then; [`Runtime::report`](crate::Runtime::report)
    /// holds every such task), unless
    /// [`Builder::allow_unretrieved_panics`](crate::Builder::allow_unretrieved_panics).
    UnretrievedPanic {
        /// The first such task.
        task: Box<TaskReport>,
        /// Its panic message.
        message: String,
        /// How many more tasks panicked unretrieved.
        others: usize,
    },
    /// The main future panicked (only `try_block_on` reports this; `block_on` re-raises it).
    MainPanicked {
        /// The panic message.
        message: String,
        /// When it happened.
        at: Instant,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_summary(f)?;
        match self {
            RunError::StepLimit { tail, .. } | RunError::TimeLimit { tail, .. } => {
                write!(f, "\nlast events:\n{tail}")
            }
            _ => Ok(()),
        }
    }
}

/// [`RunError::summary`] as a `Display`.
struct Summary<'a>(&'a RunError);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_summary(f)
    }
}

impl RunError {
    /// The message without the last events a step or time limit carries (a failure
    /// report prints its own tail of the trace): what happened and what to do.
    ///
    /// ```
    /// use simloop_executor::{yield_now, Runtime};
    /// let e = Runtime::builder().step_limit(10).build().try_block_on(async {
    ///     loop {
    ///         yield_now().await;
    ///     }
    /// });
    /// let e = e.unwrap_err();
    /// assert!(e.to_string().contains("\nlast events:\n"));
    /// assert!(!e.summary().contains("last events:"));
    /// assert!(e.summary().contains("Virtual time stood still"));
    /// ```
    pub fn summary(&self) -> String {
        Summary(self).to_string()
    }

    fn write_summary(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Deadlock(report) => write!(f, "{report}"),
            RunError::StepLimit {
                limit, at, task, cancelling, time_moving, seed, policy, ..
            } => {
                write!(
                    f,
                    "step limit reached: {limit} steps ran by virtual time {at} (seed {seed:#x}, \
                     policy {policy}); the busiest task of the last steps: {task}. "
                )?;
                write_cancelling(f, task, *cancelling)?;
                if *time_moving {
                    f.write_str(
                        "Virtual time kept moving, so a task probably sleeps in a loop that \
                         never ends: a time limit stops it sooner (Builder::time_limit, \
                         #[simloop::test(time_limit = SECONDS)] or SIMLOOP_TIME_LIMIT).",
                    )?;
                } else {
                    f.write_str(
                        "Virtual time stood still, so a task is probably spinning (yield_now() \
                         or a zero sleep in a loop).",
                    )?;
                }
                write!(
                    f,
                    " Raise it with Builder::step_limit (or #[simloop::test(step_limit = N)]) \
                     if the run is just long."
                )
            }
            RunError::TimeLimit {
                limit, next_deadline, task, cancelling, seed, policy, ..
            } => {
                write!(
                    f,
                    "virtual time limit reached: the next timer fires at {next_deadline}, past \
                     the limit of {limit} (seed {seed:#x}, policy {policy}); it was set by \
                     {task}, which probably sleeps in a loop that never ends. "
                )?;
                write_cancelling(f, task, *cancelling)?;
                f.write_str(
                    "Raise it with Builder::time_limit (or #[simloop::test(time_limit = \
                     SECONDS)], SIMLOOP_TIME_LIMIT) if the run is just long.",
                )
            }
            RunError::NestedBlockOn => f.write_str(
                "block_on called inside a simloop runtime: a runtime cannot be nested; \
                 await the future (or spawn it) instead of calling block_on",
            ),
            RunError::MainPanicked { message, at } => {
                write!(f, "the main task panicked at {at}: {message}")
            }
            RunError::UnretrievedPanic { task, message, others } => {
                write!(f, "task {} panicked and nobody retrieved it: {message}", task.name)?;
                if *others > 0 {
                    write!(f, " (and {others} more tasks panicked unretrieved)")?;
                }
                write!(
                    f,
                    "\n{task}fix: await the task (or read task.result()) and handle its \
                     panic, or, if the panic is expected, build the runtime with \
                     Builder::allow_unretrieved_panics(true) (#[simloop::test(allow_leaks)])"
                )
            }
        }
    }
}

/// The sentence a limit's report adds when its task was being cancelled.
fn write_cancelling(f: &mut fmt::Formatter<'_>, task: &str, cancelling: u32) -> fmt::Result {
    if cancelling == 0 {
        return Ok(());
    }
    write!(
        f,
        "{task} was cancelling (cancelling() = {cancelling}): its cleanup after the \
         cancellation never ends; the code after a caught cancellation (catch_cancel's Err) \
         must finish, by re-raising it or returning, or bound it with a timeout. "
    )
}

impl std::error::Error for RunError {}

impl RunError {
    /// A short name of the failure class (`deadlock`, `step-limit`, `time-limit`,
    /// `nested-block-on`, `panic`, `unretrieved-panic`), for reports and file names.
    pub fn class(&self) -> &'static str {
        match self {
            RunError::Deadlock(_) => "deadlock",
            RunError::StepLimit { .. } => "step-limit",
            RunError::TimeLimit { .. } => "time-limit",
            RunError::NestedBlockOn => "nested-block-on",
            RunError::MainPanicked { .. } => "panic",
            RunError::UnretrievedPanic { .. } => "unretrieved-panic",
        }
    }
}
