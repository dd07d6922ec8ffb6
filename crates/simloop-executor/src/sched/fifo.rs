//! FIFO: asyncio's own order, the default. The oldest ready step always runs; draws come
//! from the seeded stream.

use crate::sched::rng::SeededRng;
use crate::sched::scheduler::{Ready, Scheduler};

/// First in, first out ([`Policy::Fifo`](crate::Policy::Fifo)).
///
/// ```
/// use simloop_executor::{random_u64, sched::Fifo, Runtime};
/// let mut rt = Runtime::builder().scheduler(Box::new(Fifo::new(42))).build();
/// let a = rt.block_on(async { random_u64() });
/// let b = Runtime::builder().seed(42).build().block_on(async { random_u64() });
/// assert_eq!(a, b);
/// ```
pub struct Fifo {
    rng: SeededRng,
}

impl Fifo {
    /// A FIFO scheduler whose draws come from `seed`'s stream.
    pub fn new(seed: u64) -> Fifo {
        Fifo { rng: SeededRng::new(seed) }
    }
}

impl Scheduler for Fifo {
    #[inline]
    fn pick(&mut self, _ready: &Ready<'_>) -> usize {
        0
    }

    fn draw(&mut self) -> u64 {
        self.rng.next_u64()
    }
}
