//! Replay: the command line a failure report prints to rerun exactly one run, and its
//! round trip. A run is named by its seed and its policy (every choice of a run comes from
//! one RNG seeded by the seed; under DFS, also by its `SIMLOOP_DFS_PATH`), so the command
//! is those `SIMLOOP_*` variables, and
//! `SIMLOOP_TEST` naming the test they are for (any other test of the run ignores them),
//! in front of a `cargo test` (or, under cargo-nextest, a `cargo nextest run`) that selects
//! the one test; [`Replay::parse`] reads them back with the same parser the environment
//! goes through ([`env`](crate::env)).

use std::fmt;

use simloop_executor::sched::DfsPath;
use simloop_executor::Policy;

use crate::env::{self, EnvError, Overrides};
use crate::harness::TestInfo;
use crate::outcome::{FailureKind, RunOutcome};

/// The run a replay command selects: what its `SIMLOOP_*` variables say.
///
/// ```
/// use simloop_checker::Replay;
/// use simloop_executor::Policy;
/// let run = Replay {
///     test: Some("bank::t".into()),
///     seed: 0x2a,
///     policy: Policy::Pct { depth: 2, max_steps: 50 },
///     dfs_path: None,
///     check_determinism: false,
/// };
/// assert_eq!(run.to_string(), "SIMLOOP_TEST=bank::t SIMLOOP_SEED=0x2a SIMLOOP_POLICY=pct:2:50");
/// assert_eq!(Replay::parse(&format!("{run} cargo test -p app -- t --exact")), Ok(run));
///
/// // A DFS schedule: its path of deviations from FIFO order.
/// let dfs = Replay {
///     test: None,
///     seed: 0,
///     policy: Policy::Dfs { max_preemptions: 2 },
///     dfs_path: Some("3:1,7:2".parse().unwrap()),
///     check_determinism: false,
/// };
/// assert_eq!(dfs.to_string(), "SIMLOOP_SEED=0x0 SIMLOOP_POLICY=dfs:2 SIMLOOP_DFS_PATH=3:1,7:2");
/// assert_eq!(Replay::parse(&dfs.to_string()), Ok(dfs));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// `SIMLOOP_TEST`: the test the run is of, as `<crate>::<test>` (`None`: any test).
    pub test: Option<String>,
    /// `SIMLOOP_SEED`.
    pub seed: u64,
    /// `SIMLOOP_POLICY`.
    pub policy: Policy,
    /// `SIMLOOP_DFS_PATH`: the schedule of a DFS run.
    pub dfs_path: Option<DfsPath>,
    /// `SIMLOOP_CHECK_DETERMINISM=1`: the failure was two runs of the seed that differed.
    pub check_determinism: bool,
}

/// A text that is not a replay command.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// A variable of the command has a malformed value.
    Env(EnvError),
    /// The command sets no `SIMLOOP_SEED`.
    NoSeed,
    /// The command sets no `SIMLOOP_POLICY`.
    NoPolicy,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = |f: &mut fmt::Formatter<'_>, var: &str| {
            write!(
                f,
                "the replay command sets no {var}: a replay command starts with \
                 SIMLOOP_SEED=<seed> SIMLOOP_POLICY=<policy>; copy the whole line from the \
                 failure report"
            )
        };
        match self {
            ReplayError::Env(e) => write!(f, "the replay command has a malformed variable: {e}"),
            ReplayError::NoSeed => missing(f, env::SEED),
            ReplayError::NoPolicy => missing(f, env::POLICY),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReplayError::Env(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Replay {
    /// The variables that select the run, as a shell takes them:
    /// `SIMLOOP_TEST=<test>` if known, `SIMLOOP_SEED=<hex> SIMLOOP_POLICY=<policy>`, the
    /// `SIMLOOP_DFS_PATH=<path>` of a DFS run, then `SIMLOOP_CHECK_DETERMINISM=1` if it is
    /// on.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(test) = &self.test {
            write!(f, "{}={test} ", env::TEST)?;
        }
        write!(f, "{}={:#x} {}={}", env::SEED, self.seed, env::POLICY, policy_env(self.policy))?;
        if let Some(path) = &self.dfs_path {
            write!(f, " {}={path}", env::DFS_PATH)?;
        }
        if self.check_determinism {
            write!(f, " {}=1", env::CHECK_DETERMINISM)?;
        }
        Ok(())
    }
}

