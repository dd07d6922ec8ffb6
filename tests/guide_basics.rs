//! The guide's first three examples (single await, multiple awaits, create_task), written
//! as a user would, each checked line for line against CPython's trace in
//! `tests/oracle/cases/` (or `../shared/oracle/cases/`).

use simloop::{log, sleep, spawn, wall_clock, Runtime};
use std::time::Duration;

fn oracle(name: &str) -> String {
    let path = format!("{}/tests/oracle/cases/{name}.expected", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.trim_end().to_string()
}

fn guide_runtime() -> Runtime {
    Runtime::builder().wall_clock_hms(17, 13, 52).build()
}

async fn say_after(delay: u64, what: &str) {
    sleep(Duration::from_secs(delay)).await;
    log!("{what}");
}

#[test]
fn single_await_prints_hello_then_world_one_second_later() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        log!("hello");
        sleep(Duration::from_secs(1)).await;
        log!("world");
    });
    assert_eq!(rt.trace().text(), oracle("seed_01_single_await"));
    assert_eq!(rt.now().as_duration(), Duration::from_secs(1));
}

#[test]
fn multiple_awaits_run_one_after_the_other_in_three_seconds() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        log!("started at {}", wall_clock().hms());
        say_after(1, "hello").await;
        say_after(2, "world").await;
        log!("finished at {}", wall_clock().hms());
    });
    let text = rt.trace().text();
    assert_eq!(text, oracle("seed_02_multiple_awaits"));
    assert!(text.contains("finished at 17:13:55"));
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}

#[test]
fn create_task_runs_both_concurrently_in_two_seconds() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let task1 = spawn(say_after(1, "hello"));
        let task2 = spawn(say_after(2, "world"));
        log!("started at {}", wall_clock().hms());
        task1.await.unwrap();
        task2.await.unwrap();
        log!("finished at {}", wall_clock().hms());
    });
    assert_eq!(rt.trace().text(), oracle("seed_03_create_task"));
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}
