//! Schedules as data: the decisions of one run, named by what they chose rather than by
//! queue position, so that a saved failing run keeps reproducing across unrelated edits.
//!
//! Every checker run records its schedule ([`RunOutcome::schedule`](crate::RunOutcome)):
//! each choice where more than one step was ready and the scheduler did not run the one
//! FIFO (asyncio's order) would have run — a *deviation*, `run bob.2 over alice.3` — and
//! every random draw of the program, by task (`draw alice.1`). Nothing is recorded where
//! there was no choice. A task is named by its name ([`spawn_named`]) or else by its
//! parent and the type of its future (`main/app::worker`, `#2` for the second such
//! spawn of the same parent), so adding a `log!`, renaming a variable or spawning an
//! unrelated task leaves the names of the others alone; a step is a task's `k`-th poll
//! (or `k`-th callback, `cb<k>`).
//!
//! Replaying ([`run_schedule`], `SIMLOOP_SCHEDULE`) runs FIFO except where the next
//! deviation applies: its step is ready and the step it ran over is the oldest ready step
//! among the tasks the schedule knows (tasks it does not know, new in the edited program,
//! do not count). For the unedited program this is exactly the recorded run. A deviation
//! that never applies is reported, naming it and why
//! ([`ScheduleError::StoppedMatching`]). [`shrink`] removes deviations (delta debugging)
//! while the test still fails, and [`Shrunk::explain`] says in words what is left.
//!
//! ```
//! use simloop_checker::{explore, run_schedule, Explore, Schedule};
//! use simloop_executor::spawn_named;
//! use std::cell::Cell;
//! use std::rc::Rc;
//!
//! let test = || async {
//!     let seen = Rc::new(Cell::new(0));
//!     let s = seen.clone();
//!     let a = spawn_named("alice", async move { s.set(1) });
//!     let s = seen.clone();
//!     let b = spawn_named("bob", async move { assert_eq!(s.get(), 1, "bob ran first") });
//!     a.await.unwrap();
//!     b.await.unwrap();
//! };
//! let sweep = explore(Explore::seeds(50), test);
//! let (_, run) = sweep.failure.expect("some order runs bob before alice");
//! let text = run.schedule.to_text();
//! let back = &Schedule::parse(&text, "example").unwrap()[0];
//! let again = run_schedule(&Explore::new(), back, &mut { test });
//! assert_eq!(again.trace, run.trace);
//! ```
//!
//! [`spawn_named`]: simloop_executor::spawn_named

mod error;
mod recorder;
mod regressions;
mod shrink;
mod text;

use std::fmt;

use simloop_executor::Policy;

pub use error::ScheduleError;
pub(crate) use recorder::{Note, Recorder, Recording};
pub use regressions::{regressions, save_regression};
pub use shrink::{run_schedule, shrink, Shrunk};
pub use text::source_of;

/// The version of the text format this simloop writes and reads.
pub const SCHEDULE_VERSION: u32 = 1;

/// One step of a run, by identity: the `nth` poll (or the `nth` callback) of the task at
/// `task` in [`Schedule::tasks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepRef {
    /// Index into [`Schedule::tasks`].
    pub task: usize,
    /// A callback step (done callback, `call_soon`) on the task's behalf, not a poll.
    pub callback: bool,
    /// Which one: 1 for the first.
    pub nth: u32,
}

impl fmt::Display for StepRef {
    /// `2.3` (task 2's third poll) or `2.cb1` (its first callback).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cb = if self.callback { "cb" } else { "" };
        write!(f, "{}.{cb}{}", self.task, self.nth)
    }
}

/// One recorded decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Where several steps were ready, `run` ran instead of `over`, the step FIFO would
    /// have run (a preemption of `over`'s task).
    Run {
        /// The step that ran.
        run: StepRef,
        /// The oldest ready step, which FIFO would have run.
        over: StepRef,
    },
    /// The `nth` random draw made by the task at `task` gave `value`.
    Draw {
        /// Index into [`Schedule::tasks`].
        task: usize,
        /// Which draw of the task: 1 for the first.
        nth: u32,
        /// The value drawn.
        value: u64,
    },
}

/// The recorded decisions of one run of one test, with the tasks they name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The test, as `SIMLOOP_TEST` names it (`<crate>::<test>`), or `(unnamed)`.
    pub test: String,
    /// The policy of the run it was recorded from.
    pub policy: Policy,
    /// The seed of that run (also seeds the draws a replay has no record of).
    pub seed: u64,
    /// Every task of the run, by identity, in spawn order.
    pub tasks: Vec<String>,
    /// The decisions, in the order they were made.
    pub decisions: Vec<Decision>,
}

impl Schedule {
    /// The deviations from FIFO order ([`Decision::Run`]), in order.
    pub fn deviations(&self) -> impl Iterator<Item = (StepRef, StepRef)> + '_ {
        self.decisions.iter().filter_map(|d| match d {
            Decision::Run { run, over } => Some((*run, *over)),
            Decision::Draw { .. } => None,
        })
    }

    /// The same schedule with only the deviations whose positions (among the
    /// deviations) are in `keep`; draws are kept.
    pub fn keeping(&self, keep: &[usize]) -> Schedule {
        let mut i = 0;
        let decisions = self
            .decisions
            .iter()
            .filter(|d| match d {
                Decision::Run { .. } => {
                    i += 1;
                    keep.contains(&(i - 1))
                }
                Decision::Draw { .. } => true,
            })
            .copied()
            .collect();
        Schedule { decisions, ..self.clone() }
    }

    /// A step in words: `bob's step 2` (`bob's callback 1`).
    pub fn describe(&self, step: StepRef) -> String {
        let task = self.tasks.get(step.task).map_or("?", String::as_str);
        let kind = if step.callback { "callback" } else { "step" };
        format!("{task}'s {kind} {}", step.nth)
    }
}
