//! The model: predicts, without running anything, how every task of a program ends and
//! how much virtual time the run takes.
//!
//! It works on virtual instants only. A task's ops take no time except `Sleep`; an
//! `Await` resumes at `max(now, child's end)`; a `Cancel` at instant `t` stops the child
//! at `t` if it has not ended by then (and never lets it start if it was spawned in the
//! same step). Nothing else orders tasks, so whatever the model can decide holds under
//! every scheduling policy.
//!
//! Where the result would depend on the order of steps *within* one instant (a child
//! cancelled at the very instant it ends or does something that matters, a task ending
//! at the instant main ends without main having awaited it) the model says
//! [`Prediction::OrderDependent`] with the reason, and makes no claim.

use std::collections::{BTreeMap, BTreeSet};

use simloop_executor::Instant;

use super::ast::{child_name, resolve, Block, Op, Program};
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

/// Whether the task, cut at `cut`, may or may not do something that matters at `now`.
fn at_cut(cut: Cut, now: u64, name: &str, what: &str) -> Result<(), Ambiguous> {
    match cut {
        Cut::At(t) if t == now => {
            Err(format!("{name} is cancelled at {now}ms, the instant it {what}"))
        }
        _ => Ok(()),
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

fn sim(block: &Block, name: &str, start: u64, cut: Cut) -> Result<Sim, Ambiguous> {
    if cut == Cut::BeforeStart {
        return finish(name, start, End::Cancelled, &[], BTreeSet::new());
    }
    let limit = match cut {
        Cut::At(t) => t,
        _ => u64::MAX,
    };
    let mut now = start;
    let mut step = 0u64;
    let mut kids: Vec<Kid<'_>> = Vec::new();
    // Indices in `kids` of the children made by `Spawn` (the ones with handles).
    let mut refs: Vec<usize> = Vec::new();
    let mut awaited = BTreeSet::new();
    for op in &block.ops {
        match op {
            Op::Sleep(ms) => {
                now += u64::from(*ms);
                step += 1;
                if now > limit {
                    return cancelled(name, limit, &kids);
                }
            }
            Op::Log(_) => {}
            Op::Spawn(b) => {
                at_cut(cut, now, name, "spawns a child")?;
                let cname = child_name(name, kids.len() + 1);
                refs.push(kids.len());
                kids.push(Kid { block: b, name: cname, start: now, step, cut: Cut::Never });
            }
            Op::Await { child, propagate } => {
                let Some(i) = resolve(*child, refs.len()).map(|i| refs[i]) else { continue };
                let s = kids[i].sim()?;
                step += 1;
                now = now.max(s.end_time);
                if now > limit {
                    // Cancelled while awaiting: the awaited child is cancelled too
                    // (asyncio's Task.cancel() cancels the future the task waits on).
                    kids[i].cut = Cut::At(limit);
                    return cancelled(name, limit, &kids);
                }
                awaited.insert(kids[i].name.clone());
                awaited.extend(s.awaited.iter().cloned());
                let end = match s.end {
                    End::Failed(m) if *propagate => End::Failed(m),
                    End::Panicked(m) if *propagate => End::Panicked(m),
                    _ => continue,
                };
                at_cut(cut, now, name, "ends by propagating a failure")?;
                return finish(name, now, end, &kids, awaited);
            }
            Op::Cancel(c) => {
                let Some(i) = resolve(*c, refs.len()).map(|i| refs[i]) else { continue };
                at_cut(cut, now, name, "cancels a child")?;
                let kid = &kids[i];
                if kid.cut != Cut::Never {
                    continue;
                }
                if kid.start == now && kid.step == step {
                    kids[i].cut = Cut::BeforeStart;
                    continue;
                }
                let s = kid.sim()?;
                if s.end_time == now {
                    return Err(format!(
                        "{name} cancels {} at {now}ms, the instant it ends",
                        kid.name
                    ));
                }
                if s.end_time > now {
                    kids[i].cut = Cut::At(now);
                }
            }
            Op::Gather { children, .. } | Op::Group { children, .. } => {
                if children.is_empty() {
                    continue;
                }
                let group = matches!(op, Op::Group { .. });
                let (fail_fast, propagate) = match op {
                    Op::Gather { fail_fast, propagate, .. } => {
                        (*fail_fast, *fail_fast && *propagate)
                    }
                    Op::Group { propagate, .. } => (true, *propagate),
                    _ => unreachable!(),
                };
                let what = if group {
                    "group"
                } else if fail_fast {
                    "try_gather"
                } else {
                    "gather"
                };
                at_cut(cut, now, name, "spawns children")?;
                let first = kids.len();
                for b in children {
                    let cname = child_name(name, kids.len() + 1);
                    kids.push(Kid { block: b, name: cname, start: now, step, cut: Cut::Never });
                }
                step += 1;
                let sims = kids[first..].iter().map(Kid::sim).collect::<Result<Vec<_>, _>>()?;
                let last = sims.iter().map(|s| s.end_time).max().unwrap_or(now);
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
                                "two children of {name}'s {what} end at {tf}ms, one failing"
                            ));
                        }
                        tf
                    }
                    None => last,
                }
                .max(now);
                if resume > limit {
                    // Dropping a pending gather or group cancels its unfinished children.
                    for (j, s) in sims.iter().enumerate() {
                        if s.end_time == limit {
                            return Err(format!(
                                "{name} is cancelled at {limit}ms in its {what}, the instant \
                                 {} ends",
                                kids[first + j].name
                            ));
                        }
                        if s.end_time > limit {
                            kids[first + j].cut = Cut::At(limit);
                        }
                    }
                    return cancelled(name, limit, &kids);
                }
                now = resume;
                for (j, s) in sims.iter().enumerate() {
                    let done = match failing {
                        Some(f) if !group => f == j,
                        _ => true,
                    };
                    if group && failing.is_some() && s.end_time > now {
                        // Cancelled by the group. A task cancelled inside its own group
                        // cannot wait for that group's children (Rust drops it), so
                        // only what the cut child awaited before counts.
                        kids[first + j].cut = Cut::At(now);
                        if done {
                            awaited.insert(kids[first + j].name.clone());
                            awaited.extend(kids[first + j].sim()?.awaited);
                        }
                        continue;
                    }
                    if done {
                        awaited.insert(kids[first + j].name.clone());
                        awaited.extend(s.awaited.iter().cloned());
                    }
                }
                if let (Some(j), true) = (failing, propagate) {
                    at_cut(cut, now, name, "ends by propagating a failure")?;
                    return finish(name, now, sims[j].end.clone(), &kids, awaited);
                }
            }
            Op::Fail => {
                at_cut(cut, now, name, "fails")?;
                return finish(name, now, End::Failed(format!("fail {name}")), &kids, awaited);
            }
            Op::Panic => {
                at_cut(cut, now, name, "panics")?;
                return finish(name, now, End::Panicked(format!("panic {name}")), &kids, awaited);
            }
        }
    }
    at_cut(cut, now, name, "returns")?;
    finish(name, now, End::Ok(u64::from(block.ret)), &kids, awaited)
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
