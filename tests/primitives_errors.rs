//! The primitives' errors: what their messages say, and the misuse they report.

use std::convert::Infallible;
use std::time::Duration;

use simloop::{
    sleep, task_group, timeout, ChildError, Elapsed, Instant, Runtime, TaskError, TaskGroup,
    TaskGroupClosed, Timeout,
};

#[test]
fn error_messages_say_what_happened_and_what_to_do() {
    assert_eq!(
        Elapsed::at(Instant::from_millis(1500)).to_string(),
        "deadline 1.500s has elapsed and the work was cancelled; give it a later deadline (or \
         reschedule the Timeout) if it should finish"
    );
    let e: ChildError<String> = ChildError::Raised("boom".into());
    assert_eq!(e.to_string(), "boom");
    assert_eq!(ChildError::<String>::Task(TaskError::Cancelled).to_string(), "task was cancelled");
    assert!(TaskGroupClosed::Finished.to_string().starts_with("TaskGroup is finished"));
    assert!(TaskGroupClosed::ShuttingDown.to_string().contains("no new children are accepted"));
    let io: std::io::Error = Elapsed::at(Instant::from_secs(1)).into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
}

#[test]
fn a_task_group_error_lists_every_failure_in_order() {
    let mut rt = Runtime::new();
    let r = rt.block_on(task_group(|tg: TaskGroup<String>| async move {
        tg.spawn(async { Err::<(), _>("a".to_string()) });
        tg.spawn(async { Err::<(), _>("b".to_string()) });
        // Without this yield the children would be cancelled before their first step
        // and the group would hold only the body's error, as in CPython.
        simloop::yield_now().await;
        Err::<(), _>("body".to_string())
    }));
    let e = r.unwrap_err();
    assert_eq!(e.to_string(), "unhandled errors in a TaskGroup (3 sub-errors): a; b; body");
    assert_eq!(e.raised().cloned().collect::<Vec<_>>(), ["a", "b", "body"]);
}

#[test]
fn a_body_failing_before_the_children_ran_cancels_them_unstarted() {
    let mut rt = Runtime::new();
    let r = rt.block_on(task_group(|tg: TaskGroup<String>| async move {
        tg.spawn(async { Err::<(), _>("a".to_string()) });
        Err::<(), _>("body".to_string())
    }));
    assert_eq!(r.unwrap_err().into_errors(), vec![ChildError::Raised("body".to_string())]);
}

#[test]
fn spawning_into_a_group_that_is_shutting_down_or_finished_is_refused() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let seen = std::rc::Rc::new(std::cell::Cell::new(None));
        let seen2 = seen.clone();
        let r = task_group(|tg: TaskGroup<String>| async move {
            tg.spawn(async { Err::<(), _>("first".to_string()) });
            let tg2 = tg.clone();
            // Not a child: it watches the group from outside.
            let _spy = simloop::spawn(async move {
                simloop::yield_now().await; // the failure's callback runs meanwhile
                seen2.set(tg2.try_spawn(async {}).err());
            });
            sleep(Duration::from_secs(10)).await;
            Ok(())
        })
        .await;
        assert_eq!(r.unwrap_err().errors().len(), 1);
        assert_eq!(seen.get(), Some(TaskGroupClosed::ShuttingDown));
        let tg = task_group(|tg: TaskGroup<Infallible>| async move { Ok(tg) }).await.unwrap();
        assert_eq!(tg.try_spawn(async {}).err(), Some(TaskGroupClosed::Finished));
    });
}

#[test]
#[should_panic(expected = "reschedule only while its future runs")]
fn rescheduling_an_expired_timeout_panics_with_the_fix() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let cm = Timeout::after(Duration::from_secs(1));
        assert!(cm.wrap(sleep(Duration::from_secs(2))).await.is_err());
        cm.reschedule(None);
    });
}

#[test]
#[should_panic(expected = "already entered by another future")]
fn one_timeout_guards_one_future() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let cm = Timeout::after(Duration::from_secs(1));
        let first = cm.wrap(sleep(Duration::from_secs(2)));
        let second = cm.wrap(sleep(Duration::from_secs(2)));
        let _ = futures::join!(first, second);
    });
}

#[test]
fn a_zero_or_disabled_timeout_never_fires_for_ready_work() {
    let mut rt = Runtime::new();
    assert_eq!(rt.block_on(async { timeout(None, async { 7 }).await }), Ok(7));
    // asyncio: the inner future runs before the queued timeout step, so ready work wins.
    assert_eq!(rt.block_on(async { timeout(Duration::ZERO, async { 8 }).await }), Ok(8));
}
