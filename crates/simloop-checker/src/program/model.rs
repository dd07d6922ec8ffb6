//! The model: predicts, without running anything, how every task of a program ends and
//! how much virtual time the run takes.
//!
//! It works on virtual instants only. A task's ops take no time except `Sleep`; an
//! `Await` resumes at `max(now, child's end)`; a `Cancel` at instant `t` stops the child
//! at `t` if it has not ended by then (and never lets it start if it was spawned in the
//! same step). A `Wait` resumes at the instant its mode is decided (the last child's end,
//! the first's, or the first failure's) or at its timeout, whichever is earlier, and
//! cancels nothing. Nothing else orders tasks, so whatever the model can decide holds
//! under every scheduling policy.
//!
//! The model predicts outcomes and elapsed time, not log lines, so it never needs a
//! `Wait`'s done/pending split (which can depend on the order of steps when a child ends
//! at the instant the wait returns); it only counts as done what surely is.
//!
//! Where the result would depend on the order of steps *within* one instant (a child
//! cancelled at the very instant it ends or does something that matters, a task ending
//! at the instant main ends without main having awaited it) the model says
//! [`Prediction::OrderDependent`] with the reason, and makes no claim.

use std::collections::{BTreeMap, BTreeSet};

use simloop_executor::Instant;

use super::ast::{child_name, names_used, resolve, Block, Millis, Op, Program, ReturnWhen};
use super::interp::{End, Outcome};

/// What the model says about a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prediction {
    /// The outcome and elapsed time, the same under every policy and seed.
    Determined(Outcome),
    /// The outcome depends on the order of steps within an instant; why.
    OrderDependent(String),
}

impl Prediction {
    /// The predicted outcome, if determined.
    pub fn outcome(&self) -> Option<&Outcome> {
        match self {
            Prediction::Determined(o) => Some(o),
            Prediction::OrderDependent(_) => None,
        }
    }
}

/// Where a task is stopped by cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    /// Never cancelled.
    Never,
    /// Cancelled at this instant (ms), in a later step than the one that spawned it.
    At(u64),
    /// Cancelled in the same step that spawned it: it never runs.
    BeforeStart,
}

/// One task's simulated life.
#[derive(Clone, Debug)]
struct Sim {
    /// The instant (ms) it ends.
    end_time: u64,
    end: End,
    /// Its descendants: name, parent's name, start instant, end instant, end.
    tasks: Vec<(String, String, u64, u64, End)>,
    /// Tasks known to have ended before this one ends (awaited, transitively).
    awaited: BTreeSet<String>,
}

type Ambiguous = String;

struct Kid<'a> {
    block: &'a Block,
    name: String,
    start: u64,
    step: u64,
    cut: Cut,
}

impl Kid<'_> {
    fn sim(&self) -> Result<Sim, Ambiguous> {
        sim(self.block, &self.name, self.start, self.cut)
    }
}

