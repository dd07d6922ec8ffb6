//! The recorder: a scheduler that wraps the run's policy (or, replaying, follows a
//! schedule), names every task and step by identity, and records the decisions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use simloop_executor::sched::{Fifo, Ready, Scheduler, Spawn};
use simloop_executor::{Instant, TaskId};

use super::{Decision, Schedule, StepRef};

/// The identity of a task spawned with this type of future: the type's path without
/// `{{closure}}` segments and without any `@file:line:col` a compiler may print.
fn future_key(type_name: &str) -> String {
    let mut out = String::new();
    let mut skip = 0usize;
    for c in type_name.chars() {
        match c {
            '@' => skip += 1,
            '}' if skip > 0 => skip -= 1,
            _ if skip > 0 => {}
            _ => out.push(c),
        }
    }
    out.replace("::{{closure}}", "").replace("{{closure}}", "closure")
}

/// Where a deviation was made, for the explanation of a shrunk schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Note {
    pub(crate) at: Instant,
    /// The trace's length then ([`simloop_executor::events_recorded`]).
    pub(crate) events: u64,
    pub(crate) ran: TaskId,
    pub(crate) over: TaskId,
}

/// The first deviation of a replayed schedule that never applied.
pub(crate) struct Unapplied {
    /// Its position among the deviations (0-based), and how many there are.
    pub(crate) index: usize,
    pub(crate) of: usize,
    /// The deviation.
    pub(crate) run: StepRef,
    pub(crate) over: StepRef,
    /// `None`: `run` never became ready; `Some(head)`: it did, while `head` (or no step
    /// of a known task) was the oldest ready one.
    pub(crate) seen: Option<Option<StepRef>>,
}

/// The replay plan: the schedule's deviations and draws, in its own task numbering.
struct Plan {
    runs: Vec<(StepRef, StepRef)>,
    next: usize,
    draws: HashMap<(usize, u32), u64>,
    known: HashMap<String, usize>,
    /// The first unapplied deviation's step was seen ready (and what was oldest then).
    seen: Option<Option<StepRef>>,
    /// A deviation `run over H` applies when `H` is ready anywhere ahead of `run`, not only
    /// as the oldest ready step of a known task, and is spent without deviating when `run`
    /// is ready and `H` is not ready ahead of it (the second try of a replay whose strict one stopped matching: an
    /// edit reordered known tasks that are not part of the bug).
    relaxed: bool,
}

/// What a run's recorder knows and recorded, shared with the checker.
#[derive(Default)]
pub(crate) struct Recording {
    tasks: Vec<String>,
    /// Each task's index in `tasks`, by task number (task numbers count up from 0).
    live: Vec<Option<usize>>,
    occurrences: HashMap<String, u32>,
    polls: Vec<u32>,
    callbacks: Vec<u32>,
    draws: Vec<u32>,
    /// The plan's index of each live task (`None`: a task the schedule does not know).
    to_plan: Vec<Option<usize>>,
    current: usize,
    decisions: Vec<Decision>,
    notes: Vec<Note>,
    plan: Option<Plan>,
}

impl Recording {
    fn add_task(&mut self, key: String) -> usize {
        let n = self.occurrences.entry(key.clone()).or_insert(0);
        *n += 1;
        let identity = if *n == 1 { key } else { format!("{key}#{n}") };
        let plan = self.plan.as_ref().and_then(|p| p.known.get(&identity).copied());
        self.tasks.push(identity);
        self.polls.push(0);
        self.callbacks.push(0);
        self.draws.push(0);
        self.to_plan.push(plan);
        self.tasks.len() - 1
    }

    fn spawned(&mut self, s: &Spawn<'_>) {
        let key = match s.name {
            Some(name) => name.to_string(),
            None => {
                let parent =
                    s.parent.and_then(|p| self.live_index(p)).map(|i| self.tasks[i].clone());
                let future = future_key(s.future);
                match parent {
                    Some(p) => format!("{p}/{future}"),
                    None => future,
                }
            }
        };
        let index = self.add_task(key);
        self.set_live(s.task, index);
    }

    fn live_index(&self, task: TaskId) -> Option<usize> {
        self.live.get(task.as_u64() as usize).copied().flatten()
    }

    fn set_live(&mut self, task: TaskId, index: usize) {
        let at = task.as_u64() as usize;
        if self.live.len() <= at {
            self.live.resize(at + 1, None);
        }
        self.live[at] = Some(index);
    }

    fn index_of(&mut self, task: TaskId) -> usize {
        match self.live_index(task) {
            Some(i) => i,
            None => {
                let i = self.add_task("(callback)".to_string());
                self.set_live(task, i);
                i
            }
        }
    }

    /// The identity of ready step `i`.
    fn step_at(&mut self, ready: &Ready<'_>, i: usize) -> StepRef {
        let owner = ready.task(i);
        let task = self.index_of(owner);
        if ready.is_callback(i) {
            let rank = (0..i).filter(|j| ready.is_callback(*j) && ready.task(*j) == owner).count();
            StepRef { task, callback: true, nth: self.callbacks[task] + rank as u32 + 1 }
        } else {
            StepRef { task, callback: false, nth: self.polls[task] + 1 }
        }
    }

    /// A live step in the plan's numbering (`None`: a task the plan does not know).
    fn in_plan(&self, s: StepRef) -> Option<StepRef> {
        self.to_plan[s.task].map(|task| StepRef { task, ..s })
    }

