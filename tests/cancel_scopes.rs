//! Cancel scopes: a cancelled task catches the cancellation (`catch_cancel`), cleans up
//! with awaits, and re-raises or refuses it; each case checked line for line against
//! CPython's trace of the same program (`tests/oracle/cases/cx_*.py`).

mod common;

use common::{guide_runtime, oracle, py, spawn_ticker};
use futures::FutureExt;
use simloop::{
    catch_cancel, current_task, gather, log, sleep, spawn_named, task_group, timeout, try_gather,
    wait_for, yield_now, TaskError, Timeout,
};
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn a_caught_cancellation_cleans_up_with_awaits_then_reraises() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", async {
            log!("w working");
            match catch_cancel(sleep(secs(10))).await {
                Ok(()) => log!("w never here"),
                Err(cancelled) => {
                    let n = current_task().unwrap().cancelling();
                    log!("w caught, cancelling()={n}");
                    yield_now().await;
                    log!("w cleanup yielded");
                    sleep(secs(1)).await;
                    log!("w cleanup slept");
                    cancelled.reraise::<()>().await;
                }
            }
        });
        sleep(secs(1)).await;
        let tk = spawn_ticker("ticker", 4);
        log!("cancel() -> {}", py(w.cancel()));
        let w2 = w.clone();
        if let Err(TaskError::Cancelled) = w.await {
            log!("main: w cancelled()={}", py(w2.is_cancelled()));
        }
        tk.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("cx_01_catch_cleanup_reraise"));
}

#[test]
fn a_caught_cancellation_can_be_refused_and_the_count_stays_until_uncancel() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", async {
            match catch_cancel(sleep(secs(10))).await {
                Ok(()) => "slept",
                Err(_refused) => {
                    log!("w refusing");
                    sleep(Duration::from_millis(500)).await;
                    "kept going"
                }
            }
        });
        sleep(secs(1)).await;
        w.cancel();
        let w2 = w.clone();
        let r = w.await.unwrap();
        log!(
            "main: got {r:?} cancelled()={} cancelling()={}",
            py(w2.is_cancelled()),
            w2.cancelling()
        );
        log!("uncancel() -> {} then {}", w2.uncancel(), w2.uncancel());
    });
    let expected = oracle("cx_02_catch_refuse").replace("'kept going'", "\"kept going\"");
    assert_eq!(rt.trace().text(), expected);
}

#[test]
fn an_inner_scope_reraises_to_an_outer_one_in_the_same_step() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", async {
            let inner = async {
                match catch_cancel(sleep(secs(10))).await {
                    Ok(()) => {}
                    Err(c) => {
                        log!("inner caught");
                        yield_now().await;
                        log!("inner re-raises");
                        c.reraise::<()>().await;
                    }
                }
            };
            if catch_cancel(inner).await.is_err() {
                log!("outer caught");
            }
            log!("worker carries on");
            yield_now().await;
            log!("worker done");
            7
        });
        sleep(secs(1)).await;
        let tk = spawn_ticker("ticker", 5);
        w.cancel();
        log!("main: w -> {}", w.await.unwrap());
        tk.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("cx_03_nested_scopes"));
}

#[test]
fn a_cancel_during_cleanup_ends_the_task_where_no_scope_catches_it() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", async {
            if let Err(c) = catch_cancel(sleep(secs(10))).await {
                log!("w cleaning up");
                sleep(secs(5)).await;
                log!("w never finishes cleanup");
                c.reraise::<()>().await;
            }
        });
        sleep(secs(1)).await;
        w.cancel();
        sleep(secs(1)).await;
        let before = w.cancelling();
        let again = w.cancel();
        log!(
            "main: cancelling()={before}, cancel again -> {}, cancelling()={}",
            py(again),
            w.cancelling()
        );
        let w2 = w.clone();
        if let Err(TaskError::Cancelled) = w.await {
            log!("main: w cancelled()={}", py(w2.is_cancelled()));
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_04_cancel_during_cleanup"));
}

