//! The asyncio guide's examples as simloop programs, written as a user would write them.
//! Shared by the tests (`tests/guide_*.rs`, each compared line for line with CPython's
//! trace in `tests/oracle/cases/`) and the tour (`examples/asyncio_guide.rs`).
#![allow(dead_code)]

use futures::FutureExt;
use simloop::{gather, log, sleep, spawn, task_group, timeout, wall_clock, Runtime, TaskRef};
use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;
use std::time::Duration;

/// What the tour (`examples/asyncio_guide.rs`) prints first: where its examples come from,
/// and why some lines hold Python reprs.
pub const TOUR_HEADER: &str = "\
The asyncio guide's examples (seed/asyncio-guide.en.md), run on simloop by
examples/asyncio_guide.rs; each example's Rust is in tests/guide/mod.rs, and CPython's own
trace of it in tests/oracle/cases/<case>.expected. The lines print what the guide's Python
prints, Python reprs included (`<class 'list'>`, `True`), so that they compare with the
guide and with CPython byte for byte.";

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
        Example {
            number: 1,
            title: "Single await",
            case: "seed_01_single_await",
            run: single_await,
        },
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
        Example {
            number: 4,
            title: "Managing tasks with a set",
            case: "seed_04_set_of_tasks",
            run: set_of_tasks,
        },
        Example {
            number: 5,
            title: "Managing tasks with a list",
            case: "seed_05_list_of_tasks",
            run: list_of_tasks,
        },
        Example {
            number: 6,
            title: "asyncio.TaskGroup",
            case: "seed_06_taskgroup",
            run: taskgroup,
        },
        Example {
            number: 7,
            title: ".result() example",
            case: "seed_07_result",
            run: result_after_group,
        },
        Example {
            number: 8,
            title: "await example",
            case: "seed_08_await",
            run: await_after_group,
        },
        Example {
            number: 9,
            title: "gather basic usage",
            case: "seed_09_gather_basic",
            run: gather_basic,
        },
        Example {
            number: 10,
            title: "gather: handling exceptions",
            case: "seed_10_gather_exceptions",
            run: gather_exceptions,
        },
        Example {
            number: 11,
            title: "gather example 2: factorials",
            case: "seed_11_factorial",
            run: gather_factorials,
        },
        Example {
            number: 12,
            title: "gather example 3: with create_task",
            case: "seed_12_gather_create_task",
            run: gather_created_tasks,
        },
        Example {
            number: 13,
            title: "asyncio.timeout",
            case: "seed_13_timeout",
            run: timeout_example,
        },
        Example {
            number: 14,
            title: "asyncio.wait (one run per return_when, with and without timeout)",
            case: "wa_01_wait_modes",
            run: wait_modes,
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

async fn some_coro(param: u32) {
    sleep(Duration::from_secs(3)).await;
    log!("Task with param {param} completed");
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

/// 4. Managing tasks with a set (`tests/oracle/cases/seed_04_set_of_tasks.py`).
pub fn set_of_tasks(rt: &mut Runtime) {
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
}

/// 5. Managing tasks with a list (`tests/oracle/cases/seed_05_list_of_tasks.py`).
pub fn list_of_tasks(rt: &mut Runtime) {
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
}

/// 6. asyncio.TaskGroup (`tests/oracle/cases/seed_06_taskgroup.py`).
pub fn taskgroup(rt: &mut Runtime) {
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
}

/// 7. .result() example (`tests/oracle/cases/seed_07_result.py`).
pub fn result_after_group(rt: &mut Runtime) {
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
}

/// 8. await example (`tests/oracle/cases/seed_08_await.py`).
pub fn await_after_group(rt: &mut Runtime) {
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
}

/// 9. gather basic usage (`tests/oracle/cases/seed_09_gather_basic.py`).
pub fn gather_basic(rt: &mut Runtime) {
    rt.block_on(async {
        let (a, b, c) = simloop::gather!(foo(1), bar(2), foo(3)).await;
        let results = [a.unwrap(), b.unwrap(), c.unwrap()];
        log!("{}", py_list(&results));
    });
}

/// 10. gather: handling exceptions (`tests/oracle/cases/seed_10_gather_exceptions.py`).
pub fn gather_exceptions(rt: &mut Runtime) {
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
}

/// 11. gather example 2: factorials (`tests/oracle/cases/seed_11_factorial.py`).
pub fn gather_factorials(rt: &mut Runtime) {
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
}

/// 12. gather example 3: with create_task (`tests/oracle/cases/seed_12_gather_create_task.py`).
pub fn gather_created_tasks(rt: &mut Runtime) {
    async fn coro1() -> &'static str {
        sleep(Duration::from_secs(1)).await;
        "Result 1"
    }
    async fn coro2() -> &'static str {
        sleep(Duration::from_secs(2)).await;
        "Result 2"
    }
    rt.block_on(async {
        let task1 = spawn(coro1());
        let task2 = spawn(coro2());
        let (r1, r2) = simloop::gather!(task1, task2).await;
        let results = [r1.unwrap().to_string(), r2.unwrap().to_string()];
        log!("Results: {}", py_list(&results));
    });
}

