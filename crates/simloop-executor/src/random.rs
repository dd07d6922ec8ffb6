//! Seeded randomness for user code, drawn through the run's scheduler.
//!
//! Every random choice of a run — the scheduler's and the user's — comes from the same
//! seeded ChaCha stream, which the scheduler owns ([`Scheduler::draw`](crate::sched::Scheduler::draw)),
//! seeded by [`Builder::seed`](crate::Builder::seed), so one seed names one run.

use rand_core::{impls, Error, RngCore};

use crate::context;

/// A random `u64` from the runtime's seeded RNG.
///
/// # Panics
/// Outside a simloop runtime.
pub fn random_u64() -> u64 {
    context::expect("random_u64()", |rt| rt.draw())
}

/// A random number in `low..high` (`low` if the range is empty), unbiased.
///
/// # Panics
/// Outside a simloop runtime.
pub fn random_range(low: u64, high: u64) -> u64 {
    if high <= low {
        return low;
    }
    let span = high - low;
    let zone = u64::MAX - u64::MAX % span;
    loop {
        let v = random_u64();
        if v < zone {
            return low + v % span;
        }
    }
}

/// A handle implementing [`RngCore`] over the current runtime's RNG, for use with the
/// `rand` crate's distributions.
///
/// ```
/// use rand_core::RngCore;
/// use simloop_executor::{run, SimRng};
/// let a = run(async { SimRng.next_u64() });
/// let b = run(async { SimRng.next_u64() });
/// assert_eq!(a, b); // same default seed, same draw
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SimRng;

impl RngCore for SimRng {
    fn next_u32(&mut self) -> u32 {
        // The low half of one draw: every draw goes through the scheduler.
        context::expect("SimRng", |rt| rt.draw() as u32)
    }
    fn next_u64(&mut self) -> u64 {
        random_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        impls::fill_bytes_via_next(self, dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
