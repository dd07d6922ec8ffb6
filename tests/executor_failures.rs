//! Every failure report and every bad input of the executor, with the message asserted.

use futures::channel::oneshot;
use simloop::{
    log, now, sleep, sleep_until, spawn, spawn_named, try_spawn, Instant, RunError, Runtime,
    TaskError, WaitOn,
};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn deadlock_fails_at_once_naming_each_task_what_it_waits_on_and_the_chain() {
    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            let (_tx, rx) = oneshot::channel::<()>();
            let stuck = spawn_named("stuck", async move {
                log!("waiting for a message nobody sends");
                let _ = rx.await;
            });
            sleep(secs(5)).await;
            let _ = stuck.await;
        })
        .unwrap_err();
    let RunError::Deadlock(report) = &err else { panic!("expected a deadlock, got {err}") };
    assert_eq!(report.at, Instant::from_secs(5));
    assert_eq!(report.tasks.len(), 2);
    assert_eq!(report.tasks[0].name, "main");
    assert_eq!(report.tasks[0].waiting_on, WaitOn::Task(report.tasks[1].id));
    assert_eq!(report.tasks[1].name, "stuck");
    assert_eq!(report.tasks[1].waiting_on, WaitOn::Foreign);
    assert!(report.tasks[1].spawn_site.contains("tests/executor_failures.rs:"));
    assert_eq!(report.wait_for, vec!["main -> stuck -> (a foreign future)".to_string()]);
    let text = err.to_string();
    assert!(
        text.starts_with("deadlock at 5.000s (seed 0x0, policy fifo): the main task is pending")
    );
    assert!(text.contains("waits on: task stuck (#2)"), "{text}");
    assert!(text.contains("waits on: a future simloop does not know"), "{text}");
    assert!(
        text.contains("last events: 0.000s start | 0.000s log waiting for a message nobody sends"),
        "{text}"
    );
    assert_eq!(err.class(), "deadlock");
}

#[test]
fn a_cycle_of_tasks_awaiting_each_other_is_reported_as_a_cycle() {
    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            let (tx, rx) = oneshot::channel::<simloop::Task<()>>();
            let a = spawn_named("a", async move {
                let b = rx.await.unwrap();
                let _ = b.await;
            });
            let a2 = a.clone();
            let b = spawn_named("b", async move {
                let _ = a2.await;
            });
            let _ = tx.send(b);
            let _ = a.await;
        })
        .unwrap_err();
    let RunError::Deadlock(report) = err else { panic!("expected a deadlock") };
    assert_eq!(report.wait_for, vec!["main -> a -> b -> a -> (cycle)".to_string()]);
}

#[test]
fn block_on_panics_with_the_deadlock_report() {
    let result = std::panic::catch_unwind(|| {
        Runtime::new().block_on(std::future::pending::<()>());
    });
    let payload = result.unwrap_err();
    let msg = payload.downcast_ref::<String>().unwrap();
    assert!(msg.starts_with("deadlock at 0.000s"), "{msg}");
    assert!(msg.contains("main (#1) spawned at tests/executor_failures.rs:"), "{msg}");
}

#[test]
fn step_limit_stops_a_spinning_task_with_the_seed() {
    let mut rt = Runtime::builder().seed(0x2a).step_limit(1000).build();
    let err = rt
        .try_block_on(async {
            loop {
                simloop::yield_now().await;
            }
        })
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "step limit reached: 1000 steps ran by virtual time 0.000s (seed 0x2a, policy fifo)"
        ),
        "{text}"
    );
    assert!(text.contains("Builder::step_limit"));
    assert!(text.contains("the busiest task of the last steps: main"), "{text}");
    assert!(text.contains("Virtual time stood still, so a task is probably spinning"), "{text}");
    assert_eq!(err.class(), "step-limit");
}

#[test]
fn step_limit_tells_a_timer_loop_from_a_spin_and_names_the_looping_task() {
    let mut rt = Runtime::builder().step_limit(1000).no_time_limit().build();
    let err = rt
        .try_block_on(async {
            let quiet = spawn_named("quiet", async { sleep(secs(1_000_000)).await });
            spawn_named("ticker", async {
                loop {
                    sleep(Duration::from_millis(1)).await;
                }
            })
            .await
            .unwrap();
            quiet.await.unwrap();
        })
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the busiest task of the last steps: ticker"), "{text}");
    assert!(text.contains("Virtual time kept moving"), "{text}");
    assert!(text.contains("SIMLOOP_TIME_LIMIT"), "{text}");
    match err {
        RunError::StepLimit { task, time_moving, .. } => {
            assert_eq!((task.as_str(), time_moving), ("ticker", true))
        }
        other => panic!("expected a step limit, got {other}"),
    }
}

