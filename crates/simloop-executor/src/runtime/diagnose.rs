//! Diagnosis: what every live task was doing, in words, and who waits for whom when a run
//! deadlocks.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::report::{DeadlockReport, TaskReport};
use crate::resource::table::{ResourceId, ResourceTable};
use crate::runtime::inner::Inner;
use crate::task::core::ErasedTask;
use crate::task::id::TaskId;
use crate::task::state::WaitOn;
use crate::time::instant::Instant;

/// How many tasks of a report get their last events (each lookup scans the trace).
pub(super) const DETAILED_REPORTS: usize = 32;

/// Where a walk along "waits for" edges ended.
enum ChainEnd {
    /// At a task already on the chain.
    Cycle,
    /// At a future simloop does not know.
    Foreign,
    /// At a sleep that never ends.
    NeverEndingSleep,
    /// At a resource no live task holds, so nobody can do what the waiter needs.
    Unheld(ResourceId),
    /// At a task that waits on nothing a chain can follow.
    Stop,
}

/// One edge of a chain: the waiting task, and the resource it waits through (none for a
/// task awaiting another task).
struct Hop {
    from: TaskId,
    via: Option<ResourceId>,
}

/// The live task holding `r` that a waiter of `r` waits for: the oldest live holder,
/// else the oldest holder (one that finished while holding it).
fn holder_of(
    r: ResourceId,
    table: &ResourceTable,
    live: &HashMap<TaskId, WaitOn>,
) -> Option<TaskId> {
    let e = table.get(r)?;
    e.holders.iter().copied().find(|h| live.contains_key(h))
}

/// Follows "waits for" from `start`: the hops on the way, the task it ended at and how it
/// ended.
fn walk(
    start: TaskId,
    wait_of: &HashMap<TaskId, WaitOn>,
    table: &ResourceTable,
) -> (Vec<Hop>, TaskId, ChainEnd) {
    let mut hops = Vec::new();
    let mut seen = vec![start];
    let mut cur = start;
    loop {
        let (next, via) = match wait_of.get(&cur).copied() {
            Some(WaitOn::Task(next)) => (next, None),
            Some(WaitOn::Resource(r)) => match holder_of(r, table, wait_of) {
                Some(h) => (h, Some(r)),
                None => return (hops, cur, ChainEnd::Unheld(r)),
            },
            Some(WaitOn::Foreign) => return (hops, cur, ChainEnd::Foreign),
            Some(WaitOn::Timer(_)) => return (hops, cur, ChainEnd::NeverEndingSleep),
            _ => return (hops, cur, ChainEnd::Stop),
        };
        hops.push(Hop { from: cur, via });
        if seen.contains(&next) {
            return (hops, next, ChainEnd::Cycle);
        }
        seen.push(next);
        cur = next;
    }
}

/// A chain in words. Through tasks only: `main -> Task-2 -> Task-3 -> (a foreign future)`.
/// Through a resource: `bob waits for Lock 'db' held by alice; alice waits for Event
/// 'ready' that nobody can set anymore`, a cycle named at the end.
fn render(
    hops: &[Hop],
    last: TaskId,
    end: &ChainEnd,
    table: &ResourceTable,
    name: &impl Fn(TaskId) -> String,
) -> Option<String> {
    let label = |r: ResourceId| table.get(r).map_or_else(|| "a resource".into(), |e| e.label());
    let through_resource =
        hops.iter().any(|h| h.via.is_some()) || matches!(end, ChainEnd::Unheld(_));
    if !through_resource {
        let mut names: Vec<String> = hops.iter().map(|h| name(h.from)).collect();
        names.push(name(last));
        match end {
            ChainEnd::Cycle => names.push("(cycle)".into()),
            ChainEnd::Foreign => names.push("(a foreign future)".into()),
            ChainEnd::NeverEndingSleep => names.push("(a never-ending sleep)".into()),
            ChainEnd::Stop | ChainEnd::Unheld(_) => {}
        }
        return (names.len() > 1).then(|| names.join(" -> "));
    }
    let mut parts: Vec<String> = Vec::new();
    for (i, h) in hops.iter().enumerate() {
        let to = hops.get(i + 1).map_or(last, |n| n.from);
        parts.push(match h.via {
            Some(r) => format!("{} waits for {} held by {}", name(h.from), label(r), name(to)),
            None => format!("{} waits for task {}", name(h.from), name(to)),
        });
    }
    match end {
        ChainEnd::Unheld(r) => {
            let need = table.need_of(last, *r).unwrap_or("wake it");
            parts.push(format!(
                "{} waits for {} that nobody can {need} anymore",
                name(last),
                label(*r)
            ));
        }
        ChainEnd::Cycle => {
            let from = hops.iter().position(|h| h.from == last).unwrap_or(0);
            let mut cycle: Vec<String> = hops[from..].iter().map(|h| name(h.from)).collect();
            cycle.push(name(last));
            parts.push(format!("the cycle: {}", cycle.join(" -> ")));
        }
        ChainEnd::Foreign => parts.push(format!("{} waits for a foreign future", name(last))),
        ChainEnd::NeverEndingSleep => {
            parts.push(format!("{} waits for a never-ending sleep", name(last)))
        }
        ChainEnd::Stop => {}
    }
    Some(parts.join("; "))
}

