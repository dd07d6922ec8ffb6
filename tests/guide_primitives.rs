//! The guide's examples 4 to 13 (collections of tasks, TaskGroup, `.result()` and
//! `await`, gather, timeout), written as a user porting them would, each checked line for
//! line against CPython's trace in `tests/oracle/cases/seed_*.expected`, and snapshotted in
//! `snapshots/guide_primitives__seed_*.snap` (with seed and policy) for `cargo insta review`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures::FutureExt;
use std::convert::Infallible;

use simloop::checker::assert_trace_snapshot;
use simloop::{gather, log, sleep, spawn, task_group, timeout, wall_clock, Runtime, TaskRef};

fn oracle(name: &str) -> String {
    let path = format!("{}/tests/oracle/cases/{name}.expected", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.trim_end().to_string()
}

fn guide_runtime() -> Runtime {
    Runtime::builder().wall_clock_hms(17, 13, 52).build()
}

async fn some_coro(param: u32) {
    sleep(Duration::from_secs(3)).await;
    log!("Task with param {param} completed");
}

#[test]
fn set_of_tasks_done_callbacks_empty_the_set_before_gather_returns() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        // asyncio's `background_tasks = set()` with `add_done_callback(set.discard)`.
        let background: Rc<RefCell<std::collections::BTreeMap<_, TaskRef>>> = Rc::default();
        let mut tasks = Vec::new();
        for i in 0..10 {
            let task = spawn(some_coro(i));
            background.borrow_mut().insert(task.id(), task.as_ref());
            let set = background.clone();
            task.add_done_callback(move |t| {
                set.borrow_mut().remove(&t.id());
            });
            tasks.push(task);
        }
        gather(tasks).await;
        // The discard callbacks were registered before gather's, so they ran first.
        assert!(background.borrow().is_empty());
    });
    assert_eq!(rt.trace().text(), oracle("seed_04_set_of_tasks"));
    assert_trace_snapshot!("seed_04_set_of_tasks", rt);
}

#[test]
fn list_of_tasks_done_callbacks_empty_the_list_before_gather_returns() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        // asyncio's `tasks = []` with `add_done_callback(tasks.remove)`.
        let list: Rc<RefCell<Vec<TaskRef>>> = Rc::default();
        let mut tasks = Vec::new();
        for i in 0..10 {
            let task = spawn(some_coro(i));
            list.borrow_mut().push(task.as_ref());
            let list2 = list.clone();
            task.add_done_callback(move |t| {
                let mut l = list2.borrow_mut();
                let at = l.iter().position(|x| x.ptr_eq(t)).expect("list.remove(x): x not in list");
                l.remove(at);
            });
            tasks.push(task);
        }
        gather(tasks).await;
        assert!(list.borrow().is_empty());
    });
    assert_eq!(rt.trace().text(), oracle("seed_05_list_of_tasks"));
    assert_trace_snapshot!("seed_05_list_of_tasks", rt);
}

async fn foo(x: u64) -> String {
    sleep(Duration::from_secs(x)).await;
    format!("foo: {x}")
}

async fn bar(y: u64) -> String {
    sleep(Duration::from_secs(y)).await;
    format!("bar: {y}")
}

fn py_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

#[test]
fn gather_basic_returns_results_in_input_order_after_three_seconds() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let (a, b, c) = simloop::gather!(foo(1), bar(2), foo(3)).await;
        let results = [a.unwrap(), b.unwrap(), c.unwrap()];
        log!("{}", py_list(&results));
    });
    assert_eq!(rt.trace().text(), oracle("seed_09_gather_basic"));
    assert_trace_snapshot!("seed_09_gather_basic", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}

#[derive(Debug, Clone, PartialEq)]
struct ValueError(String);

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

async fn faulty_task() -> Result<String, ValueError> {
    sleep(Duration::from_secs(1)).await;
    Err(ValueError("An error occurred".into()))
}

#[test]
fn gather_with_all_outcomes_reports_the_error_in_its_place() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let results = gather([
            foo(1).map(Ok).boxed_local(),
            faulty_task().boxed_local(),
            bar(2).map(Ok).boxed_local(),
        ])
        .await;
        let shown: Vec<String> = results
            .iter()
            .map(|r| match r {
                Ok(Ok(v)) => format!("'{v}'"),
                Ok(Err(e)) => format!("ValueError('{e}')"),
                Err(e) => format!("{e}"),
            })
            .collect();
        log!("[{}] <class 'list'>", shown.join(", "));
        for result in results {
            match result.unwrap() {
                Err(e) => log!("Task raised an exception: {e}"),
                Ok(v) => log!("Task result: {v}"),
            }
        }
    });
    assert_eq!(rt.trace().text(), oracle("seed_10_gather_exceptions"));
    assert_trace_snapshot!("seed_10_gather_exceptions", rt);
}

