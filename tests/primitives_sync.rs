//! asyncio's synchronization primitives and queues, each rule checked line for line
//! against CPython's trace of the same program (`tests/oracle/cases/sy_*.py`): who is
//! woken, in which order, after how many steps (a ticker yielding at the same instant
//! shows the steps), and what a waiter cancelled while waiting hands on.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use common::{oracle, py, spawn_ticker, OnCancel};
use simloop::sync::{
    Barrier, BoundedSemaphore, Condition, Event, LifoQueue, Lock, PriorityQueue, Queue, QueueEmpty,
    QueueFull, Semaphore, SyncError,
};
use simloop::{catch_cancel, gather, log, sleep, spawn_named, yield_now, Runtime, Task};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// asyncio's `gather(*tasks, return_exceptions=True)` of unit tasks.
async fn gather_all(tasks: Vec<Task<()>>) {
    gather(tasks).await;
}

#[test]
fn lock_hands_over_to_the_first_waiter_which_takes_it_when_it_runs() {
    async fn worker(lock: Lock, name: &'static str) {
        log!("{name} acquiring");
        lock.acquire().await;
        log!("{name} acquired");
        yield_now().await;
        log!("{name} releasing");
        lock.release().unwrap();
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let lock = Lock::new();
        lock.acquire().await;
        let mut ws: Vec<Task<()>> =
            ["a", "b", "c"].map(|n| spawn_named(n, worker(lock.clone(), n))).into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        log!("main releasing");
        lock.release().unwrap();
        let late = {
            let lock = lock.clone();
            spawn_named("late", async move {
                log!("late: locked={}", py(lock.locked()));
                lock.acquire().await;
                log!("late acquired");
                lock.release().unwrap();
            })
        };
        ws.extend([late, tk]);
        gather_all(ws).await;
        log!("done: locked={}", py(lock.locked()));
        lock.acquire().await;
        let d = spawn_named("d", worker(lock.clone(), "d"));
        yield_now().await;
        lock.release().unwrap();
        log!("main re-acquiring: locked={}", py(lock.locked()));
        lock.acquire().await;
        log!("main acquired after d");
        lock.release().unwrap();
        d.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("sy_01_lock_fairness"));
}

async fn lock_waiter(lock: Lock, name: &'static str) {
    let cancelled = OnCancel::new(format!("{name} cancelled"));
    lock.acquire().await;
    cancelled.disarm();
    log!("{name} acquired");
    lock.release().unwrap();
}

#[test]
fn a_cancelled_lock_waiter_leaves_and_hands_the_lock_on() {
    async fn round(lock: &Lock, cancel_first: bool) {
        lock.acquire().await;
        let ws: Vec<Task<()>> =
            ["a", "b"].map(|n| spawn_named(n, lock_waiter(lock.clone(), n))).into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        if cancel_first {
            ws[0].cancel();
            log!("main cancelled a, releasing");
            lock.release().unwrap();
        } else {
            log!("main releasing, then cancelling a");
            lock.release().unwrap();
            ws[0].cancel();
        }
        let mut all = ws;
        all.push(tk);
        gather_all(all).await;
        log!("round over: locked={}", py(lock.locked()));
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let lock = Lock::new();
        round(&lock, true).await;
        sleep(secs(1.0)).await;
        round(&lock, false).await;
        sleep(secs(1.0)).await;
        lock.acquire().await;
        let w = spawn_named("x", lock_waiter(lock.clone(), "x"));
        yield_now().await;
        w.cancel();
        lock.release().unwrap();
        log!("x cancelled pending; locked={}", py(lock.locked()));
        lock.acquire().await;
        log!("main re-acquired at once");
        lock.release().unwrap();
        gather_all(vec![w]).await;
    });
    assert_eq!(rt.trace().text(), oracle("sy_02_lock_cancel_waiter"));
}

#[test]
fn semaphore_wakes_one_per_release_and_passes_over_cancelled_waiters() {
    async fn waiter(sem: Semaphore, name: &'static str) {
        let cancelled = OnCancel::new(format!("{name} cancelled"));
        sem.acquire().await;
        cancelled.disarm();
        log!("{name} acquired (value {})", sem.value());
    }
    let spawn3 = |sem: &Semaphore, names: [&'static str; 3]| -> Vec<Task<()>> {
        names.map(|n| spawn_named(n, waiter(sem.clone(), n))).into()
    };
    let mut rt = Runtime::new();
    rt.block_on(async {
        let sem = Semaphore::new(0);
        let mut ws = spawn3(&sem, ["a", "b", "c"]);
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        log!("locked={}; release twice", py(sem.locked()));
        sem.release();
        sem.release();
        log!("value {}", sem.value());
        yield_now().await;
        log!("release once more");
        sem.release();
        ws.push(tk);
        gather_all(ws).await;

        sleep(secs(1.0)).await;
        let mut ws = spawn3(&sem, ["d", "e", "f"]);
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        ws[0].cancel();
        log!("cancelled d; release");
        sem.release();
        ws[1].cancel();
        log!("release went to e; cancelled e");
        ws.push(tk);
        gather_all(ws).await;
        log!("value {}, locked={}", sem.value(), py(sem.locked()));

        sleep(secs(1.0)).await;
        let ws: Vec<Task<()>> = ["g", "h"].map(|n| spawn_named(n, waiter(sem.clone(), n))).into();
        yield_now().await;
        ws[0].cancel();
        sem.release();
        log!("cancelled g; released: h has the permit already");
        yield_now().await;
        log!("main one step later");
        gather_all(ws).await;

        sleep(secs(1.0)).await;
        let b = BoundedSemaphore::new(1);
        b.acquire().await;
        b.release().unwrap();
        if let Err(SyncError::ReleasedTooOften { bound: 1, .. }) = b.release() {
            log!("ValueError: BoundedSemaphore released too many times");
        }
    });
    assert_eq!(rt.trace().text(), oracle("sy_03_semaphore"));
}

