//! Failure and end-of-run reports: what every live task was doing, in words.

use std::fmt;

use crate::sched::policy::Policy;
use crate::task::id::TaskId;
use crate::task::state::WaitOn;
use crate::time::instant::Instant;

/// How many tasks (and wait-for chains) a deadlock message lists; the report holds all.
const SHOWN_TASKS: usize = 50;

/// One task as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskReport {
    /// The task's id.
    pub id: TaskId,
    /// The task's name.
    pub name: String,
    /// Where it was spawned (`file:line:column`).
    pub spawn_site: String,
    /// When it was spawned.
    pub spawned_at: Instant,
    /// What it waited on at the end of its last poll.
    pub waiting_on: WaitOn,
    /// `waiting_on` in words, with task names.
    pub waiting: String,
    /// Its last recorded events (empty when tracing is off).
    pub last_events: Vec<String>,
}

impl fmt::Display for TaskReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  {} ({}) spawned at {} at {}",
            self.name, self.id, self.spawn_site, self.spawned_at
        )?;
        writeln!(f, "    waits on: {}", self.waiting)?;
        if !self.last_events.is_empty() {
            writeln!(f, "    last events: {}", self.last_events.join(" | "))?;
        }
        Ok(())
    }
}

/// Why a run deadlocked: every live task and what it waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlockReport {
    /// The virtual time of the deadlock.
    pub at: Instant,
    /// The run's seed.
    pub seed: u64,
    /// The run's policy.
    pub policy: Policy,
    /// Every live task, main first.
    pub tasks: Vec<TaskReport>,
    /// Who waits for whom, as chains such as `main -> Task-2 -> Task-3 (a foreign future)`.
    pub wait_for: Vec<String>,
}

impl fmt::Display for DeadlockReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "deadlock at {} (seed {:#x}, policy {}): the main task is pending, no task is ready \
             and no timer is pending, so the run can never finish.",
            self.at, self.seed, self.policy
        )?;
        writeln!(f, "live tasks:")?;
        for t in self.tasks.iter().take(SHOWN_TASKS) {
            write!(f, "{t}")?;
        }
        if self.tasks.len() > SHOWN_TASKS {
            writeln!(
                f,
                "  ... and {} more (all are in DeadlockReport::tasks)",
                self.tasks.len() - SHOWN_TASKS
            )?;
        }
        if !self.wait_for.is_empty() {
            writeln!(f, "wait-for:")?;
            for chain in self.wait_for.iter().take(SHOWN_TASKS) {
                writeln!(f, "  {chain}")?;
            }
            if self.wait_for.len() > SHOWN_TASKS {
                writeln!(f, "  ... and {} more chains", self.wait_for.len() - SHOWN_TASKS)?;
            }
        }
        write!(
            f,
            "fix: make sure whatever these tasks wait on is completed by another task, or put \
             a timeout around the wait"
        )
    }
}

/// What `block_on` noticed besides the result: tasks left pending, panics nobody read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// The run's seed.
    pub seed: u64,
    /// The run's policy.
    pub policy: Policy,
    /// Virtual time at the end.
    pub elapsed: Instant,
    /// Steps run (task polls and callbacks).
    pub steps: u64,
    /// Tasks still pending when `block_on` returned ("Task was destroyed but it is pending!").
    pub destroyed_pending: Vec<TaskReport>,
    /// Tasks that panicked with nobody retrieving the panic, with the message
    /// ("Task exception was never retrieved").
    pub never_retrieved: Vec<(TaskReport, String)>,
    /// Done callbacks that panicked, with when and the message.
    pub callback_panics: Vec<(Instant, String)>,
}

impl RunReport {
    /// Whether nothing was left behind: no pending task, no unread panic, no callback panic.
    pub fn is_clean(&self) -> bool {
        self.destroyed_pending.is_empty()
            && self.never_retrieved.is_empty()
            && self.callback_panics.is_empty()
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.destroyed_pending {
            write!(f, "Task was destroyed but it is pending!\n{t}")?;
        }
        for (t, msg) in &self.never_retrieved {
            write!(f, "Task exception was never retrieved: {msg}\n{t}")?;
        }
        for (at, msg) in &self.callback_panics {
            writeln!(f, "Exception in done callback at {at}: {msg}")?;
        }
        Ok(())
    }
}
