//! The virtual clock: the current instant, which only moves forward, and where the
//! virtual wall clock starts.

use std::cell::Cell;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::time::instant::Instant;

/// The runtime's virtual clock. It starts at zero and moves only when the driver jumps it
/// to the next timer deadline, never backwards.
pub(crate) struct Clock {
    now: Cell<Instant>,
    wall_start: SystemTime,
}

impl Clock {
    /// A clock at zero whose wall clock reads `wall_start` then.
    pub(crate) fn new(wall_start: SystemTime) -> Clock {
        Clock { now: Cell::new(Instant::ZERO), wall_start }
    }

    /// The current instant.
    #[inline]
    pub(crate) fn now(&self) -> Instant {
        self.now.get()
    }

    /// Moves the clock to `t`; an instant already passed leaves it where it is.
    #[inline]
    pub(crate) fn advance_to(&self, t: Instant) {
        if t > self.now.get() {
            self.now.set(t);
        }
    }

    /// The virtual wall clock now.
    pub(crate) fn wall(&self) -> WallTime {
        WallTime(self.wall_start + self.now().as_duration())
    }
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
    fn the_clock_never_moves_backwards() {
        let c = Clock::new(UNIX_EPOCH);
        c.advance_to(Instant::from_secs(5));
        c.advance_to(Instant::from_secs(2));
        assert_eq!(c.now(), Instant::from_secs(5));
        assert_eq!(c.wall().hms(), "00:00:05");
    }
}
