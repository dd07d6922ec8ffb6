//! Policies: the built-in schedulers by name, as a test, an environment variable or a
//! failure report writes them (`fifo`, `random`, `pct:3:1000`, `dfs:2`).

use std::fmt;
use std::str::FromStr;

use crate::sched::dfs::Dfs;
use crate::sched::dfs_path::DfsPath;
use crate::sched::fifo::Fifo;
use crate::sched::pct::Pct;
use crate::sched::random::Random;
use crate::sched::scheduler::Scheduler;

/// How the runtime picks the next step among the ready ones.
///
/// Written as text (`SIMLOOP_POLICY`, `#[simloop::test(policy = "...")]`) it is `fifo`,
/// `random`, `pct` (depth 3), `pct:<depth>`, `pct:<depth>:<steps>` or
/// `dfs:<max preemptions>`; its `Display` form, `pct(depth=3,steps=1000)` or
/// `dfs(preemptions=2)`, parses back too.
///
/// ```
/// use simloop_executor::{Policy, Runtime};
/// let mut rt = Runtime::builder().seed(7).policy(Policy::Random).build();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
///
/// assert_eq!("pct:2:50".parse(), Ok(Policy::Pct { depth: 2, max_steps: 50 }));
/// assert_eq!(Policy::pct(2).to_string().parse(), Ok(Policy::pct(2)));
/// assert_eq!("dfs:2".parse(), Ok(Policy::Dfs { max_preemptions: 2 }));
/// assert!("lifo".parse::<Policy>().unwrap_err().to_string().contains("use fifo, random"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Policy {
    /// First in, first out: asyncio's own order.
    #[default]
    Fifo,
    /// A uniformly random ready step each time.
    Random,
    /// PCT (Burckhardt et al., ASPLOS 2010): each task gets a random priority, the highest
    /// ready one runs, and at `depth - 1` random steps (among the first `max_steps`) the
    /// task about to run drops below every initial priority and the choice is made again.
    /// Finds a bug of depth `depth` with probability at least 1/(n·k^(d-1)) for n tasks
    /// and k steps.
    Pct {
        /// The bug depth to target (number of ordering constraints); at least 1.
        depth: u32,
        /// The expected length of a run in steps; change points are drawn in `1..=max_steps`.
        /// Parsed from `pct` or `pct:<depth>` it is `0`, which the checker's `explore`
        /// replaces with the step count of a FIFO run of the test (the paper's `k`).
        max_steps: u64,
    },
    /// Bounded exhaustive exploration: the checker's `explore` runs every schedule with at
    /// most `max_preemptions` picks other than FIFO's, depth first, each run following a
    /// path of choices ([`Dfs`], [`DfsPath`]) and FIFO beyond it. A runtime built with
    /// this policy alone runs FIFO's path; the program's draws come from the seed.
    Dfs {
        /// How many picks of a schedule may differ from FIFO's (0 runs FIFO's schedule only).
        max_preemptions: u32,
    },
}

impl Policy {
    /// PCT with the given depth and a default horizon of 1,000 steps.
    pub fn pct(depth: u32) -> Policy {
        Policy::Pct { depth: depth.max(1), max_steps: 1000 }
    }

    /// The scheduler this policy names, seeded: it makes every choice and every random
    /// draw of one run.
    ///
    /// ```
    /// use simloop_executor::{Policy, Runtime};
    /// use simloop_executor::random_u64;
    /// let mut a = Runtime::builder().scheduler(Policy::Random.scheduler(7)).build();
    /// let mut b = Runtime::builder().seed(7).policy(Policy::Random).build();
    /// assert_eq!(a.block_on(async { random_u64() }), b.block_on(async { random_u64() }));
    /// ```
    pub fn scheduler(self, seed: u64) -> Box<dyn Scheduler> {
        match self {
            Policy::Fifo => Box::new(Fifo::new(seed)),
            Policy::Random => Box::new(Random::new(seed)),
            Policy::Pct { depth, max_steps } => Box::new(Pct::new(depth, max_steps, seed)),
            Policy::Dfs { .. } => Box::new(Dfs::new(DfsPath::fifo(), seed)),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Fifo => f.write_str("fifo"),
            Policy::Random => f.write_str("random"),
            Policy::Pct { depth, max_steps } => write!(f, "pct(depth={depth},steps={max_steps})"),
            Policy::Dfs { max_preemptions } => write!(f, "dfs(preemptions={max_preemptions})"),
        }
    }
}