#[test]
fn event_set_wakes_every_waiter_in_order_even_if_cleared() {
    async fn waiter(ev: Event, name: &'static str) {
        let cancelled = OnCancel::new(format!("{name} cancelled"));
        ev.wait().await;
        cancelled.disarm();
        log!("{name} woke, is_set={}", py(ev.is_set()));
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let ev = Event::new();
        let mut ws: Vec<Task<()>> =
            ["a", "b", "c"].map(|n| spawn_named(n, waiter(ev.clone(), n))).into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 5);
        ws[1].cancel();
        log!("main sets and clears");
        ev.set();
        ev.clear();
        ws.push(tk);
        gather_all(ws).await;
        ev.set();
        ev.wait().await;
        log!("wait on a set event: no step");
    });
    assert_eq!(rt.trace().text(), oracle("sy_04_event"));
}

#[test]
fn condition_notify_wakes_the_oldest_and_wait_for_rechecks() {
    async fn consumer(cond: Condition, stock: Rc<Cell<i32>>, name: &'static str) {
        cond.acquire().await;
        log!("{name} waiting");
        cond.wait_for(|| stock.get() > 0).await.unwrap();
        stock.set(stock.get() - 1);
        log!("{name} took one, {} left", stock.get());
        cond.release().unwrap();
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let cond = Condition::new();
        let stock = Rc::new(Cell::new(0));
        let mut cs: Vec<Task<()>> = ["a", "b", "c"]
            .map(|n| spawn_named(n, consumer(cond.clone(), stock.clone(), n)))
            .into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 8);
        cond.acquire().await;
        stock.set(1);
        log!("main notify(1)");
        cond.notify(1).unwrap();
        yield_now().await;
        log!("main still holds the lock");
        cond.release().unwrap();
        yield_now().await;
        cond.acquire().await;
        stock.set(2);
        log!("main notify_all");
        cond.notify_all().unwrap();
        cond.release().unwrap();
        cs.push(tk);
        gather_all(cs).await;
        if let Err(SyncError::NotAcquired { op: "notify()", .. }) = cond.notify(1) {
            log!("RuntimeError: cannot notify on un-acquired lock");
        }
    });
    assert_eq!(rt.trace().text(), oracle("sy_05_condition"));
}

#[test]
fn barrier_releases_the_last_arrival_first_then_the_others_in_order() {
    async fn party(b: Barrier, name: &'static str, rounds: u32) {
        for r in 0..rounds {
            log!("{name} arrives (round {r})");
            let i = b.wait().await.unwrap();
            log!("{name} through as {i} (round {r})");
        }
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let b = Barrier::new(3).unwrap();
        let mut ps: Vec<Task<()>> =
            ["a", "b", "c"].map(|n| spawn_named(n, party(b.clone(), n, 2))).into();
        ps.push(spawn_ticker("ticker", 10));
        gather_all(ps).await;
        log!("n_waiting={} broken={}", b.n_waiting(), py(b.broken()));
        if let Err(SyncError::ZeroParties) = Barrier::new(0) {
            log!("ValueError: parties must be > 0");
        }
    });
    assert_eq!(rt.trace().text(), oracle("sy_06_barrier"));
}

