//! Teardown: what `block_on` does when main is done (report the tasks left pending and the
//! panics nobody read, then destroy every task), and the end of a runtime.

use std::rc::Rc;

use crate::error::RunError;
use crate::runtime::diagnose::DETAILED_REPORTS;
use crate::runtime::driver::Drive;
use crate::runtime::inner::{Inner, TaskEntry};
use crate::runtime::remote;
use crate::task::cancel::request_cancel;
use crate::task::core::ErasedTask;
use crate::trace::EventKind;

/// How many leftover tasks `block_on` prints to stderr (the report holds all of them).
const PRINTED_REPORTS: usize = 10;

impl Inner {
    /// Destroys every task: drops its future (inside the runtime, so destructors can
    /// deregister timers) without running its done callbacks.
    pub(super) fn destroy_all(&self) {
        loop {
            let entries: Vec<TaskEntry> = self.tasks.borrow_mut().drain().collect();
            let had_work = !entries.is_empty() || !self.ready.borrow().is_empty();
            for e in entries {
                e.task.mark_destroyed();
                // Dropping the handle cancels the task; an idle one is scheduled so that
                // its future is dropped when its Runnable is dropped below.
                drop(e.handle);
            }
            self.drain_remote();
            loop {
                let step = self.ready.borrow_mut().take(0);
                match step {
                    Some(step) => drop(step),
                    None => break,
                }
            }
            if !had_work {
                break;
            }
        }
        self.idle_waiters.borrow_mut().clear();
    }

    /// asyncio.run's shutdown: cancels every task still pending and runs until they are
    /// all done (their cleanup included). Tasks spawned meanwhile are left to
    /// [`Inner::finish_run`].
    pub(super) fn cancel_leftovers(&self) -> Result<(), RunError> {
        let pending: Vec<Rc<dyn ErasedTask>> =
            self.live_tasks().into_iter().filter(|t| !t.header().is_done()).collect();
        if pending.is_empty() {
            return Ok(());
        }
        for t in &pending {
            request_cancel(t.header());
        }
        self.drive(Drive::AllDone(&pending))
    }

    /// End of `block_on`: report leftovers, then destroy them.
    ///
    /// Fails with [`RunError::UnretrievedPanic`] when a task panicked and nobody retrieved
    /// it, unless `Builder::allow_unretrieved_panics`; the report and the trace are
    /// complete by then.
    pub(super) fn finish_run(&self) -> Result<(), RunError> {
        let mut report = self.report.borrow_mut();
        report.seed = self.seed;
        report.policy = self.policy;
        let live = self.live_tasks();
        for (i, t) in live.iter().enumerate() {
            let r = self.task_report(t.as_ref(), i < DETAILED_REPORTS);
            self.record(t.header().id(), EventKind::DestroyedPending);
            if i < PRINTED_REPORTS {
                eprintln!("simloop: Task was destroyed but it is pending!\n{r}");
            }
            report.destroyed_pending.push(r);
        }
        if live.len() > PRINTED_REPORTS {
            eprintln!(
                "simloop: ... and {} more tasks destroyed while pending (all are in \
                 Runtime::report())",
                live.len() - PRINTED_REPORTS
            );
        }
        for t in std::mem::take(&mut *self.failed.borrow_mut()) {
            let h = t.header();
            if !h.retrieved() {
                let msg = h.panic_message().unwrap_or_default();
                let with_events = report.never_retrieved.len() < DETAILED_REPORTS;
                let r = self.task_report(t.as_ref(), with_events);
                self.record(h.id(), EventKind::NeverRetrieved(msg.clone()));
                if self.allow_unretrieved_panics {
                    eprintln!("simloop: Task exception was never retrieved: {msg}\n{r}");
                }
                report.never_retrieved.push((r, msg));
            }
        }
        report.callback_panics.append(&mut self.callback_panics.borrow_mut());
        let unretrieved = match (self.allow_unretrieved_panics, report.never_retrieved.first()) {
            (false, Some((task, message))) => Some(RunError::UnretrievedPanic {
                task: Box::new(task.clone()),
                message: message.clone(),
                others: report.never_retrieved.len() - 1,
            }),
            _ => None,
        };
        drop(report);
        self.destroy_all();
        self.sync_report();
        unretrieved.map_or(Ok(()), Err)
    }

    /// Brings the report and the trace's elapsed time up to date.
    pub(super) fn sync_report(&self) {
        let mut report = self.report.borrow_mut();
        report.elapsed = self.now();
        report.steps = self.steps.get();
        self.trace.borrow_mut().set_elapsed(self.now());
    }

    /// Stops accepting wakes from other threads and forgets this runtime (its end).
    pub(super) fn close(&self) {
        self.destroy_all();
        // From now on a wake from another thread is leaked, not queued (see
        // `remote::Remote::push`); what raced in before is dropped here, on the runtime's
        // thread.
        drop(self.remote.close());
        remote::unregister(self.id);
    }
}
