//! The executor's API as a test author uses it: exact elapsed time, manual control,
//! seeded randomness and policies, names, traces.

use simloop::{
    current_task_name, log, now, random_range, random_u64, sleep, sleep_until, spawn, spawn_named,
    wait_all_tasks_blocked, yield_now, EventKind, Instant, Policy, Runtime, TaskState,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn elapsed_is_exactly_the_sum_of_the_sleeps_to_the_nanosecond() {
    let sleeps = [1u64, 333_333_333, 999_999_999, 7, 1_000_000_000_001];
    let mut rt = Runtime::new();
    rt.block_on(async {
        for ns in sleeps {
            sleep(Duration::from_nanos(ns)).await;
        }
    });
    assert_eq!(rt.now().as_nanos(), sleeps.iter().sum::<u64>());
}

#[test]
fn an_hour_of_retries_costs_no_wall_time_and_ends_at_the_exact_instant() {
    let wall = std::time::Instant::now();
    let mut rt = Runtime::new();
    let attempts = rt.block_on(async {
        let mut attempts = 0;
        let mut backoff = Duration::from_millis(100);
        while now() < Instant::from_secs(3600) {
            attempts += 1;
            sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(60));
        }
        attempts
    });
    let wall = wall.elapsed();
    // 100ms·(2^10-1) = 102.3s of doubling, then 60s steps up to the first instant ≥ 3600s.
    assert_eq!(attempts, 10 + 59);
    assert_eq!(rt.now(), Instant::from_millis(102_300 + 59 * 60_000));
    // No wall time: virtual time moved only by jumps of the clock. Every sleep cost exactly
    // one step (main's first poll, one per wake, and the done callback that stops the loop,
    // as run_until_complete's), so nothing polled or spun while "waiting"; and each sleep's
    // timer fired at exactly its deadline, the next event of the run, with the next sleep
    // starting at that same instant.
    assert_eq!(rt.steps(), 1 + attempts as u64 + 1);
    let trace = rt.trace();
    let events: Vec<_> = trace.events().iter().filter(|e| e.kind != EventKind::Start).collect();
    assert_eq!(events.len(), 2 * attempts as usize + 1, "{}", trace.verbose());
    let mut at = Instant::ZERO;
    for pair in events[..events.len() - 1].chunks(2) {
        let EventKind::Sleep { until } = pair[0].kind else { panic!("{:?}", pair[0]) };
        assert_eq!((pair[0].at, &pair[1].kind, pair[1].at), (at, &EventKind::TimerFired, until));
        at = until;
    }
    assert_eq!(
        (events[events.len() - 1].at, &events[events.len() - 1].kind),
        (at, &EventKind::Finished)
    );
    // And the hour of retries took less than an hour: a wall bound that cannot flake (only
    // a stall of this 70-step run for an hour breaks it), which waiting out the backoffs in
    // the OS would break.
    assert!(
        wall < rt.now() - Instant::ZERO,
        "{wall:?} of wall time for {} of virtual time",
        rt.now()
    );
}

#[test]
fn run_until_blocked_runs_ready_work_without_moving_the_clock() {
    let mut rt = Runtime::new();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let t = rt.spawn(async move {
        s.borrow_mut().push("started");
        sleep(Duration::from_secs(5)).await;
        s.borrow_mut().push("woke");
    });
    rt.run_until_blocked().unwrap();
    assert_eq!(*seen.borrow(), vec!["started"]);
    assert_eq!(rt.now(), Instant::ZERO);
    assert_eq!(t.state(), TaskState::Pending);

    assert_eq!(rt.advance_to_next_timer().unwrap(), Some(Instant::from_secs(5)));
    assert_eq!(*seen.borrow(), vec!["started", "woke"]);
    assert!(t.is_done());
    assert_eq!(rt.advance_to_next_timer().unwrap(), None);
}

