//! The driver: asyncio's `_run_once` loop. It runs the ready steps in iterations, asks
//! the scheduler which step goes next, moves the clock to the next timer when nothing is
//! ready, and fires the timers due.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::task::Waker;

use crate::error::RunError;
use crate::panic::panic_message;
use crate::runtime::inner::Inner;
use crate::sched::ready_queue::Step;
use crate::sched::scheduler::Ready;
use crate::task::core::ErasedTask;
use crate::task::header::Header;
use crate::task::id::{TaskId, NO_TASK};
use crate::time::instant::Instant;
use crate::time::timer_queue::Slot;
use crate::trace::EventKind;

/// How far [`Inner::drive`] runs.
#[derive(Clone, Copy)]
pub(super) enum Drive<'a> {
    /// Until the main task is done.
    Main(&'a Header),
    /// Until nothing is ready, without moving the clock.
    Blocked,
    /// Fire the next timer batch, then until nothing is ready.
    NextTimer,
    /// Until every one of these tasks is done (asyncio.run's shutdown).
    AllDone(&'a [Rc<dyn ErasedTask>]),
}

/// How many recorded events a limit's report shows.
const TAIL_EVENTS: usize = 20;

/// How many of the last events a step-limit report looks at to name the looping task.
const RECENT_EVENTS: usize = 1000;

impl Inner {
    /// Moves tasks woken from other threads into the ready queue.
    #[inline]
    pub(super) fn drain_remote(&self) {
        if self.remote.has_new() {
            let woken = self.remote.take_new();
            let mut ready = self.ready.borrow_mut();
            for r in woken {
                ready.push(Step::Run(r));
            }
        }
    }

    /// Moves every timer due now (deadline not after the clock) to the ready queue, in
    /// (deadline, registration) order, as asyncio's `_run_once` does at the start of each
    /// iteration.
    ///
    /// In asyncio a timer is a step of its own: a `call_later` callback runs as that step,
    /// while a sleep's (or a timeout's) timer takes a step to resolve the future the task
    /// awaits and the task resumes one step later. Where a batch holds no callback that
    /// extra hop changes no order (nothing else runs between), so tasks are woken at once;
    /// in a batch with a callback, each task's wake takes its own step.
    #[inline]
    fn fire_due(&self) {
        let now = self.now();
        if self.timers.borrow().next_deadline().map_or(true, |d| d > now) {
            return;
        }
        let mut fired = std::mem::take(&mut *self.fired.borrow_mut());
        let mut mixed = false;
        while let Some(callbacks) = self.timers.borrow_mut().pop_due(now, &mut fired) {
            mixed |= callbacks;
        }
        self.warm_up(&fired);
        for slot in fired.drain(..) {
            if let Some(waker) = slot.waker {
                if self.tracing {
                    self.record(slot.owner, EventKind::TimerFired);
                }
                if mixed && !slot.callback {
                    self.call_soon(slot.owner, Box::new(move || waker.wake()));
                } else {
                    waker.wake();
                }
            }
        }
        *self.fired.borrow_mut() = fired;
    }

    /// Reads, with plain loads, the task-table entry, task header and async-task header of
    /// every task a timer batch is about to wake. Once the tasks outgrow the L2 cache (at
    /// about 10k tasks) these are misses; plain loads overlap, while the atomic
    /// read-modify-writes of `wake` and `run` would take them one at a time. Worth it from
    /// two timers on (W1 at 100k tasks: 360 -> 320 ns per sleep). Semantically a no-op.
    fn warm_up(&self, fired: &[Slot]) {
        if fired.len() < 2 {
            return;
        }
        let tasks = self.tasks.borrow();
        let mut sum = 0usize;
        for f in fired {
            if let Some(e) = tasks.get(f.task_slot as usize) {
                sum += e.task.header().state() as usize;
                sum += usize::from(e.handle.is_finished());
            }
        }
        std::hint::black_box(sum);
    }

    /// Runs one step, the one the scheduler picks among the ready ones.
    fn run_one(&self) -> Result<(), RunError> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if let Some(limit) = self.step_limit {
            if n > limit {
                return Err(self.step_limit_error(limit));
            }
        }
        let step = {
            let mut ready = self.ready.borrow_mut();
            let index = self.scheduler.borrow_mut().pick(&Ready::new(&ready, n));
            let last = ready.len().saturating_sub(1);
            ready.take(index.min(last))
        };
        match step {
            Some(Step::Run(runnable)) => {
                let key = runnable.metadata();
                let slot = key.slot as usize;
                self.current.set((key.id, slot));
                self.wait_scratch.set(None);
                self.awaits.set(0);
                self.first_is_target.set(false);
                runnable.run();
                self.current.set((NO_TASK, usize::MAX));
                if self.just_done.replace(false) {
                    let entry = self.tasks.borrow_mut().try_remove(slot);
                    drop(entry);
                }
            }
            Some(Step::Callback { f, .. }) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
                    let msg = panic_message(payload.as_ref());
                    self.record(NO_TASK, EventKind::Note(format!("done callback panicked: {msg}")));
                    self.callback_panics.borrow_mut().push((self.now(), msg));
                }
            }
            None => {}
        }
        Ok(())
    }

    /// The step limit's report: the busiest recent task, and whether time was moving.
    #[cold]
    fn step_limit_error(&self, limit: u64) -> RunError {
        let trace = self.trace.borrow();
        let recent = trace.recent_activity(RECENT_EVENTS);
        let ready = self.ready.borrow();
        let task = recent.map(|(t, _)| t).or_else(|| (!ready.is_empty()).then(|| ready.owner(0)));
        let time_moving = match recent {
            Some((_, oldest)) => oldest < self.now(),
            None => self.now() > Instant::ZERO,
        };
        RunError::StepLimit {
            limit,
            at: self.now(),
            task: task.map_or_else(|| "(none)".into(), |t| trace.name(t)),
            cancelling: task.map_or(0, |t| self.cancelling_of(t)),
            time_moving,
            seed: self.seed,
            policy: self.policy,
            tail: trace.tail(TAIL_EVENTS),
        }
    }

    /// The `cancelling()` of live task `id` (0 if it is gone or is no task).
    #[cold]
    fn cancelling_of(&self, id: TaskId) -> u32 {
        let tasks = self.tasks.borrow();
        let mut live = tasks.iter().map(|(_, e)| e.task.header());
        live.find(|h| h.id() == id).map_or(0, |h| h.cancelling())
    }

    /// The time limit's report: the task whose timer would pass it.
    #[cold]
    fn time_limit_error(&self, limit: Instant, deadline: Instant) -> RunError {
        let trace = self.trace.borrow();
        let owner = self.timers.borrow().next_owner();
        RunError::TimeLimit {
            limit,
            next_deadline: deadline,
            task: owner.map_or_else(|| "(none)".into(), |t| trace.name(t)),
            cancelling: owner.map_or(0, |t| self.cancelling_of(t)),
            seed: self.seed,
            policy: self.policy,
            tail: trace.tail(TAIL_EVENTS),
        }
    }

    /// Runs steps, moving the clock when nothing is ready, until `mode` is satisfied (main
    /// done, everything blocked, or the next timer batch handled) or an error.
    pub(super) fn drive(&self, mode: Drive<'_>) -> Result<(), RunError> {
        let mut fired = false;
        // Steps run in iterations, as asyncio's `_run_once`: an iteration runs the steps
        // that were queued when it began; steps queued meanwhile wait for the next one.
        // When the main task finishes, its done callback (queued like any other) asks the
        // loop to stop, and the loop stops at the end of that iteration, exactly as
        // `run_until_complete` does: tasks queued before the stop still take their step.
        let mut batch_left = 0usize;
        loop {
            if batch_left == 0 {
                if let Drive::Main(_) = mode {
                    if self.stopping.replace(false) {
                        return Ok(());
                    }
                }
                self.drain_remote();
                self.fire_due();
                match mode {
                    Drive::Main(h) if h.is_done() && self.ready.borrow().is_empty() => {
                        return Ok(())
                    }
                    Drive::AllDone(tasks) if tasks.iter().all(|t| t.header().is_done()) => {
                        return Ok(())
                    }
                    _ => {}
                }
                if self.ready.borrow().is_empty() {
                    let idle = std::mem::take(&mut *self.idle_waiters.borrow_mut());
                    if !idle.is_empty() {
                        idle.into_iter().for_each(Waker::wake);
                        continue;
                    }
                    match mode {
                        Drive::Blocked => return Ok(()),
                        Drive::NextTimer if fired => return Ok(()),
                        _ => {}
                    }
                    let Some(deadline) = self.timers.borrow().next_deadline() else {
                        return match mode {
                            Drive::Main(_) | Drive::AllDone(_) => {
                                Err(RunError::Deadlock(Box::new(self.deadlock())))
                            }
                            _ => Ok(()),
                        };
                    };
                    if let Some(limit) = self.time_limit {
                        if deadline > limit {
                            return Err(self.time_limit_error(limit, deadline));
                        }
                    }
                    // The next iteration moves the timers now due to the ready queue.
                    self.clock.advance_to(deadline);
                    fired = true;
                    continue;
                }
                batch_left = self.ready.borrow().len();
            }
            batch_left -= 1;
            self.run_one()?;
        }
    }
}
