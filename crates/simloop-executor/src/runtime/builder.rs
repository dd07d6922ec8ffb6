//! Configuring a runtime: seed, scheduling policy (or a scheduler of one's own), wall
//! clock, limits, tracing.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sched::policy::Policy;
use crate::sched::scheduler::Scheduler;
use crate::time::instant::Instant;

/// The default step limit: generous for real tests, small enough to stop a spinning task
/// within seconds.
pub const DEFAULT_STEP_LIMIT: u64 = 100_000_000;

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
    pub(super) tracing: bool,
    pub(super) echo: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            seed: 0,
            policy: Policy::Fifo,
            scheduler: None,
            wall_start: UNIX_EPOCH,
            step_limit: Some(DEFAULT_STEP_LIMIT),
            time_limit: None,
            tracing: true,
            echo: false,
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
            .field("tracing", &self.tracing)
            .field("echo", &self.echo)
            .finish()
    }
}

impl Builder {
    /// A builder with seed 0, FIFO policy, tracing on, the default step limit and no
    /// virtual-time limit.
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
    /// clock would pass this much virtual time.
    pub fn time_limit(mut self, limit: Duration) -> Builder {
        self.time_limit = Some(Instant::ZERO.saturating_add(limit));
        self
    }

    /// Records runtime events (spawn, sleep, timer, completion...) in the trace; `log!`
    /// lines are always recorded. Default on.
    pub fn tracing(mut self, on: bool) -> Builder {
        self.tracing = on;
        self
    }

    /// Also prints each `log!` line to stdout as it is recorded, in the canonical layout.
    pub fn echo(mut self, on: bool) -> Builder {
        self.echo = on;
        self
    }
}