#[test]
fn the_default_time_limit_stops_an_endless_sleep_loop_at_a_day() {
    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            spawn_named("poller", async {
                loop {
                    sleep(secs(1)).await;
                }
            })
            .await
            .unwrap();
        })
        .unwrap_err();
    assert_eq!(rt.now(), Instant::ZERO + simloop::DEFAULT_TIME_LIMIT);
    let text = err.to_string();
    assert!(text.contains("past the limit of 86400.000s"), "{text}");
    assert!(text.contains("it was set by poller"), "{text}");
    assert_eq!(err.class(), "time-limit");
}

#[test]
fn time_limit_stops_an_endless_sleep_loop_before_passing_it() {
    let mut rt = Runtime::builder().seed(7).time_limit(Duration::from_secs(3600)).build();
    let err = rt
        .try_block_on(async {
            loop {
                sleep(secs(60)).await;
            }
        })
        .unwrap_err();
    assert_eq!(rt.now(), Instant::from_secs(3600));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "virtual time limit reached: the next timer fires at 3660.000s, past the limit of 3600.000s (seed 0x7"
        ),
        "{text}"
    );
}

#[test]
fn a_task_panic_is_captured_recorded_and_reaches_its_awaiter() {
    let mut rt = Runtime::new();
    let got = rt.block_on(async {
        let t = spawn(async {
            sleep(secs(2)).await;
            panic!("boom at two");
        });
        t.await
    });
    assert_eq!(got, Err(TaskError::Panicked("boom at two".into())));
    assert!(rt.trace().verbose().contains("   2.000s  Task-2       panicked: boom at two"));
    assert!(rt.report().is_clean(), "{}", rt.report());
}

#[test]
fn the_main_panic_is_reraised_by_block_on_and_returned_by_try_block_on() {
    let r = std::panic::catch_unwind(|| {
        Runtime::new().block_on(async {
            sleep(secs(1)).await;
            panic!("main failed");
        })
    });
    assert_eq!(*r.unwrap_err().downcast_ref::<&str>().unwrap(), "main failed");
    let err = Runtime::new()
        .try_block_on(async {
            sleep(secs(1)).await;
            panic!("main failed");
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "the main task panicked at 1.000s: main failed");
}

#[test]
fn a_panic_nobody_retrieves_fails_a_plain_block_on_naming_the_task_and_the_opt_out() {
    let mut rt = Runtime::new();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            spawn_named("fire-and-forget", async { panic!("nobody reads this") }).detach();
            sleep(secs(1)).await;
            "main's value"
        })
    }))
    .unwrap_err();
    let message = simloop::panic_message(&*failed);
    assert!(
        message.starts_with(
            "task fire-and-forget panicked and nobody retrieved it: nobody reads this\n  \
             fire-and-forget (#2) spawned at tests/executor_failures.rs:"
        ),
        "{message}"
    );
    assert!(message.contains("Builder::allow_unretrieved_panics(true)"), "{message}");
    // The run finished first: its report and trace are whole.
    assert_eq!(rt.report().never_retrieved.len(), 1);
    assert_eq!(rt.now(), Instant::from_secs(1));
    // A retrieved panic is no failure.
    rt.block_on(async {
        let t = spawn_named("read", async { panic!("read by main") });
        assert!(t.await.is_err());
    });
    // try_block_on returns it as an error instead, with the same message.
    let err = rt
        .try_block_on(async {
            spawn_named("fire-and-forget", async { panic!("nobody reads this") }).detach();
            simloop::yield_now().await;
        })
        .unwrap_err();
    assert_eq!(err.class(), "unretrieved-panic");
    assert!(matches!(err, simloop::RunError::UnretrievedPanic { .. }));
    assert!(err.to_string().starts_with("task fire-and-forget panicked and nobody retrieved it"));
}

