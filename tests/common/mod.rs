//! Helpers shared by the facade's integration tests: the oracle's expected traces, the
//! hop-measuring ticker, and Rust stand-ins for asyncio idioms (ValueError, `except
//! CancelledError: print(...)`, Python booleans).

#![allow(dead_code)]

pub mod edit;

use simloop::{log, sleep, spawn_named, yield_now, Runtime, Task};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// The CPython trace committed for `case` (without the trailing newline).
pub fn oracle(case: &str) -> String {
    let path = format!("{}/tests/oracle/cases/{case}.expected", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.trim_end().to_string()
}

/// asyncio's `ticker(n)`: logs `tick i` and yields, `n` times.
pub async fn ticker(n: u32) {
    for i in 0..n {
        log!("tick {i}");
        yield_now().await;
    }
}

/// asyncio's `ValueError(msg)`, with Python's repr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError(pub String);

impl ValueError {
    /// `ValueError('msg')`.
    pub fn repr(&self) -> String {
        format!("ValueError('{}')", self.0)
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Logs a message when dropped: how a Rust port shows asyncio's
/// `except CancelledError: print(...)`.
pub struct OnCancel(pub Option<String>);

impl OnCancel {
    /// Logs `msg` if dropped before [`OnCancel::disarm`].
    pub fn new(msg: impl Into<String>) -> Self {
        OnCancel(Some(msg.into()))
    }
    /// The guarded work finished: log nothing.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            log!("{m}");
        }
    }
}

/// Runs a closure when dropped: a Rust port's `except CancelledError:` (or `finally:`)
/// that needs to read state at that moment.
pub struct OnDrop<F: FnMut()>(pub F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// Python's `True` / `False`.
pub fn py(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// A runtime whose wall clock starts where the oracle's does (17:13:52).
pub fn guide_runtime() -> Runtime {
    Runtime::builder().wall_clock_hms(17, 13, 52).build()
}

/// Spawns [`ticker`] as a task named `name`: its lines show how many steps other work
/// takes at one instant.
pub fn spawn_ticker(name: &str, n: u32) -> Task<()> {
    spawn_named(name, ticker(n))
}

/// Two withdrawals of 80 from a balance of 100, each checking the balance and then (after
/// an await) taking the money: a check-then-act race. The second withdrawal first writes an
/// audit record (two yields), so under FIFO the first one always finishes before the second
/// checks, and the race never shows.
pub async fn bank() {
    let balance = Rc::new(Cell::new(100));
    let withdraw = |b: Rc<Cell<i32>>, audit: bool| async move {
        if audit {
            yield_now().await;
            yield_now().await;
        }
        if b.get() >= 80 {
            sleep(Duration::ZERO).await;
            b.set(b.get() - 80);
            log!("withdrew 80, balance {}", b.get());
        }
    };
    let a = spawn_named("alice", withdraw(balance.clone(), false));
    let b = spawn_named("bob", withdraw(balance.clone(), true));
    a.await.unwrap();
    b.await.unwrap();
    assert!(balance.get() >= 0, "overdrawn: balance {}", balance.get());
}

/// A child's output in the hop tests: its name, or asyncio's `ValueError(name)`.
pub type Out = Result<String, ValueError>;

/// Logs `<name> finishing` and ends in its first step, with its name or a ValueError.
pub async fn child(name: &'static str, fail: bool) -> Out {
    log!("{name} finishing");
    if fail {
        Err(ValueError(name.into()))
    } else {
        Ok(name.into())
    }
}

/// Spawns one [`child`] per name (those in `fail` fail), then a ticker queued right
/// behind them.
pub fn start(names: &[&'static str], fail: &[&str]) -> (Vec<Task<Out>>, Task<()>) {
    let ts = names.iter().map(|&n| spawn_named(n, child(n, fail.contains(&n)))).collect();
    (ts, spawn_ticker("ticker", 6))
}

/// Waits for the ticker, then lets a second pass so the next measurement starts clean.
pub async fn drain(tk: Task<()>) {
    tk.await.unwrap();
    sleep(Duration::from_secs(1)).await;
}
