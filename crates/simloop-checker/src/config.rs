//! What an exploration runs: how many seeds, which policy, which limits and checks, and
//! the seeds of a sweep. The `SIMLOOP_*` variables that override it are read in
//! [`env`](crate::env).

use std::time::Duration;

use simloop_executor::sched::DfsPath;
use simloop_executor::{Builder, Policy, Runtime};

use crate::env::Overrides;
use crate::schedule::Schedule;
use crate::shard::Shard;

/// The seed a single run uses when neither the test nor `SIMLOOP_SEED` picks one.
pub const DEFAULT_SEED: u64 = 0;

/// How many schedules a DFS sweep ([`Policy::Dfs`]) runs at most when neither the test
/// (`seeds`, [`Explore::runs`]) nor `SIMLOOP_SEEDS` sets a budget of more than one.
pub const DFS_BUDGET: u64 = 10_000;

/// The options of one exploration: the seeds to run, the policy, limits and checks.
///
/// ```
/// use simloop_checker::Explore;
/// use simloop_executor::Policy;
/// let e = Explore::seeds(3).policy(Policy::pct(2));
/// assert_eq!(e.seed_list().len(), 3);
/// assert_eq!(e.effective_policy(), Policy::pct(2));
/// // One seed, FIFO, seed 0 unless SIMLOOP_SEED says otherwise.
/// assert_eq!(Explore::new().seed_list(), vec![0]);
/// assert_eq!(Explore::new().effective_policy(), Policy::Fifo);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explore {
    /// How many seeds to run.
    pub runs: u64,
    /// Run exactly this seed (overrides `runs`).
    pub seed: Option<u64>,
    /// The policy; `None` = FIFO for one run, uniform random for a sweep.
    pub policy: Option<Policy>,
    /// Under [`Policy::Dfs`]: run only this schedule (`SIMLOOP_DFS_PATH`, the replay of a
    /// DFS failure) instead of enumerating them.
    pub dfs_path: Option<DfsPath>,
    /// Run only this shard of the sweep (`SIMLOOP_SHARD`); `None`: the whole sweep.
    pub shard: Option<Shard>,
    /// The runtime's step limit (`None`: the executor's default).
    pub step_limit: Option<u64>,
    /// The runtime's virtual-time limit.
    pub time_limit: Option<Duration>,
    /// Run every seed twice and fail on the first differing event.
    pub check_determinism: bool,
    /// Let a run end with tasks still pending or panics nobody retrieved.
    pub allow_leaks: bool,
    /// Start the virtual wall clock at this time of day (hours, minutes, seconds).
    pub wall_clock_hms: Option<(u64, u64, u64)>,
    /// The test this exploration runs, as (crate, test name): `SIMLOOP_TEST` is matched
    /// against it (see [`Overrides::replay_applies_to`]). `#[simloop::test]` sets it;
    /// `None`: the replay variables apply only when `SIMLOOP_TEST` is unset.
    pub test: Option<(String, String)>,
    /// Replay exactly this schedule instead of running seeds (`SIMLOOP_SCHEDULE`).
    pub schedule: Option<Schedule>,
    /// Where [`Explore::schedule`] came from (a file's path, or `SIMLOOP_SCHEDULE` for a
    /// schedule given inline), named when it stops matching the program.
    pub schedule_source: Option<String>,
}

impl Default for Explore {
    fn default() -> Self {
        Explore::new()
    }
}

impl From<u64> for Explore {
    /// `n` seeds with the uniform random policy.
    fn from(n: u64) -> Explore {
        Explore::seeds(n)
    }
}

impl Explore {
    /// One run, seed [`DEFAULT_SEED`], FIFO.
    pub fn new() -> Explore {
        Explore {
            runs: 1,
            seed: None,
            policy: None,
            dfs_path: None,
            shard: None,
            step_limit: None,
            time_limit: None,
            check_determinism: false,
            allow_leaks: false,
            wall_clock_hms: None,
            test: None,
            schedule: None,
            schedule_source: None,
        }
    }

    /// The test's name as a schedule records it (`<crate>::<test>`), or `(unnamed)`.
    pub fn test_name(&self) -> String {
        match &self.test {
            Some((krate, name)) => format!("{krate}::{name}"),
            None => "(unnamed)".to_string(),
        }
    }

    /// Replays exactly `schedule` (one run) instead of running seeds.
    pub fn schedule(mut self, schedule: Schedule) -> Explore {
        self.schedule = Some(schedule);
        self
    }

    /// A sweep over `n` seeds (uniform random policy unless [`Explore::policy`] says
    /// otherwise).
    pub fn seeds(n: u64) -> Explore {
        Explore { runs: n.max(1), ..Explore::new() }
    }