#[test]
fn a_panic_nobody_retrieves_is_reported_at_the_end() {
    // The report is the point here, so the run opts out of failing.
    let mut rt = Runtime::builder().allow_unretrieved_panics(true).build();
    rt.block_on(async {
        spawn_named("fire-and-forget", async { panic!("nobody reads this") }).detach();
        sleep(secs(1)).await;
    });
    let report = rt.report();
    assert_eq!(report.never_retrieved.len(), 1);
    assert_eq!(report.never_retrieved[0].0.name, "fire-and-forget");
    assert_eq!(report.never_retrieved[0].1, "nobody reads this");
    assert!(report
        .to_string()
        .starts_with("Task exception was never retrieved: nobody reads this"));
    assert!(rt.trace().verbose().contains("panic never retrieved: nobody reads this"));
}

#[test]
fn a_task_still_pending_when_block_on_returns_is_reported_and_destroyed() {
    struct Dropped(std::rc::Rc<std::cell::Cell<bool>>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = dropped.clone();
    let mut rt = Runtime::new();
    let handle = rt.block_on(async move {
        let guard = Dropped(flag);
        let sleepy = spawn_named("sleepy", async move {
            let _guard = guard;
            sleep(secs(100)).await;
        });
        simloop::yield_now().await;
        sleepy.as_ref()
    });
    assert!(dropped.get(), "the pending task's future must be dropped");
    assert!(handle.is_cancelled());
    let report = rt.report();
    assert_eq!(report.destroyed_pending.len(), 1);
    assert_eq!(report.destroyed_pending[0].name, "sleepy");
    assert_eq!(report.destroyed_pending[0].waiting_on, WaitOn::Timer(Instant::from_secs(100)));
    assert!(report.to_string().starts_with("Task was destroyed but it is pending!\n  sleepy (#2)"));
    assert_eq!(rt.now(), Instant::ZERO, "the clock does not run to the leftover timer");
}

#[test]
fn sleep_duration_max_never_fires_and_a_lone_one_is_a_deadlock_naming_it() {
    let mut rt = Runtime::new();
    let err = rt.try_block_on(sleep(Duration::MAX)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("a sleep that never ends"), "{text}");
    assert!(text.contains("sleep(Duration::MAX)"), "{text}");
    assert_eq!(rt.now(), Instant::ZERO);
    // Beside other work it simply never fires.
    let v = Runtime::new().block_on(async {
        let forever = spawn(sleep(Duration::MAX));
        sleep(secs(1)).await;
        forever.is_done()
    });
    assert!(!v);
}

#[test]
fn deadline_overflow_is_a_clear_panic_and_checked_add_is_the_fix() {
    let r = std::panic::catch_unwind(|| Instant::from_secs(10) + Duration::MAX);
    let msg = r.unwrap_err().downcast_ref::<String>().unwrap().clone();
    assert!(msg.starts_with("virtual instant overflow"), "{msg}");
    assert!(msg.contains("checked_add"));
    // sleep_until(Instant::MAX) is the explicit "never".
    let err = Runtime::new().try_block_on(sleep_until(Instant::MAX)).unwrap_err();
    assert!(err.to_string().contains("a sleep that never ends"));
}

#[test]
fn spawn_outside_a_runtime_names_the_fix() {
    let err = try_spawn(async {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "try_spawn() called outside a simloop runtime: wrap the test in #[simloop::test] or Runtime::block_on"
    );
    let r = std::panic::catch_unwind(|| {
        spawn(async {}).detach();
    });
    let msg = r.unwrap_err().downcast_ref::<String>().unwrap().clone();
    assert!(msg.starts_with("spawn() called outside a simloop runtime"), "{msg}");
    let r = std::panic::catch_unwind(now);
    assert!(r.is_err());
}

#[test]
fn nested_block_on_is_an_error_not_a_hang() {
    let mut rt = Runtime::new();
    let inner = rt.block_on(async {
        let mut nested = Runtime::new();
        nested.try_block_on(async { 1 }).map_err(|e| e.to_string())
    });
    assert_eq!(
        inner.unwrap_err(),
        "block_on called inside a simloop runtime: a runtime cannot be nested; await the future (or spawn it) instead of calling block_on"
    );
}

#[test]
fn result_before_done_is_invalid_state_and_after_done_is_the_value() {
    Runtime::new().block_on(async {
        let t = spawn(async {
            sleep(secs(1)).await;
            7
        });
        match t.result() {
            Err(TaskError::InvalidState(msg)) => assert_eq!(
                msg,
                "result() called on task Task-2 while it is still pending: await the task, or read its result once it is done (is_done())"
            ),
            other => panic!("expected InvalidState, got {other:?}"),
        }
        sleep(secs(2)).await;
        assert_eq!(t.result(), Ok(7));
        assert_eq!(t.result(), Ok(7));
        assert_eq!(t.take_result(), Ok(7));
        assert!(matches!(t.take_result(), Err(TaskError::InvalidState(m)) if m.contains("already taken")));
    });
}

/// A future that hands its waker to another thread, which wakes it and exits before the
/// poll returns: the wake arrives through the runtime's remote queue.
struct WokenFromAnotherThread(bool);

impl Future for WokenFromAnotherThread {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        let waker = cx.waker().clone();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        Poll::Pending
    }
}

#[test]
fn a_wake_from_another_thread_is_queued_and_runs() {
    let mut rt = Runtime::new();
    let v = rt.block_on(async {
        let t = spawn(async {
            WokenFromAnotherThread(false).await;
            5
        });
        t.await.unwrap()
    });
    assert_eq!(v, 5);
}

#[test]
fn a_waker_used_after_its_runtime_is_gone_does_nothing() {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    /// Counts its future's drops.
    struct Dropped(Arc<AtomicUsize>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let yield_steps = {
        let mut rt = Runtime::new();
        rt.block_on(simloop::yield_now());
        rt.steps()
    };
    let polls = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let mut rt = Runtime::new();
        let (p, guard) = (polls.clone(), Dropped(drops.clone()));
        rt.block_on(async move {
            spawn(std::future::poll_fn(move |cx: &mut Context<'_>| {
                let _owned = &guard;
                p.fetch_add(1, SeqCst);
                tx.send(cx.waker().clone()).unwrap();
                Poll::<()>::Pending
            }))
            .detach();
            simloop::yield_now().await;
        });
        assert_eq!(rt.report().destroyed_pending.len(), 1);
    }
    // The runtime is gone and so is the task: its future was dropped exactly once, after
    // one poll.
    assert_eq!((polls.load(SeqCst), drops.load(SeqCst)), (1, 1));
    let waker = rx.recv().unwrap();
    std::thread::spawn(move || {
        waker.wake_by_ref();
        waker.wake();
    })
    .join()
    .expect("waking a task of a dropped runtime panicked");
    // Nothing ran: no poll, no second drop; and a runtime made afterwards on this thread
    // is not handed the stale task: it runs only its own steps.
    assert_eq!((polls.load(SeqCst), drops.load(SeqCst)), (1, 1));
    let mut rt = Runtime::new();
    rt.block_on(simloop::yield_now());
    assert_eq!((polls.load(SeqCst), drops.load(SeqCst)), (1, 1));
    assert_eq!(rt.steps(), yield_steps);
    assert!(rt.report().is_clean(), "{}", rt.report());
}

