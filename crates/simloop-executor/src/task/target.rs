//! What a task's cancellation can be forwarded to while the task awaits it (asyncio's
//! `_fut_waiter`), and how such a target ended; [`forward`](super::forward) says how they
//! are used.

/// How a forward target ended, as its awaiter's harness asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Not done yet: the awaiter keeps waiting (it was woken by something else).
    Pending,
    /// Done, and awaiting it raises the cancellation in the awaiter (a cancelled task; a
    /// gather whose cancellation was requested).
    Cancelled,
    /// Done otherwise: the awaiter reads the outcome as usual (the target refused the
    /// cancellation, or failed).
    Done,
}

/// Something a task can await that takes its cancellation on (asyncio's `_fut_waiter`).
pub trait CancelTarget {
    /// Passes a cancellation on (asyncio's `_fut_waiter.cancel()`); `true` if the target
    /// took it (it was not done), `false` if the awaiter must be cancelled itself.
    fn forward_cancel(&self) -> bool;

    /// How the target ended, once it has.
    fn resolution(&self) -> Resolution;
}