impl Replay {
    /// Reads the run back from a replay command: its leading `NAME=value` words, parsed as
    /// the environment would be. The rest of the command (`cargo test ...`) is not read.
    pub fn parse(command: &str) -> Result<Replay, ReplayError> {
        let vars: Vec<(&str, &str)> =
            command.split_whitespace().map_while(|word| word.split_once('=')).collect();
        let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let o = Overrides::from_lookup(lookup).map_err(ReplayError::Env)?;
        Ok(Replay {
            test: o.test,
            seed: o.seed.ok_or(ReplayError::NoSeed)?,
            policy: o.policy.ok_or(ReplayError::NoPolicy)?,
            dfs_path: o.dfs_path,
            check_determinism: o.check_determinism.unwrap_or(false),
        })
    }
}

/// Which test runner a replay command is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Runner {
    /// `cargo test ... -- <test> --exact`.
    CargoTest,
    /// `cargo nextest run ... -E 'test(=<test>)'`.
    Nextest,
}

impl Runner {
    /// The runner of this process: [`Runner::Nextest`] when `NEXTEST` is set (see
    /// [`env::under_nextest`]).
    pub fn current() -> Runner {
        if env::under_nextest() {
            Runner::Nextest
        } else {
            Runner::CargoTest
        }
    }
}

impl TestInfo {
    /// The command that reruns only this test with `seed` and `policy`, for the runner
    /// this process runs under ([`Runner::current`]).
    pub fn replay_command(&self, seed: u64, policy: Policy, determinism: bool) -> String {
        self.replay_command_for(Runner::current(), seed, policy, determinism)
    }

    /// The command that reruns only this test's `run` (its seed, policy and DFS path; with
    /// the determinism check if it failed by nondeterminism), for this process's runner.
    pub fn replay_command_of(&self, run: &RunOutcome) -> String {
        let determinism =
            run.failure.as_ref().is_some_and(|f| f.kind == FailureKind::Nondeterminism);
        let replay = Replay {
            test: None,
            seed: run.seed,
            policy: run.policy,
            dfs_path: run.dfs_path.clone(),
            check_determinism: determinism,
        };
        self.command(Runner::current(), replay)
    }

    /// The command that reruns only this test with `seed` and `policy` under `runner`.
    ///
    /// ```
    /// use simloop_checker::{Runner, TestInfo};
    /// use simloop_executor::Policy;
    /// let info = TestInfo {
    ///     package: "simloop",
    ///     crate_name: "checker_macro",
    ///     name: "bank::overdraft".into(),
    ///     target_tmpdir: Some("/x/target/tmp"),
    ///     ignored: false,
    ///     source: None,
    /// };
    /// assert_eq!(
    ///     info.replay_command_for(Runner::CargoTest, 0x5f3a9c21, Policy::Random, false),
    ///     "SIMLOOP_TEST=checker_macro::bank::overdraft SIMLOOP_SEED=0x5f3a9c21 \
    ///      SIMLOOP_POLICY=random cargo test -p simloop --test checker_macro -- \
    ///      bank::overdraft --exact"
    /// );
    /// assert_eq!(
    ///     info.replay_command_for(Runner::Nextest, 0x5f3a9c21, Policy::Random, false),
    ///     "SIMLOOP_TEST=checker_macro::bank::overdraft SIMLOOP_SEED=0x5f3a9c21 \
    ///      SIMLOOP_POLICY=random cargo nextest run -p simloop --test checker_macro \
    ///      -E 'test(=bank::overdraft)'"
    /// );
    /// ```
    pub fn replay_command_for(
        &self,
        runner: Runner,
        seed: u64,
        policy: Policy,
        determinism: bool,
    ) -> String {
        let run =
            Replay { test: None, seed, policy, dfs_path: None, check_determinism: determinism };
        self.command(runner, run)
    }

    /// `run`'s command for `runner`, its test set to this one.
    fn command(&self, runner: Runner, mut run: Replay) -> String {
        let target = if self.target_tmpdir.is_some() {
            format!("--test {}", self.crate_name)
        } else {
            "--lib".to_string()
        };
        run.test = Some(format!("{}::{}", self.crate_name, self.name));
        let (package, name) = (self.package, &self.name);
        match runner {
            Runner::CargoTest => {
                let ignored = if self.ignored { " --include-ignored" } else { "" };
                format!("{run} cargo test -p {package} {target} -- {name} --exact{ignored}")
            }
            Runner::Nextest => {
                let ignored = if self.ignored { " --run-ignored all" } else { "" };
                format!("{run} cargo nextest run -p {package} {target}{ignored} -E 'test(={name})'")
            }
        }
    }
}