    /// Replaying: the index to run.
    fn replay_pick(&mut self, ready: &Ready<'_>) -> usize {
        loop {
            let Some((want, over)) = self.plan.as_ref().and_then(|p| p.runs.get(p.next).copied())
            else {
                return 0;
            };
            let mut head = None;
            let mut found = None;
            // Whether `over` is ready ahead of `want`.
            let mut over_ahead = false;
            for i in 0..ready.len() {
                let live = self.step_at(ready, i);
                let Some(s) = self.in_plan(live) else { continue };
                if head.is_none() {
                    head = Some(s);
                }
                if s == want {
                    found = Some(i);
                }
                over_ahead |= s == over && found.is_none();
            }
            let plan = self.plan.as_mut().expect("replaying");
            let applies = head == Some(over) || (plan.relaxed && over_ahead);
            match found {
                Some(i) if applies => {
                    plan.next += 1;
                    plan.seen = None;
                    return i;
                }
                // Relaxed: `over` is not ready ahead of `want` (an edit put it behind, or
                // it is not ready at all): there is nothing to overtake, and the
                // deviation is spent without deviating.
                Some(_) if plan.relaxed => {
                    plan.next += 1;
                    plan.seen = None;
                }
                Some(_) => {
                    plan.seen = Some(head);
                    return 0;
                }
                None => return 0,
            }
        }
    }

    fn pick(&mut self, ready: &Ready<'_>, chosen: usize) {
        let step = self.step_at(ready, chosen);
        if ready.len() > 1 && chosen != 0 {
            let over = self.step_at(ready, 0);
            self.decisions.push(Decision::Run { run: step, over });
            let at = simloop_executor::try_now().unwrap_or(Instant::ZERO);
            let events = simloop_executor::events_recorded().unwrap_or(0);
            self.notes.push(Note { at, events, ran: ready.task(chosen), over: ready.task(0) });
        }
        if step.callback {
            self.callbacks[step.task] += 1;
        } else {
            self.polls[step.task] += 1;
        }
        self.current = step.task;
    }

    /// The recorded draw for the current task's next draw, if replaying one.
    fn planned_draw(&mut self) -> (usize, u32, Option<u64>) {
        let task = self.current;
        self.draws[task] += 1;
        let nth = self.draws[task];
        let planned = self
            .to_plan
            .get(task)
            .copied()
            .flatten()
            .and_then(|t| self.plan.as_ref().and_then(|p| p.draws.get(&(t, nth)).copied()));
        (task, nth, planned)
    }

    /// The schedule recorded, for test `test`.
    pub(crate) fn schedule(
        &self,
        test: &str,
        policy: simloop_executor::Policy,
        seed: u64,
    ) -> Schedule {
        Schedule {
            test: test.to_string(),
            policy,
            seed,
            tasks: self.tasks.clone(),
            decisions: self.decisions.clone(),
        }
    }

    /// Where each recorded deviation was made.
    pub(crate) fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Replaying: the first deviation that never applied, with why, in the plan's words.
    pub(crate) fn unapplied(&self) -> Option<Unapplied> {
        let p = self.plan.as_ref()?;
        let (run, over) = *p.runs.get(p.next)?;
        Some(Unapplied { index: p.next, of: p.runs.len(), run, over, seen: p.seen })
    }
}

/// The scheduler of a checker run: the policy's picks and draws, or a schedule's, named
/// and recorded in a [`Recording`] the checker reads after the run.
pub(crate) struct Recorder {
    policy: Option<Box<dyn Scheduler>>,
    fallback: Fifo,
    state: Rc<RefCell<Recording>>,
}

impl Recorder {
    /// Records the run `policy` makes.
    pub(crate) fn new(policy: Box<dyn Scheduler>) -> (Recorder, Rc<RefCell<Recording>>) {
        let state = Rc::new(RefCell::new(Recording::default()));
        (Recorder { policy: Some(policy), fallback: Fifo::new(0), state: state.clone() }, state)
    }

    /// Follows `schedule` (and records what it did); `relaxed`: see `Plan::relaxed`.
    pub(crate) fn replaying(
        schedule: &Schedule,
        relaxed: bool,
    ) -> (Recorder, Rc<RefCell<Recording>>) {
        let known = schedule.tasks.iter().enumerate().map(|(i, t)| (t.clone(), i)).collect();
        let draws = schedule
            .decisions
            .iter()
            .filter_map(|d| match d {
                Decision::Draw { task, nth, value } => Some(((*task, *nth), *value)),
                Decision::Run { .. } => None,
            })
            .collect();
        let runs = schedule.deviations().collect();
        let plan = Plan { runs, next: 0, draws, known, seen: None, relaxed };
        let state = Rc::new(RefCell::new(Recording { plan: Some(plan), ..Recording::default() }));
        let fallback = Fifo::new(schedule.seed);
        (Recorder { policy: None, fallback, state: state.clone() }, state)
    }
}

impl Scheduler for Recorder {
    fn pick(&mut self, ready: &Ready<'_>) -> usize {
        let mut state = self.state.borrow_mut();
        let chosen = match &mut self.policy {
            Some(p) => p.pick(ready).min(ready.len() - 1),
            None if ready.len() > 1 => state.replay_pick(ready),
            None => 0,
        };
        state.pick(ready, chosen);
        chosen
    }

    fn draw(&mut self) -> u64 {
        let (task, nth, planned) = self.state.borrow_mut().planned_draw();
        let value = match (planned, &mut self.policy) {
            (Some(v), _) => v,
            (None, Some(p)) => p.draw(),
            (None, None) => self.fallback.draw(),
        };
        self.state.borrow_mut().decisions.push(Decision::Draw { task, nth, value });
        value
    }

    fn wants_spawns(&self) -> bool {
        true
    }

    fn spawned(&mut self, spawn: &Spawn<'_>) {
        self.state.borrow_mut().spawned(spawn);
    }
}
