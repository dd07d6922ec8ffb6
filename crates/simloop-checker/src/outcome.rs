//! What one run ended as: its trace and, if it failed, the failure's class and message.

use std::fmt;

use simloop_executor::sched::DfsPath;
use simloop_executor::{Policy, RunError, RunReport, Trace};

use crate::schedule::{Note, Schedule, ScheduleError};

/// The class of a failed run; each says what to look at next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The test panicked (an assertion failed), or a task panicked and nobody retrieved
    /// it.
    Panic,
    /// The test returned `Err`.
    ReturnedError,
    /// The main task waited for something that can never happen.
    Deadlock,
    /// The run hit its step limit (a task spins).
    StepLimit,
    /// The run hit its virtual-time limit (a task sleeps in an endless loop).
    TimeLimit,
    /// The same seed gave two different traces.
    Nondeterminism,
    /// The run ended with tasks still pending.
    LeakedTask,
    /// A replayed schedule (`SIMLOOP_SCHEDULE`) stopped matching the program: one of its
    /// deviations never applied, so the run was not the recorded one.
    ScheduleMismatch,
}

impl FailureKind {
    /// The class as failure reports print it.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Panic => "panic/assertion",
            FailureKind::ReturnedError => "returned error",
            FailureKind::Deadlock => "deadlock",
            FailureKind::StepLimit => "step limit",
            FailureKind::TimeLimit => "time limit",
            FailureKind::Nondeterminism => "nondeterminism",
            FailureKind::LeakedTask => "leaked task",
            FailureKind::ScheduleMismatch => "schedule stopped matching",
        }
    }

    /// What to do next, in one or two sentences.
    pub fn next_step(self) -> &'static str {
        match self {
            FailureKind::Panic => {
                "replay the run with the command above and read its full trace; add log! lines \
                 around the failing check to see which interleaving breaks it"
            }
            FailureKind::ReturnedError => {
                "the test returned Err (the message above quotes it); replay the run with the \
                 command above and read its full trace to see where the error was produced"
            }
            FailureKind::Deadlock => {
                "read the wait-for chains above: some task waits on something no other task \
                 will ever complete; complete it, or put a timeout around the wait"
            }
            FailureKind::StepLimit => {
                "a task spins (yield_now() or a zero sleep in a loop that never ends) or sleeps \
                 in a loop that never ends (the message above says which, and names the \
                 busiest task); find it in the last events, or raise step_limit if the run is \
                 just long"
            }
            FailureKind::TimeLimit => {
                "a task sleeps in a loop that never ends; find it in the last events, or raise \
                 time_limit if the run is just long"
            }
            FailureKind::Nondeterminism => {
                "the program reads something simloop does not control (the real clock, a \
                 HashMap's iteration order, a global or thread-local, real I/O or threads) \
                 just before the differing event; replace it with simloop's clock, random_u64, \
                 a BTreeMap or an ordered collection"
            }
            FailureKind::ScheduleMismatch => {
                "the program changed in a way that touches the decision named above, so the \
                 schedule no longer names a run of it: run the sweep again (without \
                 SIMLOOP_SCHEDULE) to find the failure, and replay its new schedule"
            }
            FailureKind::LeakedTask => {
                "await or cancel these tasks before the test returns (a TaskGroup does it for \
                 you), or set allow_leaks if leaving them is intended"
            }
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to do after a step limit hit while virtual time kept moving.
const TIMER_LOOP_NEXT: &str = "virtual time kept moving over the last steps, so a task sleeps \
    in a loop that never ends (the busiest task is named above): set time_limit \
    (#[simloop::test(time_limit = SECONDS)] or SIMLOOP_TIME_LIMIT) to stop it sooner, make the \
    loop end, or raise step_limit if the run is just long";

/// What to do after a step limit hit while virtual time stood still.
const SPIN_NEXT: &str = "virtual time stood still over the last steps, so a task spins: \
    yield_now() or a zero sleep in a loop that never ends, or a loop polling for a condition \
    no other task will set (the busiest task is named above); make it await something that \
    completes, or raise step_limit if the run is just long";

/// What to do after a panic of tokio code that needs tokio's own runtime.
const TOKIO_NEXT: &str = "this is tokio code that needs tokio's runtime (its timers, its \
    reactor or its spawner), which simloop does not run: use simloop's own instead, \
    simloop::sleep for tokio::time::sleep, simloop::timeout for tokio::time::timeout, \
    simloop::spawn for tokio::spawn, simloop::now for tokio::time::Instant::now; \
    runtime-agnostic crates work as they are: tokio::sync (Semaphore, mpsc, Mutex, oneshot), \
    futures::channel, tokio::select! (write `biased;` for one order every run) and \
    futures::select!";

/// Whether a panic message is tokio's "no runtime" panic (`tokio::time::sleep`,
/// `tokio::spawn` and the like, outside a tokio runtime).
fn is_tokio_without_runtime(message: &str) -> bool {
    message.contains("no reactor running") || message.contains("context of a Tokio")
}

impl Failure {
    /// A panic (of the test or of a task nobody retrieved), with the next step for
    /// tokio's "no reactor running" when that is what it is.
    ///
    /// ```
    /// use simloop_checker::{Failure, FailureKind};
    /// let f = Failure::panic(
    ///     "there is no reactor running, must be called from the context of a Tokio 1.x runtime",
    /// );
    /// assert_eq!(f.kind, FailureKind::Panic);
    /// assert!(f.next_step().contains("simloop::sleep for tokio::time::sleep"));
    /// assert_eq!(Failure::panic("boom").next_step(), FailureKind::Panic.next_step());
    /// ```
    pub fn panic(message: impl Into<String>) -> Failure {
        let message = message.into();
        let hint = is_tokio_without_runtime(&message).then_some(TOKIO_NEXT);
        Failure { kind: FailureKind::Panic, message, hint }
    }
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The class.
    pub kind: FailureKind,
    /// What happened, in words (the panic message, the deadlock report, the divergence).
    pub message: String,
    /// What to do next when it depends on more than the class (a step limit: a timer loop
    /// or a spin); `None`: the class's [`FailureKind::next_step`].
    pub hint: Option<&'static str>,
}

impl Failure {
    /// A failure of class `kind` with `message`, and the class's next step.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure { kind, message: message.into(), hint: None }
    }

    /// What to do next: the hint if there is one, else the class's.
    ///
    /// ```
    /// use simloop_checker::{Failure, FailureKind};
    /// use simloop_executor::{sleep, Runtime};
    /// use std::time::Duration;
    /// let e = Runtime::builder().step_limit(100).build().try_block_on(async {
    ///     loop {
    ///         sleep(Duration::from_secs(1)).await;
    ///     }
    /// });
    /// let f = Failure::from(&e.unwrap_err());
    /// assert_eq!(f.kind, FailureKind::StepLimit);
    /// assert!(f.next_step().contains("set time_limit"), "{}", f.next_step());
    /// ```
    pub fn next_step(&self) -> &'static str {
        self.hint.unwrap_or(self.kind.next_step())
    }
}

