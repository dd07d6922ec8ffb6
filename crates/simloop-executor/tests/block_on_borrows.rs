//! The one `unsafe` place, `Inner::spawn_task` (every task is spawned with async-task's
//! `spawn_unchecked`: the main future without `'static`, every future without `Send`),
//! exercised on every path that ends `block_on` (normal return, main panic, deadlock, step
//! limit, a leftover task) and on the paths a `!Send` task's runnable can take: the local
//! queue, a wake from another thread, a wake while another runtime is current, a waker
//! that outlives its runtime; and that a `!Send` future is dropped on the runtime thread
//! however its task ends. Run under Miri:
//! `cargo +nightly miri test -p simloop-executor --test block_on_borrows`.

// Holding a borrow across an await is the point: it proves the future is dropped.
#![allow(clippy::await_holding_refcell_ref)]

use simloop_executor::{sleep, spawn, yield_now, RunError, Runtime};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

#[test]
fn main_future_may_borrow_locals_and_return_them() {
    let mut log = Vec::new();
    let text = String::from("borrowed");
    let mut rt = Runtime::new();
    let n = rt.block_on(async {
        log.push(text.as_str());
        sleep(Duration::from_millis(5)).await;
        log.push("after");
        text.len()
    });
    assert_eq!(n, 8);
    assert_eq!(log, vec!["borrowed", "after"]);
}

#[test]
fn borrowed_state_is_released_when_main_panics() {
    let cell = RefCell::new(0);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Runtime::new().block_on(async {
            let mut guard = cell.borrow_mut();
            *guard += 1;
            yield_now().await;
            panic!("main panics while holding a borrow");
        })
    }));
    assert!(r.is_err());
    // The future (and its RefMut) was dropped before block_on returned.
    assert_eq!(*cell.borrow(), 1);
}

#[test]
fn borrowed_state_is_released_on_deadlock_and_step_limit() {
    let cell = RefCell::new(0);
    let err = Runtime::new()
        .try_block_on(async {
            let _guard = cell.borrow_mut();
            std::future::pending::<()>().await;
        })
        .unwrap_err();
    assert!(matches!(err, RunError::Deadlock(_)));
    assert!(cell.try_borrow_mut().is_ok());

    let err = Runtime::builder()
        .step_limit(10)
        .build()
        .try_block_on(async {
            let _guard = cell.borrow_mut();
            loop {
                yield_now().await;
            }
        })
        .unwrap_err();
    assert!(matches!(err, RunError::StepLimit { .. }));
    assert!(cell.try_borrow_mut().is_ok());
}

#[test]
fn leftover_tasks_are_destroyed_and_the_runtime_can_run_again() {
    let mut rt = Runtime::new();
    let local = [1, 2, 3];
    let first = rt.block_on(async {
        spawn(sleep(Duration::from_secs(10))).detach();
        yield_now().await;
        local.iter().sum::<i32>()
    });
    assert_eq!(first, 6);
    assert_eq!(rt.report().destroyed_pending.len(), 1);
    let second = rt.block_on(async {
        sleep(Duration::from_secs(1)).await;
        local.len()
    });
    assert_eq!(second, 3);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(1));
}

/// Pending once; its waker goes to `out`.
struct HandOutWaker(Option<std::sync::mpsc::Sender<Waker>>);

impl Future for HandOutWaker {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.0.take() {
            Some(out) => {
                out.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            None => Poll::Ready(()),
        }
    }
}

#[test]
fn not_send_tasks_woken_from_another_thread_run_and_drop_on_the_runtime_thread() {
    let shared = Rc::new(RefCell::new(Vec::new()));
    let mut rt = Runtime::new();
    rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let log = shared.clone();
        let t = spawn(async move {
            log.borrow_mut().push("before");
            HandOutWaker(Some(tx)).await;
            log.borrow_mut().push("after");
        });
        yield_now().await;
        let waker = rx.recv().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        t.await.unwrap();
    });
    assert_eq!(*shared.borrow(), vec!["before", "after"]);
    assert_eq!(Rc::strong_count(&shared), 1, "the task's future was dropped");
}

