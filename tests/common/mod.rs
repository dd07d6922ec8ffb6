//! Helpers shared by the facade's integration tests.
#![allow(dead_code)]

use simloop::{log, spawn_named, yield_now, Runtime, Task};

/// The expected trace of an oracle case (`tests/oracle/cases/<name>.expected`).
pub fn oracle(name: &str) -> String {
    let path = format!("{}/tests/oracle/cases/{name}.expected", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.trim_end().to_string()
}

/// A runtime whose wall clock starts where the oracle's does (17:13:52).
pub fn guide_runtime() -> Runtime {
    Runtime::builder().wall_clock_hms(17, 13, 52).build()
}

/// A task that logs `tick i` and yields, `n` times: its lines show how many steps other
/// work takes at one instant.
pub fn ticker(name: &str, n: usize) -> Task<()> {
    spawn_named(name, async move {
        for i in 0..n {
            log!("tick {i}");
            yield_now().await;
        }
    })
}

/// Logs a message when dropped unless disarmed: Rust's stand-in for an asyncio
/// `except CancelledError: print(...)` block, since cancellation drops the future.
pub struct OnCancel(pub &'static str, pub bool);

impl OnCancel {
    /// Armed guard.
    pub fn new(msg: &'static str) -> OnCancel {
        OnCancel(msg, true)
    }
    /// The future finished normally: no message.
    pub fn disarm(mut self) {
        self.1 = false;
    }
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if self.1 {
            log!("{}", self.0);
        }
    }
}