#[test]
fn cancel_of_a_finished_task_returns_false() {
    Runtime::new().block_on(async {
        let t = spawn(async { 1 });
        simloop::yield_now().await;
        assert!(t.is_done());
        assert!(!t.cancel());
        assert_eq!(t.await, Ok(1));
    });
}

#[test]
fn reports_of_many_leftover_tasks_stay_linear_and_readable() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        for _ in 0..20_000 {
            spawn(sleep(secs(5))).detach();
        }
        simloop::yield_now().await;
    });
    let report = rt.report();
    assert_eq!(report.destroyed_pending.len(), 20_000);
    assert_eq!(report.destroyed_pending.iter().filter(|r| !r.last_events.is_empty()).count(), 32);

    let err = Runtime::new()
        .try_block_on(async {
            for _ in 0..20_000 {
                spawn(std::future::pending::<()>()).detach();
            }
            std::future::pending::<()>().await
        })
        .unwrap_err();
    let RunError::Deadlock(report) = &err else { panic!("expected a deadlock") };
    assert_eq!(report.tasks.len(), 20_001);
    let text = err.to_string();
    assert!(
        text.contains("... and 19951 more (all are in DeadlockReport::tasks)"),
        "{}",
        &text[text.len() - 300..]
    );
    assert!(text.lines().count() < 400);
}
