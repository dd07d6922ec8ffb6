//! Reading the virtual clocks: monotonic virtual time and the virtual wall clock.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::context;
use crate::error::ContextError;
use crate::instant::Instant;

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
    context::expect("wall_clock()", |rt| WallTime(rt.wall_start + rt.now().as_duration()))
}

/// A reading of the virtual wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallTime(pub SystemTime);

impl WallTime {
    /// Seconds since the Unix epoch.
    pub fn unix_duration(self) -> Duration {
        self.0.duration_since(UNIX_EPOCH).unwrap_or_default()
    }

    /// `HH:MM:SS` in UTC, whole seconds rounded to nearest (Python's `strftime('%X')` of
    /// the oracle's virtual clock).
    pub fn hms(self) -> String {
        let d = self.unix_duration();
        let secs = d.as_secs() + u64::from(d.subsec_nanos() >= 500_000_000);
        format!("{:02}:{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hms_wraps_at_midnight_and_rounds() {
        let t = WallTime(UNIX_EPOCH + Duration::from_millis(86_399_600));
        assert_eq!(t.hms(), "00:00:00");
        let t = WallTime(UNIX_EPOCH + Duration::from_secs(17 * 3600 + 13 * 60 + 52));
        assert_eq!(t.to_string(), "17:13:52");
    }

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