impl From<&RunError> for FailureKind {
    /// The class of a run that `try_block_on` ended with an error: the one place the
    /// checker maps the executor's errors to its classes. A deadlock, a step limit and a
    /// time limit are their own classes (the executor's [`RunError::class`] `deadlock`,
    /// `step-limit`, `time-limit`); everything else (the main task panicked, a nested
    /// `block_on`) is a panic.
    fn from(e: &RunError) -> FailureKind {
        match e {
            RunError::Deadlock(_) => FailureKind::Deadlock,
            RunError::StepLimit { .. } => FailureKind::StepLimit,
            RunError::TimeLimit { .. } => FailureKind::TimeLimit,
            _ => FailureKind::Panic,
        }
    }
}

impl From<&RunError> for Failure {
    /// The error's class and its report as the message (without the last events, which a
    /// failure report prints itself); after a step limit, the next step says whether a
    /// timer loop or a spin ran away.
    fn from(e: &RunError) -> Failure {
        let hint = match e {
            RunError::StepLimit { time_moving: true, .. } => Some(TIMER_LOOP_NEXT),
            RunError::StepLimit { time_moving: false, .. } => Some(SPIN_NEXT),
            RunError::MainPanicked { message, .. } if is_tokio_without_runtime(message) => {
                Some(TOKIO_NEXT)
            }
            _ => None,
        };
        Failure { kind: FailureKind::from(e), message: e.summary(), hint }
    }
}