#[test]
fn a_task_that_cancels_itself_ends_cancelled_even_if_it_returns() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let q = spawn_named("q", async {
            current_task().unwrap().cancel();
            log!("q returns");
            1
        });
        let w = spawn_named("w", async {
            current_task().unwrap().cancel();
            log!("w awaits");
            if let Err(c) = catch_cancel(yield_now()).await {
                log!("w caught at its await");
                return c.reraise().await;
            }
            2
        });
        for t in [q, w] {
            let name = t.name();
            let t2 = t.clone();
            match t.await {
                Ok(r) => log!("main: {name} -> {r}"),
                Err(_) => log!("main: {name} cancelled()={}", py(t2.is_cancelled())),
            }
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_05_self_cancel_then_return"));
}

#[test]
fn a_scope_outside_a_task_is_a_clear_error() {
    let err = std::panic::catch_unwind(|| futures::executor::block_on(catch_cancel(async {})))
        .unwrap_err();
    let msg = simloop::panic_message(err.as_ref());
    assert!(msg.starts_with("catch_cancel() polled outside a simloop task"), "{msg}");
}

#[test]
fn a_timeout_waits_for_its_bodys_cleanup_and_gives_elapsed_when_it_reraises() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let t = current_task().unwrap();
        spawn_named("idle", sleep(secs(2))).detach();
        let cm = Timeout::after(secs(2));
        let r = cm
            .wrap(async {
                if let Err(c) = catch_cancel(sleep(secs(10))).await {
                    log!("body caught, cancelling()={}", current_task().unwrap().cancelling());
                    spawn_ticker("ticker", 3).detach();
                    yield_now().await;
                    log!("body cleanup yielded");
                    sleep(secs(1)).await;
                    log!("body cleanup done, re-raising");
                    c.reraise::<()>().await;
                }
            })
            .await;
        if r.is_err() {
            log!(
                "main: TimeoutError, expired()={} cancelling()={}",
                py(cm.expired()),
                t.cancelling()
            );
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_06_timeout_cleanup_reraise"));
}

#[test]
fn a_timeout_whose_body_refuses_the_cancellation_gives_its_output() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let t = current_task().unwrap();
        let cm = Timeout::after(secs(1));
        let result = cm
            .wrap(async {
                match catch_cancel(sleep(secs(10))).await {
                    Ok(()) => "slept",
                    Err(_refused) => {
                        log!("body refuses");
                        sleep(Duration::from_millis(250)).await;
                        "refused"
                    }
                }
            })
            .await
            .expect("a refused cancellation is no timeout");
        log!("main: {result} expired()={} cancelling()={}", py(cm.expired()), t.cancelling());
    });
    assert_eq!(rt.trace().text(), oracle("cx_07_timeout_refuse"));
}

#[test]
fn an_outer_cancel_inside_a_timeout_ends_the_task_not_as_a_timeout() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", async {
            let r = timeout(secs(5), async {
                if let Err(c) = catch_cancel(sleep(secs(10))).await {
                    log!("w body caught");
                    sleep(secs(1)).await;
                    log!("w body re-raises");
                    c.reraise::<()>().await;
                }
            })
            .await;
            if r.is_err() {
                log!("w never a TimeoutError");
            }
            log!("w never here");
        });
        sleep(secs(1)).await;
        w.cancel();
        let w2 = w.clone();
        if let Err(TaskError::Cancelled) = w.await {
            log!("main: w cancelled()={}", py(w2.is_cancelled()));
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_08_timeout_outer_cancel"));
}

#[test]
fn task_group_children_clean_up_before_the_group_exits_and_cleanup_errors_join() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let r = task_group(|tg| async move {
            tg.spawn_named("crash", async {
                sleep(secs(1)).await;
                log!("crash raises");
                Err::<(), String>("ValueError".into())
            });
            tg.spawn_named("a", async {
                if let Err(_c) = catch_cancel(sleep(secs(10))).await {
                    log!("a cleaning up");
                    sleep(secs(1)).await;
                    log!("a fails in cleanup");
                    return Err("KeyError".to_string());
                }
                Ok(())
            });
            tg.spawn_named("b", async {
                if let Err(c) = catch_cancel(sleep(secs(10))).await {
                    log!("b cleaning up");
                    sleep(secs(2)).await;
                    log!("b re-raises");
                    return c.reraise().await;
                }
                Ok(())
            });
            Ok(())
        })
        .await;
        let mut names: Vec<String> = r.unwrap_err().raised().cloned().collect();
        names.sort();
        log!("main: group failed with {names:?}");
    });
    let expected = oracle("cx_09_task_group_child_cleanup").replace('\'', "\"");
    assert_eq!(rt.trace().text(), expected);
}