    /// Sets the number of seeds.
    pub fn runs(mut self, n: u64) -> Explore {
        self.runs = n.max(1);
        self
    }

    /// Runs this one seed only.
    pub fn seed(mut self, seed: u64) -> Explore {
        self.seed = Some(seed);
        self
    }

    /// Sets the scheduling policy.
    pub fn policy(mut self, policy: Policy) -> Explore {
        self.policy = Some(policy);
        self
    }

    /// Runs only shard `shard` of the sweep (see [`Shard`]): its part of the seeds, or of
    /// the DFS subtrees. A single run (one seed, or a fixed seed) runs on every shard.
    pub fn shard(mut self, shard: Shard) -> Explore {
        self.shard = Some(shard);
        self
    }

    /// Under [`Policy::Dfs`], runs only the schedule `path` (what `SIMLOOP_DFS_PATH` does).
    pub fn dfs_path(mut self, path: DfsPath) -> Explore {
        self.dfs_path = Some(path);
        self
    }

    /// Sets the step limit of each run.
    pub fn step_limit(mut self, steps: u64) -> Explore {
        self.step_limit = Some(steps);
        self
    }

    /// Sets the virtual-time limit of each run.
    pub fn time_limit(mut self, limit: Duration) -> Explore {
        self.time_limit = Some(limit);
        self
    }

    /// Runs every seed twice and fails on the first event that differs.
    pub fn check_determinism(mut self, on: bool) -> Explore {
        self.check_determinism = on;
        self
    }

    /// Accepts runs that end with tasks still pending or panics nobody retrieved
    /// (otherwise they fail as a leaked task / a panic).
    pub fn allow_leaks(mut self, on: bool) -> Explore {
        self.allow_leaks = on;
        self
    }

    /// Starts the virtual wall clock at this time of day.
    pub fn wall_clock_hms(mut self, hours: u64, minutes: u64, seconds: u64) -> Explore {
        self.wall_clock_hms = Some((hours, minutes, seconds));
        self
    }

    /// Names the test this exploration runs (its crate and its name as libtest knows it),
    /// so that a `SIMLOOP_TEST` naming another test leaves it alone.
    pub fn for_test(mut self, crate_name: &str, name: &str) -> Explore {
        self.test = Some((crate_name.to_string(), name.to_string()));
        self
    }

    /// Whether the replay variables of `o` apply to this exploration's test.
    fn replay_applies(&self, o: &Overrides) -> bool {
        match &self.test {
            Some((krate, name)) => o.replay_applies_to(krate, name),
            None => o.test.is_none(),
        }
    }

    /// The policy runs use: the one set, else FIFO for one run and random for a sweep.
    pub fn effective_policy(&self) -> Policy {
        self.policy.unwrap_or(if self.runs > 1 && self.seed.is_none() {
            Policy::Random
        } else {
            Policy::Fifo
        })
    }