impl TestInfo {
    /// The command that replays only this test following the schedule at `schedule` (a
    /// file, or a one-line schedule, which is single-quoted), for the current runner.
    pub fn schedule_command(&self, schedule: &str) -> String {
        let seed = self.replay_command(0, Policy::Fifo, false);
        let cargo = seed.find(" cargo ").map_or("", |i| &seed[i..]);
        let value =
            if schedule.contains(';') { format!("'{schedule}'") } else { schedule.to_string() };
        format!("{}={}::{} {}={value}{cargo}", env::TEST, self.crate_name, self.name, env::SCHEDULE)
    }
}

/// A policy as `SIMLOOP_POLICY` takes it (no shell quoting needed): `fifo`, `random`,
/// `pct:<depth>:<steps>`, `dfs:<max preemptions>`.
///
/// ```
/// use simloop_checker::policy_env;
/// use simloop_executor::Policy;
/// assert_eq!(policy_env(Policy::Pct { depth: 2, max_steps: 50 }), "pct:2:50");
/// assert_eq!(policy_env(Policy::Random), "random");
/// assert_eq!(policy_env(Policy::Dfs { max_preemptions: 2 }), "dfs:2");
/// ```
pub fn policy_env(policy: Policy) -> String {
    match policy {
        Policy::Pct { depth, max_steps } => format!("pct:{depth}:{max_steps}"),
        Policy::Dfs { max_preemptions } => format!("dfs:{max_preemptions}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICIES: [Policy; 5] = [
        Policy::Fifo,
        Policy::Random,
        Policy::Pct { depth: 4, max_steps: 77 },
        Policy::Pct { depth: 1, max_steps: 0 },
        Policy::Dfs { max_preemptions: 3 },
    ];

    #[test]
    fn the_command_parses_back_to_the_same_seed_and_policy() {
        let info = TestInfo {
            package: "app",
            crate_name: "bank",
            name: "m::t".into(),
            target_tmpdir: None,
            ignored: true,
            source: None,
        };
        for policy in POLICIES {
            for seed in [0, 42, 0x5f3a_9c21, u64::MAX] {
                for (check_determinism, runner) in
                    [(false, Runner::CargoTest), (true, Runner::Nextest)]
                {
                    let command = info.replay_command_for(runner, seed, policy, check_determinism);
                    let back = Replay::parse(&command).unwrap_or_else(|e| panic!("{command}: {e}"));
                    let test = Some("bank::m::t".to_string());
                    let dfs_path = None;
                    let want = Replay { test, seed, policy, dfs_path, check_determinism };
                    assert_eq!(back, want, "{command}");
                }
            }
        }
    }

    #[test]
    fn the_policy_form_needs_no_quoting_and_parses_back() {
        for p in POLICIES {
            let text = policy_env(p);
            assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'), "{text}");
            assert_eq!(text.parse(), Ok(p));
            assert_eq!(p.to_string().parse(), Ok(p));
        }
    }

    #[test]
    fn a_command_without_the_variables_is_refused_with_the_fix() {
        assert_eq!(Replay::parse("cargo test -p app"), Err(ReplayError::NoSeed));
        assert_eq!(Replay::parse("SIMLOOP_SEED=1 cargo test"), Err(ReplayError::NoPolicy));
        // Variables after `cargo` are arguments, not the environment.
        assert_eq!(
            Replay::parse("SIMLOOP_SEED=1 cargo test SIMLOOP_POLICY=fifo"),
            Err(ReplayError::NoPolicy)
        );
        let bad = Replay::parse("SIMLOOP_SEED=0xzz SIMLOOP_POLICY=fifo cargo test").unwrap_err();
        assert_eq!(
            bad,
            ReplayError::Env(EnvError::NotASeed { var: env::SEED, value: "0xzz".into() })
        );
        assert!(bad.to_string().contains("SIMLOOP_SEED=\"0xzz\" is not a seed"), "{bad}");
        assert!(ReplayError::NoPolicy.to_string().contains("sets no SIMLOOP_POLICY"));
    }
}
