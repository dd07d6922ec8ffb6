//! The workloads on tokio's current-thread runtime with paused time (auto-advance).
//!
//! Same structure as [`crate::sim`]: `tokio::spawn` for tasks, `tokio::time::timeout`,
//! `join_all` over spawned tasks for a gather, a fresh runtime per seed in W5.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use tokio::time::{sleep, timeout, Instant};

use crate::sim::share;
use crate::sleeps::{self, TaskSleeps};
use crate::stopwatch::{Spent, Stopwatch};
use crate::{Outcome, Workload};

/// Runs `w` on a fresh tokio current-thread runtime with paused time.
pub fn run(w: &Workload) -> Outcome {
    let (elapsed, spent) = match *w {
        Workload::SleepStorm { tasks } => timed(sleep_storm_main(sleeps::storm(tasks))),
        Workload::SpawnJoin { tasks } => timed(spawn_join(tasks)),
        Workload::TimeoutChurn { quiet, fired, workers } => {
            timed(timeout_churn(quiet, fired, workers))
        }
        Workload::FanOut { depth, fanout } => {
            let leaves = Arc::new(sleeps::millis(fanout.pow(depth)));
            timed(node(depth, fanout, 0, leaves))
        }
        Workload::SeedSweep { seeds } => seed_sweep(seeds),
        Workload::LockContention { tasks, rounds } => timed(lock_contention(tasks, rounds)),
        Workload::ProducerConsumer { producers, items, capacity } => {
            timed(producer_consumer(producers, items, capacity))
        }
    };
    Outcome { events: w.events(), elapsed, spent }
}

/// A current-thread runtime with time paused from the start.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds")
}

fn timed(main: impl Future<Output = ()>) -> (Duration, Spent) {
    let start = Stopwatch::start();
    let rt = runtime();
    let elapsed = rt.block_on(async {
        let t0 = Instant::now();
        main.await;
        t0.elapsed()
    });
    drop(rt);
    (elapsed, start.stop())
}

/// W1 on tokio, with the given per-task sleeps.
pub async fn sleep_storm_main(table: Vec<TaskSleeps>) {
    let mut handles = Vec::with_capacity(table.len());
    for ms in table {
        handles.push(tokio::spawn(async move {
            for m in ms {
                sleep(Duration::from_millis(u64::from(m))).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("sleeper finishes");
    }
}

async fn spawn_join(tasks: usize) {
    let handles: Vec<_> = (0..tasks).map(|i| tokio::spawn(async move { i })).collect();
    let mut sum = 0usize;
    for h in handles {
        sum = sum.wrapping_add(h.await.expect("task returns"));
    }
    assert_eq!(sum, tasks * tasks.saturating_sub(1) / 2);
}

async fn timeout_churn(quiet: usize, fired: usize, workers: usize) {
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let q = share(quiet, workers, w);
            let f = share(fired, workers, w);
            tokio::spawn(async move {
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
}

fn node(
    depth: u32,
    fanout: usize,
    first: usize,
    leaves: Arc<Vec<u16>>,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        if depth == 0 {
            sleep(Duration::from_millis(u64::from(leaves[first]))).await;
            return;
        }
        let span = fanout.pow(depth - 1);
        let children: Vec<_> = (0..fanout)
            .map(|i| tokio::spawn(node(depth - 1, fanout, first + i * span, leaves.clone())))
            .collect();
        for r in join_all(children).await {
            r.expect("child finishes");
        }
    })
}

/// W5's small test on tokio; takes 5 ms.
pub async fn small_test() -> u64 {
    let t0 = Instant::now();
    let a = tokio::spawn(async {
        sleep(Duration::from_millis(3)).await;
        sleep(Duration::from_millis(2)).await;
        1
    });
    let b = tokio::spawn(async {
        sleep(Duration::from_millis(4)).await;
        tokio::task::yield_now().await;
        2
    });
    let c = tokio::spawn(async {
        tokio::task::yield_now().await;
        sleep(Duration::from_millis(1)).await;
        3
    });
    let sum = a.await.unwrap_or(0) + b.await.unwrap_or(0) + c.await.unwrap_or(0);
    assert_eq!(t0.elapsed(), Duration::from_millis(5));
    sum
}

fn seed_sweep(seeds: u64) -> (Duration, Spent) {
    let start = Stopwatch::start();
    let mut elapsed = Duration::ZERO;
    for _ in 0..seeds {
        let rt = runtime();
        let e = rt.block_on(async {
            let t0 = Instant::now();
            assert_eq!(small_test().await, 6);
            t0.elapsed()
        });
        elapsed += e;
    }
    (elapsed, start.stop())
}

/// W6 on tokio: `tokio::sync::Mutex`, yielding while held.
async fn lock_contention(tasks: usize, rounds: usize) {
    let lock = Arc::new(tokio::sync::Mutex::new(0usize));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let lock = lock.clone();
            tokio::spawn(async move {
                for _ in 0..rounds {
                    let mut held = lock.lock().await;
                    *held += 1;
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("locker finishes");
    }
    assert_eq!(*lock.lock().await, tasks * rounds);
}

/// W7 on tokio: a bounded `mpsc` channel, one receiver.
async fn producer_consumer(producers: usize, items: usize, capacity: usize) {
    let (tx, mut rx) = tokio::sync::mpsc::channel(capacity);
    for p in 0..producers {
        let tx = tx.clone();
        tokio::spawn(async move {
            for i in 0..share(items, producers, p) {
                tx.send(i).await.expect("the receiver is alive");
            }
        });
    }
    drop(tx);
    let mut sum = 0usize;
    for _ in 0..items {
        sum = sum.wrapping_add(rx.recv().await.expect("an item"));
    }
    std::hint::black_box(sum);
}