    /// Applies the `SIMLOOP_*` variables (see [`env`](crate::env)). The policy is fixed
    /// before `SIMLOOP_SEED` narrows a sweep to one seed, so a replay keeps the sweep's
    /// policy. When `SIMLOOP_TEST` names another test, `SIMLOOP_SEED`, `SIMLOOP_POLICY` and
    /// `SIMLOOP_CHECK_DETERMINISM` are ignored, and one line per process says so.
    ///
    /// # Panics
    /// On a malformed value, with the [`EnvError`](crate::env::EnvError) naming the
    /// variable and the accepted forms.
    pub fn from_env(self) -> Explore {
        match Overrides::from_env() {
            Ok(o) => {
                if let Some(test) = o.test.as_deref().filter(|_| !self.replay_applies(&o)) {
                    crate::env::note_replay_ignored(test);
                }
                let schedule = o.schedule.clone().filter(|_| self.replay_applies(&o));
                let mut e = self.with_overrides(o);
                if let Some(value) = schedule {
                    match Schedule::load(&value, &e.test_name()) {
                        Ok(s) => {
                            e.schedule = Some(s);
                            e.schedule_source = Some(crate::schedule::source_of(&value));
                        }
                        Err(err) => panic!("{}: {err}", crate::env::SCHEDULE),
                    }
                }
                e
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// Applies parsed `SIMLOOP_*` variables: what [`Explore::from_env`] does with the
    /// environment's.
    ///
    /// ```
    /// use simloop_checker::{env::Overrides, Explore};
    /// use simloop_executor::Policy;
    /// let o = Overrides::from_lookup(|name| (name == "SIMLOOP_SEED").then(|| "7".into())).unwrap();
    /// let e = Explore::seeds(10).with_overrides(o);
    /// assert_eq!(e.seed_list(), vec![7]);
    /// assert_eq!(e.effective_policy(), Policy::Random); // the sweep's policy, kept
    /// ```
    pub fn with_overrides(mut self, mut o: Overrides) -> Explore {
        if !self.replay_applies(&o) {
            (o.seed, o.policy, o.dfs_path, o.check_determinism) = (None, None, None, None);
        }
        if let Some(n) = o.seeds {
            self.runs = n.max(1);
        }
        if let Some(p) = o.policy {
            self.policy = Some(p);
        }
        self.policy = Some(self.effective_policy());
        if let Some(s) = o.seed {
            self.seed = Some(s);
        }
        if let Some(p) = o.dfs_path {
            self.dfs_path = Some(p);
        }
        if let Some(s) = o.shard {
            self.shard = Some(s);
        }
        if let Some(on) = o.check_determinism {
            self.check_determinism = on;
        }
        if let Some(n) = o.step_limit {
            self.step_limit = Some(n);
        }
        if let Some(secs) = o.time_limit_secs {
            self.time_limit = Some(Duration::from_secs(secs));
        }
        self
    }

    /// The seeds this exploration runs, in order: the fixed seed, or [`DEFAULT_SEED`] for
    /// a single run, or `runs` seeds spread over 32 bits by [`sweep_seed`].
    pub fn seed_list(&self) -> Vec<u64> {
        if let Some(schedule) = &self.schedule {
            return vec![schedule.seed];
        }
        match self.seed {
            Some(s) => vec![s],
            None if self.runs <= 1 => vec![DEFAULT_SEED],
            None => (0..self.runs).map(sweep_seed).collect(),
        }
    }

    /// This shard's runs of the sweep, as (index in the whole sweep, seed): every run of
    /// [`Explore::seed_list`] without a shard, and run `i` only if the shard
    /// [owns](Shard::owns) `i` with one. A single run is every shard's.
    ///
    /// ```
    /// use simloop_checker::{Explore, Shard};
    /// let e = Explore::seeds(10).shard("2/4".parse().unwrap());
    /// let runs: Vec<u64> = e.shard_runs().iter().map(|(i, _)| *i).collect();
    /// assert_eq!(runs, vec![1, 5, 9]);
    /// assert_eq!(Explore::new().shard("2/4".parse().unwrap()).shard_runs().len(), 1);
    /// ```
    pub fn shard_runs(&self) -> Vec<(u64, u64)> {
        let seeds = self.seed_list();
        let shard = self.shard.filter(|_| seeds.len() > 1).unwrap_or(Shard::whole());
        (0u64..).zip(seeds).filter(|(i, _)| shard.owns(*i)).collect()
    }

    /// Under [`Policy::Dfs`], how many schedules this exploration runs at most: the runs
    /// (or [`DFS_BUDGET`] if that is 1), this shard's share of them with a shard.
    pub fn dfs_budget(&self) -> u64 {
        let runs = if self.runs > 1 { self.runs } else { DFS_BUDGET };
        self.shard.unwrap_or(Shard::whole()).share_of(runs).max(1)
    }

    /// A runtime builder for one run of `seed`.
    pub fn builder(&self, seed: u64) -> Builder {
        // The checker fails a run with an unretrieved panic itself (unless allow_leaks),
        // with its own report, so the runtime does not.
        let mut b = Runtime::builder()
            .seed(seed)
            .policy(self.effective_policy())
            .allow_unretrieved_panics(true);
        if let Some(n) = self.step_limit {
            b = b.step_limit(n);
        }
        if let Some(t) = self.time_limit {
            b = b.time_limit(t);
        }
        if let Some((h, m, s)) = self.wall_clock_hms {
            b = b.wall_clock_hms(h, m, s);
        }
        b
    }
}

/// The `i`-th seed of a sweep: SplitMix64 of `i`, kept to 32 bits so it is short to type
/// (`0x5f3a9c21`). Fixed, so a sweep is the same on every machine.
pub fn sweep_seed(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) >> 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_seeds_are_fixed_distinct_and_32_bit() {
        let seeds: Vec<u64> = (0..1000).map(sweep_seed).collect();
        assert!(seeds.iter().all(|s| *s <= u64::from(u32::MAX)));
        let mut d = seeds.clone();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), 1000);
        assert_eq!(format!("{:#x}", sweep_seed(0)), "0xe220a839");
    }

    #[test]
    fn a_fixed_seed_keeps_the_sweep_policy() {
        let e = Explore { seed: Some(5), policy: Some(Policy::Random), ..Explore::seeds(10) };
        assert_eq!(e.seed_list(), vec![5]);
        assert_eq!(e.effective_policy(), Policy::Random);
    }
}
