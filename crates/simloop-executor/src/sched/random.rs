//! Random: a uniformly random ready step each time, drawn from the seeded stream that the
//! program's draws share.

use crate::sched::rng::SeededRng;
use crate::sched::scheduler::{Ready, Scheduler};

/// A uniformly random ready step each time ([`Policy::Random`](crate::Policy::Random)).
pub struct Random {
    rng: SeededRng,
}

impl Random {
    /// A random scheduler on `seed`'s stream.
    pub fn new(seed: u64) -> Random {
        Random { rng: SeededRng::new(seed) }
    }
}

impl Scheduler for Random {
    fn pick(&mut self, ready: &Ready<'_>) -> usize {
        let n = ready.len() as u64;
        if n <= 1 {
            0
        } else {
            self.rng.below(n) as usize
        }
    }

    fn draw(&mut self) -> u64 {
        self.rng.next_u64()
    }
}
