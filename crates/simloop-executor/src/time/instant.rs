//! Virtual instants: points on the simulated clock, exact to the nanosecond.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// A point in virtual time: nanoseconds since the runtime started (`Instant::ZERO`).
///
/// Unlike `std::time::Instant` it is plain data: it can be built, compared, printed and
/// stored in snapshots. Arithmetic is exact; nothing is rounded.
///
/// ```
/// use simloop_executor::Instant;
/// use std::time::Duration;
/// let t = Instant::ZERO + Duration::from_millis(1500);
/// assert_eq!(t.to_string(), "1.500s");
/// assert_eq!(t.as_nanos(), 1_500_000_000);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The instant every runtime starts at.
    pub const ZERO: Instant = Instant(0);
    /// The largest representable instant (about 584 years); timers saturate to it and never fire.
    pub const MAX: Instant = Instant(u64::MAX);

    /// The instant `nanos` nanoseconds after the start.
    #[inline]
    pub const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// The instant `secs` seconds after the start.
    #[inline]
    pub const fn from_secs(secs: u64) -> Instant {
        Instant(secs * 1_000_000_000)
    }

    /// The instant `millis` milliseconds after the start.
    #[inline]
    pub const fn from_millis(millis: u64) -> Instant {
        Instant(millis * 1_000_000)
    }

    /// Nanoseconds since the start.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Time since the start, as a `Duration`.
    #[inline]
    pub const fn as_duration(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// Seconds since the start as a float (for display and comparison with asyncio's `loop.time()`).
    #[inline]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// `self + d`, or `None` if the result does not fit the virtual clock.
    #[inline]
    pub fn checked_add(self, d: Duration) -> Option<Instant> {
        // In u64 arithmetic: `Duration::as_nanos` is u128 and costs a wide multiply.
        let nanos =
            d.as_secs().checked_mul(1_000_000_000)?.checked_add(u64::from(d.subsec_nanos()))?;
        self.0.checked_add(nanos).map(Instant)
    }

    /// `self + d`, clamped to [`Instant::MAX`] (which no timer ever reaches).
    #[inline]
    pub fn saturating_add(self, d: Duration) -> Instant {
        self.checked_add(d).unwrap_or(Instant::MAX)
    }

    /// `self - d`, or `None` before the start of the virtual clock.
    #[inline]
    pub fn checked_sub(self, d: Duration) -> Option<Instant> {
        let nanos =
            d.as_secs().checked_mul(1_000_000_000)?.checked_add(u64::from(d.subsec_nanos()))?;
        self.0.checked_sub(nanos).map(Instant)
    }

    /// `self - d`, clamped to [`Instant::ZERO`].
    #[inline]
    pub fn saturating_sub(self, d: Duration) -> Instant {
        self.checked_sub(d).unwrap_or(Instant::ZERO)
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    #[inline]
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    #[inline]
    pub fn checked_duration_since(self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0).map(Duration::from_nanos)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// # Panics
    /// If the sum overflows the virtual clock (about 584 years); use
    /// [`Instant::checked_add`] or [`Instant::saturating_add`] for untrusted durations.
    #[inline]
    fn add(self, d: Duration) -> Instant {
        self.checked_add(d).unwrap_or_else(|| {
            panic!(
                "virtual instant overflow: {self} + {d:?} is past the end of the virtual clock \
                 (~584 years); use Instant::checked_add or saturating_add for huge durations"
            )
        })
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    /// `self - d` (asyncio's `loop.time() - delay`, e.g. a `call_at` in the past).
    ///
    /// ```
    /// use simloop_executor::Instant;
    /// use std::time::Duration;
    /// assert_eq!(Instant::from_secs(3) - Duration::from_millis(500), Instant::from_millis(2500));
    /// ```
    ///
    /// # Panics
    /// If the result is before the start of the virtual clock; use
    /// [`Instant::checked_sub`] or [`Instant::saturating_sub`].
    #[inline]
    fn sub(self, d: Duration) -> Instant {
        self.checked_sub(d).unwrap_or_else(|| {
            panic!(
                "virtual instant underflow: {self} - {d:?} is before the start of the virtual \
                 clock; use Instant::checked_sub or saturating_sub"
            )
        })
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// # Panics
    /// If `earlier` is later than `self`; use [`Instant::saturating_duration_since`].
    #[inline]
    fn sub(self, earlier: Instant) -> Duration {
        self.checked_duration_since(earlier).unwrap_or_else(|| {
            panic!("virtual instant underflow: {self} - {earlier}: the second instant is later")
        })
    }
}

impl fmt::Display for Instant {
    /// Seconds with millisecond precision, as the canonical trace prints them (`1.500s`).
    /// With `{:#}` it prints all nine decimals (`1.500000000s`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / 1_000_000_000;
        let nanos = self.0 % 1_000_000_000;
        if f.alternate() {
            return write!(f, "{secs}.{nanos:09}s");
        }
        // Round half-up to milliseconds, as Python's '%.3f' does for exact values.
        let millis_total = (self.0 as u128 + 500_000) / 1_000_000;
        let text = format!("{}.{:03}s", millis_total / 1000, millis_total % 1000);
        f.pad(&text)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({self:#})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_rounds_to_millis_and_alternate_is_exact() {
        assert_eq!(Instant::from_nanos(1_499_600_000).to_string(), "1.500s");
        assert_eq!(Instant::from_nanos(1).to_string(), "0.000s");
        assert_eq!(format!("{:#}", Instant::from_nanos(1)), "0.000000001s");
        assert_eq!(format!("{:>8}", Instant::from_secs(3)), "  3.000s");
    }

    #[test]
    fn checked_add_refuses_overflow_and_saturating_clamps() {
        assert_eq!(Instant::ZERO.checked_add(Duration::MAX), None);
        assert_eq!(Instant::ZERO.saturating_add(Duration::MAX), Instant::MAX);
        assert_eq!(
            Instant::from_secs(1).checked_add(Duration::from_nanos(5)),
            Some(Instant::from_nanos(1_000_000_005))
        );
    }

    #[test]
    #[should_panic(expected = "virtual instant overflow")]
    fn add_overflow_panics_with_a_message_naming_the_fix() {
        let _ = Instant::from_secs(1) + Duration::MAX;
    }

    #[test]
    fn subtracting_a_duration_checks_the_start_of_the_clock() {
        let t = Instant::from_secs(2);
        assert_eq!(t - Duration::from_secs(2), Instant::ZERO);
        assert_eq!(t.checked_sub(Duration::from_secs(3)), None);
        assert_eq!(t.saturating_sub(Duration::from_secs(3)), Instant::ZERO);
        let err = std::panic::catch_unwind(|| t - Duration::from_secs(3)).unwrap_err();
        assert!(crate::panic::panic_message(err.as_ref()).contains("checked_sub"));
    }

    #[test]
    fn sub_gives_exact_duration() {
        assert_eq!(
            Instant::from_nanos(3_000_000_007) - Instant::from_secs(1),
            Duration::from_nanos(2_000_000_007)
        );
    }
}