/// A text that names no [`Policy`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParsePolicyError {
    /// Not one of the accepted forms; the text as given.
    Unknown(String),
}

impl fmt::Display for ParsePolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParsePolicyError::Unknown(text) => write!(
                f,
                "{text:?} is not a scheduling policy: use fifo, random, pct, pct:<depth>, \
                 pct:<depth>:<steps> or dfs:<max preemptions> (e.g. pct:3:1000, dfs:2)"
            ),
        }
    }
}

impl std::error::Error for ParsePolicyError {}

impl FromStr for Policy {
    type Err = ParsePolicyError;

    fn from_str(text: &str) -> Result<Policy, ParsePolicyError> {
        parse_policy(text).ok_or_else(|| ParsePolicyError::Unknown(text.to_string()))
    }
}

fn parse_policy(text: &str) -> Option<Policy> {
    let t = text.trim().to_ascii_lowercase();
    match t.as_str() {
        "fifo" => return Some(Policy::Fifo),
        "random" => return Some(Policy::Random),
        "pct" => return Some(Policy::Pct { depth: 3, max_steps: 0 }),
        _ => {}
    }
    if let Some(rest) = t.strip_prefix("dfs") {
        let n = rest
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix("(preemptions=")?.strip_suffix(')'))?;
        return Some(Policy::Dfs { max_preemptions: n.trim().parse().ok()? });
    }
    let rest = t.strip_prefix("pct")?;
    let nums: Vec<u64> = if let Some(inner) = rest.strip_prefix('(') {
        let inner = inner.strip_suffix(')')?;
        inner
            .split(',')
            .map(|kv| kv.split('=').nth(1).and_then(|v| v.trim().parse().ok()))
            .collect::<Option<_>>()?
    } else {
        rest.strip_prefix(':')?.split(':').map(|v| v.trim().parse().ok()).collect::<Option<_>>()?
    };
    let depth = |d: u64| u32::try_from(d).ok().map(|d| d.max(1));
    match nums.as_slice() {
        [d] => Some(Policy::Pct { depth: depth(*d)?, max_steps: 0 }),
        [d, k] => Some(Policy::Pct { depth: depth(*d)?, max_steps: *k }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_parses_and_display_round_trips() {
        let cases = [
            ("fifo", Policy::Fifo),
            (" Random ", Policy::Random),
            ("pct", Policy::Pct { depth: 3, max_steps: 0 }),
            ("pct:2", Policy::Pct { depth: 2, max_steps: 0 }),
            ("pct:0:9", Policy::Pct { depth: 1, max_steps: 9 }),
            ("pct(depth=2,steps=50)", Policy::Pct { depth: 2, max_steps: 50 }),
            ("dfs:0", Policy::Dfs { max_preemptions: 0 }),
            (" DFS:3 ", Policy::Dfs { max_preemptions: 3 }),
            ("dfs(preemptions=2)", Policy::Dfs { max_preemptions: 2 }),
        ];
        for (text, policy) in cases {
            assert_eq!(text.parse(), Ok(policy), "{text}");
            assert_eq!(policy.to_string().parse(), Ok(policy));
        }
        for bad in [
            "lifo",
            "pct:",
            "pct:x",
            "pct:1:2:3",
            "pct(depth=2",
            "pct:99999999999",
            "dfs",
            "dfs:",
            "dfs:-1",
            "dfs:1:2",
            "dfs(preemptions=2",
        ] {
            assert_eq!(bad.parse::<Policy>(), Err(ParsePolicyError::Unknown(bad.into())), "{bad}");
        }
    }
}