async fn factorial(name: &'static str, number: u64) -> u64 {
    let mut f = 1;
    for i in 2..=number {
        log!("Task {name}: compute factorial({number}), currently i={i}...");
        sleep(Duration::from_secs(1)).await;
        f *= i;
    }
    log!("Task {name}: factorial({number}) = {f}");
    f
}

#[test]
fn gather_interleaves_three_factorials_second_by_second() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let l = simloop::try_gather([
            factorial("A", 2).map(Ok::<_, ValueError>).boxed_local(),
            factorial("B", 3).map(Ok).boxed_local(),
            factorial("C", 4).map(Ok).boxed_local(),
        ])
        .await
        .unwrap();
        log!("{l:?}");
    });
    assert_eq!(rt.trace().text(), oracle("seed_11_factorial"));
    assert_trace_snapshot!("seed_11_factorial", rt);
}

#[test]
fn gather_of_created_tasks_takes_the_longest_one() {
    async fn coro1() -> &'static str {
        sleep(Duration::from_secs(1)).await;
        "Result 1"
    }
    async fn coro2() -> &'static str {
        sleep(Duration::from_secs(2)).await;
        "Result 2"
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        let task1 = spawn(coro1());
        let task2 = spawn(coro2());
        let (r1, r2) = simloop::gather!(task1, task2).await;
        let results = [r1.unwrap().to_string(), r2.unwrap().to_string()];
        log!("Results: {}", py_list(&results));
    });
    assert_eq!(rt.trace().text(), oracle("seed_12_gather_create_task"));
    assert_trace_snapshot!("seed_12_gather_create_task", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}

async fn say_after(delay: u64, what: &str) {
    sleep(Duration::from_secs(delay)).await;
    log!("{what}");
}

#[test]
fn task_group_waits_for_both_children_in_two_seconds() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        task_group(|tg| async move {
            let _task1 = tg.spawn(say_after(1, "hello"));
            let _task2 = tg.spawn(say_after(2, "world"));
            log!("started at {}", wall_clock().hms());
            Ok::<_, Infallible>(())
        })
        .await
        .unwrap();
        log!("finished at {}", wall_clock().hms());
    });
    assert_eq!(rt.trace().text(), oracle("seed_06_taskgroup"));
    assert_trace_snapshot!("seed_06_taskgroup", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}

async fn task1() -> &'static str {
    log!("Task 1 started");
    sleep(Duration::from_secs(2)).await;
    log!("Task 1 completed");
    "Result from task 1"
}

async fn task2() -> &'static str {
    log!("Task 2 started");
    sleep(Duration::from_secs(1)).await;
    log!("Task 2 completed");
    "Result from task 2"
}

#[test]
fn task_group_children_results_are_read_with_result_after_the_group() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let (t1, t2) = task_group(|tg| async move {
            let t1 = tg.spawn(task1().map(Ok));
            let t2 = tg.spawn(task2().map(Ok));
            Ok::<_, Infallible>((t1, t2))
        })
        .await
        .unwrap();
        log!("Task 1 result: {}", t1.result().unwrap());
        log!("Task 2 result: {}", t2.result().unwrap());
    });
    assert_eq!(rt.trace().text(), oracle("seed_07_result"));
    assert_trace_snapshot!("seed_07_result", rt);
}

#[test]
fn task_group_children_results_can_be_awaited_after_the_group() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let (t1, t2) = task_group(|tg| async move {
            let t1 = tg.spawn(task1().map(Ok));
            let t2 = tg.spawn(task2().map(Ok));
            Ok::<_, Infallible>((t1, t2))
        })
        .await
        .unwrap();
        let result1 = t1.await.unwrap();
        let result2 = t2.await.unwrap();
        log!("Task 1 result: {result1}");
        log!("Task 2 result: {result2}");
    });
    assert_eq!(rt.trace().text(), oracle("seed_08_await"));
    assert_trace_snapshot!("seed_08_await", rt);
}

#[test]
fn timeout_cancels_the_coroutine_after_three_seconds() {
    async fn my_coroutine() {
        log!("Task started");
        sleep(Duration::from_secs(5)).await;
        log!("Task finished");
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        if let Err(_elapsed) = timeout(Duration::from_secs(3), my_coroutine()).await {
            log!("The task took too long and was cancelled");
        }
    });
    assert_eq!(rt.trace().text(), oracle("seed_13_timeout"));
    assert_trace_snapshot!("seed_13_timeout", rt);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}
