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

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::task::id::TaskId;
use crate::time::instant::Instant;

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
    /// The task yielded (`yield_now()` or a zero sleep): it goes to the back of the ready
    /// queue and every other ready step runs first. Recorded only with tracing on, and not
    /// part of [`Trace::text`], so snapshots of the text do not change.
    Yield,
    /// The task resumed after a yield: the steps between its [`EventKind::Yield`] and this
    /// event are what ran in between (where a read-await-write race shows).
    Resumed,
    /// A library note about a deadline, `"{text} (deadline {deadline})"` (a timeout
    /// expiring): recorded without formatting a string.
    DeadlineNote {
        /// What happened.
        text: &'static str,
        /// The deadline it concerns.
        deadline: Instant,
    },
    /// A library's operation on a resource, `"{verb} {resource}"` (`acquire Lock 'db'`):
    /// recorded without formatting a string (see [`Resource`](crate::Resource)).
    ResourceNote {
        /// What was done: `acquire`, `release`, `set`, `put`, ...
        verb: &'static str,
        /// The resource's label, `Lock 'db'`.
        resource: Rc<str>,
    },
}

/// The recorded events of a run, with the task names needed to print them.
///
/// Events are stored compactly because a traced run of a million tasks records tens of
/// millions of them: one 8-byte word per event (task and kind), an 8-byte argument for the
/// kinds that have one (a child id, a deadline, an index into the text payloads), and the
/// instant once per change of the clock. [`Trace::events`] builds the `Event` list on
/// first use.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Per event: the task id, with the kind in the top byte.
    words: Vec<u64>,
    /// Arguments of the events whose kind has one, in event order.
    args: Vec<u64>,
    /// (index of the first event at this instant, the instant), in event order.
    times: Vec<(usize, Instant)>,
    /// Payloads of events that do not fit a word (logs, notes, panics), by index.
    others: Vec<EventKind>,
    /// Names set explicitly; other tasks are `Task-<id>`.
    names: BTreeMap<TaskId, Rc<str>>,
    elapsed: Instant,
    /// Events recorded but no longer kept (see [`Trace::limit`]).
    dropped: u64,
    /// How many of the latest events are kept at least; `None`: all of them.
    limit: Option<usize>,
    /// When `words` reaches this length the oldest events beyond `limit` are forgotten.
    compact_at: usize,
    events: OnceCell<Vec<Event>>,
    all_names: OnceCell<BTreeMap<TaskId, Rc<str>>>,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            words: Vec::new(),
            args: Vec::new(),
            times: Vec::new(),
            others: Vec::new(),
            names: BTreeMap::new(),
            elapsed: Instant::ZERO,
            dropped: 0,
            limit: None,
            compact_at: usize::MAX,
            events: OnceCell::new(),
            all_names: OnceCell::new(),
        }
    }
}

impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.elapsed == other.elapsed
            && self.dropped == other.dropped
            && self.names == other.names
            && self.words.len() == other.words.len()
            && self.iter().eq(other.iter())
    }
}

impl Eq for Trace {}

const KIND_SHIFT: u32 = 56;
const TASK_MASK: u64 = (1 << KIND_SHIFT) - 1;
const K_SPAWN: u64 = 0;
const K_START: u64 = 1;
const K_SLEEP: u64 = 2;
const K_TIMER: u64 = 3;
const K_FINISHED: u64 = 4;
const K_OTHER: u64 = 5;
const K_YIELD: u64 = 6;
const K_RESUMED: u64 = 7;

fn has_arg(kind: u64) -> bool {
    matches!(kind, K_SPAWN | K_SLEEP | K_OTHER)
}

impl Trace {
    #[inline]
    pub(crate) fn push(&mut self, event: Event) {
        let (kind, arg) = match event.kind {
            EventKind::Spawn { child } => (K_SPAWN, child.0),
            EventKind::Start => (K_START, 0),
            EventKind::Sleep { until } => (K_SLEEP, until.as_nanos()),
            EventKind::TimerFired => (K_TIMER, 0),
            EventKind::Finished => (K_FINISHED, 0),
            EventKind::Yield => (K_YIELD, 0),
            EventKind::Resumed => (K_RESUMED, 0),
            other => {
                self.others.push(other);
                (K_OTHER, (self.others.len() - 1) as u64)
            }
        };
        debug_assert!(event.task.0 <= TASK_MASK, "task ids stay below 2^56");
        if self.times.last().map_or(true, |(_, at)| *at != event.at) {
            self.times.push((self.words.len(), event.at));
        }
        self.words.push((event.task.0 & TASK_MASK) | (kind << KIND_SHIFT));
        if has_arg(kind) {
            self.args.push(arg);
        }
        if self.events.get().is_some() {
            self.events.take();
        }
        if kind == K_SPAWN && self.all_names.get().is_some() {
            self.all_names.take();
        }
        if self.words.len() >= self.compact_at {
            self.forget_oldest(self.words.len() - self.limit.unwrap_or(0));
        }
    }

