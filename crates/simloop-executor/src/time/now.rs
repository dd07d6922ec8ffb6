//! Reading the clocks from inside a run: asyncio's `loop.time()` and the virtual wall clock.

use crate::context;
use crate::error::ContextError;
use crate::time::clock::WallTime;
use crate::time::instant::Instant;

/// The current virtual instant (asyncio's `loop.time()`, starting at zero).
///
/// # Panics
/// Outside a simloop runtime; [`try_now`] returns an error instead.
#[inline]
pub fn now() -> Instant {
    context::expect("now()", |rt| rt.now())
}

/// The current virtual instant, or an error outside a runtime.
pub fn try_now() -> Result<Instant, ContextError> {
    context::try_with("try_now()", |rt| rt.now())
}

/// The virtual wall clock: the builder's wall-clock start plus the virtual time elapsed.
///
/// ```
/// use simloop_executor::{sleep, wall_clock, Runtime};
/// use std::time::Duration;
/// let mut rt = Runtime::builder().wall_clock_hms(17, 13, 52).build();
/// rt.block_on(async {
///     assert_eq!(wall_clock().hms(), "17:13:52");
///     sleep(Duration::from_secs(3)).await;
///     assert_eq!(wall_clock().hms(), "17:13:55");
/// });
/// ```
///
/// # Panics
/// Outside a simloop runtime.
pub fn wall_clock() -> WallTime {
    context::expect("wall_clock()", |rt| rt.wall_clock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_outside_a_runtime_is_an_error_naming_the_fix() {
        let err = try_now().unwrap_err();
        assert_eq!(
            err.to_string(),
            "try_now() called outside a simloop runtime: wrap the test in #[simloop::test] or \
             Runtime::block_on"
        );
    }
}