#[test]
fn a_task_group_body_cleans_up_after_a_child_fails_and_the_group_waits_for_it() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let t = current_task().unwrap();
        let r = task_group(|tg| async move {
            tg.spawn_named("crash", async {
                sleep(secs(1)).await;
                log!("crash raises");
                Err::<(), String>("ValueError".into())
            });
            tg.spawn_named("sib", async {
                sleep(secs(10)).await;
                Ok(())
            });
            if let Err(c) = catch_cancel(sleep(secs(10))).await {
                log!("body caught, cancelling()={}", current_task().unwrap().cancelling());
                sleep(secs(2)).await;
                log!("body re-raises");
                return c.reraise().await;
            }
            Ok(())
        })
        .await;
        let n = r.unwrap_err().errors().len();
        log!("main: group failed with {n} error(s), cancelling()={}", t.cancelling());
        yield_now().await;
        log!("main goes on");
    });
    assert_eq!(rt.trace().text(), oracle("cx_10_task_group_body_cleanup"));
}

#[test]
fn at_shutdown_like_asyncio_run_pending_tasks_are_cancelled_and_clean_up() {
    let mut rt =
        simloop::Runtime::builder().wall_clock_hms(17, 13, 52).cancel_leftovers(true).build();
    rt.block_on(async {
        spawn_named("flusher", async {
            if let Err(c) = catch_cancel(sleep(secs(60))).await {
                let n = current_task().unwrap().cancelling();
                log!("flusher cancelled at shutdown, cancelling()={n}");
                sleep(secs(1)).await;
                log!("flusher flushed");
                c.reraise::<()>().await;
            }
        })
        .detach();
        spawn_named("idle", async {
            sleep(secs(60)).await;
            log!("idle never here");
        })
        .detach();
        sleep(Duration::from_millis(500)).await;
        log!("main returns");
    });
    assert_eq!(rt.trace().text(), oracle("cx_11_run_shutdown_cleanup"));
    assert!(rt.report().is_clean(), "{}", rt.report());
}

#[test]
fn simloop_run_is_asyncio_run_and_block_on_still_destroys_leftovers() {
    use std::cell::Cell;
    use std::rc::Rc;
    let cleaned = Rc::new(Cell::new(false));
    let flusher = |cleaned: Rc<Cell<bool>>| async move {
        if let Err(c) = catch_cancel(sleep(secs(60))).await {
            sleep(secs(1)).await;
            cleaned.set(true);
            c.reraise::<()>().await;
        }
    };
    let c = cleaned.clone();
    let elapsed = simloop::run(async move {
        spawn_named("flusher", flusher(c)).detach();
        yield_now().await;
        simloop::now()
    });
    assert_eq!(elapsed, simloop::Instant::ZERO);
    assert!(cleaned.get(), "run() let the pending task clean up");
    let cleaned = Rc::new(Cell::new(false));
    let mut rt = simloop::Runtime::new();
    let c = cleaned.clone();
    rt.block_on(async move {
        spawn_named("flusher", flusher(c)).detach();
        yield_now().await;
    });
    assert!(!cleaned.get(), "block_on destroys leftovers, as run_until_complete leaves them");
    assert_eq!(rt.report().destroyed_pending.len(), 1);
}

#[test]
fn wait_for_waits_for_the_inner_tasks_cleanup_and_a_refusal_gives_its_value() {
    use futures::FutureExt;
    let mut rt = guide_runtime();
    rt.block_on(async {
        let cleaner = async {
            if let Err(c) = catch_cancel(sleep(secs(10))).await {
                log!("cleaner cleaning up");
                sleep(secs(2)).await;
                log!("cleaner done");
                c.reraise::<()>().await;
            }
            "never"
        };
        if wait_for(cleaner.boxed_local(), secs(1)).await.is_err() {
            log!("main: TimeoutError after cleanup");
        }
        let refuser = async {
            match catch_cancel(sleep(secs(10))).await {
                Ok(()) => "slept",
                Err(_refused) => {
                    log!("refuser refuses");
                    sleep(Duration::from_millis(500)).await;
                    "kept"
                }
            }
        };
        let r = wait_for(refuser.boxed_local(), secs(1)).await.unwrap().unwrap();
        log!("main: wait_for gave {r:?}");
    });
    let expected = oracle("cx_12_wait_for_cleanup").replace("'kept'", "\"kept\"");
    assert_eq!(rt.trace().text(), expected);
}