#[test]
fn advance_to_next_timer_moves_one_deadline_at_a_time() {
    let mut rt = Runtime::new();
    for s in [3u64, 1, 2, 1] {
        rt.spawn(sleep(Duration::from_secs(s))).detach();
    }
    let mut instants = Vec::new();
    while let Some(t) = rt.advance_to_next_timer().unwrap() {
        instants.push(t.as_duration().as_secs());
    }
    assert_eq!(instants, vec![1, 2, 3]);
}

#[test]
fn wait_all_tasks_blocked_returns_when_every_other_task_is_blocked() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let done = Rc::new(RefCell::new(0));
        for i in 0..3 {
            let done = done.clone();
            spawn(async move {
                for _ in 0..i {
                    yield_now().await;
                }
                *done.borrow_mut() += 1;
                sleep(Duration::from_secs(1)).await;
            })
            .detach();
        }
        wait_all_tasks_blocked().await;
        assert_eq!(*done.borrow(), 3);
        assert_eq!(now(), Instant::ZERO);
    });
}

fn order_under(seed: u64, policy: Policy) -> Vec<u32> {
    let mut rt = Runtime::builder().seed(seed).policy(policy).build();
    rt.block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let order = order.clone();
                spawn(async move {
                    yield_now().await;
                    order.borrow_mut().push(i);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let v = order.borrow().clone();
        v
    })
}

#[test]
fn fifo_keeps_creation_order_and_random_is_a_function_of_the_seed() {
    assert_eq!(order_under(1, Policy::Fifo), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(order_under(9, Policy::Fifo), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(order_under(3, Policy::Random), order_under(3, Policy::Random));
    let distinct: std::collections::HashSet<_> =
        (0..20).map(|s| order_under(s, Policy::Random)).collect();
    assert!(distinct.len() > 5, "random policy explored only {} orders", distinct.len());
    let pct: std::collections::HashSet<_> =
        (0..20).map(|s| order_under(s, Policy::pct(3))).collect();
    assert!(pct.len() > 1);
}

#[test]
fn user_randomness_is_seeded_and_in_range() {
    let draw = |seed| {
        Runtime::builder().seed(seed).build().block_on(async {
            let v: Vec<u64> = (0..4).map(|_| random_range(10, 20)).collect();
            (random_u64(), v)
        })
    };
    assert_eq!(draw(5), draw(5));
    assert_ne!(draw(5).0, draw(6).0);
    assert!(draw(5).1.iter().all(|v| (10..20).contains(v)));
}

#[test]
fn names_follow_asyncio_numbering_and_can_be_set() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        assert_eq!(current_task_name(), "main");
        let a = spawn(async { current_task_name() });
        let b = spawn_named("worker", async { current_task_name() });
        let c = spawn(async { current_task_name() });
        assert_eq!(a.name(), "Task-2");
        assert_eq!(b.id().as_u64(), 3);
        assert_eq!(c.name(), "Task-4", "named tasks also take a number, as in asyncio");
        c.set_name("renamed");
        assert_eq!(a.await.unwrap(), "Task-2");
        assert_eq!(b.await.unwrap(), "worker");
        assert_eq!(c.await.unwrap(), "renamed");
    });
    assert_eq!(rt.trace().name(simloop::TaskId::clone(&rt.trace().events()[0].task)), "main");
}

#[test]
fn the_verbose_trace_records_every_runtime_event_in_order() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let t = spawn_named("child", async {
            sleep(Duration::from_millis(1500)).await;
            log!("child done");
        });
        let victim = spawn_named("victim", sleep_until(Instant::from_secs(9)));
        yield_now().await;
        victim.cancel();
        t.await.unwrap();
    });
    let verbose = rt.trace().verbose();
    let expected = "   0.000s  main         start
   0.000s  main         spawn child
   0.000s  main         spawn victim
   0.000s  main         yield
   0.000s  child        start
   0.000s  child        sleep until 1.500s
   0.000s  victim       start
   0.000s  victim       sleep until 9.000s
   0.000s  main         resumed
   0.000s  victim       cancel requested
   0.000s  victim       cancelled
   1.500s  child        timer fired
   1.500s  child        log child done
   1.500s  child        finished
   1.500s  main         finished
