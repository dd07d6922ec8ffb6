//! The workloads and what one run of a workload reports.

use std::time::Duration;

use crate::stopwatch::Spent;

/// Sleeps per task in the sleep storm (W1).
pub const SLEEPS_PER_TASK: usize = 10;

/// One benchmark workload and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// W1: `tasks` tasks, each sleeping [`SLEEPS_PER_TASK`] times a random 1..=1000 ms.
    /// One event = one sleep.
    SleepStorm {
        /// Number of tasks.
        tasks: usize,
    },
    /// W2: `tasks` tasks that return at once, all joined by main. One event = one task.
    SpawnJoin {
        /// Number of tasks.
        tasks: usize,
    },
    /// W3: `quiet` calls of `timeout(1 s, sleep(1 ms))` that never fire and `fired` calls
    /// of `timeout(1 ms, sleep(1 s))` that do, run by `workers` tasks in sequence. One
    /// event = one timeout call.
    TimeoutChurn {
        /// Timeouts that never fire.
        quiet: usize,
        /// Timeouts that fire.
        fired: usize,
        /// Tasks sharing the calls.
        workers: usize,
    },
    /// W4: a gather tree: each inner node gathers `fanout` spawned children, leaves sleep
    /// a random 1..=1000 ms. One event = one node (task).
    FanOut {
        /// Levels below the root.
        depth: u32,
        /// Children per inner node.
        fanout: usize,
    },
    /// W5: the same small test (three tasks, sleeps, a yield, joins) run under `seeds`
    /// fresh runtimes. One event = one seed.
    SeedSweep {
        /// Number of seeds (runtimes built and run).
        seeds: u64,
    },
    /// W6: `tasks` tasks each taking one lock `rounds` times, yielding while they hold it,
    /// so every acquire but the first of a round waits (simloop's `sync::Lock` beside
    /// tokio's `Mutex`). One event = one acquire.
    LockContention {
        /// Number of tasks.
        tasks: usize,
        /// Acquires per task.
        rounds: usize,
    },
    /// W7: `producers` tasks putting `items` in all into a queue of `capacity`, one consumer
    /// taking them out (simloop's `sync::Queue` beside tokio's `mpsc::channel`). One event =
    /// one item.
    ProducerConsumer {
        /// Producer tasks.
        producers: usize,
        /// Items in all.
        items: usize,
        /// The queue's bound.
        capacity: usize,
    },
}

impl Workload {
    /// A short label for tables: `W1 sleep storm 100k`, ...
    pub fn label(&self) -> String {
        match *self {
            Workload::SleepStorm { tasks } => format!("W1 sleep storm {}", count(tasks as u64)),
            Workload::SpawnJoin { tasks } => format!("W2 spawn/join {}", count(tasks as u64)),
            Workload::TimeoutChurn { quiet, fired, .. } => {
                format!("W3 timeout {}+{}", count(quiet as u64), count(fired as u64))
            }
            Workload::FanOut { depth, fanout } => format!("W4 fan-out {fanout}^{depth}"),
            Workload::SeedSweep { seeds } => format!("W5 seed sweep {}", count(seeds)),
            Workload::LockContention { tasks, rounds } => {
                format!("W6 lock {}x{}", count(tasks as u64), count(rounds as u64))
            }
            Workload::ProducerConsumer { producers, items, .. } => {
                format!("W7 queue {}->1 {}", producers, count(items as u64))
            }
        }
    }

    /// What one event is, for the table's unit column.
    pub fn event_name(&self) -> &'static str {
        match self {
            Workload::SleepStorm { .. } => "sleep",
            Workload::SpawnJoin { .. } => "task",
            Workload::TimeoutChurn { .. } => "timeout",
            Workload::FanOut { .. } => "node",
            Workload::SeedSweep { .. } => "seed",
            Workload::LockContention { .. } => "acquire",
            Workload::ProducerConsumer { .. } => "item",
        }
    }

    /// Number of events one run processes.
    pub fn events(&self) -> u64 {
        match *self {
            Workload::SleepStorm { tasks } => (tasks * SLEEPS_PER_TASK) as u64,
            Workload::SpawnJoin { tasks } => tasks as u64,
            Workload::TimeoutChurn { quiet, fired, .. } => (quiet + fired) as u64,
            Workload::FanOut { depth, fanout } => (0..=depth).map(|d| (fanout as u64).pow(d)).sum(),
            Workload::SeedSweep { seeds } => seeds,
            Workload::LockContention { tasks, rounds } => (tasks * rounds) as u64,
            Workload::ProducerConsumer { items, .. } => items as u64,
        }
    }
}

fn count(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// What one run of a workload did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Events processed (see [`Workload::events`]).
    pub events: u64,
    /// Virtual time the run took (summed over seeds for W5).
    pub elapsed: Duration,
    /// Time the run took, from before the runtime is built to after it is dropped.
    pub spent: Spent,
}

impl Outcome {
    /// Nanoseconds per event: on-CPU time if known, else wall time.
    pub fn ns_per_event(&self) -> f64 {
        let t = self.spent.cpu.unwrap_or(self.spent.wall);
        t.as_nanos() as f64 / self.events.max(1) as f64
    }

    /// Wall nanoseconds per event.
    pub fn wall_ns_per_event(&self) -> f64 {
        self.spent.wall.as_nanos() as f64 / self.events.max(1) as f64
    }
}
