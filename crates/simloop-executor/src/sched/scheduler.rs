//! The scheduler seam: the trait that picks the next ready step and makes every random
//! draw of a run, the view of the ready steps it picks among, and what it hears of a spawn
//! when it asks to.

use crate::sched::ready_queue::ReadyQueue;
use crate::task::id::TaskId;

/// Decides which ready step runs next, and makes every random draw of a run.
///
/// A runtime owns one scheduler ([`Builder::scheduler`](crate::Builder::scheduler), or the
/// one its [`Policy`](crate::Policy) names). Implementations must be deterministic given
/// their own state: the same calls in the same order give the same answers, which is what
/// makes a seed (or a recorded list of decisions) name one run.
pub trait Scheduler {
    /// The index in `ready` of the step to run next. Called before every step, also when
    /// only one step is ready (a policy may count steps, as PCT does); there is a choice
    /// only when `ready.len() > 1`. An index past the end runs the last step.
    fn pick(&mut self, ready: &Ready<'_>) -> usize;

    /// One random number for the program or a library (`random_u64`, `SimRng`).
    fn draw(&mut self) -> u64;

    /// Whether this scheduler wants to hear of every spawn ([`Scheduler::spawned`]).
    /// Asked once, when the runtime is built; the default `false` keeps the spawn path
    /// of a plain run free of the call. A scheduler that names tasks by what they are
    /// rather than by their number (a recorder of schedules) says `true`.
    fn wants_spawns(&self) -> bool {
        false
    }

    /// A task was spawned (main included), before its first step is queued. Called only
    /// if [`Scheduler::wants_spawns`] said `true` when the runtime was built.
    fn spawned(&mut self, _spawn: &Spawn<'_>) {}
}

/// What a [`Scheduler`] hears of a spawn: enough to name the task by what it is (its
/// name, or its parent and the type of its future) rather than by its number, which
/// changes as soon as another task is spawned before it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Spawn<'a> {
    /// The new task.
    pub task: TaskId,
    /// The task that spawned it (`None` for main, or a spawn from a done callback).
    pub parent: Option<TaskId>,
    /// The name given at spawn ([`spawn_named`](crate::spawn_named); `main` for the main
    /// task), if any.
    pub name: Option<&'a str>,
    /// [`std::any::type_name`] of the spawned future, e.g. `app::worker::{{closure}}`
    /// for an `async fn worker` (the same for every call, whatever its arguments).
    pub future: &'static str,
}

/// The ready steps a [`Scheduler`] chooses among, oldest first, and the number of the step
/// about to run.
pub struct Ready<'a> {
    queue: &'a ReadyQueue,
    step: u64,
}

impl<'a> Ready<'a> {
    #[inline]
    pub(crate) fn new(queue: &'a ReadyQueue, step: u64) -> Ready<'a> {
        Ready { queue, step }
    }

    /// How many steps are ready (at least one).
    #[inline]
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no step is ready (never, when the runtime asks).
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The number of the step about to run (the first step of a run is 1).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The task each ready step belongs to, oldest first. A callback step (a done
    /// callback, `call_soon`) belongs to the task that scheduled it, or to none
    /// ([`Ready::is_callback`] tells them apart).
    pub fn tasks(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.queue.owners()
    }

    /// The task step `index` belongs to.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn task(&self, index: usize) -> TaskId {
        self.queue.owner(index)
    }

    /// Whether step `index` is a callback rather than a task poll.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn is_callback(&self, index: usize) -> bool {
        self.queue.is_callback(index)
    }
}
