//! wait / as_completed / shield edge cases, each checked against CPython's trace in
//! `tests/oracle/cases/`: hops with a ticker, every ReturnWhen with and without a
//! timeout, a timeout that fires first, ties at the deadline, completion order, shielding
//! from the awaiter's cancellation.

mod common;
mod guide;

use std::time::Duration;

use common::{child, drain, oracle, start, ticker, OnCancel, Out, ValueError};
use simloop::{
    as_completed, gather, log, shield, sleep, spawn_named, wait, yield_now, ReturnWhen, Runtime,
    Task, TaskError,
};

fn names<T: 'static>(ts: &[Task<T>]) -> String {
    let mut v: Vec<String> = ts.iter().map(|t| format!("'{}'", t.name())).collect();
    v.sort();
    format!("[{}]", v.join(", "))
}

#[test]
fn wait_resumes_its_caller_two_steps_after_the_deciding_task() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        for (mode, label) in [
            (ReturnWhen::AllCompleted, "ALL_COMPLETED"),
            (ReturnWhen::FirstCompleted, "FIRST_COMPLETED"),
            (ReturnWhen::FirstException, "FIRST_EXCEPTION"),
        ] {
            let (ts, tk) = start(&["a", "b"], &[]);
            let (done, pending) = wait(ts, mode, None).await;
            log!("main resumed: wait({label}) done={} pending={}", names(&done), names(&pending));
            drain(tk).await;
        }

        let (ts, tk) = start(&["c", "d"], &["c"]);
        let (done, pending) = wait(ts, ReturnWhen::FirstException, None).await;
        log!(
            "main resumed: wait(FIRST_EXCEPTION, c fails) done={} pending={}",
            names(&done),
            names(&pending)
        );
        drain(tk).await;

        let e = spawn_named("e", child("e", false));
        let f = spawn_named("f", async {
            yield_now().await;
            log!("f finishing");
            Ok(String::from("f"))
        });
        let tk = spawn_named("ticker", ticker(6));
        let (done, pending) = wait([e, f], ReturnWhen::FirstCompleted, None).await;
        log!(
            "main resumed: wait(FIRST_COMPLETED) done={} pending={}",
            names(&done),
            names(&pending)
        );
        drain(tk).await;

        let g = spawn_named("g", child("g", false));
        yield_now().await;
        let tk = spawn_named("ticker", ticker(6));
        log!("g.done()={}; main calls wait({{g}})", if g.is_done() { "True" } else { "False" });
        let (done, _) = wait([g], ReturnWhen::AllCompleted, None).await;
        log!("main resumed: wait(already finished g) done={}", names(&done));
        drain(tk).await;
    });
    assert_eq!(rt.trace().text(), oracle("hop_06_wait"));
}

#[test]
fn wait_modes_return_early_but_never_cancel() {
    // The program is the tour's guide example 14 (`tests/guide/mod.rs`).
    let mut rt = Runtime::new();
    guide::wait_modes(&mut rt);
    assert_eq!(rt.trace().text(), oracle("wa_01_wait_modes"));
}

async fn tie_job(name: &'static str, d: u64, yields_after: u32) -> String {
    sleep(Duration::from_secs(d)).await;
    for _ in 0..yields_after {
        yield_now().await;
    }
    log!("{name} done");
    name.into()
}

#[test]
fn wait_ties_at_one_instant_follow_the_step_order() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let fc = ReturnWhen::FirstCompleted;
        for (label, specs) in [
            ("FIRST_COMPLETED, a and b at t=1", [("a", 0), ("b", 0)]),
            ("FIRST_COMPLETED, d one sleep(0) later", [("c", 0), ("d", 1)]),
            ("FIRST_COMPLETED, f two sleep(0) later", [("e", 0), ("f", 2)]),
        ] {
            let ts: Vec<_> = specs.iter().map(|&(n, y)| spawn_named(n, tie_job(n, 1, y))).collect();
            let (done, pending) = wait(ts, fc, None).await;
            log!("{label}: done={} pending={}", names(&done), names(&pending));
            wait(done.into_iter().chain(pending), ReturnWhen::AllCompleted, None).await;
        }
        let ts: Vec<_> = ["g", "h"].iter().map(|&n| spawn_named(n, tie_job(n, 1, 0))).collect();
        yield_now().await;
        let (done, pending) = wait(ts, ReturnWhen::AllCompleted, Duration::from_secs(1)).await;
        log!(
            "timeout=1 tie, tasks registered first: done={} pending={}",
            names(&done),
            names(&pending)
        );
        let ts: Vec<_> = ["i", "j"].iter().map(|&n| spawn_named(n, tie_job(n, 1, 0))).collect();
        let (done, pending) = wait(ts, ReturnWhen::AllCompleted, Duration::from_secs(1)).await;
        log!(
            "timeout=1 tie, timeout registered first: done={} pending={}",
            names(&done),
            names(&pending)
        );
        wait(done.into_iter().chain(pending), ReturnWhen::AllCompleted, None).await;
    });
    assert_eq!(rt.trace().text(), oracle("wa_02_wait_ties"));
}