-- elapsed 1.500s";
    assert_eq!(verbose, expected);
    let kinds: Vec<_> = rt.trace().events().iter().map(|e| e.kind.clone()).collect();
    assert!(kinds.contains(&EventKind::TimerFired));
}

/// A yield and the point where the task resumes are in the trace, so a read-await-write
/// race shows without `log!` lines (issue 14, item 9); the canonical text (what snapshots
/// hold) has neither, and an untraced run records neither.
#[test]
fn yields_and_resumptions_are_traced_but_not_in_the_text() {
    let run = |tracing: bool| {
        let mut rt = Runtime::builder().tracing(tracing).build();
        rt.block_on(async {
            let reader = spawn_named("reader", async {
                sleep(Duration::ZERO).await; // read, then await, then write
                log!("write");
            });
            spawn_named("writer", async { yield_now().await }).await.unwrap();
            reader.await.unwrap();
        });
        rt.trace()
    };
    let trace = run(true);
    let lines: Vec<String> = trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Yield | EventKind::Resumed))
        .map(|e| format!("{} {}", trace.name(e.task), trace.describe(&e.kind)))
        .collect();
    assert_eq!(
        lines,
        ["reader yield", "writer yield", "reader resumed", "writer resumed"],
        "{}",
        trace.verbose()
    );
    assert_eq!(trace.text(), "   0.000s  reader       write\n-- elapsed 0.000s");
    let untraced = run(false);
    assert_eq!(untraced.events().len(), 1, "{}", untraced.verbose());
}

#[test]
fn tracing_off_keeps_log_lines_only() {
    let mut rt = Runtime::builder().tracing(false).build();
    rt.block_on(async {
        spawn(sleep(Duration::from_secs(1))).await.unwrap();
        log!("only me");
    });
    assert_eq!(rt.trace().events().len(), 1);
    assert_eq!(rt.trace().text(), "   1.000s  main         only me\n-- elapsed 1.000s");
}

#[test]
fn run_is_asyncio_run() {
    let v = simloop::run(async {
        sleep(Duration::from_secs(2)).await;
        now()
    });
    assert_eq!(v, Instant::from_secs(2));
}

/// Default task names are numbered as CPython 3.11 numbers them (`nm_01_task_numbers`): its
/// C `Task` takes a number for every task, named or not (the pure-Python `_PyTask` skips
/// named ones; the oracle runs the C one), and gather's and a task group's children are
/// tasks that take theirs.
#[test]
fn default_task_names_are_numbered_as_cpython_numbers_them() {
    use futures::FutureExt;
    use simloop::{current_task_name, gather, log, spawn, spawn_named, task_group, TaskGroup};
    async fn who(tag: &'static str) {
        log!("{tag} is {}", current_task_name());
    }
    let mut rt = Runtime::new();
    rt.block_on(async {
        let a = spawn(who("first unnamed"));
        let b = spawn_named("worker", who("named"));
        let c = spawn(who("second unnamed"));
        let _ = gather(vec![a.clone(), b.clone(), c.clone()]).await;
        let _ = gather([who("gather child 1").boxed_local(), who("gather child 2").boxed_local()])
            .await;
        task_group(|tg: TaskGroup<()>| async move {
            tg.spawn_named("g", async { who("group child named").await });
            tg.spawn(async { who("group child unnamed").await });
            Ok(())
        })
        .await
        .unwrap();
        let d = spawn(who("last unnamed"));
        d.set_name("renamed");
        let e = spawn(who("after a rename"));
        let names = [a.name(), b.name(), c.name(), d.name(), e.name()].join(" ");
        d.await.unwrap();
        e.await.unwrap();
        log!("names: {names}");
    });
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/oracle/cases/nm_01_task_numbers.expected"
    ))
    .unwrap();
    assert_eq!(rt.trace().text(), expected.trim_end());
}
