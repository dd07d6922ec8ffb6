//! Helpers shared by the primitives' conformance tests: the oracle's expected traces and
//! the hop-measuring ticker.

#![allow(dead_code)]

use simloop::{log, yield_now};

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
