//! TaskGroup edge cases, each checked against CPython's trace in `tests/oracle/cases/`:
//! exit hops with a ticker, a child failing while others sleep, two children failing at
//! the same instant, children adding children, the body failing, a failure while the body
//! already waits for the children.

mod common;

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;
use std::time::Duration;

use common::{oracle, ticker, OnCancel, ValueError};
use simloop::{
    log, sleep, spawn_named, task_group, yield_now, ChildError, Runtime, Task, TaskGroup,
    TaskGroupClosed,
};

async fn drain(tk: Task<()>) {
    tk.await.unwrap();
    sleep(Duration::from_secs(1)).await;
}

async fn child(name: &'static str) {
    log!("{name} finishing");
}

#[test]
fn task_group_exit_resumes_the_parent_two_steps_after_the_last_child() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let tk = task_group(|tg| async move {
            tg.spawn_named("a", child("a"));
            let tk = spawn_named("ticker", ticker(6));
            log!("body done; __aexit__ waits");
            Ok::<_, Infallible>(tk)
        })
        .await
        .unwrap();
        log!("main resumed: TaskGroup exit (body exited before the child finished)");
        drain(tk).await;

        let tk = task_group(|tg| async move {
            tg.spawn_named("b", child("b"));
            tg.spawn_named("c", child("c"));
            Ok::<_, Infallible>(spawn_named("ticker", ticker(6)))
        })
        .await
        .unwrap();
        log!("main resumed: TaskGroup exit, two children");
        drain(tk).await;

        let tk = task_group(|tg| async move {
            tg.spawn_named("d", child("d"));
            let tk = spawn_named("ticker", ticker(6));
            yield_now().await;
            log!("body after sleep(0); __aexit__ next");
            Ok::<_, Infallible>(tk)
        })
        .await
        .unwrap();
        log!("main resumed: TaskGroup exit (child finished, _on_task_done pending at exit)");
        drain(tk).await;

        let tk = task_group(|tg| async move {
            tg.spawn_named("e", child("e"));
            let tk = spawn_named("ticker", ticker(6));
            yield_now().await;
            yield_now().await;
            log!("body after 2x sleep(0); __aexit__ next");
            Ok::<_, Infallible>(tk)
        })
        .await
        .unwrap();
        log!("main resumed: TaskGroup exit (group already empty: no wait)");
        drain(tk).await;

        let tk = task_group(|_tg: TaskGroup<Infallible>| async move {
            Ok::<_, Infallible>(spawn_named("ticker", ticker(6)))
        })
        .await
        .unwrap();
        log!("main resumed: empty TaskGroup exit");
        drain(tk).await;
    });
    assert_eq!(rt.trace().text(), oracle("hop_03_taskgroup"));
}

async fn sleeper(name: &'static str, d: u64) {
    let guard = OnCancel::new(format!("{name} got CancelledError"));
    sleep(Duration::from_secs(d)).await;
    guard.disarm();
    log!("{name} finished (should not happen)");
}

async fn failer(name: &'static str, d: u64) -> Result<(), ValueError> {
    sleep(Duration::from_secs(d)).await;
    log!("{name} raising ValueError");
    Err(ValueError(format!("{name} failed")))
}

fn reprs(errors: &[ChildError<ValueError>]) -> String {
    let v: Vec<String> = errors
        .iter()
        .map(|e| match e {
            ChildError::Raised(e) => format!("'ValueError({e})'"),
            ChildError::Task(t) => format!("'{t}'"),
        })
        .collect();
    format!("[{}]", v.join(", "))
}

#[test]
fn a_failing_child_cancels_the_sleeping_sibling_then_the_body() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let r = task_group(|tg| async move {
            tg.spawn_named("f", failer("f", 1));
            tg.spawn_named("s", sleeper("s", 5));
            let guard = OnCancel::new("body got CancelledError");
            sleep(Duration::from_secs(10)).await;
            guard.disarm();
            log!("body finished sleeping (should not happen)");
            Ok(())
        })
        .await;
        let eg = r.unwrap_err();
        log!(
            "main caught ExceptionGroup: 'unhandled errors in a TaskGroup' {}",
            reprs(eg.errors())
        );
        log!("main continues; cancelling()=0");
        sleep(Duration::from_secs(1)).await;
        log!("main done");
    });
    assert_eq!(rt.trace().text(), oracle("tg_01_child_fails"));
}

