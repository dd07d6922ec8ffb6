//! Replaying a schedule, and shrinking a failing one by delta debugging (Zeller's ddmin)
//! over its deviations, with the result explained in words.

use std::future::Future;
use std::time::{Duration, Instant as WallInstant};

use simloop_executor::EventKind;

use super::error::ScheduleError;
use super::recorder::Recorder;
use super::Schedule;
use crate::config::Explore;
use crate::explore::run_with;
use crate::outcome::{RunOutcome, TestOutput};

/// How many runs a shrink may take.
pub const SHRINK_RUNS: usize = 500;

/// Runs `test` following `schedule` (see the [module docs](crate::schedule) for the
/// rule); the outcome's `mismatch` says if a deviation never applied. If one does not
/// apply strictly, the run is made again with each deviation `X over H` applying wherever
/// `H` is ready ahead of `X`, and spent without deviating where `X` is ready with no `H` ahead
/// (an edit that reordered tasks the bug does not involve moves which step is oldest, not
/// the order the deviation stands for); that run stands if all its deviations apply. For the program the schedule was recorded from, the strict run
/// always applies in full.
#[track_caller]
pub fn run_schedule<F, Fut>(options: &Explore, schedule: &Schedule, test: &mut F) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let strict = run_once(options, schedule, false, test);
    if strict.mismatch.is_none() || schedule.deviations().next().is_none() {
        return strict;
    }
    let relaxed = run_once(options, schedule, true, test);
    if relaxed.mismatch.is_none() {
        relaxed
    } else {
        strict
    }
}

/// One replay of `schedule`, strict or relaxed.
#[track_caller]
fn run_once<F, Fut>(
    options: &Explore,
    schedule: &Schedule,
    relaxed: bool,
    test: &mut F,
) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let (recorder, state) = Recorder::replaying(schedule, relaxed);
    let mut out =
        run_with(options, schedule.seed, schedule.policy, Box::new(recorder), &state, test);
    if let Some(super::recorder::Unapplied { index: i, of, run, over, seen }) =
        state.borrow().unapplied()
    {
        let reason = match seen {
            None => format!("{} never became ready", schedule.describe(run)),
            Some(head) => format!(
                "{} was ready, but the oldest ready step of the tasks the schedule knows was {}, \
                 not {}",
                schedule.describe(run),
                head.map_or("none".to_string(), |h| schedule.describe(h)),
                schedule.describe(over)
            ),
        };
        out.mismatch = Some(ScheduleError::StoppedMatching {
            source: options.schedule_source.clone().unwrap_or_else(|| "the schedule".to_string()),
            decision: i + 1,
            of,
            wanted: format!("{} over {}", schedule.describe(run), schedule.describe(over)),
            reason,
        });
    }
    out
}

/// A failing run's schedule, shrunk.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The schedule of the smallest failing run found (re-recorded from that run).
    pub schedule: Schedule,
    /// That run.
    pub run: Box<RunOutcome>,
    /// Deviations of the original failing run.
    pub from: usize,
    /// Runs the shrink took.
    pub runs: usize,
    /// Wall time the shrink took.
    pub took: Duration,
}

impl Shrunk {
    /// Deviations left.
    pub fn deviations(&self) -> usize {
        self.schedule.deviations().count()
    }

    /// The shrunk failure in words: how many preemptions are left, and for each, when,
    /// which task ran ahead of which, and what the preempted task had logged last.
    pub fn explain(&self) -> String {
        let n = self.deviations();
        let mut out = format!(
            "fails with {n} preemption{} (shrunk from {} in {} runs, {:.2} ms)",
            if n == 1 { "" } else { "s" },
            self.from,
            self.runs,
            self.took.as_secs_f64() * 1000.0
        );
        let trace = &self.run.trace;
        for (i, (note, (run, over))) in
            self.run.notes.iter().zip(self.schedule.deviations()).enumerate()
        {
            let ran = trace.name(note.ran);
            let other = trace.name(note.over);
            let step = if over.callback { "callback" } else { "step" };
            out.push_str(&format!(
                "{}\n  at {} {ran} (its step {}) ran ahead of {other}'s {step} {}",
                if i == 0 { ":" } else { ";" },
                note.at,
                run.nth,
                over.nth
            ));
            let seen = note.events.saturating_sub(trace.dropped()) as usize;
            let before = &trace.events()[..seen.min(trace.len())];
            let last_log = before.iter().rev().find_map(|e| match &e.kind {
                EventKind::Log(msg) if e.task == note.over => Some(msg),
                _ => None,
            });
            if let Some(msg) = last_log {
                out.push_str(&format!(" (after {other} logged '{msg}')"));
            }
        }
        out
    }
}

/// Shrinks the schedule of `failing` (a failed run of `test`) to a minimal set of
/// deviations from FIFO order under which the test still fails the same way: ddmin over
/// the deviations, at most `SHRINK_RUNS` (500) runs. `None` if the run passed.
#[track_caller]
pub fn shrink<F, Fut>(options: &Explore, failing: &RunOutcome, test: &mut F) -> Option<Shrunk>
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let kind = failing.failure.as_ref()?.kind;
    let start = WallInstant::now();
    let full = &failing.schedule;
    let from = full.deviations().count();
    let mut runs = 0;
    let mut best = Box::new(failing.clone());
    let mut fails = |keep: &[usize], best: &mut Box<RunOutcome>| -> bool {
        if runs >= SHRINK_RUNS {
            return false;
        }
        runs += 1;
        let run = run_schedule(options, &full.keeping(keep), test);
        let same = run.failure.as_ref().is_some_and(|f| f.kind == kind);
        if same && run.schedule.deviations().count() <= best.schedule.deviations().count() {
            **best = run;
        }
        same
    };
    let mut items: Vec<usize> = (0..from).collect();
    if !items.is_empty() && fails(&[], &mut best) {
        items.clear();
    }
    let mut n = 2;
    while items.len() >= 2 {
        let size = items.len().div_ceil(n);
        let chunks: Vec<Vec<usize>> = items.chunks(size).map(<[usize]>::to_vec).collect();
        let mut reduced = false;
        for c in &chunks {
            if fails(c, &mut best) {
                items = c.clone();
                n = 2;
                reduced = true;
                break;
            }
        }
        if !reduced && chunks.len() > 2 {
            for i in 0..chunks.len() {
                let rest: Vec<usize> = chunks
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, c)| c.iter().copied())
                    .collect();
                if fails(&rest, &mut best) {
                    items = rest;
                    n = (n - 1).max(2);
                    reduced = true;
                    break;
                }
            }
        }
        if !reduced {
            if n >= items.len() {
                break;
            }
            n = (2 * n).min(items.len());
        }
    }
    if items.len() == 1 {
        fails(&items, &mut best);
    }
    let schedule = best.schedule.clone();
    Some(Shrunk { schedule, run: best, from, runs, took: start.elapsed() })
}
