//! The random sleeps both runtimes use: ChaCha8 seeded with 42, 1..=1000 ms each.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::SLEEPS_PER_TASK;

/// The seed of every random sleep in the bench.
pub const SEED: u64 = 42;

/// One task's sleeps in milliseconds.
pub type TaskSleeps = [u16; SLEEPS_PER_TASK];

/// `n` random sleeps of 1..=1000 ms, drawn in order from the bench's ChaCha stream.
pub fn millis(n: usize) -> Vec<u16> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    (0..n).map(|_| 1 + (rng.next_u32() % 1000) as u16).collect()
}

/// The sleeps of each of `tasks` tasks in the sleep storm.
pub fn storm(tasks: usize) -> Vec<TaskSleeps> {
    let flat = millis(tasks * SLEEPS_PER_TASK);
    flat.chunks_exact(SLEEPS_PER_TASK)
        .map(|c| c.try_into().expect("chunks_exact gives whole chunks"))
        .collect()
}

/// The virtual time the sleep storm takes: the longest task's total.
pub fn storm_elapsed_ms(sleeps: &[TaskSleeps]) -> u64 {
    sleeps.iter().map(|s| s.iter().map(|&m| u64::from(m)).sum::<u64>()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_are_in_range_and_reproducible() {
        let a = millis(1000);
        assert!(a.iter().all(|&m| (1..=1000).contains(&m)));
        assert_eq!(a, millis(1000));
        assert_eq!(storm(3).concat(), millis(3 * SLEEPS_PER_TASK));
    }
}
