//! The asyncio guide's examples as simloop programs, written as a user would write them.
//! Shared by the tests (`tests/guide_*.rs`, each compared line for line with CPython's
//! trace in `tests/oracle/cases/`) and the tour (`examples/asyncio_guide.rs`).
#![allow(dead_code)]

use simloop::{log, sleep, spawn, wall_clock, Runtime};
use std::time::Duration;

/// One guide example: its number and title in the guide, the oracle case holding
/// CPython's trace, and the program.
pub struct Example {
    /// Number in `../shared/seed/EXAMPLES.md`.
    pub number: u32,
    /// Section title in the guide.
    pub title: &'static str,
    /// Oracle case name (`tests/oracle/cases/<case>.expected`).
    pub case: &'static str,
    /// Runs the example's `main()` on the runtime.
    pub run: fn(&mut Runtime),
}

/// Every guide example built so far, in guide order.
pub fn examples() -> Vec<Example> {
    vec![
        Example { number: 1, title: "Single await", case: "seed_01_single_await", run: single_await },
        Example {
            number: 2,
            title: "Multiple awaits",
            case: "seed_02_multiple_awaits",
            run: multiple_awaits,
        },
        Example {
            number: 3,
            title: "asyncio.create_task()",
            case: "seed_03_create_task",
            run: create_task,
        },
    ]
}

/// A runtime whose wall clock starts at the guide's (and the oracle's) 17:13:52.
pub fn runtime() -> Runtime {
    Runtime::builder().wall_clock_hms(17, 13, 52).build()
}

async fn say_after(delay: u64, what: &str) {
    sleep(Duration::from_secs(delay)).await;
    log!("{what}");
}

/// 1. `print('hello')`, `await asyncio.sleep(1)`, `print('world')`.
pub fn single_await(rt: &mut Runtime) {
    rt.block_on(async {
        log!("hello");
        sleep(Duration::from_secs(1)).await;
        log!("world");
    });
}

/// 2. Two awaits in a row take 1 s + 2 s.
pub fn multiple_awaits(rt: &mut Runtime) {
    rt.block_on(async {
        log!("started at {}", wall_clock().hms());
        say_after(1, "hello").await;
        say_after(2, "world").await;
        log!("finished at {}", wall_clock().hms());
    });
}

/// 3. The same two calls as tasks run concurrently: 2 s.
pub fn create_task(rt: &mut Runtime) {
    rt.block_on(async {
        let task1 = spawn(say_after(1, "hello"));
        let task2 = spawn(say_after(2, "world"));
        log!("started at {}", wall_clock().hms());
        task1.await.unwrap();
        task2.await.unwrap();
        log!("finished at {}", wall_clock().hms());
    });
}
