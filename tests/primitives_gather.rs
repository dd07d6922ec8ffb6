//! gather / try_gather edge cases, each checked against CPython's trace in
//! `tests/oracle/cases/` (hop counts with a ticker, failures at the same instant, the
//! first error leaving the others running, cancellation from outside).

mod common;

use std::time::Duration;

use common::{drain, guide_runtime, oracle, py, ticker, OnCancel, ValueError};
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use simloop::{
    gather, log, sleep, spawn, spawn_named, try_gather, yield_now, ChildError, Runtime, Task,
};

type Out = Result<String, ValueError>;

/// Finishes in its first step; the value is already Python's repr of it.
async fn child(name: &'static str, val: &'static str, fail: bool) -> Out {
    log!("{name} finishing");
    if fail {
        Err(ValueError(name.into()))
    } else {
        Ok(val.into())
    }
}

fn start(names: &[&'static str], fail: &[&str]) -> (Vec<Task<Out>>, Task<()>) {
    let ts = names
        .iter()
        .map(|&n| spawn_named(n, child(n, leak(format!("'{n}'")), fail.contains(&n))))
        .collect();
    (ts, spawn_named("ticker", ticker(6)))
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn list(v: &[String]) -> String {
    format!("[{}]", v.join(", "))
}

#[test]
fn gather_resumes_its_awaiter_two_steps_after_the_last_child() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let (ts, tk) = start(&["a"], &[]);
        let r = try_gather(ts).await.unwrap();
        log!("main resumed: gather(a) -> {}", list(&r));
        drain(tk).await;

        let (ts, tk) = start(&["b", "c"], &[]);
        let r = try_gather(ts).await.unwrap();
        log!("main resumed: gather(b, c) -> {}", list(&r));
        drain(tk).await;

        let (ts, tk) = start(&["d", "e"], &["e"]);
        if let Err(ChildError::Raised(x)) = try_gather(ts).await {
            log!("main resumed: gather(d, e) raised ValueError({x})");
        }
        drain(tk).await;

        let (ts, tk) = start(&["f", "g"], &["f"]);
        if let Err(ChildError::Raised(x)) = try_gather(ts).await {
            log!("main resumed: gather(f, g) raised ValueError({x}) (f failed first; g still ran)");
        }
        drain(tk).await;

        let (ts, tk) = start(&["h"], &["h"]);
        let r = gather(ts).await;
        let shown: Vec<String> = r.into_iter().map(|x| x.unwrap().unwrap_err().repr()).collect();
        log!("main resumed: gather(h, return_exceptions=True) -> {}", list(&shown));
        drain(tk).await;

        let i = spawn_named("i", child("i", "'i'", false));
        yield_now().await;
        let tk = spawn_named("ticker", ticker(6));
        log!("i.done()={}; main calls gather(i)", if i.is_done() { "True" } else { "False" });
        let r = try_gather([i]).await.unwrap();
        log!("main resumed: gather(finished i) -> {}", list(&r));
        drain(tk).await;

        let g = try_gather([
            child("co1", "1", false).boxed_local(),
            child("co2", "2", false).boxed_local(),
        ]);
        let tk = spawn_named("ticker", ticker(6));
        let r = g.await.unwrap();
        log!("main resumed: gather(coroutines) -> {}", list(&r));
        drain(tk).await;

        let tk = spawn_named("ticker", ticker(6));
        let r = try_gather(Vec::<LocalBoxFuture<'static, Out>>::new()).await.unwrap();
        log!("main resumed: gather() -> {} (already done: no hop)", list(&r));
        drain(tk).await;
    });
    assert_eq!(rt.trace().text(), oracle("hop_02_gather"));
}

async fn job(name: &'static str, d: u64, fail: bool) -> Out {
    let guard = OnCancel::new(format!("{name} cancelled (should not happen)"));
    sleep(Duration::from_secs(d)).await;
    guard.disarm();
    if fail {
        log!("{name} raising ValueError");
        return Err(ValueError(format!("boom from {name}")));
    }
    log!("{name} finished ok");
    Ok(name.to_string())
}

#[test]
fn try_gather_returns_the_first_error_at_once_and_leaves_the_others_running() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let a = spawn_named("a", job("a", 2, false));
        let b = spawn_named("b", job("b", 1, true));
        let c = spawn_named("c", job("c", 3, false));
        let (ar, cr) = (a.clone(), c.clone());
        let mut g = try_gather([a, b, c]);
        if let Err(ChildError::Raised(e)) = (&mut g).await {
            log!("main caught ValueError: {e}");
        }
        let py = |b: bool| if b { "True" } else { "False" };
        log!(
            "g.done()={} a.done()={} c.done()={}",
            py(g.is_done()),
            py(ar.is_done()),
            py(cr.is_done())
        );
        log!("g.cancel() after failure -> {} (does not cancel children)", py(g.cancel()));
        drop(g);
        sleep(Duration::from_secs(5)).await;
        log!("a={} c={}", ar.result().unwrap().unwrap(), cr.result().unwrap().unwrap());
    });
    assert_eq!(rt.trace().text(), oracle("ga_02_try_gather_first_error"));
}

async fn same_instant_job(name: &'static str, fail: bool) -> Out {
    sleep(Duration::from_secs(1)).await;
    if fail {
        log!("{name} raising");
        return Err(ValueError(name.into()));
    }
    log!("{name} ok");
    Ok(name.into())
}

