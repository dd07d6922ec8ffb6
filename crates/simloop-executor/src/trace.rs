//! The event trace a run records: who did what, at which virtual instant.
//!
//! The canonical text form ([`Trace::text`]) holds the `log!` lines and the elapsed time,
//! one line each, in the same layout as the CPython oracle prints, so the two compare
//! byte for byte:
//!
//! ```text
//!    0.000s  main         hello
//!    1.000s  main         world
//! -- elapsed 1.000s
//! ```
//!
//! [`Trace::verbose`] adds every runtime event (spawn, first poll, sleep, timer fire,
//! completion, cancellation, panic).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::instant::Instant;
use crate::task::TaskId;

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The virtual instant it happened at.
    pub at: Instant,
    /// The task it happened to (or that caused it).
    pub task: TaskId,
    /// What happened.
    pub kind: EventKind,
}

/// What happened in an [`Event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// `task` spawned `child`.
    Spawn {
        /// The new task.
        child: TaskId,
    },
    /// The task was polled for the first time.
    Start,
    /// The task started sleeping until this instant.
    Sleep {
        /// When the timer fires ([`Instant::MAX`]: never).
        until: Instant,
    },
    /// A timer the task set fired.
    TimerFired,
    /// A user message from [`log!`](crate::log!).
    Log(String),
    /// The task returned.
    Finished,
    /// Someone asked for the task's cancellation.
    CancelRequested,
    /// The task was cancelled (its future dropped).
    Cancelled,
    /// The task panicked with this message.
    Panicked(String),
    /// The task was still pending when `block_on` returned, and was destroyed.
    DestroyedPending,
    /// The task panicked and nobody retrieved the panic.
    NeverRetrieved(String),
    /// An event recorded by a library built on the runtime (gather, timeout, ...).
    Note(String),
}

/// The recorded events of a run, with the task names needed to print them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    events: Vec<Event>,
    names: BTreeMap<TaskId, Rc<str>>,
    elapsed: Instant,
}

impl Trace {
    pub(crate) fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    pub(crate) fn set_name(&mut self, task: TaskId, name: Rc<str>) {
        self.names.insert(task, name);
    }

    pub(crate) fn set_elapsed(&mut self, elapsed: Instant) {
        self.elapsed = elapsed;
    }

    /// Every event, in the order it happened.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The virtual time the run took (the clock when it ended).
    pub fn elapsed(&self) -> Instant {
        self.elapsed
    }

    /// The name of a task, as it was last set.
    pub fn name(&self, task: TaskId) -> String {
        self.names.get(&task).map(|n| n.to_string()).unwrap_or_else(|| format!("Task-{}", task.0))
    }

    /// Task ids with their names, in id order.
    pub fn tasks(&self) -> impl Iterator<Item = (TaskId, &str)> {
        self.names.iter().map(|(id, n)| (*id, &**n))
    }

    /// The `log!` messages, as (instant, task name, message).
    pub fn logs(&self) -> Vec<(Instant, String, String)> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Log(m) => Some((e.at, self.name(e.task), m.clone())),
                _ => None,
            })
            .collect()
    }

    /// One line in the canonical layout (`%8.3fs  %-12s %s`, as the oracle prints).
    pub fn line(at: Instant, name: &str, message: &str) -> String {
        let secs = at.to_string();
        let secs = secs.trim_end_matches('s');
        format!("{secs:>8}s  {name:<12} {message}")
    }

    /// The canonical text: log lines, then `-- elapsed`. What snapshots hold.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (at, name, msg) in self.logs() {
            out.push_str(&Trace::line(at, &name, &msg));
            out.push('\n');
        }
        let _ = write!(out, "-- elapsed {}", self.elapsed);
        out
    }

    /// Every event, one per line, then `-- elapsed`.
    pub fn verbose(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            out.push_str(&Trace::line(e.at, &self.name(e.task), &self.describe(&e.kind)));
            out.push('\n');
        }
        let _ = write!(out, "-- elapsed {}", self.elapsed);
        out
    }

    /// The last `n` events of one task, rendered (for failure reports).
    pub fn last_events_of(&self, task: TaskId, n: usize) -> Vec<String> {
        let mut v: Vec<String> = self
            .events
            .iter()
            .rev()
            .filter(|e| e.task == task)
            .take(n)
            .map(|e| format!("{} {}", e.at, self.describe(&e.kind)))
            .collect();
        v.reverse();
        v
    }

    /// The last `n` events of the run, rendered (for failure reports).
    pub fn tail(&self, n: usize) -> String {
        let start = self.events.len().saturating_sub(n);
        let mut out = String::new();
        for e in &self.events[start..] {
            out.push_str(&Trace::line(e.at, &self.name(e.task), &self.describe(&e.kind)));
            out.push('\n');
        }
        out
    }

    /// A one-line description of an event kind.
    pub fn describe(&self, kind: &EventKind) -> String {
        match kind {
            EventKind::Spawn { child } => format!("spawn {}", self.name(*child)),
            EventKind::Start => "start".into(),
            EventKind::Sleep { until } if *until == Instant::MAX => "sleep forever".into(),
            EventKind::Sleep { until } => format!("sleep until {until}"),
            EventKind::TimerFired => "timer fired".into(),
            EventKind::Log(m) => format!("log {m}"),
            EventKind::Finished => "finished".into(),
            EventKind::CancelRequested => "cancel requested".into(),
            EventKind::Cancelled => "cancelled".into(),
            EventKind::Panicked(m) => format!("panicked: {m}"),
            EventKind::DestroyedPending => "destroyed while pending".into(),
            EventKind::NeverRetrieved(m) => format!("panic never retrieved: {m}"),
            EventKind::Note(m) => m.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_matches_the_oracle_layout() {
        let mut t = Trace::default();
        t.set_name(TaskId(1), "main".into());
        t.push(Event { at: Instant::ZERO, task: TaskId(1), kind: EventKind::Log("hello".into()) });
        t.push(Event { at: Instant::ZERO, task: TaskId(1), kind: EventKind::Start });
        t.push(Event {
            at: Instant::from_secs(1),
            task: TaskId(2),
            kind: EventKind::Log("world".into()),
        });
        t.set_elapsed(Instant::from_secs(1));
        assert_eq!(
            t.text(),
            "   0.000s  main         hello\n   1.000s  Task-2       world\n-- elapsed 1.000s"
        );
        assert!(t.verbose().contains("   0.000s  main         start\n"));
        assert_eq!(t.last_events_of(TaskId(1), 1), vec!["0.000s start".to_string()]);
    }
}