/// The inner task of cx_13/cx_14: sleeps, and on cancellation cleans up for `cleanup`,
/// then re-raises, or refuses and returns "kept".
async fn cleans_up(name: &'static str, cleanup: u64, refuse: bool) -> &'static str {
    match catch_cancel(sleep(secs(10))).await {
        Ok(()) => "slept",
        Err(cancelled) => {
            log!("{name} cleaning up");
            sleep(secs(cleanup)).await;
            log!("{name} cleaned up");
            if refuse {
                return "kept";
            }
            cancelled.reraise().await
        }
    }
}

#[test]
fn cancelling_an_awaiter_goes_to_the_awaited_task_which_may_refuse() {
    async fn outer(name: &'static str, refuse: bool) {
        let inner_name: &'static str = if refuse { "b.inner" } else { "a.inner" };
        let i = spawn_named(inner_name, cleans_up(inner_name, 1, refuse));
        match catch_cancel(i).await {
            Ok(r) => log!(
                "{name} got '{}', cancelling()={}",
                r.unwrap(),
                current_task().unwrap().cancelling()
            ),
            Err(cancelled) => {
                log!("{name} sees CancelledError");
                cancelled.reraise().await
            }
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        let a = spawn_named("a", outer("a", false));
        sleep(secs(1)).await;
        log!("a.cancel() -> {}", py(a.cancel()));
        if let Err(TaskError::Cancelled) = (&a).await {
            log!("main: a cancelled");
        }
        let b = spawn_named("b", outer("b", true));
        sleep(secs(1)).await;
        log!("b.cancel() -> {}", py(b.cancel()));
        let r = (&b).await;
        log!(
            "main: b gave {}, b.cancelled()={}",
            if r.is_ok() { "None" } else { "?" },
            py(b.is_cancelled())
        );
    });
    assert_eq!(rt.trace().text(), oracle("cx_13_awaiter_cancel_forwarded"));
}

#[test]
fn a_timeout_around_a_task_waits_for_its_cleanup_or_takes_its_refusal() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let t = spawn_named("w1", cleans_up("w1", 2, false));
        if timeout(secs(1), t).await.is_err() {
            log!("main: TimeoutError after the cleanup");
        }
        let u = spawn_named("w2", cleans_up("w2", 2, true));
        let r = timeout(secs(1), u).await;
        let r = r.expect("the refusal stands").unwrap();
        log!("main: got '{r}'");
    });
    assert_eq!(rt.trace().text(), oracle("cx_14_timeout_over_task"));
}

