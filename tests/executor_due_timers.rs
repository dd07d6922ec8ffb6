//! Timers already due when they are registered (`call_later(0)`, `call_at(now())`,
//! `call_at` in the past), checked line for line against CPython's trace of the same
//! program (`tests/oracle/cases/due_*.py`; the rule is in `tests/oracle/FINDINGS.md`, §3).
//!
//! CPython moves every due timer to the back of the ready queue at the start of each loop
//! iteration, so such a callback runs after the steps queued before that iteration began,
//! even while another task spins on `sleep(0)`, and before a `run_until_complete` that
//! stops in that iteration returns.

mod common;

use common::{guide_runtime, oracle, spawn_ticker as ticker};
use futures::channel::oneshot;
use simloop::{
    call_at, call_later, call_soon, log, now, sleep, sleep_until, spawn_named, yield_now, Instant,
    TimerHandle,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// `now()` minus `ms` milliseconds (asyncio's `loop.time() - ms / 1000`).
fn ago(ms: u64) -> Instant {
    Instant::from_nanos(now().as_nanos() - ms * 1_000_000)
}

/// Sleeps 1 s, logs `<name> woke`, then `n` times: yields and logs `<name> i`.
async fn spinner_after_sleep(name: &'static str, n: u32) {
    sleep(secs(1)).await;
    log!("{name} woke");
    for i in 0..n {
        yield_now().await;
        log!("{name} {i}");
    }
}

#[test]
fn a_zero_delay_timer_runs_in_the_next_iteration_behind_the_steps_queued_before_it() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let tk = ticker("ticker", 4);
        let _ = call_later(Duration::ZERO, || log!("call_later(0) cb"));
        call_soon(|| log!("call_soon cb, registered after call_later(0)"));
        spawn_named("late", async { log!("late task first step") }).detach();
        log!("main registered call_later(0), then call_soon, then created late");
        tk.await.unwrap();
        sleep(secs(1)).await;
        log!("-- part 2: call_at(loop.time())");
        let tk = ticker("ticker2", 4);
        let _ = call_at(now(), || log!("call_at(now) cb"));
        call_soon(|| log!("call_soon cb, registered after call_at(now)"));
        log!("main registered call_at(now), then call_soon");
        tk.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("due_01_call_later_zero"));
}

#[test]
fn a_spinning_task_does_not_delay_a_zero_delay_timer() {
    async fn spinner(n: u32) {
        for i in 0..n {
            log!("spin {i}");
            yield_now().await;
        }
        log!("spinner done");
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        let s = spawn_named("spinner", spinner(8));
        yield_now().await;
        yield_now().await;
        let _ = call_later(Duration::ZERO, || log!("call_later(0) cb"));
        log!("main registered call_later(0)");
        yield_now().await;
        log!("main after one sleep(0)");
        let (tx, rx) = oneshot::channel();
        let _ = call_later(Duration::ZERO, move || {
            let _ = tx.send("v");
        });
        log!("main awaits a future a call_later(0) sets");
        let r = rx.await.unwrap();
        log!("main resumed with {r}");
        s.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("due_02_spinner"));
}

#[test]
fn a_past_deadline_sleep_yields_once_and_a_past_timer_fires_in_the_next_iteration() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        sleep(secs(1)).await;
        let past = ago(500);
        let tk = ticker("ticker", 5);
        log!("main sleeps until a deadline 0.5 s in the past (a negative delay)");
        sleep_until(past).await;
        log!("main resumed from the past-deadline sleep");
        tk.await.unwrap();
        let tk = ticker("ticker2", 5);
        let (tx, rx) = oneshot::channel::<()>();
        let _ = call_at(past, move || {
            log!("call_at(past) cb");
            let _ = tx.send(());
        });
        log!("main awaits a future set by call_at(past)");
        rx.await.unwrap();
        log!("main resumed from the past timer");
        tk.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("due_03_past_deadline"));
}

