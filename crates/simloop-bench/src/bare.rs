//! The floor: W1 on a bare executor built on async-task, measured in the same run.
//!
//! About 60 lines: a thread-local `VecDeque` of runnables, per-deadline lists of wakers in
//! a `HashMap` with a min-heap of deadlines, a virtual clock, and a sleep that registers
//! its waker at its first poll. No trace, no wait tracking, no cancellation or completion
//! bookkeeping, no policies, no task table: what async-task itself costs per sleep, so
//! that simloop's figures can be read against what its building block allows.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use async_task::Runnable;

use crate::sleeps::{self, TaskSleeps};
use crate::stopwatch::Stopwatch;
use crate::{Outcome, Workload};

thread_local! {
    static READY: RefCell<VecDeque<Runnable>> = const { RefCell::new(VecDeque::new()) };
    static NOW: Cell<u64> = const { Cell::new(0) };
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
}

#[derive(Default)]
struct Timers {
    buckets: HashMap<u64, Vec<Waker>>,
    order: BinaryHeap<Reverse<u64>>,
    spare: Vec<Vec<Waker>>,
}

/// Sleeps `nanos` of virtual time from its first poll.
struct Sleep {
    nanos: u64,
    deadline: Option<u64>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let now = NOW.with(Cell::get);
        match self.deadline {
            Some(d) if now >= d => Poll::Ready(()),
            Some(_) => Poll::Pending,
            None => {
                let d = now + self.nanos;
                self.deadline = Some(d);
                TIMERS.with(|t| {
                    let Timers { buckets, order, spare } = &mut *t.borrow_mut();
                    let bucket = buckets.entry(d).or_insert_with(|| {
                        order.push(Reverse(d));
                        spare.pop().unwrap_or_default()
                    });
                    bucket.push(cx.waker().clone());
                });
                Poll::Pending
            }
        }
    }
}

fn spawn<F: Future + 'static>(future: F) -> async_task::Task<F::Output> {
    let schedule = |r| READY.with(|q| q.borrow_mut().push_back(r));
    let (runnable, task) = async_task::spawn_local(future, schedule);
    runnable.schedule();
    task
}

/// Runs `main` to completion, jumping the clock to the next deadline when nothing is ready.
fn block_on(main: impl Future<Output = ()> + 'static) -> Duration {
    NOW.with(|n| n.set(0));
    let main = spawn(main);
    while !main.is_finished() {
        while let Some(r) = READY.with(|q| q.borrow_mut().pop_front()) {
            r.run();
        }
        if main.is_finished() {
            break;
        }
        let mut due = TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            let Reverse(d) = t.order.pop().expect("the sleep storm never deadlocks");
            NOW.with(|n| n.set(d));
            t.buckets.remove(&d).expect("every heap entry has a bucket")
        });
        due.drain(..).for_each(Waker::wake);
        TIMERS.with(|t| t.borrow_mut().spare.push(due));
    }
    Duration::from_nanos(NOW.with(Cell::get))
}

/// Runs W1 (`Workload::SleepStorm`) on the bare executor; `None` for other workloads.
pub fn run(w: &Workload) -> Option<Outcome> {
    let Workload::SleepStorm { tasks } = *w else { return None };
    let table: Vec<TaskSleeps> = sleeps::storm(tasks);
    let start = Stopwatch::start();
    let elapsed = block_on(async move {
        let handles: Vec<_> = table
            .into_iter()
            .map(|ms| {
                spawn(async move {
                    for m in ms {
                        Sleep { nanos: u64::from(m) * 1_000_000, deadline: None }.await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await;
        }
    });
    Some(Outcome { events: w.events(), elapsed, spent: start.stop() })
}