fn cancelled(name: &str, cut_at: u64, kids: &[Kid<'_>]) -> Result<Sim, Ambiguous> {
    finish(name, cut_at, End::Cancelled, kids, BTreeSet::new())
}

fn finish(
    name: &str,
    end_time: u64,
    end: End,
    kids: &[Kid<'_>],
    awaited: BTreeSet<String>,
) -> Result<Sim, Ambiguous> {
    let mut tasks = Vec::new();
    for kid in kids {
        let s = kid.sim()?;
        tasks.push((kid.name.clone(), name.to_string(), kid.start, s.end_time, s.end));
        tasks.extend(s.tasks);
    }
    Ok(Sim { end_time, end, tasks, awaited })
}

/// How running a list of ops ended.
enum Flow {
    /// Ran to the end of the list.
    Next,
    /// The task ended (failed or panicked).
    End(End),
    /// Stopped by the deadline at this index of `Run::deadlines` (0: the task's
    /// cancellation; above: a `Timeout`), at that deadline's instant.
    Stop(usize),
}

/// One task being simulated.
struct Run<'a> {
    name: &'a str,
    now: u64,
    step: u64,
    kids: Vec<Kid<'a>>,
    /// Child names used so far (names are static: a timeout body uses all of its own).
    named: usize,
    awaited: BTreeSet<String>,
    /// Instants that stop the task: `[0]` its cancellation (`u64::MAX`: none), then one
    /// per enclosing `Timeout`, outermost first.
    deadlines: Vec<u64>,
}

impl<'a> Run<'a> {
    /// Whether an op that matters, at `now`, may run before or after a deadline at the
    /// same instant.
    fn at_deadline(&self, what: &str) -> Result<(), Ambiguous> {
        if self.deadlines.contains(&self.now) {
            return Err(format!(
                "{} {what} at {}ms, the instant it is cancelled or times out",
                self.name, self.now
            ));
        }
        Ok(())
    }

    /// The deadline `now` has passed, if any.
    fn passed(&self) -> Result<Option<usize>, Ambiguous> {
        let Some(&first) = self.deadlines.iter().min() else { return Ok(None) };
        if self.now <= first {
            return Ok(None);
        }
        if self.deadlines.iter().filter(|d| **d == first).count() > 1 {
            return Err(format!(
                "{} is cancelled and times out (or two timeouts fire) at {first}ms",
                self.name
            ));
        }
        Ok(self.deadlines.iter().position(|d| *d == first))
    }

    fn name_next(&mut self) -> String {
        self.named += 1;
        child_name(self.name, self.named)
    }

    fn ops(&mut self, ops: &'a [Op]) -> Result<Flow, Ambiguous> {
        // Indices in `kids` of the children made by `Spawn` here (the ones with handles).
        let mut refs: Vec<usize> = Vec::new();
        for op in ops {
            match op {
                Op::Sleep(ms) => {
                    self.now += u64::from(*ms);
                    self.step += 1;
                    if let Some(i) = self.passed()? {
                        return Ok(Flow::Stop(i));
                    }
                }
                Op::Log(_) => {}
                Op::Spawn(b) => {
                    self.at_deadline("spawns a child")?;
                    let name = self.name_next();
                    refs.push(self.kids.len());
                    let (start, step) = (self.now, self.step);
                    self.kids.push(Kid { block: b, name, start, step, cut: Cut::Never });
                }
                Op::Await { child, propagate } => {
                    let Some(i) = resolve(*child, refs.len()).map(|i| refs[i]) else { continue };
                    let s = self.kids[i].sim()?;
                    self.step += 1;
                    self.now = self.now.max(s.end_time);
                    if s.end_time == self.now {
                        // Stopped at this instant, before or after the child ends: the
                        // child is cancelled with it or not.
                        self.at_deadline(&format!("awaits {}, which ends", self.kids[i].name))?;
                    }
                    if let Some(d) = self.passed()? {
                        // Stopped while awaiting: the awaited child is cancelled too
                        // (asyncio's Task.cancel() cancels the future the task waits on).
                        self.kids[i].cut = Cut::At(self.deadlines[d]);
                        return Ok(Flow::Stop(d));
                    }
                    self.awaited.insert(self.kids[i].name.clone());
                    self.awaited.extend(s.awaited.iter().cloned());
                    match s.end {
                        End::Failed(_) | End::Panicked(_) if *propagate => {
                            self.at_deadline("ends by propagating a failure")?;
                            return Ok(Flow::End(s.end));
                        }
                        _ => {}
                    }
                }
                Op::Cancel(c) => {
                    let Some(i) = resolve(*c, refs.len()).map(|i| refs[i]) else { continue };
                    self.at_deadline("cancels a child")?;
                    let kid = &self.kids[i];
                    if kid.cut != Cut::Never {
                        continue;
                    }
                    if kid.start == self.now && kid.step == self.step {
                        self.kids[i].cut = Cut::BeforeStart;
                        continue;
                    }
                    let s = kid.sim()?;
                    if s.end_time == self.now {
                        return Err(format!(
                            "{} cancels {} at {}ms, the instant it ends",
                            self.name, kid.name, self.now
                        ));
                    }
                    if s.end_time > self.now {
                        self.kids[i].cut = Cut::At(self.now);
                    }
                }
                Op::Gather { children, .. } | Op::Group { children, .. } => {
                    if let Some(flow) = self.gather(op, children)? {
                        return Ok(flow);
                    }
                }
                Op::Wait { mode, timeout_ms, children } => {
                    if let Some(flow) = self.wait(*mode, *timeout_ms, children)? {
                        return Ok(flow);
                    }
                }
                Op::Timeout { ms, body } => {
                    self.deadlines.push(self.now + u64::from(*ms));
                    let level = self.deadlines.len() - 1;
                    let after = self.named + names_used(&body.ops);
                    let flow = self.ops(&body.ops)?;
                    self.named = after;
                    if matches!(flow, Flow::Next) {
                        self.at_deadline("leaves a timeout")?;
                    }
                    let deadline = self.deadlines.pop().unwrap_or(self.now);
                    match flow {
                        Flow::Next => {}
                        Flow::Stop(l) if l == level => self.now = deadline,
                        other => return Ok(other),
                    }
                }
                Op::Fail => {
                    self.at_deadline("fails")?;
                    return Ok(Flow::End(End::Failed(format!("fail {}", self.name))));
                }
                Op::Panic => {
                    self.at_deadline("panics")?;
                    return Ok(Flow::End(End::Panicked(format!("panic {}", self.name))));
                }
                Op::Catch { .. } => {
                    // What a cleanup does depends on when the cancellation arrives, which
                    // the model does not follow (the CPython oracle does).
                    return Err(format!("{} catches a cancellation", self.name));
                }
                Op::Locked(_)
                | Op::Permit(_)
                | Op::SetEvent
                | Op::WaitEvent(_)
                | Op::Put { .. }
                | Op::Get(_) => {
                    // Who gets a lock, a permit or an item depends on the order tasks
                    // run in: the model does not follow it (the CPython oracle does).
                    return Err(format!("{} uses a lock, semaphore, event or queue", self.name));
                }
            }
        }
        Ok(Flow::Next)
    }

    /// Spawns `children` in one step (for `Gather`, `Group` and `Wait`): the index of the
    /// first in `kids`, and how each would run uncut.
    fn spawn_children(&mut self, children: &'a [Block]) -> Result<(usize, Vec<Sim>), Ambiguous> {
        self.at_deadline("spawns children")?;
        let first = self.kids.len();
        for b in children {
            let name = self.name_next();
            let (start, step) = (self.now, self.step);
            self.kids.push(Kid { block: b, name, start, step, cut: Cut::Never });
        }
        self.step += 1;
        let sims = self.kids[first..].iter().map(Kid::sim).collect::<Result<Vec<_>, _>>()?;
        Ok((first, sims))
    }

    /// `Gather` and `Group`: `None` to go on, or how the task's ops stop.
    fn gather(&mut self, op: &Op, children: &'a [Block]) -> Result<Option<Flow>, Ambiguous> {
        if children.is_empty() {
            return Ok(None);
        }
        let group = matches!(op, Op::Group { .. });
        let (fail_fast, propagate) = match op {
            Op::Gather { fail_fast, propagate, .. } => (*fail_fast, *fail_fast && *propagate),
            Op::Group { propagate, .. } => (true, *propagate),
            _ => (false, false),
        };
        let what = if group {
            "group"
        } else if fail_fast {
            "try_gather"
        } else {
            "gather"
        };
        let (first, sims) = self.spawn_children(children)?;
        let last = sims.iter().map(|s| s.end_time).max().unwrap_or(self.now);
        let failing = if fail_fast {
            sims.iter()
                .enumerate()
                .filter(|(_, s)| is_failure(&s.end))
                .min_by_key(|(_, s)| s.end_time)
                .map(|(j, _)| j)
        } else {
            None
        };
        let resume = match failing {
            Some(j) => {
                let tf = sims[j].end_time;
                let tied = sims
                    .iter()
                    .filter(|s| s.end_time == tf && (group || is_failure(&s.end)))
                    .count();
                if tied > 1 {
                    return Err(format!(
                        "two children of {}'s {what} end at {tf}ms, one failing",
                        self.name
                    ));
                }
                tf
            }
            None => last,
        };
        self.now = self.now.max(resume);
        if sims.iter().any(|s| s.end_time == self.now) {
            // Stopped at the instant children end: before them (they are cancelled with
            // the gather) or after.
            self.at_deadline(&format!("waits in its {what} for children that end"))?;
        }
        if let Some(d) = self.passed()? {
            // Dropping a pending gather or group cancels its unfinished children.
            let limit = self.deadlines[d];
            for (j, s) in sims.iter().enumerate() {
                if s.end_time == limit {
                    return Err(format!(
                        "{} is stopped at {limit}ms in its {what}, the instant {} ends",
                        self.name,
                        self.kids[first + j].name
                    ));
                }
                if s.end_time > limit {
                    self.kids[first + j].cut = Cut::At(limit);
                }
            }
            return Ok(Some(Flow::Stop(d)));
        }
        for (j, s) in sims.iter().enumerate() {
            let done = match failing {
                Some(f) if !group => f == j,
                _ => true,
            };
            if group && failing.is_some() && s.end_time > self.now {
                // Cancelled by the group. A task cancelled inside its own group cannot
                // wait for that group's children (Rust drops it), so only what the cut
                // child awaited before counts.
                self.kids[first + j].cut = Cut::At(self.now);
                self.awaited.insert(self.kids[first + j].name.clone());
                self.awaited.extend(self.kids[first + j].sim()?.awaited);
                continue;
            }
            if done {
                self.awaited.insert(self.kids[first + j].name.clone());
                self.awaited.extend(s.awaited.iter().cloned());
            }
        }
        if let (Some(j), true) = (failing, propagate) {
            self.at_deadline("ends by propagating a failure")?;
            return Ok(Some(Flow::End(sims[j].end.clone())));
        }
        Ok(None)
    }
}

impl<'a> Run<'a> {
    /// `Wait`: `None` to go on, or how the task's ops stop. The children are never cut:
    /// neither the wait's timeout nor this task's cancellation reaches them.
    fn wait(
        &mut self,
        mode: ReturnWhen,
        timeout_ms: Option<Millis>,
        children: &'a [Block],
    ) -> Result<Option<Flow>, Ambiguous> {
        if children.is_empty() {
            return Ok(None);
        }
        let (first, sims) = self.spawn_children(children)?;
        let ends = sims.iter().map(|s| s.end_time);
        let (last, soonest) = (ends.clone().max().unwrap_or(self.now), ends.min().unwrap_or(0));
        let failure = sims.iter().filter(|s| is_failure(&s.end)).map(|s| s.end_time).min();
        // The instant the mode is satisfied, and whether that needs every child.
        let (decided, needs_all) = match (mode, failure) {
            (ReturnWhen::AllCompleted, _) | (ReturnWhen::FirstException, None) => (last, true),
            (ReturnWhen::FirstCompleted, _) => (soonest, false),
            (ReturnWhen::FirstException, Some(t)) => (t, false),
        };
        let timer = timeout_ms.map(|ms| self.now + u64::from(ms));
        // Returned by a child's completion (not by the timer, nor in a tie with it).
        let by_completion = timer.map_or(true, |w| decided < w);
        let resume = timer.map_or(decided, |w| w.min(decided));
        self.now = self.now.max(resume);
        if let Some(d) = self.passed()? {
            return Ok(Some(Flow::Stop(d)));
        }
        // Done for sure when this task resumes: every child ending earlier; all of them
        // if the mode needed all; the one that decided it if no other ends at its instant.
        // Not those ending as it resumes if it may be stopped at that instant instead.
        let by_completion = by_completion && !self.deadlines.contains(&resume);
        let tied = sims.iter().filter(|s| s.end_time == resume).count();
        for (j, s) in sims.iter().enumerate() {
            let done = (by_completion && needs_all)
                || s.end_time < resume
                || (by_completion && tied == 1 && s.end_time == resume);
            if done {
                self.awaited.insert(self.kids[first + j].name.clone());
                self.awaited.extend(s.awaited.iter().cloned());
            }
        }
        Ok(None)
    }
}

fn sim(block: &Block, name: &str, start: u64, cut: Cut) -> Result<Sim, Ambiguous> {
    if cut == Cut::BeforeStart {
        return finish(name, start, End::Cancelled, &[], BTreeSet::new());
    }
    let limit = match cut {
        Cut::At(t) => t,
        _ => u64::MAX,
    };
    let mut run = Run {
        name,
        now: start,
        step: 0,
        kids: Vec::new(),
        named: 0,
        awaited: BTreeSet::new(),
        deadlines: vec![limit],
    };
    let flow = run.ops(&block.ops)?;
    let end = match flow {
        Flow::Next => {
            run.at_deadline("returns")?;
            End::Ok(u64::from(block.ret))
        }
        Flow::End(end) => end,
        Flow::Stop(_) => return cancelled(name, limit, &run.kids),
    };
    finish(name, run.now, end, &run.kids, run.awaited)
}

fn is_failure(end: &End) -> bool {
    matches!(end, End::Failed(_) | End::Panicked(_))
}

/// Predicts `program`'s outcome and elapsed time under every policy and seed, or says why
/// it depends on the order of steps within an instant.
///
/// ```
/// use simloop_checker::program::{model, Block, End, Op, Program};
///
/// let child = Block { ops: vec![Op::Sleep(500)], ret: 2 };
/// let program = Program {
///     main: Block {
///         ops: vec![Op::Spawn(child), Op::Await { child: 0, propagate: true }],
///         ret: 1,
///     },
/// };
/// let outcome = model::predict(&program).outcome().cloned().unwrap();
/// assert_eq!(outcome.main, End::Ok(1));
/// assert_eq!(outcome.tasks["t1"], End::Ok(2));
/// assert_eq!(outcome.elapsed.as_nanos(), 500_000_000);
/// ```
pub fn predict(program: &Program) -> Prediction {
    let main = match sim(&program.main, "main", 0, Cut::Never) {
        Ok(s) => s,
        Err(why) => return Prediction::OrderDependent(why),
    };
    let mut tasks = BTreeMap::new();
    for (name, parent, start, end_time, end) in main.tasks {
        let spawned = parent == "main" || main.awaited.contains(&parent) || start < main.end_time;
        if !spawned {
            if start == main.end_time {
                return Prediction::OrderDependent(format!(
                    "{parent} spawns {name} at {start}ms, the instant main ends"
                ));
            }
            continue;
        }
        let end = if end_time < main.end_time || main.awaited.contains(&name) {
            end
        } else if end_time > main.end_time {
            End::Pending
        } else {
            return Prediction::OrderDependent(format!(
                "{name} ends at {end_time}ms, the instant main ends, and main did not await it"
            ));
        };
        tasks.insert(name, end);
    }
    Prediction::Determined(Outcome {
        main: main.end,
        tasks,
        elapsed: Instant::from_millis(main.end_time),
    })
}