/// The wait-for chains of a deadlock: one from each task nobody waits for (neither by
/// awaiting it nor through a resource it holds); when every task is waited for (a pure
/// cycle), the cycle through the first task.
fn wait_for_chains(
    waits: &[(TaskId, WaitOn)],
    table: &ResourceTable,
    name: impl Fn(TaskId) -> String,
) -> Vec<String> {
    let wait_of: HashMap<TaskId, WaitOn> = waits.iter().copied().collect();
    let awaited: HashSet<TaskId> = waits
        .iter()
        .filter_map(|(_, w)| match w {
            WaitOn::Task(t) => Some(*t),
            WaitOn::Resource(r) => holder_of(*r, table, &wait_of),
            _ => None,
        })
        .collect();
    let mut chains = Vec::new();
    for (id, _) in waits.iter().filter(|(id, _)| !awaited.contains(id)) {
        let (hops, last, end) = walk(*id, &wait_of, table);
        chains.extend(render(&hops, last, &end, table, &name));
    }
    if chains.is_empty() {
        if let Some((id, _)) = waits.first() {
            let (hops, last, end) = walk(*id, &wait_of, table);
            if let ChainEnd::Cycle = end {
                if hops.iter().any(|h| h.via.is_some()) {
                    chains.extend(render(&hops, last, &end, table, &name));
                } else {
                    let mut names: Vec<String> = hops.iter().map(|h| name(h.from)).collect();
                    names.push(name(last));
                    chains.push(format!("{} (cycle)", names.join(" -> ")));
                }
            }
        }
    }
    chains
}

impl Inner {
    /// Every live task, by id.
    pub(super) fn live_tasks(&self) -> Vec<Rc<dyn ErasedTask>> {
        let mut v: Vec<Rc<dyn ErasedTask>> =
            self.tasks.borrow().iter().map(|(_, e)| e.task.clone()).collect();
        v.sort_by_key(|t| t.header().id());
        v
    }

    fn describe_wait(&self, on: WaitOn) -> String {
        match on {
            WaitOn::Nothing => "nothing: it is ready to run or was never polled".into(),
            WaitOn::Timer(t) if t == Instant::MAX => {
                "a sleep that never ends (its deadline overflowed the virtual clock, e.g. \
                 sleep(Duration::MAX))"
                    .into()
            }
            WaitOn::Timer(t) => format!("a timer at {t}"),
            WaitOn::Task(id) => {
                format!("task {} ({id})", self.trace.borrow().name(id))
            }
            WaitOn::AllBlocked => "wait_all_tasks_blocked()".into(),
            WaitOn::Resource(r) => {
                let table = self.resources.borrow();
                match table.as_ref().and_then(|t| t.get(r)) {
                    Some(e) if e.holders.is_empty() => e.label(),
                    Some(e) => {
                        let trace = self.trace.borrow();
                        let names: Vec<String> = e.holders.iter().map(|h| trace.name(*h)).collect();
                        format!("{} held by {}", e.label(), names.join(", "))
                    }
                    None => "a resource that no longer exists".into(),
                }
            }
            WaitOn::Foreign => "a future simloop does not know (a channel, a lock, or a waker \
                                from outside the runtime)"
                .into(),
        }
    }