#[test]
fn a_task_woken_while_another_runtime_runs_waits_for_its_own() {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut a = Runtime::new();
    let state = Rc::new(RefCell::new(0));
    let s = state.clone();
    let t = a.spawn(async move {
        *s.borrow_mut() += 1;
        HandOutWaker(Some(tx)).await;
        *s.borrow_mut() += 1;
    });
    a.run_until_blocked().unwrap();
    let waker = rx.recv().unwrap();
    // Woken while runtime `b` is current: queued for `a`, not run by `b`.
    Runtime::new().block_on(async move { waker.wake() });
    assert_eq!(*state.borrow(), 1);
    a.run_until_blocked().unwrap();
    assert_eq!(*state.borrow(), 2);
    assert!(t.is_done());
}

#[test]
fn a_waker_that_outlives_its_runtime_wakes_nothing() {
    let (tx, rx) = std::sync::mpsc::channel();
    let held = Rc::new(());
    {
        let mut rt = Runtime::new();
        let h = held.clone();
        rt.block_on(async move {
            spawn(async move {
                let _h = h;
                HandOutWaker(Some(tx)).await;
            })
            .detach();
            yield_now().await;
        });
        assert_eq!(rt.report().destroyed_pending.len(), 1);
    }
    assert_eq!(Rc::strong_count(&held), 1, "the pending task was destroyed with its runtime");
    let waker = rx.recv().unwrap();
    std::thread::spawn(move || waker.wake()).join().unwrap();
}

/// Records, when dropped, whether that happened on the thread that created it. Holding an
/// `Rc` makes it (and every future holding it) `!Send`.
struct DropsOnItsThread {
    thread: std::thread::ThreadId,
    dropped_here: Rc<RefCell<Vec<bool>>>,
}

impl DropsOnItsThread {
    fn new(log: &Rc<RefCell<Vec<bool>>>) -> DropsOnItsThread {
        DropsOnItsThread { thread: std::thread::current().id(), dropped_here: log.clone() }
    }
}

impl Drop for DropsOnItsThread {
    fn drop(&mut self) {
        let here = std::thread::current().id() == self.thread;
        self.dropped_here.borrow_mut().push(here);
    }
}

#[test]
fn a_not_send_future_is_dropped_on_the_runtime_thread_however_it_ends() {
    let drops = Rc::new(RefCell::new(Vec::new()));
    let mut rt = Runtime::new();
    rt.block_on(async {
        // 1. Completes after a wake from another thread.
        let (tx, rx) = std::sync::mpsc::channel();
        let guard = DropsOnItsThread::new(&drops);
        let done = spawn(async move {
            let _guard = guard;
            HandOutWaker(Some(tx)).await;
        });
        yield_now().await;
        let waker = rx.recv().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        done.await.unwrap();
        // 2. Woken from another thread, then cancelled: dropped at its turn.
        let (tx, rx) = std::sync::mpsc::channel();
        let guard = DropsOnItsThread::new(&drops);
        let cancelled = spawn(async move {
            let _guard = guard;
            HandOutWaker(Some(tx)).await;
            std::future::pending::<()>().await;
        });
        yield_now().await;
        let waker = rx.recv().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        cancelled.cancel();
        assert!(cancelled.await.unwrap_err().is_cancelled());
        // 3. Still pending when block_on returns, with a wake from another thread queued
        // for it: destroyed by the runtime, on its thread.
        let (tx, rx) = std::sync::mpsc::channel();
        let guard = DropsOnItsThread::new(&drops);
        spawn(async move {
            let _guard = guard;
            HandOutWaker(Some(tx)).await;
            std::future::pending::<()>().await;
        })
        .detach();
        yield_now().await;
        let waker = rx.recv().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
    });
    // 4. Parked when the runtime is dropped; its waker is woken afterwards, elsewhere.
    let (tx, rx) = std::sync::mpsc::channel();
    let guard = DropsOnItsThread::new(&drops);
    rt.spawn(async move {
        let _guard = guard;
        HandOutWaker(Some(tx)).await;
    })
    .detach();
    rt.run_until_blocked().unwrap();
    let waker = rx.recv().unwrap();
    drop(rt);
    std::thread::spawn(move || waker.wake()).join().unwrap();
    assert_eq!(*drops.borrow(), vec![true; 4], "every guard dropped, each on the runtime thread");
}
