//! Shards: `SIMLOOP_SHARD=k/n` splits a sweep into `n` disjoint parts whose union is the
//! whole sweep, so that one sweep runs on `n` machines (a CI matrix, nextest's
//! `--partition` for the tests themselves). A seed sweep's run `i` (0-based) belongs to
//! shard `i mod n + 1`; a DFS sweep's schedules are split by subtree: every shard runs
//! FIFO's schedule (it needs its choice points), and the schedules that first deviate from
//! it at its `j`-th alternative (in DFS order, counting from 1) belong to shard
//! `j mod n + 1`, FIFO's own to shard 1.

use std::fmt;
use std::str::FromStr;

/// One shard of `count`: `index` is 1-based, as `SIMLOOP_SHARD=k/n` writes it.
///
/// ```
/// use simloop_checker::Shard;
/// let s: Shard = "2/3".parse().unwrap();
/// assert_eq!((s.index(), s.count()), (2, 3));
/// // Runs 1, 4, 7, ... (0-based) of a seed sweep.
/// assert_eq!((0..9).filter(|i| s.owns(*i)).collect::<Vec<_>>(), vec![1, 4, 7]);
/// assert_eq!(s.to_string(), "2/3");
/// assert!("4/3".parse::<Shard>().unwrap_err().to_string().contains("1/3 to 3/3"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Shard `index` (1-based) of `count`, or why not.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoShards);
        }
        if index == 0 || index > count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// The whole sweep as one shard (`1/1`).
    pub fn whole() -> Shard {
        Shard { index: 1, count: 1 }
    }

    /// This shard's number, from 1.
    pub fn index(self) -> u64 {
        self.index
    }

    /// How many shards the sweep is split into.
    pub fn count(self) -> u64 {
        self.count
    }

    /// Whether part `i` of the sweep (a run of a seed sweep, a subtree of a DFS sweep;
    /// 0-based) is this shard's.
    pub fn owns(self, i: u64) -> bool {
        i % self.count == self.index - 1
    }

    /// How many of a sweep's `runs` runs are this shard's.
    pub fn share_of(self, runs: u64) -> u64 {
        (runs + self.count - self.index) / self.count
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A text that names no [`Shard`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShardError {
    /// Not `<k>/<n>` with two numbers; the text as given.
    NotAShard(String),
    /// `n` is 0.
    NoShards,
    /// `k` is 0 or more than `n`.
    OutOfRange {
        /// `k`.
        index: u64,
        /// `n`.
        count: u64,
    },
}

impl fmt::Display for ShardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShardError::NotAShard(text) => write!(
                f,
                "{text:?} is not a shard: write <k>/<n>, this machine's shard k (from 1) of n \
                 (e.g. 2/8)"
            ),
            ShardError::NoShards => {
                f.write_str("0 shards: a sweep splits into at least 1 shard (e.g. 1/1, 2/8)")
            }
            ShardError::OutOfRange { index, count } => write!(
                f,
                "shard {index}/{count} does not exist: shards are numbered from 1, so use 1/{count} \
                 to {count}/{count}"
            ),
        }
    }
}

impl std::error::Error for ShardError {}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let not = || ShardError::NotAShard(text.to_string());
        let (k, n) = text.trim().split_once('/').ok_or_else(not)?;
        let k = k.trim().parse().map_err(|_| not())?;
        let n = n.trim().parse().map_err(|_| not())?;
        Shard::new(k, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shards_of_a_seed_sweep_are_disjoint_and_cover_it() {
        for n in 1..=7 {
            for runs in [0, 1, 5, 100, 101] {
                let mut seen = vec![0u32; runs as usize];
                for k in 1..=n {
                    let s = Shard::new(k, n).unwrap();
                    let mine: Vec<u64> = (0..runs).filter(|i| s.owns(*i)).collect();
                    assert_eq!(mine.len() as u64, s.share_of(runs), "{s} of {runs}");
                    for i in mine {
                        seen[i as usize] += 1;
                    }
                }
                assert!(seen.iter().all(|c| *c == 1), "n={n} runs={runs}: {seen:?}");
            }
        }
    }

    #[test]
    fn bad_shards_are_refused_with_the_fix() {
        assert_eq!("0/3".parse::<Shard>(), Err(ShardError::OutOfRange { index: 0, count: 3 }));
        assert_eq!("4/3".parse::<Shard>(), Err(ShardError::OutOfRange { index: 4, count: 3 }));
        assert_eq!("1/0".parse::<Shard>(), Err(ShardError::NoShards));
        for bad in ["x", "3", "1/x", "-1/3", "1/2/3", ""] {
            assert_eq!(bad.parse::<Shard>(), Err(ShardError::NotAShard(bad.into())), "{bad}");
        }
        assert_eq!(
            "0/3".parse::<Shard>().unwrap_err().to_string(),
            "shard 0/3 does not exist: shards are numbered from 1, so use 1/3 to 3/3"
        );
        assert_eq!(" 2 / 3 ".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
    }
}