    /// A task's report; its last events only when `with_events` (each lookup scans the
    /// trace, so reports of many tasks give events to the first few only).
    pub(super) fn task_report(&self, t: &dyn ErasedTask, with_events: bool) -> TaskReport {
        let h = t.header();
        let on = h.waiting();
        TaskReport {
            id: h.id(),
            name: h.name().to_string(),
            spawn_site: h.site().to_string(),
            spawned_at: h.spawned_at(),
            waiting_on: on,
            waiting: self.describe_wait(on),
            last_events: if with_events {
                self.trace.borrow().last_events_of(h.id(), 4)
            } else {
                Vec::new()
            },
        }
    }

    /// Why the run cannot go on: every live task and the wait-for chains.
    pub(super) fn deadlock(&self) -> DeadlockReport {
        let tasks = self.live_tasks();
        let reports: Vec<TaskReport> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| self.task_report(t.as_ref(), i < DETAILED_REPORTS))
            .collect();
        let waits: Vec<(TaskId, WaitOn)> = reports.iter().map(|r| (r.id, r.waiting_on)).collect();
        let empty = ResourceTable::default();
        let resources = self.resources.borrow();
        let table = resources.as_deref().unwrap_or(&empty);
        let wait_for = wait_for_chains(&waits, table, |id| self.trace.borrow().name(id));
        DeadlockReport {
            at: self.now(),
            seed: self.seed,
            policy: self.policy,
            tasks: reports,
            wait_for,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chains(waits: &[(u64, WaitOn)]) -> Vec<String> {
        let waits: Vec<(TaskId, WaitOn)> = waits.iter().map(|(id, w)| (TaskId(*id), *w)).collect();
        wait_for_chains(&waits, &ResourceTable::default(), |id| format!("t{}", id.0))
    }

    #[test]
    fn chains_start_at_tasks_nobody_waits_for_and_say_where_they_end() {
        let t = |n| WaitOn::Task(TaskId(n));
        assert_eq!(
            chains(&[(1, t(2)), (2, t(3)), (3, WaitOn::Foreign), (4, WaitOn::Timer(Instant::MAX))]),
            vec!["t1 -> t2 -> t3 -> (a foreign future)", "t4 -> (a never-ending sleep)"]
        );
        assert_eq!(
            chains(&[(1, t(2)), (2, t(3)), (3, t(2))]),
            vec!["t1 -> t2 -> t3 -> t2 -> (cycle)"]
        );
        assert_eq!(chains(&[(1, WaitOn::Nothing)]), Vec::<String>::new());
    }

    #[test]
    fn a_pure_cycle_is_named_from_the_first_task() {
        let t = |n| WaitOn::Task(TaskId(n));
        assert_eq!(
            chains(&[(1, t(2)), (2, t(3)), (3, t(1))]),
            vec!["t1 -> t2 -> t3 -> t1 (cycle)"]
        );
    }

    #[test]
    fn a_chain_through_resources_names_holders_and_the_cycle() {
        let mut table = ResourceTable::default();
        let (db, ready) = (ResourceId(1), ResourceId(2));
        table.hold(db, "Lock", &Some("db".into()), TaskId(2));
        table.wait(db, "Lock", &Some("db".into()), TaskId(3), "release");
        table.wait(ready, "Event", &Some("ready".into()), TaskId(2), "set");
        let waits = [
            (TaskId(1), WaitOn::Task(TaskId(3))),
            (TaskId(2), WaitOn::Resource(ready)),
            (TaskId(3), WaitOn::Resource(db)),
        ];
        let names = |id: TaskId| ["", "main", "alice", "bob"][id.0 as usize].to_string();
        assert_eq!(
            wait_for_chains(&waits, &table, names),
            vec![
                "main waits for task bob; bob waits for Lock 'db' held by alice; alice waits \
                  for Event 'ready' that nobody can set anymore"
            ]
        );
        let mut table2 = ResourceTable::default();
        table2.hold(db, "Lock", &Some("a".into()), TaskId(2));
        table2.hold(ready, "Lock", &Some("b".into()), TaskId(3));
        let waits = [(TaskId(2), WaitOn::Resource(ready)), (TaskId(3), WaitOn::Resource(db))];
        assert_eq!(
            wait_for_chains(&waits, &table2, names),
            vec![
                "alice waits for Lock 'b' held by bob; bob waits for Lock 'a' held by alice; \
                  the cycle: alice -> bob -> alice"
            ]
        );
    }
}