#[test]
fn a_cancelled_gathers_awaiter_resumes_as_cpython_orders_it() {
    async fn child(name: String, cleanup: u64) {
        match catch_cancel(sleep(secs(10))).await {
            Ok(()) => {}
            Err(cancelled) => {
                log!("{name} cleaning up");
                sleep(secs(cleanup)).await;
                log!("{name} cleaned up");
                cancelled.reraise().await
            }
        }
    }
    async fn gatherer(prefix: &'static str, return_exceptions: bool) {
        let a = spawn_named(format!("{prefix}a"), child(format!("{prefix}a"), 1));
        let b = spawn_named(format!("{prefix}b"), child(format!("{prefix}b"), 2));
        let (ra, rb) = (a.as_ref(), b.as_ref());
        let caught = if return_exceptions {
            catch_cancel(gather([a, b])).await.map(drop)
        } else {
            catch_cancel(try_gather(
                [a, b].map(|t| async move { t.await.map_err(|e| e.to_string()) }.boxed_local()),
            ))
            .await
            .map(drop)
        };
        if let Err(cancelled) = caught {
            log!(
                "{prefix}g sees CancelledError, a.done()={} b.done()={}",
                py(ra.is_done()),
                py(rb.is_done())
            );
            cancelled.reraise::<()>().await;
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        for (prefix, rx) in [("x", true), ("y", false)] {
            let g = spawn_named(format!("{prefix}g"), gatherer(prefix, rx));
            sleep(secs(1)).await;
            log!("{prefix}g.cancel() -> {}", py(g.cancel()));
            if let Err(TaskError::Cancelled) = g.await {
                log!("main: {prefix}g cancelled");
            }
            sleep(secs(5)).await;
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_15_gather_awaiter_cancelled"));
}

#[test]
fn a_task_group_cancelled_from_outside_waits_for_its_children_and_their_errors_win() {
    async fn child(name: String, cleanup: u64, fail: bool) -> Result<(), String> {
        match catch_cancel(sleep(secs(10))).await {
            Ok(()) => Ok(()),
            Err(cancelled) => {
                sleep(Duration::from_millis(cleanup * 500)).await;
                log!("{name} cleaning up");
                sleep(Duration::from_millis(cleanup * 500)).await;
                if fail {
                    log!("{name} fails in cleanup");
                    return Err(name);
                }
                log!("{name} cleaned up");
                cancelled.reraise().await
            }
        }
    }
    async fn owner(prefix: &'static str, fail: bool) -> &'static str {
        let run = task_group(move |tg| async move {
            tg.spawn_named(format!("{prefix}1"), child(format!("{prefix}1"), 1, false));
            tg.spawn_named(format!("{prefix}2"), child(format!("{prefix}2"), 2, fail));
            Ok::<_, String>(())
        });
        match catch_cancel(run).await {
            Ok(Ok(())) => "ok",
            Ok(Err(eg)) => {
                let errors: Vec<String> = eg.raised().map(|e| format!("'{e}'")).collect();
                log!("{prefix} got errors [{}], goes on", errors.join(", "));
                sleep(secs(1)).await;
                log!("{prefix} done");
                "after errors"
            }
            Err(cancelled) => {
                log!("{prefix} sees CancelledError after the group");
                cancelled.reraise().await
            }
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        for (prefix, fail) in [("a", false), ("b", true)] {
            let t = spawn_named(prefix, owner(prefix, fail));
            sleep(secs(1)).await;
            log!("{prefix}.cancel() -> {}", py(t.cancel()));
            match t.await {
                Ok(r) => log!("main: {prefix} returned '{r}'"),
                Err(_) => log!("main: {prefix} cancelled"),
            }
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_16_task_group_cancelled_from_outside"));
}

#[test]
fn a_timeout_with_an_outer_cancellation_under_way_passes_it_on_at_its_deadline() {
    async fn worker() -> &'static str {
        let guarded = timeout(secs(1), async {
            if let Err(_outer) = catch_cancel(sleep(secs(10))).await {
                log!("worker caught the outer cancel, cleans up for 2 s");
                sleep(secs(2)).await;
                log!("worker never gets here");
            }
        });
        match catch_cancel(guarded).await {
            Ok(Err(_elapsed)) => {
                log!("worker: TimeoutError");
                "timeout"
            }
            Ok(Ok(())) => "ok",
            Err(cancelled) => {
                log!("worker: CancelledError goes on out");
                cancelled.reraise().await
            }
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        let w = spawn_named("w", worker());
        sleep(Duration::from_millis(500)).await;
        log!("w.cancel() -> {}", py(w.cancel()));
        if let Err(TaskError::Cancelled) = w.await {
            log!("main: w cancelled");
        }
    });
    assert_eq!(rt.trace().text(), oracle("cx_17_timeout_with_outer_cancel_under_way"));
}

#[test]
fn a_task_group_body_parked_on_a_task_has_the_groups_cancel_passed_on() {
    async fn slow() {
        if let Err(cancelled) = catch_cancel(sleep(secs(10))).await {
            log!("slow cleaning up");
            sleep(secs(1)).await;
            log!("slow cleaned up");
            cancelled.reraise::<()>().await;
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        let s = spawn_named("slow", slow());
        let s2 = s.clone();
        let r = task_group(move |tg| async move {
            tg.spawn_named("failer", async {
                sleep(secs(1)).await;
                log!("failer fails");
                Err::<(), _>("failer".to_string())
            });
            let _ = s2.await;
            log!("body never gets here");
            Ok(())
        })
        .await;
        if let Err(eg) = r {
            let errors: Vec<String> = eg.raised().map(|e| format!("'{e}'")).collect();
            let n = current_task().unwrap().cancelling();
            log!("main: errors [{}], cancelling()={n}", errors.join(", "));
        }
        log!("main: slow.cancelled()={}", py(s.is_cancelled()));
    });
    assert_eq!(rt.trace().text(), oracle("cx_18_task_group_body_parked_on_a_task"));
}
