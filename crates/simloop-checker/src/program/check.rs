//! The properties every generated case must satisfy, as plain functions, shared by the
//! proptest suite, the fuzz target and its corpus replay.

use std::collections::BTreeMap;

use simloop_executor::{EventKind, Policy, TaskId};

use super::ast::Case;
use super::interp::{self, Outcome, Run};
use super::model::{self, Prediction};

/// What checking one case found, when every property held.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Whether the model determined the outcome (the outcome and elapsed properties
    /// applied).
    pub determined: bool,
    /// The run under the case's own seed and policy.
    pub run: Run,
}

/// The policies a determined program is also run under, besides the case's own.
pub fn other_policies(seed: u64) -> [(u64, Policy); 3] {
    [(seed, Policy::Fifo), (seed, Policy::Random), (seed ^ 0x9e37_79b9, Policy::pct(3))]
}

/// Virtual time never goes backwards in a trace.
pub fn time_is_monotonic(run: &Run) -> Result<(), String> {
    let events = run.trace.events();
    for w in events.windows(2) {
        if w[1].at < w[0].at {
            return Err(format!(
                "virtual time went backwards: {} ({:?}) after {} ({:?})",
                w[1].at, w[1].kind, w[0].at, w[0].kind
            ));
        }
    }
    if let Some(last) = events.last() {
        if last.at > run.trace.elapsed() {
            return Err(format!(
                "an event at {} is after the elapsed {}",
                last.at,
                run.trace.elapsed()
            ));
        }
    }
    Ok(())
}

/// Every spawned task ends exactly once (finished, cancelled or panicked), or is reported
/// pending, and the report lists exactly the pending ones.
pub fn tasks_end_once(run: &Run) -> Result<(), String> {
    let mut ends: BTreeMap<TaskId, Vec<String>> = BTreeMap::new();
    let mut spawned = Vec::new();
    for e in run.trace.events() {
        match &e.kind {
            EventKind::Spawn { child } => spawned.push(*child),
            EventKind::Finished | EventKind::Cancelled | EventKind::Panicked(_) => {
                ends.entry(e.task).or_default().push(format!("{:?}", e.kind))
            }
            EventKind::DestroyedPending => {
                ends.entry(e.task).or_default().push("destroyed pending".into())
            }
            _ => {}
        }
    }
    if spawned.len() != run.ids.len() {
        return Err(format!(
            "the trace has {} spawns, the program spawned {} tasks",
            spawned.len(),
            run.ids.len()
        ));
    }
    let pending: Vec<TaskId> = run.report.destroyed_pending.iter().map(|t| t.id).collect();
    for id in spawned {
        let name = run.trace.name(id);
        match ends.get(&id).map(Vec::as_slice) {
            Some([one]) => {
                let reported = pending.contains(&id);
                if reported != (one == "destroyed pending") {
                    return Err(format!(
                        "task {name} ended with {one} but the report {} it as pending",
                        if reported { "lists" } else { "does not list" }
                    ));
                }
            }
            Some(many) => return Err(format!("task {name} ended {} times: {many:?}", many.len())),
            None => return Err(format!("task {name} never ended and was not reported pending")),
        }
    }
    Ok(())
}

/// The same seed and policy give the same trace, event for event.
pub fn is_deterministic(case: &Case, first: &Run) -> Result<(), String> {
    let again = interp::run(&case.program, case.seed, case.policy);
    let (a, b) = (first.trace.verbose(), again.trace.verbose());
    if a != b {
        let at = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
        return Err(format!(
            "two runs with seed {} and policy {} differ at event {at}:\n  first:  {}\n  second: {}",
            case.seed,
            case.policy,
            a.lines().nth(at).unwrap_or("<end>"),
            b.lines().nth(at).unwrap_or("<end>")
        ));
    }
    Ok(())
}

fn same_outcome(what: &str, got: &Outcome, want: &Outcome) -> Result<(), String> {
    if got.elapsed != want.elapsed {
        return Err(format!("{what}: elapsed {} but the model says {}", got.elapsed, want.elapsed));
    }
    if got != want {
        return Err(format!("{what}: outcome\n  got:   {got}\n  model: {want}"));
    }
    Ok(())
}

/// Checks every property on one case: monotonic time, tasks end once, determinism, and,
/// when the model determines the outcome, elapsed and outcome equal the model's under the
/// case's policy and under FIFO, random and PCT.
///
/// ```
/// use simloop_checker::program::{check, Block, Case, Op, Program};
/// use simloop_executor::Policy;
///
/// let program = Program {
///     main: Block { ops: vec![Op::Spawn(Block::default()), Op::Sleep(5)], ret: 0 },
/// };
/// let checked = check::check_case(&Case { program, seed: 1, policy: Policy::Random }).unwrap();
/// assert!(checked.determined);
/// ```
pub fn check_case(case: &Case) -> Result<Checked, String> {
    let run = interp::run(&case.program, case.seed, case.policy);
    time_is_monotonic(&run)?;
    tasks_end_once(&run)?;
    is_deterministic(case, &run)?;
    let determined = match model::predict(&case.program) {
        Prediction::Determined(want) => {
            same_outcome(
                &format!("seed {} policy {}", case.seed, case.policy),
                &run.outcome,
                &want,
            )?;
            for (seed, policy) in other_policies(case.seed) {
                let other = interp::run(&case.program, seed, policy);
                same_outcome(&format!("seed {seed} policy {policy}"), &other.outcome, &want)?;
            }
            true
        }
        Prediction::OrderDependent(_) => false,
    };
    Ok(Checked { determined, run })
}