#[test]
fn a_zero_delay_timer_registered_by_main_runs_before_block_on_returns() {
    async fn a_ticker(name: &'static str, n: u32) {
        for i in 0..n {
            log!("{name} {i}");
            if i == 1 {
                let _ = call_later(Duration::ZERO, move || {
                    log!("call_later(0) cb registered by {name} at turn 1")
                });
            }
            yield_now().await;
        }
    }
    let mut rt = guide_runtime();
    rt.block_on(async {
        spawn_named("a", a_ticker("a", 5)).detach();
        yield_now().await;
        let _ = call_later(Duration::ZERO, || log!("call_later(0) cb registered by main"));
        let _ = call_at(now(), || log!("call_at(now) cb registered by main"));
        log!("main returns");
    });
    // The timer `a` registers in the loop's last iteration never runs (CPython is silent
    // about it); `a` itself is reported, as CPython's "Task was destroyed but it is pending!".
    assert_eq!(rt.trace().text(), oracle("due_04_before_main_returns"));
    assert_eq!(rt.report().destroyed_pending.len(), 1);
}

#[test]
fn due_timers_join_the_ready_queue_in_deadline_then_registration_order() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        sleep(secs(1)).await;
        let tk = ticker("ticker", 4);
        let _ = call_later(Duration::ZERO, || log!("A call_later(0)"));
        let _ = call_at(now(), || log!("B call_at(now)"));
        let _ = call_at(ago(500), || log!("C call_at(now - 0.5)"));
        call_soon(|| log!("E call_soon"));
        let _ = call_later(Duration::ZERO, || log!("D call_later(0)"));
        let _ = call_at(ago(250), || log!("F call_at(now - 0.25)"));
        log!("main registered A B C E D F");
        yield_now().await;
        log!("main after one sleep(0)");
        tk.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("due_05_several_due"));
}

#[test]
fn a_callback_timer_due_with_a_spinners_wake_and_registered_first_runs_first() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let _ = call_later(secs(1), || {
            log!("call_later(1) cb (registered before the spinner's sleep)")
        });
        spawn_named("s", spinner_after_sleep("s", 4)).await.unwrap();
        log!("main resumed");
    });
    assert_eq!(rt.trace().text(), oracle("due_06_timer_at_spinner_tick"));
}

#[test]
fn a_sleep_takes_two_steps_from_its_timer_so_a_callback_due_with_it_runs_first() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let s = spawn_named("t", spinner_after_sleep("t", 3));
        yield_now().await;
        let _ = call_later(secs(1), || log!("call_later(1) cb (registered after t's sleep(1))"));
        s.await.unwrap();
    });
    assert_eq!(rt.trace().text(), oracle("due_07_sleep_and_callback_batch"));
}

#[test]
fn a_due_timer_cancelled_by_a_step_queued_ahead_of_it_does_not_run() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let h = call_later(Duration::ZERO, || log!("A (cancelled, never printed)"));
        spawn_named("canceller", async move {
            log!("canceller: A's timer is in the ready queue now; cancel it");
            h.cancel();
        })
        .detach();
        let _ = call_later(Duration::ZERO, || log!("B call_later(0) runs"));
        yield_now().await;
        yield_now().await;
        log!("main after two sleep(0)");
    });
    assert_eq!(rt.trace().text(), oracle("due_08_cancel_after_queued"));
}

#[test]
fn a_timer_cancelled_by_an_earlier_callback_of_its_batch_does_not_run() {
    let mut rt = guide_runtime();
    rt.block_on(async {
        let hd: Rc<RefCell<Option<TimerHandle>>> = Rc::default();
        let hd2 = hd.clone();
        let _ = call_later(secs(1), move || {
            log!("C cancels D, due in the same batch");
            hd2.borrow().as_ref().expect("D registered").cancel();
        });
        *hd.borrow_mut() = Some(call_later(secs(1), || log!("D (cancelled, never printed)")));
        sleep(secs(2)).await;
        log!("main done");
    });
    assert_eq!(rt.trace().text(), oracle("due_09_cancel_in_batch"));
}
