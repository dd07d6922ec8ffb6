//! The guide's examples 4 to 13 (collections of tasks, TaskGroup, `.result()` and
//! `await`, gather, timeout), written as a user porting them would (`tests/guide/mod.rs`),
//! each checked line for line against CPython's trace in `tests/oracle/cases/seed_*.expected`,
//! and snapshotted in `snapshots/guide_primitives__seed_*.snap` (with seed and policy) for
//! `cargo insta review`.

mod common;
mod guide;

use simloop::checker::assert_trace_snapshot;
use std::time::Duration;

fn run(program: fn(&mut simloop::Runtime), case: &str) -> simloop::Runtime {
    let mut rt = guide::runtime();
    program(&mut rt);
    assert_eq!(rt.trace().text(), common::oracle(case));
    rt
}

#[test]
fn set_of_tasks_done_callbacks_empty_the_set_before_gather_returns() {
    let rt = run(guide::set_of_tasks, "seed_04_set_of_tasks");
    assert_trace_snapshot!("seed_04_set_of_tasks", rt);
}

#[test]
fn list_of_tasks_done_callbacks_empty_the_list_before_gather_returns() {
    let rt = run(guide::list_of_tasks, "seed_05_list_of_tasks");
    assert_trace_snapshot!("seed_05_list_of_tasks", rt);
}

#[test]
fn task_group_waits_for_both_children_in_two_seconds() {
    let rt = run(guide::taskgroup, "seed_06_taskgroup");
    assert_trace_snapshot!("seed_06_taskgroup", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}

#[test]
fn task_group_children_results_are_read_with_result_after_the_group() {
    let rt = run(guide::result_after_group, "seed_07_result");
    assert_trace_snapshot!("seed_07_result", rt);
}

#[test]
fn task_group_children_results_can_be_awaited_after_the_group() {
    let rt = run(guide::await_after_group, "seed_08_await");
    assert_trace_snapshot!("seed_08_await", rt);
}

#[test]
fn gather_basic_returns_results_in_input_order_after_three_seconds() {
    let rt = run(guide::gather_basic, "seed_09_gather_basic");
    assert_trace_snapshot!("seed_09_gather_basic", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}

#[test]
fn gather_with_all_outcomes_reports_the_error_in_its_place() {
    let rt = run(guide::gather_exceptions, "seed_10_gather_exceptions");
    assert_trace_snapshot!("seed_10_gather_exceptions", rt);
}

#[test]
fn gather_interleaves_three_factorials_second_by_second() {
    let rt = run(guide::gather_factorials, "seed_11_factorial");
    assert_trace_snapshot!("seed_11_factorial", rt);
}

#[test]
fn gather_of_created_tasks_takes_the_longest_one() {
    let rt = run(guide::gather_created_tasks, "seed_12_gather_create_task");
    assert_trace_snapshot!("seed_12_gather_create_task", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}

#[test]
fn timeout_cancels_the_coroutine_after_three_seconds() {
    let rt = run(guide::timeout_example, "seed_13_timeout");
    assert_trace_snapshot!("seed_13_timeout", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}

#[test]
fn wait_returns_done_and_pending_without_cancelling() {
    let rt = run(guide::wait_modes, "wa_01_wait_modes");
    assert_trace_snapshot!("wa_01_wait_modes", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(15));
}