    /// Keeps at least the last `limit` events (and at most twice as many): older ones
    /// are forgotten and counted, so a runaway run's trace stays bounded. `None` keeps
    /// every event.
    pub(crate) fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit.map(|n| n.max(1));
        self.compact_at = self.limit.map_or(usize::MAX, |n| n.saturating_mul(2));
    }

    /// How many of the latest events this trace keeps at least (`None`: all).
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// How many events were recorded but are no longer kept, the oldest first (see
    /// [`Builder::trace_limit`](crate::Builder::trace_limit)).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// A copy holding only the last `n` events; the earlier ones count as
    /// [`Trace::dropped`]. What a failure report's files are written from, so that a
    /// runaway run's artifacts stay small whatever the trace limit.
    ///
    /// ```
    /// use simloop_executor::{log, Runtime};
    /// let mut rt = Runtime::new();
    /// rt.block_on(async {
    ///     for i in 0..10 {
    ///         log!("line {i}");
    ///     }
    /// });
    /// let last = rt.trace().last(3);
    /// assert_eq!(last.len(), 3);
    /// assert_eq!(last.dropped(), 12 - 3); // 10 logs, main's start and end
    /// assert!(last.text().ends_with("main         line 9\n-- elapsed 0.000s"));
    /// ```
    pub fn last(&self, n: usize) -> Trace {
        let mut t = self.clone();
        if t.len() > n {
            t.forget_oldest(t.len() - n);
        }
        t
    }

    /// Forgets the oldest `k` events.
    #[cold]
    fn forget_oldest(&mut self, k: usize) {
        let k = k.min(self.words.len());
        let old = &self.words[..k];
        let args = old.iter().filter(|w| has_arg(**w >> KIND_SHIFT)).count();
        let others = old.iter().filter(|w| **w >> KIND_SHIFT == K_OTHER).count();
        let at_k = self.times.iter().take_while(|(first, _)| *first <= k).last().map(|t| t.1);
        self.words.drain(..k);
        self.args.drain(..args);
        self.others.drain(..others);
        let mut arg = 0;
        for w in &self.words {
            let kind = *w >> KIND_SHIFT;
            if kind == K_OTHER {
                self.args[arg] -= others as u64;
            }
            if has_arg(kind) {
                arg += 1;
            }
        }
        let later = self.times.iter().filter(|(first, _)| *first > k).map(|(f, t)| (f - k, *t));
        let mut times: Vec<(usize, Instant)> = at_k.map(|t| (0, t)).into_iter().collect();
        times.extend(later);
        self.times = times;
        self.dropped += k as u64;
        self.events.take();
        self.all_names.take();
    }

    /// The line that says how many earlier events are not kept, if any.
    fn dropped_line(&self) -> Option<String> {
        (self.dropped > 0).then(|| {
            format!(
                "-- {} earlier events not kept (a trace keeps the last {} or more; \
                 Builder::trace_limit)",
                self.dropped,
                self.limit.unwrap_or(0)
            )
        })
    }

    fn decode(&self, at: Instant, word: u64, arg: u64) -> Event {
        let task = TaskId(word & TASK_MASK);
        let kind = match word >> KIND_SHIFT {
            K_SPAWN => EventKind::Spawn { child: TaskId(arg) },
            K_START => EventKind::Start,
            K_SLEEP => EventKind::Sleep { until: Instant::from_nanos(arg) },
            K_TIMER => EventKind::TimerFired,
            K_FINISHED => EventKind::Finished,
            K_YIELD => EventKind::Yield,
            K_RESUMED => EventKind::Resumed,
            _ => self.others[arg as usize].clone(),
        };
        Event { at, task, kind }
    }

    /// The events in order, decoded one at a time.
    fn iter(&self) -> impl Iterator<Item = Event> + '_ {
        self.raw().map(|(at, word, arg)| self.decode(at, word, arg))
    }

    /// The events from the last to the first as (instant, word, argument).
    fn raw_rev(&self) -> impl Iterator<Item = (Instant, u64, u64)> + '_ {
        let (mut args_left, mut times_left) = (self.args.len(), self.times.len());
        self.words.iter().enumerate().rev().map(move |(i, &word)| {
            while times_left > 0 && self.times[times_left - 1].0 > i {
                times_left -= 1;
            }
            let at = times_left.checked_sub(1).map_or(Instant::ZERO, |t| self.times[t].1);
            let arg = if has_arg(word >> KIND_SHIFT) {
                args_left -= 1;
                self.args[args_left]
            } else {
                0
            };
            (at, word, arg)
        })
    }

    /// The events in order as (instant, word, argument), without building them.
    fn raw(&self) -> impl Iterator<Item = (Instant, u64, u64)> + '_ {
        let (mut next_arg, mut next_time, mut at) = (0, 0, Instant::ZERO);
        self.words.iter().enumerate().map(move |(i, &word)| {
            while self.times.get(next_time).is_some_and(|(first, _)| *first <= i) {
                at = self.times[next_time].1;
                next_time += 1;
            }
            let arg = if has_arg(word >> KIND_SHIFT) {
                next_arg += 1;
                self.args[next_arg - 1]
            } else {
                0
            };
            (at, word, arg)
        })
    }

    pub(crate) fn set_name(&mut self, task: TaskId, name: Rc<str>) {
        self.names.insert(task, name);
        self.all_names.take();
    }

    pub(crate) fn set_elapsed(&mut self, elapsed: Instant) {
        self.elapsed = elapsed;
    }

    /// Every event, in the order it happened.
    pub fn events(&self) -> &[Event] {
        self.events.get_or_init(|| self.iter().collect())
    }

    /// Number of events kept (recorded, minus [`Trace::dropped`]).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no event was recorded.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The virtual time the run took (the clock when it ended).
    pub fn elapsed(&self) -> Instant {
        self.elapsed
    }

    /// The name of a task, as it was last set.
    pub fn name(&self, task: TaskId) -> String {
        self.names.get(&task).map(|n| n.to_string()).unwrap_or_else(|| format!("Task-{}", task.0))
    }

    /// Task ids with their names, in id order: every task named explicitly or seen
    /// being spawned.
    pub fn tasks(&self) -> impl Iterator<Item = (TaskId, &str)> {
        let all = self.all_names.get_or_init(|| {
            let mut all = self.names.clone();
            for e in self.iter() {
                if let EventKind::Spawn { child } = e.kind {
                    all.entry(child).or_insert_with(|| format!("Task-{}", child.0).into());
                }
            }
            all
        });
        all.iter().map(|(id, n)| (*id, &**n))
    }

    /// The `log!` messages, as (instant, task name, message).
    pub fn logs(&self) -> Vec<(Instant, String, String)> {
        self.raw()
            .filter(|(_, word, _)| word >> KIND_SHIFT == K_OTHER)
            .filter_map(|(at, word, arg)| match &self.others[arg as usize] {
                EventKind::Log(m) => Some((at, self.name(TaskId(word & TASK_MASK)), m.clone())),
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
        let mut out = self.dropped_line().map(|l| l + "\n").unwrap_or_default();
        for (at, name, msg) in self.logs() {
            out.push_str(&Trace::line(at, &name, &msg));
            out.push('\n');
        }
        let _ = write!(out, "-- elapsed {}", self.elapsed);
        out
    }

    /// Every event, one per line, then `-- elapsed`.
    pub fn verbose(&self) -> String {
        let mut out = self.dropped_line().map(|l| l + "\n").unwrap_or_default();
        for e in self.iter() {
            out.push_str(&Trace::line(e.at, &self.name(e.task), &self.describe(&e.kind)));
            out.push('\n');
        }
        let _ = write!(out, "-- elapsed {}", self.elapsed);
        out
    }

    /// The last `n` events of one task, rendered (for failure reports).
    pub fn last_events_of(&self, task: TaskId, n: usize) -> Vec<String> {
        let mut v: Vec<String> = self
            .raw_rev()
            .filter(|(_, word, _)| word & TASK_MASK == task.0)
            .take(n)
            .map(|(at, word, arg)| {
                let e = self.decode(at, word, arg);
                format!("{} {}", e.at, self.describe(&e.kind))
            })
            .collect();
        v.reverse();
        v
    }

    /// Among the last `n` events: the task with the most of them (callbacks aside), and the
    /// instant of the oldest. What a runaway report names as the looping task and uses to
    /// tell a timer loop (time moves) from a spin (time stands still).
    pub fn recent_activity(&self, n: usize) -> Option<(TaskId, Instant)> {
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        let mut oldest = None;
        for (at, word, _) in self.raw_rev().take(n) {
            oldest = Some(at);
            if word & TASK_MASK != 0 {
                *counts.entry(word & TASK_MASK).or_default() += 1;
            }
        }
        let busiest = counts.iter().max_by_key(|(id, c)| (**c, std::cmp::Reverse(**id)))?;
        Some((TaskId(*busiest.0), oldest?))
    }

    /// The last `n` events of the run, rendered (for failure reports).
    pub fn tail(&self, n: usize) -> String {
        let start = self.words.len().saturating_sub(n);
        let mut out = String::new();
        for e in self.iter().skip(start) {
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
            EventKind::Yield => "yield".into(),
            EventKind::Resumed => "resumed".into(),
            EventKind::Note(m) => m.clone(),
            EventKind::DeadlineNote { text, deadline } => format!("{text} (deadline {deadline})"),
            EventKind::ResourceNote { verb, resource } => format!("{verb} {resource}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_storage_gives_back_every_event_in_order() {
        let t1 = Instant::from_secs(1);
        let (a, b) = (TaskId(1), TaskId(7));
        let events = vec![
            Event { at: Instant::ZERO, task: a, kind: EventKind::Spawn { child: b } },
            Event { at: Instant::ZERO, task: b, kind: EventKind::Start },
            Event { at: Instant::ZERO, task: b, kind: EventKind::Sleep { until: t1 } },
            Event { at: Instant::ZERO, task: a, kind: EventKind::Note("n".into()) },
            Event { at: t1, task: b, kind: EventKind::TimerFired },
            Event { at: t1, task: b, kind: EventKind::Yield },
            Event { at: t1, task: a, kind: EventKind::Resumed },
            Event { at: t1, task: b, kind: EventKind::Log("hi".into()) },
            Event { at: t1, task: b, kind: EventKind::Finished },
            Event { at: Instant::from_secs(2), task: a, kind: EventKind::Cancelled },
        ];
        let mut t = Trace::default();
        for e in &events {
            t.push(e.clone());
        }
        assert_eq!(t.events(), &events[..]);
        assert_eq!(t.len(), 10);
        t.push(Event { at: Instant::from_secs(2), task: a, kind: EventKind::Finished });
        assert_eq!(t.events().len(), 11, "a push after events() rebuilds the list");
        let mut backwards: Vec<(Instant, u64, u64)> = t.raw_rev().collect();
        backwards.reverse();
        assert_eq!(backwards, t.raw().collect::<Vec<_>>());
        assert_eq!(
            t.tasks().map(|(id, n)| (id.0, n.to_string())).collect::<Vec<_>>(),
            vec![(7, "Task-7".to_string())]
        );
        assert_eq!(t.last_events_of(b, 2), vec!["1.000s log hi", "1.000s finished"]);
        assert_eq!(t.logs(), vec![(t1, "Task-7".to_string(), "hi".to_string())]);
    }

    #[test]
    fn a_limited_trace_keeps_the_latest_events_exactly() {
        let kinds = |i: u64| match i % 5 {
            0 => EventKind::Sleep { until: Instant::from_secs(i + 1) },
            1 => EventKind::TimerFired,
            2 => EventKind::Log(format!("log {i}")),
            3 => EventKind::Spawn { child: TaskId(i) },
            _ => EventKind::Note(format!("note {i}")),
        };
        let events: Vec<Event> = (0..103)
            .map(|i| Event {
                at: Instant::from_secs(i / 3),
                task: TaskId(1 + i % 2),
                kind: kinds(i),
            })
            .collect();
        let mut t = Trace::default();
        t.set_limit(Some(10));
        for e in &events {
            t.push(e.clone());
        }
        // Forgotten in chunks: between 10 and 20 of the latest events stay, in order.
        let kept = t.len();
        assert!((10..20).contains(&kept), "{kept}");
        assert_eq!(t.dropped(), (103 - kept) as u64);
        assert_eq!(t.events(), &events[103 - kept..]);
        assert_eq!(t.logs().last().unwrap().2, "log 102");
        assert!(t.text().starts_with(&format!("-- {} earlier events not kept", t.dropped())));
        let mut all = Trace::default();
        for e in &events {
            all.push(e.clone());
        }
        assert_eq!(all.dropped(), 0);
        assert_eq!(all.len(), 103);
        assert!(all.text().starts_with("   0.000s  Task-1"));
    }

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