/// 13. asyncio.timeout (`tests/oracle/cases/seed_13_timeout.py`).
pub fn timeout_example(rt: &mut Runtime) {
    async fn my_coroutine() {
        log!("Task started");
        sleep(Duration::from_secs(5)).await;
        log!("Task finished");
    }
    rt.block_on(async {
        if let Err(_elapsed) = timeout(Duration::from_secs(3), my_coroutine()).await {
            log!("The task took too long and was cancelled");
        }
    });
}

async fn wait_job(name: &'static str, secs_x10: u64, fail: bool) -> Result<String, ValueError> {
    sleep(Duration::from_millis(secs_x10 * 100)).await;
    if fail {
        log!("{name} raising");
        return Err(ValueError(name.into()));
    }
    log!("{name} done");
    Ok(name.into())
}

fn sorted_names<T: 'static>(ts: &[simloop::Task<T>]) -> String {
    let mut v: Vec<String> = ts.iter().map(|t| format!("'{}'", t.name())).collect();
    v.sort();
    format!("[{}]", v.join(", "))
}

async fn wait_run(
    label: &str,
    specs: &[(&'static str, u64, bool)],
    when: simloop::ReturnWhen,
    timeout: Option<Duration>,
) {
    let ts: Vec<_> =
        specs.iter().map(|&(n, d, f)| simloop::spawn_named(n, wait_job(n, d * 10, f))).collect();
    let (done, pending) = simloop::wait(ts, when, timeout).await;
    log!("{label}: done={} pending={}", sorted_names(&done), sorted_names(&pending));
    // Let the rest finish: wait never cancels.
    simloop::wait(done.into_iter().chain(pending), simloop::ReturnWhen::AllCompleted, None).await;
}

/// Guide example 14: `asyncio.wait` has no runnable example in the guide, so one run per
/// `return_when`, with a timeout that fires first and without
/// (`tests/oracle/cases/wa_01_wait_modes.py`).
pub fn wait_modes(rt: &mut Runtime) {
    use simloop::ReturnWhen::*;
    let ms = Duration::from_millis;
    rt.block_on(async move {
        wait_run("ALL_COMPLETED", &[("a", 1, false), ("b", 2, false)], AllCompleted, None).await;
        wait_run(
            "ALL_COMPLETED timeout=1.5",
            &[("c", 1, false), ("d", 2, false)],
            AllCompleted,
            Some(ms(1500)),
        )
        .await;
        wait_run("FIRST_COMPLETED", &[("e", 2, false), ("f", 1, false)], FirstCompleted, None)
            .await;
        wait_run(
            "FIRST_COMPLETED timeout=0.5",
            &[("g", 1, false), ("h", 2, false)],
            FirstCompleted,
            Some(ms(500)),
        )
        .await;
        wait_run(
            "FIRST_EXCEPTION",
            &[("i", 1, false), ("j", 2, true), ("k", 3, false)],
            FirstException,
            None,
        )
        .await;
        wait_run(
            "FIRST_EXCEPTION no failure",
            &[("l", 1, false), ("m", 2, false)],
            FirstException,
            None,
        )
        .await;
        wait_run(
            "FIRST_EXCEPTION timeout=1.5",
            &[("n", 1, false), ("o", 2, true)],
            FirstException,
            Some(ms(1500)),
        )
        .await;
    });
}
