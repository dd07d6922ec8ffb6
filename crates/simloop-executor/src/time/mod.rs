//! Virtual time: the instant type, the clock, the timer queue, and what waits on them
//! (`sleep`, `yield_now`, `call_later`).

pub(crate) mod call_later;
pub(crate) mod clock;
pub(crate) mod instant;
pub(crate) mod now;
pub(crate) mod sleep;
pub(crate) mod timer_callbacks;
pub(crate) mod timer_queue;