async fn run_same_instant(label: &str, specs: [(&'static str, bool); 2], all: bool) {
    let ts: Vec<_> = specs.iter().map(|&(n, f)| spawn_named(n, same_instant_job(n, f))).collect();
    if all {
        let r = gather(ts).await;
        let shown: Vec<String> = r.into_iter().map(|x| x.unwrap().unwrap_err().repr()).collect();
        log!("{label}: result {}", list(&shown));
    } else {
        match try_gather(ts).await {
            Err(ChildError::Raised(e)) => log!("{label}: raised ValueError({e})"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn failure_at_the_same_instant_as_another_completion_decides_by_finishing_order() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        run_same_instant("ok-then-fail", [("a", false), ("b", true)], false).await;
        run_same_instant("fail-then-ok", [("c", true), ("d", false)], false).await;
        run_same_instant("two-fail", [("e", true), ("f", true)], false).await;
        run_same_instant("two-fail-rx", [("g", true), ("h", true)], true).await;
    });
    assert_eq!(rt.trace().text(), oracle("ga_04_same_instant"));
}

async fn cancellable_job(name: &'static str, d: u64) -> Out {
    let guard = OnCancel::new(format!("{name} got CancelledError"));
    sleep(Duration::from_secs(d)).await;
    guard.disarm();
    log!("{name} finished");
    Ok(name.into())
}

#[test]
fn cancelling_the_awaiter_of_a_gather_cancels_its_unfinished_children() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let a = spawn_named("a", cancellable_job("a", 5));
        let b = spawn_named("b", cancellable_job("b", 1));
        let c = spawn_named("c", cancellable_job("c", 5));
        let refs = [a.as_ref(), b.as_ref(), c.as_ref()];
        let g = try_gather([a, b, c]);
        let w = spawn_named("w", g);
        sleep(Duration::from_secs(2)).await;
        log!("w.cancel() -> {}", if w.cancel() { "True" } else { "False" });
        let wr = w.as_ref();
        assert!(w.await.unwrap_err().is_cancelled());
        let py = |t: &simloop::TaskRef| if t.is_cancelled() { "True" } else { "False" };
        log!(
            "main: w cancelled={} a={} b={} c={}",
            py(&wr),
            py(&refs[0]),
            py(&refs[1]),
            py(&refs[2])
        );
        sleep(Duration::from_secs(1)).await;
        log!("main done");
    });
    assert_eq!(rt.trace().text(), oracle("ga_05_cancel_awaiter"));
}

#[test]
fn gather_macro_mixes_types_and_try_gather_macro_stops_at_the_first_error() {
    let mut rt = Runtime::new();
    let (n, s) = rt.block_on(async {
        let t = spawn(async { 5u8 });
        simloop::gather!(t, async { "x" }).await
    });
    assert_eq!((n, s), (Ok(5), Ok("x")));
    let r = rt.block_on(async {
        simloop::try_gather!(
            async {
                sleep(Duration::from_secs(2)).await;
                Ok::<u8, ValueError>(1)
            },
            async { Err::<&str, _>(ValueError("late".into())) },
        )
        .await
    });
    assert_eq!(r, Err(ChildError::Raised(ValueError("late".into()))));
}

#[test]
fn a_panicking_child_is_a_failure_for_try_gather_and_an_outcome_for_gather() {
    let mut rt = Runtime::new();
    let r = rt.block_on(async {
        try_gather([
            async { Ok::<u8, ValueError>(1) }.boxed_local(),
            async { panic!("oops") }.boxed_local(),
        ])
        .await
    });
    assert_eq!(r, Err(ChildError::Task(simloop::TaskError::Panicked("oops".into()))));
    let r = rt.block_on(async {
        gather([async { 1 }.boxed_local(), async { panic!("oops") }.boxed_local()]).await
    });
    assert_eq!(r, vec![Ok(1), Err(simloop::TaskError::Panicked("oops".into()))]);
}

#[test]
fn awaiting_a_cancelled_gather_raises_the_cancellation_once_it_ends() {
    async fn job(name: String, cleanup: u64) -> Result<String, String> {
        match simloop::catch_cancel(sleep(Duration::from_secs(5))).await {
            Ok(()) => Ok(name),
            Err(cancelled) => {
                log!("{name} cleaning up");
                sleep(Duration::from_secs(cleanup)).await;
                log!("{name} cleaned up");
                cancelled.reraise().await
            }
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        for (prefix, return_exceptions) in [("x", false), ("y", true)] {
            let d = spawn_named(format!("{prefix}d"), job(format!("{prefix}d"), 1));
            let e = spawn_named(format!("{prefix}e"), job(format!("{prefix}e"), 2));
            let (dr, er) = (d.as_ref(), e.as_ref());
            let raised = if return_exceptions {
                let g = gather([d, e]);
                sleep(Duration::from_secs(1)).await;
                log!("{prefix}: g.cancel() -> {}", py(g.cancel()));
                simloop::catch_cancel(g).await.is_err()
            } else {
                let g = try_gather([d, e]);
                sleep(Duration::from_secs(1)).await;
                log!("{prefix}: g.cancel() -> {}", py(g.cancel()));
                simloop::catch_cancel(g).await.is_err()
            };
            if raised {
                log!(
                    "{prefix}: await g raised CancelledError, d.done()={} e.done()={}",
                    py(dr.is_done()),
                    py(er.is_done())
                );
            }
            sleep(Duration::from_secs(3)).await;
        }
    });
    assert_eq!(rt.trace().text(), oracle("ga_06_cancel_then_await"));
}