async fn failer_after(name: &'static str, d: u64, yields_after: u32) -> Result<(), ValueError> {
    let guard = OnCancel::new(format!("{name} got CancelledError before raising"));
    sleep(Duration::from_secs(d)).await;
    for _ in 0..yields_after {
        yield_now().await;
    }
    guard.disarm();
    log!("{name} raising");
    Err(ValueError(name.into()))
}

fn names(errors: &[ChildError<ValueError>]) -> String {
    let v: Vec<String> = errors.iter().map(|e| format!("'{e}'")).collect();
    format!("[{}]", v.join(", "))
}

#[test]
fn two_children_failing_in_the_same_step_batch_are_both_in_the_group() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let cases: [(&str, (&str, &str), u32); 3] = [
            ("same step", ("a", "b"), 0),
            ("d one sleep(0) later", ("c", "d"), 1),
            ("f two sleep(0) later", ("e", "f"), 2),
        ];
        for (label, (x, y), later) in cases {
            let r = task_group(|tg| async move {
                tg.spawn_named(x, failer_after(x, 1, 0));
                tg.spawn_named(y, failer_after(y, 1, later));
                Ok(())
            })
            .await;
            log!("{label}: group holds {}", names(r.unwrap_err().errors()));
        }
    });
    assert_eq!(rt.trace().text(), oracle("tg_02_two_fail_same_instant"));
}

async fn leaf(name: String, d: u64) -> Result<String, Infallible> {
    sleep(Duration::from_secs(d)).await;
    log!("{name} done");
    Ok(name)
}

async fn parent(tg: TaskGroup<Infallible>, name: &'static str) {
    log!("{name} spawning {name}.1 and {name}.2");
    tg.spawn_named(format!("{name}.1"), leaf(format!("{name}.1"), 2));
    sleep(Duration::from_secs(1)).await;
    tg.spawn_named(format!("{name}.2"), leaf(format!("{name}.2"), 3));
    log!("{name} done");
}

#[test]
fn children_add_children_and_the_group_waits_for_all_of_them() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let keep = Rc::new(RefCell::new(None));
        let keep2 = keep.clone();
        task_group(|tg| async move {
            *keep2.borrow_mut() = Some(tg.clone());
            tg.spawn_named("p", parent(tg.clone(), "p"));
            tg.spawn_named("q", leaf("q".into(), 1));
            log!("body exits at once");
            Ok::<_, Infallible>(())
        })
        .await
        .unwrap();
        log!("group exited");
        let tg = keep.borrow_mut().take().unwrap();
        if let Err(TaskGroupClosed::Finished) = tg.try_spawn(leaf("late".into(), 1)) {
            log!("create_task after exit: RuntimeError(TaskGroup <TaskGroup entered> is finished)");
        }
    });
    assert_eq!(rt.trace().text(), oracle("tg_03_nested_spawn"));
}

#[test]
fn a_failure_while_the_body_waits_at_exit_takes_four_steps_to_reach_the_parent() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let tk: Rc<RefCell<Option<Task<()>>>> = Rc::default();
        let tk2 = tk.clone();
        let r = task_group(|tg| async move {
            tg.spawn_named("f", async move {
                sleep(Duration::from_secs(1)).await;
                log!("f raising");
                *tk2.borrow_mut() = Some(spawn_named("ticker", ticker(8)));
                Err::<(), _>(ValueError("f".into()))
            });
            tg.spawn_named("s", sleeper("s", 5));
            log!("body exits; waiting in __aexit__");
            Ok(())
        })
        .await;
        log!("main caught {}", names(r.unwrap_err().errors()));
        let t = tk.borrow_mut().take().unwrap();
        t.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("tg_07_fail_while_body_in_exit_hops"));
}

