//! The one `unsafe` block (spawning the main future without `'static`) exercised on every
//! path that ends `block_on`: normal return, main panic, deadlock, step limit, and a
//! leftover task. Run under Miri: `cargo +nightly miri test -p simloop-executor`.

// Holding a borrow across an await is the point: it proves the future is dropped.
#![allow(clippy::await_holding_refcell_ref)]

use simloop_executor::{sleep, spawn, yield_now, RunError, Runtime};
use std::cell::RefCell;
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