/// One run of a test: its seed, policy, trace, end-of-run report and failure if any.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// The seed.
    pub seed: u64,
    /// The policy.
    pub policy: Policy,
    /// The recorded trace (every event).
    pub trace: Trace,
    /// What `block_on` left behind.
    pub report: RunReport,
    /// `None` if the run passed.
    pub failure: Option<Failure>,
    /// The test's output, `Debug`-formatted (`()` for most tests).
    pub output: String,
    /// Under [`Policy::Dfs`]: the schedule this run took, as its deviations from FIFO
    /// (`SIMLOOP_DFS_PATH` replays it with the seed); `None` for the other policies.
    pub dfs_path: Option<DfsPath>,
    /// The run's schedule: its deviations from FIFO order and its draws, by identity
    /// (see [`schedule`](crate::schedule)).
    pub schedule: Schedule,
    /// A replayed run only: the first deviation of the schedule that never applied.
    pub mismatch: Option<ScheduleError>,
    /// When and between which tasks each recorded deviation was made.
    pub(crate) notes: Vec<Note>,
}

impl RunOutcome {
    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// What a test future may return: `()` or a `Result` whose `Err` fails the run.
pub trait TestOutput {
    /// `Ok(debug text)` for a pass, `Err(message)` for a failure.
    fn into_outcome(self) -> Result<String, String>;
}

impl TestOutput for () {
    fn into_outcome(self) -> Result<String, String> {
        Ok(String::new())
    }
}

impl<T: fmt::Debug, E: fmt::Debug> TestOutput for Result<T, E> {
    fn into_outcome(self) -> Result<String, String> {
        match self {
            Ok(v) => Ok(format!("{v:?}")),
            Err(e) => Err(format!("the test returned Err({e:?})")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simloop_executor::{sleep, yield_now, Runtime};
    use std::time::Duration;

    /// Each error the executor can end a run with, with its class, as a real run makes it.
    fn run_errors() -> Vec<RunError> {
        let deadlock = Runtime::new().try_block_on(std::future::pending::<()>());
        let spin = Runtime::builder().step_limit(50).build().try_block_on(async {
            loop {
                yield_now().await;
            }
        });
        let endless =
            Runtime::builder().time_limit(Duration::from_secs(10)).build().try_block_on(async {
                loop {
                    sleep(Duration::from_secs(1)).await;
                }
            });
        let panicked = Runtime::new().try_block_on(async { panic!("boom") });
        [deadlock, spin, endless, panicked].into_iter().map(|r| r.unwrap_err()).collect()
    }

    #[test]
    fn the_kind_agrees_with_the_executors_class() {
        let classes: Vec<(&str, FailureKind)> =
            run_errors().iter().map(|e| (e.class(), FailureKind::from(e))).collect();
        assert_eq!(
            classes,
            [
                ("deadlock", FailureKind::Deadlock),
                ("step-limit", FailureKind::StepLimit),
                ("time-limit", FailureKind::TimeLimit),
                ("panic", FailureKind::Panic),
            ]
        );
    }

    #[test]
    fn a_failure_from_an_error_keeps_its_report() {
        for e in run_errors() {
            let f = Failure::from(&e);
            assert_eq!((f.kind, &f.message), (FailureKind::from(&e), &e.summary()));
            assert!(!f.message.contains("last events:\n"), "{}", f.message);
        }
    }
}
