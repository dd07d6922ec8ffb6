//! The run's seeded RNG (one ChaCha stream per run, owned by its scheduler), and seeds
//! written as text.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// The one random stream of a run: every scheduling choice and every draw of the program
/// comes from it, in the order they are made.
pub(crate) struct SeededRng(ChaCha8Rng);

impl SeededRng {
    /// The stream of `seed`.
    pub(crate) fn new(seed: u64) -> SeededRng {
        SeededRng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// The next 64 bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (`n` > 0), as the next draw modulo `n`.
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Parses a seed written in decimal or as `0x` hex.
///
/// ```
/// assert_eq!(simloop_executor::parse_seed("0x2a"), Some(42));
/// assert_eq!(simloop_executor::parse_seed(" 42 "), Some(42));
/// assert_eq!(simloop_executor::parse_seed("forty-two"), None);
/// ```
pub fn parse_seed(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}
