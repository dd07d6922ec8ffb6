//! The workloads on simloop, with the real primitives: W3 uses
//! `simloop_primitives::timeout`, W4 `simloop_primitives::gather` (which spawns each
//! child as a task, as asyncio's gather does).

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use simloop_executor::{now, sleep, spawn, yield_now, Policy, Runtime};
use simloop_primitives::{gather, timeout};

use crate::sleeps::{self, TaskSleeps};
use crate::stopwatch::{Spent, Stopwatch};
use crate::{Outcome, Workload};

/// Runs `w` on a fresh simloop runtime, with runtime events traced or not.
pub fn run(w: &Workload, tracing: bool) -> Outcome {
    match *w {
        Workload::SleepStorm { tasks } => sleep_storm(sleeps::storm(tasks), tracing),
        Workload::SpawnJoin { tasks } => spawn_join(tasks, tracing),
        Workload::TimeoutChurn { quiet, fired, workers } => {
            timeout_churn(quiet, fired, workers, tracing)
        }
        Workload::FanOut { depth, fanout } => {
            let leaves = sleeps::millis(fanout.pow(depth));
            fan_out(depth, fanout, leaves, tracing)
        }
        Workload::SeedSweep { seeds } => seed_sweep(seeds, tracing),
        Workload::LockContention { tasks, rounds } => lock_contention(tasks, rounds, tracing),
        Workload::ProducerConsumer { producers, items, capacity } => {
            producer_consumer(producers, items, capacity, tracing)
        }
    }
    .with_events(w.events())
}

struct Raw {
    elapsed: Duration,
    spent: Spent,
}

impl Raw {
    fn with_events(self, events: u64) -> Outcome {
        Outcome { events, elapsed: self.elapsed, spent: self.spent }
    }
}

/// A runtime without limits: the big workloads run millions of steps, and the traced side
/// keeps its whole trace (as every earlier table measured it).
fn runtime(tracing: bool) -> Runtime {
    Runtime::builder().tracing(tracing).no_step_limit().no_time_limit().no_trace_limit().build()
}

fn timed(tracing: bool, main: impl Future<Output = ()>) -> Raw {
    let start = Stopwatch::start();
    let mut rt = runtime(tracing);
    rt.block_on(main);
    let elapsed = rt.now().as_duration();
    drop(rt);
    Raw { elapsed, spent: start.stop() }
}

/// W1 for one runtime, with the given per-task sleeps.
pub async fn sleep_storm_main(table: Vec<TaskSleeps>) {
    let mut handles = Vec::with_capacity(table.len());
    for ms in table {
        handles.push(spawn(async move {
            for m in ms {
                sleep(Duration::from_millis(u64::from(m))).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("sleeper finishes");
    }
}

fn sleep_storm(table: Vec<TaskSleeps>, tracing: bool) -> Raw {
    timed(tracing, sleep_storm_main(table))
}

fn spawn_join(tasks: usize, tracing: bool) -> Raw {
    timed(tracing, async move {
        let handles: Vec<_> = (0..tasks).map(|i| spawn(async move { i })).collect();
        let mut sum = 0usize;
        for h in handles {
            sum = sum.wrapping_add(h.await.expect("task returns"));
        }
        assert_eq!(sum, tasks * tasks.saturating_sub(1) / 2);
    })
}

fn timeout_churn(quiet: usize, fired: usize, workers: usize, tracing: bool) -> Raw {
    timed(tracing, async move {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let q = share(quiet, workers, w);
                let f = share(fired, workers, w);
                spawn(async move {
                    for _ in 0..q {
                        let r = timeout(Duration::from_secs(1), sleep(Duration::from_millis(1)));
                        assert!(r.await.is_ok());
                    }
                    for _ in 0..f {
                        let r = timeout(Duration::from_millis(1), sleep(Duration::from_secs(1)));
                        assert!(r.await.is_err());
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("worker finishes");
        }
    })
}

/// The calls worker `w` of `workers` makes out of `total`.
pub fn share(total: usize, workers: usize, w: usize) -> usize {
    total / workers + usize::from(w < total % workers)
}

fn node(
    depth: u32,
    fanout: usize,
    first: usize,
    leaves: Rc<Vec<u16>>,
) -> LocalBoxFuture<'static, ()> {
    Box::pin(async move {
        if depth == 0 {
            sleep(Duration::from_millis(u64::from(leaves[first]))).await;
            return;
        }
        let span = fanout.pow(depth - 1);
        let children =
            (0..fanout).map(|i| node(depth - 1, fanout, first + i * span, leaves.clone()));
        for r in gather(children).await {
            r.expect("child finishes");
        }
    })
}

fn fan_out(depth: u32, fanout: usize, leaves: Vec<u16>, tracing: bool) -> Raw {
    let leaves = Rc::new(leaves);
    timed(tracing, node(depth, fanout, 0, leaves))
}

/// W5's small test: three tasks with sleeps and yields, joined; takes 5 ms.
pub async fn small_test() -> u64 {
    let a = spawn(async {
        sleep(Duration::from_millis(3)).await;
        sleep(Duration::from_millis(2)).await;
        1
    });
    let b = spawn(async {
        sleep(Duration::from_millis(4)).await;
        yield_now().await;
        2
    });
    let c = spawn(async {
        yield_now().await;
        sleep(Duration::from_millis(1)).await;
        3
    });
    let sum = a.await.unwrap_or(0) + b.await.unwrap_or(0) + c.await.unwrap_or(0);
    assert_eq!(now().as_duration(), Duration::from_millis(5));
    sum
}

fn seed_sweep(seeds: u64, tracing: bool) -> Raw {
    let start = Stopwatch::start();
    let mut elapsed = Duration::ZERO;
    for seed in 0..seeds {
        let mut rt = Runtime::builder().seed(seed).policy(Policy::Random).tracing(tracing).build();
        assert_eq!(rt.block_on(small_test()), 6);
        elapsed += rt.now().as_duration();
    }
    Raw { elapsed, spent: start.stop() }
}

fn lock_contention(tasks: usize, rounds: usize, tracing: bool) -> Raw {
    timed(tracing, async move {
        let lock = simloop_primitives::sync::Lock::new();
        let count = Rc::new(std::cell::Cell::new(0usize));
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let (lock, count) = (lock.clone(), count.clone());
                spawn(async move {
                    for _ in 0..rounds {
                        let _held = lock.lock().await;
                        count.set(count.get() + 1);
                        yield_now().await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("locker finishes");
        }
        assert_eq!(count.get(), tasks * rounds);
    })
}

fn producer_consumer(producers: usize, items: usize, capacity: usize, tracing: bool) -> Raw {
    timed(tracing, async move {
        let q = simloop_primitives::sync::Queue::new(capacity);
        for p in 0..producers {
            let q = q.clone();
            spawn(async move {
                for i in 0..share(items, producers, p) {
                    q.put(i).await;
                }
            })
            .detach();
        }
        let mut sum = 0usize;
        for _ in 0..items {
            sum = sum.wrapping_add(q.get().await);
        }
        std::hint::black_box(sum);
    })
}
