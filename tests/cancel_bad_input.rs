//! Cancellation's bad input (issue 11): a cancel of a finished task, `uncancel()` with no
//! request left, and a cleanup that never ends, which the step and time limits report
//! naming the task and saying that it was cancelling. (A cancel scope awaited outside a
//! task: `cancel_scopes.rs`.)

use simloop::{
    catch_cancel, current_task, sleep, spawn_named, yield_now, Builder, RunError, TaskError,
};
use std::time::Duration;

#[test]
fn cancel_of_a_done_task_returns_false_and_counts_nothing() {
    simloop::Runtime::new().block_on(async {
        let done = spawn_named("done", async { 1 });
        let gone = spawn_named("gone", sleep(Duration::from_secs(1)));
        yield_now().await;
        assert!(gone.cancel());
        let (d, g) = (done.clone(), gone.clone());
        assert_eq!(gone.await, Err(TaskError::Cancelled));
        assert!(!d.cancel() && !d.as_ref().cancel(), "finished: asyncio returns False");
        assert!(!g.cancel(), "already cancelled");
        assert_eq!((d.cancelling(), g.cancelling()), (0, 1));
        assert_eq!(done.await, Ok(1));
    });
}

#[test]
fn uncancel_with_no_request_left_stays_at_zero_as_cpython_does() {
    simloop::Runtime::new().block_on(async {
        let me = current_task().unwrap();
        assert_eq!(me.uncancel(), 0, "never cancelled: CPython's uncancel() returns 0");
        assert_eq!(me.cancelling(), 0);
        let w = spawn_named("w", async {
            let _ = catch_cancel(sleep(Duration::from_secs(5))).await;
            "refused"
        });
        yield_now().await;
        w.cancel();
        let w2 = w.clone();
        assert_eq!(w.await, Ok("refused"));
        assert_eq!((w2.uncancel(), w2.uncancel(), w2.cancelling()), (0, 0, 0));
        // The count never went below zero: a live task's next request counts as one.
        let s = spawn_named("s", sleep(Duration::from_secs(1)));
        assert_eq!((s.uncancel(), s.uncancel()), (0, 0));
        assert!(s.cancel());
        assert_eq!(s.cancelling(), 1);
    });
}

/// A worker that catches its cancellation and then sleeps (or spins) forever.
async fn endless_cleanup(spin: bool) {
    if let Err(_c) = catch_cancel(sleep(Duration::from_secs(60))).await {
        loop {
            if spin {
                yield_now().await;
            } else {
                sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

fn run_endless(spin: bool) -> RunError {
    Builder::new()
        .step_limit(10_000)
        .time_limit(Duration::from_secs(100))
        .build()
        .try_block_on(async move {
            let w = spawn_named("flusher", endless_cleanup(spin));
            yield_now().await;
            w.cancel();
            let _ = w.await;
        })
        .unwrap_err()
}

#[test]
fn a_cleanup_sleeping_forever_hits_the_time_limit_named_and_cancelling() {
    let err = run_endless(false);
    let RunError::TimeLimit { task, cancelling, .. } = &err else { panic!("{err}") };
    assert_eq!((task.as_str(), *cancelling), ("flusher", 1));
    let msg = err.summary();
    assert!(msg.contains("flusher was cancelling (cancelling() = 1): its cleanup"), "{msg}");
}

#[test]
fn a_cleanup_spinning_forever_hits_the_step_limit_named_and_cancelling() {
    let err = run_endless(true);
    let RunError::StepLimit { task, cancelling, .. } = &err else { panic!("{err}") };
    assert_eq!((task.as_str(), *cancelling), ("flusher", 1));
    assert!(err.summary().contains("flusher was cancelling"), "{}", err.summary());
}

#[test]
fn a_shutdown_cleanup_that_never_ends_is_reported_as_cancelling() {
    let err = Builder::new()
        .time_limit(Duration::from_secs(100))
        .cancel_leftovers(true)
        .build()
        .try_block_on(async {
            spawn_named("flusher", endless_cleanup(false)).detach();
            yield_now().await;
        })
        .unwrap_err();
    let RunError::TimeLimit { task, cancelling, .. } = &err else { panic!("{err}") };
    assert_eq!((task.as_str(), *cancelling), ("flusher", 1));
}

#[test]
fn a_limit_hit_by_a_task_not_being_cancelled_says_nothing_of_cancelling() {
    let err = Builder::new()
        .time_limit(Duration::from_secs(10))
        .build()
        .try_block_on(async {
            loop {
                sleep(Duration::from_secs(1)).await;
            }
        })
        .unwrap_err();
    let RunError::TimeLimit { cancelling: 0, .. } = &err else { panic!("{err}") };
    assert!(!err.summary().contains("cancelling"), "{}", err.summary());
}