#[test]
fn as_completed_gives_queued_results_without_a_step() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let (ts, tk) = start(&["a", "b"], &[]);
        let mut results = as_completed(ts, None);
        let mut i = 0;
        while let Some(r) = results.next().await {
            log!("main resumed: as_completed #{i} -> {}", r.unwrap().unwrap().unwrap());
            i += 1;
        }
        drain(tk).await;

        let e = spawn_named("e", child("e", false));
        let f = spawn_named("f", async {
            for _ in 0..3 {
                yield_now().await;
            }
            log!("f finishing");
            Ok(String::from("f"))
        });
        let tk = spawn_named("ticker", ticker(8));
        let mut results = as_completed([f, e], None);
        let mut i = 0;
        while let Some(r) = results.next().await {
            log!("main resumed: as_completed #{i} -> {}", r.unwrap().unwrap().unwrap());
            i += 1;
        }
        drain(tk).await;
    });
    assert_eq!(rt.trace().text(), oracle("hop_07_as_completed"));
}

async fn ac_job(name: &'static str, d: u64, fail: bool) -> Out {
    sleep(Duration::from_secs(d)).await;
    log!("{name} done");
    if fail {
        Err(ValueError(name.into()))
    } else {
        Ok(name.into())
    }
}

#[test]
fn as_completed_yields_in_completion_order_and_times_out_without_cancelling() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let ts: Vec<_> = [("a", 3, false), ("b", 1, false), ("c", 2, true), ("d", 1, false)]
            .iter()
            .map(|&(n, d, f)| spawn_named(n, ac_job(n, d, f)))
            .collect();
        let mut results = as_completed(ts, None);
        while let Some(r) = results.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("got {v}"),
                Err(e) => log!("got ValueError({e})"),
            }
        }
        let ts: Vec<_> = [("e", 1), ("f", 3), ("g", 4)]
            .iter()
            .map(|&(n, d)| spawn_named(n, ac_job(n, d, false)))
            .collect();
        let mut results = as_completed(ts.iter().cloned(), Duration::from_secs(2));
        while let Some(r) = results.next().await {
            match r {
                Ok(v) => log!("got {}", v.unwrap().unwrap()),
                Err(_) => {
                    let pending: Vec<String> = ts
                        .iter()
                        .filter(|t| !t.is_done())
                        .map(|t| format!("'{}'", t.name()))
                        .collect();
                    log!("TimeoutError; pending not cancelled: [{}]", pending.join(", "));
                    break;
                }
            }
        }
        gather(ts).await;
        log!("all finished");
    });
    assert_eq!(rt.trace().text(), oracle("wa_03_as_completed"));
}

#[test]
fn shield_resumes_two_steps_after_the_task_or_at_once_if_done() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let (mut ts, tk) = start(&["a"], &[]);
        let r = shield(ts.remove(0)).await.unwrap().unwrap();
        log!("main resumed: shield(a) -> {r}");
        drain(tk).await;

        let b = spawn_named("b", child("b", false));
        yield_now().await;
        let tk = spawn_named("ticker", ticker(6));
        log!("b.done()={}; main awaits shield(b)", if b.is_done() { "True" } else { "False" });
        let r = shield(b).await.unwrap().unwrap();
        log!("main resumed: shield(finished b) -> {r}");
        drain(tk).await;
    });
    assert_eq!(rt.trace().text(), oracle("hop_08_shield"));
}

async fn inner(name: &'static str, d: u64) -> String {
    let guard = OnCancel::new(format!("{name} got CancelledError"));
    sleep(Duration::from_secs(d)).await;
    guard.disarm();
    log!("{name} finished");
    name.into()
}

async fn outer(t: Task<String>) -> Result<String, TaskError> {
    let guard = OnCancel::new("outer got CancelledError");
    // If the shielded task was cancelled, asyncio raises CancelledError here: return the
    // error with the guard still armed.
    let v = shield(t).await?;
    guard.disarm();
    Ok(v)
}

#[test]
fn shield_protects_the_task_from_the_awaiters_cancellation_only() {
    let py = |b: bool| if b { "True" } else { "False" };
    let mut rt = Runtime::new();
    rt.block_on(async {
        let i = spawn_named("i", inner("i", 3));
        let o = spawn_named("o", outer(i.clone()));
        sleep(Duration::from_secs(1)).await;
        log!("o.cancel() -> {}", py(o.cancel()));
        yield_now().await;
        log!("after one sleep(0): o.done()={} i.done()={}", py(o.is_done()), py(i.is_done()));
        yield_now().await;
        log!(
            "after two sleep(0): o.cancelled()={} i.done()={}",
            py(o.is_cancelled()),
            py(i.is_done())
        );
        log!("inner result {}", i.await.unwrap());

        let j = spawn_named("j", inner("j", 3));
        let o2 = spawn_named("o2", outer(j.clone()));
        sleep(Duration::from_secs(1)).await;
        log!("j.cancel() -> {}", py(j.cancel()));
        let r = gather([o2]).await;
        let cancelled = matches!(r[0], Ok(Err(TaskError::Cancelled)));
        log!("o2 outcome {}", if cancelled { "CancelledError" } else { "?" });
    });
    assert_eq!(rt.trace().text(), oracle("wa_04_shield"));
}
