//! Diagnosis: what every live task was doing, in words, and who waits for whom when a run
//! deadlocks.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::report::{DeadlockReport, TaskReport};
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
    /// At a task that waits on nothing a chain can follow.
    Stop,
}

/// Follows "waits for" from `start`: the names on the way (a cycle's first repeated task
/// included) and where it ended.
fn walk(
    start: TaskId,
    wait_of: &HashMap<TaskId, WaitOn>,
    name: impl Fn(TaskId) -> String,
) -> (Vec<String>, ChainEnd) {
    let mut names = vec![name(start)];
    let mut seen = vec![start];
    let mut cur = start;
    loop {
        match wait_of.get(&cur).copied() {
            Some(WaitOn::Task(next)) => {
                names.push(name(next));
                if seen.contains(&next) {
                    return (names, ChainEnd::Cycle);
                }
                seen.push(next);
                cur = next;
            }
            Some(WaitOn::Foreign) => return (names, ChainEnd::Foreign),
            Some(WaitOn::Timer(_)) => return (names, ChainEnd::NeverEndingSleep),
            _ => return (names, ChainEnd::Stop),
        }
    }
}

/// The wait-for chains of a deadlock, as `main -> Task-2 -> Task-3 (a foreign future)`:
/// one from each task nobody waits for; when every task is awaited by another (a pure
/// cycle), the cycle through the first task.
fn wait_for_chains(waits: &[(TaskId, WaitOn)], name: impl Fn(TaskId) -> String) -> Vec<String> {
    let wait_of: HashMap<TaskId, WaitOn> = waits.iter().copied().collect();
    let awaited: HashSet<TaskId> = waits
        .iter()
        .filter_map(|(_, w)| if let WaitOn::Task(t) = w { Some(*t) } else { None })
        .collect();
    let mut chains = Vec::new();
    for (id, _) in waits.iter().filter(|(id, _)| !awaited.contains(id)) {
        let (mut names, end) = walk(*id, &wait_of, &name);
        match end {
            ChainEnd::Cycle => names.push("(cycle)".into()),
            ChainEnd::Foreign => names.push("(a foreign future)".into()),
            ChainEnd::NeverEndingSleep => names.push("(a never-ending sleep)".into()),
            ChainEnd::Stop => {}
        }
        if names.len() > 1 {
            chains.push(names.join(" -> "));
        }
    }
    if chains.is_empty() {
        if let Some((id, _)) = waits.first() {
            if let (names, ChainEnd::Cycle) = walk(*id, &wait_of, &name) {
                chains.push(format!("{} (cycle)", names.join(" -> ")));
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
        let wait_for = wait_for_chains(&waits, |id| self.trace.borrow().name(id));
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
        wait_for_chains(&waits, |id| format!("t{}", id.0))
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
}