#[derive(Debug)]
enum Error {
    Runtime(&'static str),
}

#[test]
fn a_failing_body_cancels_the_children_and_its_error_comes_last() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let r = task_group(|tg| async move {
            tg.spawn_named("k", async {
                let guard = OnCancel::new("k got CancelledError");
                sleep(Duration::from_secs(5)).await;
                guard.disarm();
            });
            sleep(Duration::from_secs(1)).await;
            log!("body raising RuntimeError");
            Err::<(), _>(Error::Runtime("body"))
        })
        .await;
        let errors: Vec<String> = r
            .unwrap_err()
            .errors()
            .iter()
            .map(|e| match e {
                ChildError::Raised(Error::Runtime(m)) => format!("'RuntimeError({m})'"),
                ChildError::Task(t) => format!("'{t}'"),
            })
            .collect();
        log!("main caught [{}]", errors.join(", "));
        log!("main continues");
    });
    assert_eq!(rt.trace().text(), oracle("tg_08_body_raises"));
}

#[test]
fn a_panicking_child_fails_the_group_and_a_failed_childs_result_points_to_the_group() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let keep = Rc::new(RefCell::new(None));
        let keep2 = keep.clone();
        let r = task_group(|tg: TaskGroup<ValueError>| async move {
            *keep2.borrow_mut() = Some(tg.spawn(async { Err::<u8, _>(ValueError("v".into())) }));
            tg.spawn(async {
                yield_now().await;
                panic!("second");
                #[allow(unreachable_code)]
                ()
            });
            Ok(())
        })
        .await;
        let errors = r.unwrap_err().into_errors();
        assert_eq!(errors[0], ChildError::Raised(ValueError("v".into())));
        // The panicking child was cancelled by the group before it could panic.
        assert_eq!(errors.len(), 1);
        let failed = keep.borrow_mut().take().unwrap();
        assert!(matches!(failed.result(), Err(simloop::TaskError::InvalidState(_))));
    });
    let mut rt = Runtime::new();
    let r = rt.block_on(task_group(|tg: TaskGroup<ValueError>| async move {
        tg.spawn(async {
            panic!("boom");
            #[allow(unreachable_code)]
            ()
        });
        Ok(())
    }));
    assert_eq!(
        r.unwrap_err().into_errors(),
        vec![ChildError::Task(simloop::TaskError::Panicked("boom".into()))]
    );
}

/// asyncio's `task.exception()` on a failed child after `except*`: each handle finds its
/// own child's error in the group's error (two failures in one step, so each must find
/// its own), a cancelled sibling and a successful one have none, and reading the value says where the
/// error went.
#[test]
fn a_failed_childs_error_is_read_from_its_handle() {
    simloop::Runtime::new().block_on(async {
        let handles = RefCell::new(Vec::new());
        let group_error = task_group(|tg: TaskGroup<ValueError>| {
            let mut h = handles.borrow_mut();
            h.push(tg.spawn(async { Ok::<u8, ValueError>(1) }));
            h.push(tg.spawn(async { Err::<u8, _>(ValueError("first".into())) }));
            h.push(tg.spawn(async { Err::<u8, _>(ValueError("second".into())) }));
            h.push(tg.spawn(async {
                sleep(Duration::from_secs(5)).await;
                Ok::<u8, ValueError>(4)
            }));
            async { Ok(()) }
        })
        .await
        .unwrap_err();
        let h = handles.borrow();
        let own = |i: usize| h[i].error_in(&group_error).and_then(|e| e.raised()).cloned();
        assert_eq!(own(0), None);
        assert_eq!(own(1), Some(ValueError("first".into())));
        assert_eq!(own(2), Some(ValueError("second".into())));
        assert_eq!(group_error.errors().len(), 2);
        assert_eq!(own(3), None);
        assert!(h[3].result().unwrap_err().is_cancelled());
        let msg = h[2].result().unwrap_err().to_string();
        assert!(msg.contains("GroupTask::error_in(&group_error)"), "{msg}");
    });
}