#[test]
fn a_bounded_queue_blocks_producers_and_consumers_one_wake_per_item() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let q = Queue::new(2);
        let consumer = |name: &'static str| {
            let q = q.clone();
            spawn_named(name, async move {
                for _ in 0..3 {
                    let i: i32 = q.get().await;
                    log!("{name} got {i}");
                    yield_now().await;
                }
            })
        };
        let cs = [consumer("c1"), consumer("c2")];
        yield_now().await;
        let p = {
            let q = q.clone();
            spawn_named("producer", async move {
                for i in 0..6 {
                    q.put(i).await;
                    log!("put {i} (qsize {})", q.qsize());
                }
            })
        };
        let tk = spawn_ticker("ticker", 8);
        let [c1, c2] = cs;
        gather_all(vec![p, c1, c2, tk]).await;
        let q = Queue::new(2);
        q.put_nowait("x").unwrap();
        q.put_nowait("y").unwrap();
        if let Err(QueueFull("z")) = q.put_nowait("z") {
            log!("QueueFull");
        }
        log!("{} {}", q.get_nowait().unwrap(), q.get_nowait().unwrap());
        if let Err(QueueEmpty) = q.get_nowait() {
            log!("QueueEmpty");
        }
        let (pq, lq) = (PriorityQueue::new(0), LifoQueue::new(0));
        for x in [3, 1, 2] {
            pq.put_nowait(x).unwrap();
            lq.put_nowait(x).unwrap();
        }
        let p: Vec<i32> = (0..3).map(|_| pq.get_nowait().unwrap()).collect();
        let l: Vec<i32> = (0..3).map(|_| lq.get_nowait().unwrap()).collect();
        log!("{p:?} {l:?}");
    });
    assert_eq!(rt.trace().text(), oracle("sy_07_queue_maxsize"));
}

#[test]
fn join_waits_for_task_done_per_item_and_wakes_joiners_in_order() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let q = Queue::new(0);
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        let w = {
            let q = q.clone();
            spawn_named("worker", async move {
                loop {
                    let item: i32 = q.get().await;
                    sleep(secs(1.0)).await;
                    log!("done {item}");
                    q.task_done().unwrap();
                }
            })
        };
        let joiner = |name: &'static str| {
            let q = q.clone();
            spawn_named(name, async move {
                q.join().await;
                log!("{name} joined");
            })
        };
        let mut js = vec![joiner("j1"), joiner("j2")];
        sleep(secs(2.5)).await;
        js.push(spawn_ticker("ticker", 5));
        gather_all(js).await;
        q.join().await;
        log!("join on a finished queue: no step");
        w.cancel();
        if let Err(SyncError::TaskDoneTooOften { .. }) = q.task_done() {
            log!("ValueError: task_done() called too many times");
        }
    });
    assert_eq!(rt.trace().text(), oracle("sy_08_queue_join"));
}

#[test]
fn cancelled_getters_and_putters_leave_and_hand_on_what_they_were_given() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let q: Queue<&'static str> = Queue::new(0);
        let gs: Vec<Task<()>> = ["g1", "g2", "g3"]
            .map(|name| {
                let q = q.clone();
                spawn_named(name, async move {
                    let cancelled = OnCancel::new(format!("{name} cancelled"));
                    let item = q.get().await;
                    cancelled.disarm();
                    log!("{name} got {item}");
                })
            })
            .into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        gs[0].cancel();
        q.put_nowait("A").unwrap();
        log!("cancelled g1, put A");
        q.put_nowait("B").unwrap();
        gs[1].cancel();
        log!("put B (to g3), cancelled g2");
        let mut all = gs;
        all.push(tk);
        gather_all(all).await;
        log!("qsize {}", q.qsize());
        q.get_nowait().unwrap();

        sleep(secs(1.0)).await;
        let q: Queue<&'static str> = Queue::new(1);
        q.put_nowait("full").unwrap();
        let mut ps: Vec<Task<()>> = ["p1", "p2", "p3"]
            .map(|name| {
                let q = q.clone();
                spawn_named(name, async move {
                    let cancelled = OnCancel::new(format!("{name} cancelled"));
                    q.put(name).await;
                    cancelled.disarm();
                    log!("{name} put {name}");
                })
            })
            .into();
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        log!("got {}", q.get_nowait().unwrap());
        ps[0].cancel();
        log!("room went to p1; cancelled p1");
        let p3 = ps.pop().unwrap();
        ps.push(tk);
        gather_all(ps).await;
        log!("qsize {}: {}", q.qsize(), q.get_nowait().unwrap());
        p3.await.unwrap();
        log!("qsize {}: {}", q.qsize(), q.get_nowait().unwrap());
    });
    assert_eq!(rt.trace().text(), oracle("sy_09_queue_cancel"));
}

#[test]
fn a_waiter_that_catches_its_cancellation_hands_the_lock_on_and_queues_again() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let lock = Lock::new();
        lock.acquire().await;
        let a = {
            let lock = lock.clone();
            spawn_named("a", async move {
                if catch_cancel(lock.acquire()).await.is_err() {
                    log!("a caught its cancellation");
                    lock.acquire().await;
                    log!("a acquired after all");
                } else {
                    log!("a acquired");
                }
                lock.release().unwrap();
            })
        };
        let b = {
            let lock = lock.clone();
            spawn_named("b", async move {
                lock.acquire().await;
                log!("b acquired");
                lock.release().unwrap();
            })
        };
        yield_now().await;
        let tk = spawn_ticker("ticker", 6);
        a.cancel();
        lock.release().unwrap();
        log!("main cancelled a and released");
        gather_all(vec![a, b, tk]).await;
        log!("locked={}", py(lock.locked()));
    });
    assert_eq!(rt.trace().text(), oracle("sy_10_lock_cancel_caught"));
}
