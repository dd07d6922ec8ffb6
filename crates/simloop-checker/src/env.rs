//! The `SIMLOOP_*` environment variables: every one simloop reads is named and parsed here,
//! and nowhere else. A malformed value is an [`EnvError`] naming the variable, the value
//! and the accepted forms; a variable nobody reads gets a warning, so a typo such as
//! `SIMLOOP_SEEED` does not silently run the default seed.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `SIMLOOP_SEED` | run exactly this one seed (decimal or `0x` hex): the replay switch | unset |
//! | `SIMLOOP_TEST` | the test `SIMLOOP_SEED`, `SIMLOOP_POLICY`, `SIMLOOP_DFS_PATH` and `SIMLOOP_CHECK_DETERMINISM` are for (`<crate>::<test>` or `<test>`, as libtest names it); other tests ignore them, and one line says so | unset: they apply to every test |
//! | `SIMLOOP_SEEDS` | how many seeds a sweep runs | the test's `seeds` |
//! | `SIMLOOP_POLICY` | `fifo`, `random`, `pct`, `pct:<depth>`, `pct:<depth>:<steps>` or `dfs:<max preemptions>` | `fifo` for one seed, `random` for a sweep |
//! | `SIMLOOP_DFS_PATH` | with `SIMLOOP_POLICY=dfs:<n>`: run only this schedule, written as its deviations from FIFO (`3:1,7:2`: at choice point 3 take ready step 1, at 7 step 2; `fifo` for none); a DFS failure report prints it | unset: enumerate every schedule |
//! | `SIMLOOP_SHARD` | `k/n`: run only shard `k` (from 1) of `n` of every sweep (seeds, or DFS subtrees); the `n` shards are disjoint and together the whole sweep | unset: the whole sweep |
//! | `SIMLOOP_CHECK_DETERMINISM` | `1`: run every seed twice and compare the traces; `0`: don't (nothing else is accepted) | `0` |
//! | `SIMLOOP_SCHEDULE` | replay exactly this recorded schedule (a file of schedules, or a schedule's one-line form `simloop-schedule 1;...`) instead of any seed; a replay variable, like `SIMLOOP_SEED` | unset |
//! | `SIMLOOP_SAVE_SCHEDULES` | `1`: a failing `#[simloop::test]` appends its shrunk schedule to the test's regression file (`tests/<file>.schedules`); `0`: it does not | `1`, or `0` when `CI` is set |
//! | `SIMLOOP_STEP_LIMIT` | each run's step limit | the test's `step_limit`, else `DEFAULT_STEP_LIMIT` (1,000,000) |
//! | `SIMLOOP_TIME_LIMIT` | each run's virtual-time limit, in seconds | the test's `time_limit`, else `DEFAULT_TIME_LIMIT` (a day) |
//! | `SIMLOOP_ORACLE_PROGRAMS` | how many generated programs `tests/program_oracle.rs` compares with CPython | 300 |
//! | `SIMLOOP_ORACLE_SEED` | which ones (decimal or `0x` hex) | `0x5eed` |
//!
//! An empty value counts as unset. One variable outside simloop is read here too:
//! `NEXTEST` (set by cargo-nextest), so that a failure report prints its replay command in
//! nextest's form ([`under_nextest`]).

use std::fmt;

use simloop_executor::sched::{DfsPath, ParseDfsPathError};
use simloop_executor::{parse_seed, ParsePolicyError, Policy};

use crate::shard::{Shard, ShardError};

/// `SIMLOOP_SEED`: run exactly this one seed.
pub const SEED: &str = "SIMLOOP_SEED";
/// `SIMLOOP_TEST`: the test the replay variables (`SIMLOOP_SEED`, `SIMLOOP_POLICY`,
/// `SIMLOOP_CHECK_DETERMINISM`) are for.
pub const TEST: &str = "SIMLOOP_TEST";
/// `NEXTEST`: set (to `1`) by cargo-nextest in every test process it runs.
pub const NEXTEST: &str = "NEXTEST";
/// `SIMLOOP_SEEDS`: how many seeds a sweep runs.
pub const SEEDS: &str = "SIMLOOP_SEEDS";
/// `SIMLOOP_POLICY`: the scheduling policy.
pub const POLICY: &str = "SIMLOOP_POLICY";
/// `SIMLOOP_DFS_PATH`: the one schedule a DFS replay runs.
pub const DFS_PATH: &str = "SIMLOOP_DFS_PATH";
/// `SIMLOOP_SHARD`: the shard of every sweep this process runs.
pub const SHARD: &str = "SIMLOOP_SHARD";
/// `SIMLOOP_CHECK_DETERMINISM`: run every seed twice and compare the traces.
pub const CHECK_DETERMINISM: &str = "SIMLOOP_CHECK_DETERMINISM";
/// `SIMLOOP_SCHEDULE`: replay exactly this schedule (a file, or a one-line schedule).
pub const SCHEDULE: &str = "SIMLOOP_SCHEDULE";
/// `SIMLOOP_SAVE_SCHEDULES`: whether a failing test saves its shrunk schedule as a
/// regression.
pub const SAVE_SCHEDULES: &str = "SIMLOOP_SAVE_SCHEDULES";
/// `CI`: set by CI services; then nothing is written next to the sources.
pub const CI: &str = "CI";
/// `SIMLOOP_STEP_LIMIT`: each run's step limit.
pub const STEP_LIMIT: &str = "SIMLOOP_STEP_LIMIT";
/// `SIMLOOP_TIME_LIMIT`: each run's virtual-time limit, in seconds.
pub const TIME_LIMIT: &str = "SIMLOOP_TIME_LIMIT";
/// `SIMLOOP_ORACLE_PROGRAMS`: how many programs the differential test against CPython runs.
pub const ORACLE_PROGRAMS: &str = "SIMLOOP_ORACLE_PROGRAMS";
/// `SIMLOOP_ORACLE_SEED`: the seed of the programs the differential test generates.
pub const ORACLE_SEED: &str = "SIMLOOP_ORACLE_SEED";

/// Every `SIMLOOP_*` variable simloop reads (the checker's, and the oracle tests').
pub const KNOWN: &[&str] = &[
    SEED,
    TEST,
    SEEDS,
    POLICY,
    DFS_PATH,
    SHARD,
    CHECK_DETERMINISM,
    SCHEDULE,
    SAVE_SCHEDULES,
    STEP_LIMIT,
    TIME_LIMIT,
    ORACLE_PROGRAMS,
    ORACLE_SEED,
];

/// A `SIMLOOP_*` variable whose value is not one of its accepted forms.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvError {
    /// A seed variable that is neither a decimal nor a `0x`-hex `u64`.
    NotASeed {
        /// The variable.
        var: &'static str,
        /// Its value, as set.
        value: String,
    },
    /// A count variable that is not a decimal `u64`.
    NotACount {
        /// The variable.
        var: &'static str,
        /// Its value, as set.
        value: String,
    },
    /// `SIMLOOP_POLICY` names no policy.
    NotAPolicy(ParsePolicyError),
    /// `SIMLOOP_DFS_PATH` is not a DFS path.
    NotADfsPath(ParseDfsPathError),
    /// `SIMLOOP_SHARD` names no shard.
    NotAShard(ShardError),
    /// A switch variable that is neither `0` nor `1`.
    NotAFlag {
        /// The variable.
        var: &'static str,
        /// Its value, as set.
        value: String,
    },
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvError::NotASeed { var, value } => write!(
                f,
                "{var}={value:?} is not a seed: use a decimal ({var}=42) or 0x-hex ({var}=0x2a) \
                 number"
            ),
            EnvError::NotACount { var, value } => {
                write!(f, "{var}={value:?} is not a count: use a number such as {var}=500")
            }
            EnvError::NotAFlag { var, value } => {
                write!(f, "{var}={value:?} is not a switch: use {var}=1 (on) or {var}=0 (off)")
            }
            // The policy's own error quotes the value and lists every accepted form.
            EnvError::NotAPolicy(e) => write!(f, "{POLICY}={e}"),
            EnvError::NotADfsPath(e) => write!(f, "{DFS_PATH}: {e}"),
            EnvError::NotAShard(e) => write!(f, "{SHARD}: {e}"),
        }
    }
}

impl std::error::Error for EnvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnvError::NotAPolicy(e) => Some(e),
            EnvError::NotADfsPath(e) => Some(e),
            EnvError::NotAShard(e) => Some(e),
            _ => None,
        }
    }
}

/// What the `SIMLOOP_*` variables of an exploration say, parsed; `None` where a variable
/// is unset. [`Explore::from_env`](crate::Explore::from_env) applies them.
///
/// ```
/// use simloop_checker::env::{EnvError, Overrides};
/// use simloop_executor::Policy;
///
/// let vars = [("SIMLOOP_SEED", "0x2a"), ("SIMLOOP_POLICY", "pct:2:50")];
/// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
/// let o = Overrides::from_lookup(lookup).unwrap();
/// assert_eq!(o.seed, Some(42));
/// assert_eq!(o.policy, Some(Policy::Pct { depth: 2, max_steps: 50 }));
/// assert_eq!(o.seeds, None);
///
/// let bad = Overrides::from_lookup(|name| (name == "SIMLOOP_SEEDS").then(|| "many".into()));
/// assert_eq!(
///     bad.unwrap_err().to_string(),
///     "SIMLOOP_SEEDS=\"many\" is not a count: use a number such as SIMLOOP_SEEDS=500"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// `SIMLOOP_SEED`.
    pub seed: Option<u64>,
    /// `SIMLOOP_TEST`: the test `seed`, `policy` and `check_determinism` are for (`None`:
    /// every test).
    pub test: Option<String>,
    /// `SIMLOOP_SEEDS`.
    pub seeds: Option<u64>,
    /// `SIMLOOP_POLICY`.
    pub policy: Option<Policy>,
    /// `SIMLOOP_DFS_PATH`.
    pub dfs_path: Option<DfsPath>,
    /// `SIMLOOP_SHARD`.
    pub shard: Option<Shard>,
    /// `SIMLOOP_CHECK_DETERMINISM`: `1` on, `0` off.
    pub check_determinism: Option<bool>,
    /// `SIMLOOP_STEP_LIMIT`.
    pub step_limit: Option<u64>,
    /// `SIMLOOP_TIME_LIMIT`, in seconds.
    pub time_limit_secs: Option<u64>,
    /// `SIMLOOP_SCHEDULE`, as set (read and parsed by
    /// [`Schedule::load`](crate::Schedule::load)).
    pub schedule: Option<String>,
}

impl Overrides {
    /// Reads the process environment (and warns, once per process, about a `SIMLOOP_*`
    /// variable nobody reads).
    pub fn from_env() -> Result<Overrides, EnvError> {
        warn_unknown_vars();
        Overrides::from_lookup(process_env)
    }

    /// Parses the variables `lookup` gives (`None`: unset), in the order `SIMLOOP_SEEDS`,
    /// `SIMLOOP_POLICY`, `SIMLOOP_SEED`, `SIMLOOP_CHECK_DETERMINISM`, `SIMLOOP_STEP_LIMIT`,
    /// `SIMLOOP_TIME_LIMIT`, `SIMLOOP_DFS_PATH`, `SIMLOOP_SHARD` (and `SIMLOOP_TEST`, any
    /// text); the first malformed one is the error.
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<Overrides, EnvError> {
        let mut vars = Vars(lookup);
        let seeds = vars.count(SEEDS)?;
        let policy = vars.policy(POLICY)?;
        let seed = vars.seed(SEED)?;
        let check_determinism = vars.flag(CHECK_DETERMINISM)?;
        let step_limit = vars.count(STEP_LIMIT)?;
        let time_limit_secs = vars.count(TIME_LIMIT)?;
        let dfs_path = vars.dfs_path(DFS_PATH)?;
        let shard = vars.shard(SHARD)?;
        let test = vars.get(TEST).map(|t| t.trim().to_string());
        let schedule = vars.get(SCHEDULE);
        Ok(Overrides {
            seed,
            test,
            seeds,
            policy,
            dfs_path,
            shard,
            check_determinism,
            step_limit,
            time_limit_secs,
            schedule,
        })
    }

    /// Whether the replay variables (`SIMLOOP_SEED`, `SIMLOOP_POLICY`, `SIMLOOP_DFS_PATH`,
    /// `SIMLOOP_CHECK_DETERMINISM`) apply to the test `crate_name::test`: they do when
    /// `SIMLOOP_TEST` is unset, or names that test as `<crate>::<test>` or `<test>`.
    ///
    /// ```
    /// use simloop_checker::env::Overrides;
    /// let o = Overrides::from_lookup(|name| {
    ///     (name == "SIMLOOP_TEST").then(|| "race::overdraft".to_string())
    /// })
    /// .unwrap();
    /// assert!(o.replay_applies_to("race", "overdraft"));
    /// assert!(o.replay_applies_to("other_binary", "race::overdraft"));
    /// assert!(!o.replay_applies_to("race", "unrelated"));
    /// assert!(Overrides::default().replay_applies_to("race", "unrelated"));
    /// ```
    pub fn replay_applies_to(&self, crate_name: &str, test: &str) -> bool {
        match &self.test {
            None => true,
            Some(want) => {
                want == test
                    || want.strip_prefix(crate_name).and_then(|r| r.strip_prefix("::"))
                        == Some(test)
            }
        }
    }
}

/// Whether a failing test writes its shrunk schedule to its regression file:
/// `SIMLOOP_SAVE_SCHEDULES` if set (`0` or `1`), else unless `CI` is set.
///
/// # Panics
/// On a `SIMLOOP_SAVE_SCHEDULES` that is neither `0` nor `1`.
pub fn save_schedules() -> bool {
    let mut vars = Vars(process_env);
    match vars.flag(SAVE_SCHEDULES) {
        Ok(Some(on)) => on,
        Ok(None) => vars.get(CI).is_none(),
        Err(e) => panic!("{e}"),
    }
}

/// Whether this process runs under cargo-nextest (`NEXTEST` is set), so that a replay
/// command is written in nextest's form.
pub fn under_nextest() -> bool {
    process_env(NEXTEST).is_some_and(|v| !v.trim().is_empty())
}

/// What the variables of the differential test against CPython say
/// (`tests/program_oracle.rs`): how many programs, and which.
///
/// ```
/// use simloop_checker::env::OracleVars;
/// let v = OracleVars::from_lookup(|name| (name == "SIMLOOP_ORACLE_SEED").then(|| "0x5eed".into()));
/// let v = v.unwrap();
/// assert_eq!((v.programs, v.seed), (None, Some(0x5eed)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OracleVars {
    /// `SIMLOOP_ORACLE_PROGRAMS`.
    pub programs: Option<u64>,
    /// `SIMLOOP_ORACLE_SEED`.
    pub seed: Option<u64>,
}

impl OracleVars {
    /// Reads the process environment.
    pub fn from_env() -> Result<OracleVars, EnvError> {
        warn_unknown_vars();
        OracleVars::from_lookup(process_env)
    }

    /// Parses the variables `lookup` gives (`None`: unset).
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<OracleVars, EnvError> {
        let mut vars = Vars(lookup);
        Ok(OracleVars { programs: vars.count(ORACLE_PROGRAMS)?, seed: vars.seed(ORACLE_SEED)? })
    }
}

/// Where variables come from (the process environment, or the words of a replay command),
/// with one parser per kind of value. An empty value is unset.
struct Vars<F>(F);

impl<F: FnMut(&str) -> Option<String>> Vars<F> {
    fn get(&mut self, var: &str) -> Option<String> {
        (self.0)(var).filter(|v| !v.trim().is_empty())
    }

    /// Decimal or `0x` hex.
    fn seed(&mut self, var: &'static str) -> Result<Option<u64>, EnvError> {
        let parse = |value: String| parse_seed(&value).ok_or(EnvError::NotASeed { var, value });
        self.get(var).map(parse).transpose()
    }

    /// Decimal.
    fn count(&mut self, var: &'static str) -> Result<Option<u64>, EnvError> {
        let parse =
            |value: String| value.trim().parse().map_err(|_| EnvError::NotACount { var, value });
        self.get(var).map(parse).transpose()
    }

    /// Every form `Policy::from_str` takes.
    fn policy(&mut self, var: &'static str) -> Result<Option<Policy>, EnvError> {
        self.get(var).map(|v| v.parse().map_err(EnvError::NotAPolicy)).transpose()
    }

    /// `SIMLOOP_DFS_PATH`'s `3:1,7:2` or `fifo`.
    fn dfs_path(&mut self, var: &'static str) -> Result<Option<DfsPath>, EnvError> {
        self.get(var).map(|v| v.parse().map_err(EnvError::NotADfsPath)).transpose()
    }

    /// `SIMLOOP_SHARD`'s `k/n`.
    fn shard(&mut self, var: &'static str) -> Result<Option<Shard>, EnvError> {
        self.get(var).map(|v| v.parse().map_err(EnvError::NotAShard)).transpose()
    }

    /// `1` on, `0` off; anything else is refused, so a misspelt `yes` does not pass
    /// silently.
    fn flag(&mut self, var: &'static str) -> Result<Option<bool>, EnvError> {
        let parse = |value: String| match value.trim() {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(EnvError::NotAFlag { var, value }),
        };
        self.get(var).map(parse).transpose()
    }
}

/// A variable of this process's environment (`None`: unset or not Unicode).
fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

/// Parses a policy as `SIMLOOP_POLICY` and `#[simloop::test(policy = "...")]` write it:
/// `fifo`, `random`, `pct` (depth 3), `pct:<depth>`, `pct:<depth>:<steps>`; also the
/// `Display` form `pct(depth=3,steps=1000)`. The same as `text.parse::<Policy>().ok()`
/// (see [`Policy`]'s `FromStr`, whose error lists the accepted forms). Without `<steps>`
/// the PCT horizon is `0`, which [`explore`](crate::explore) replaces with the step count
/// of a FIFO run of the test (the paper's `k`, the length of a run).
///
/// ```
/// use simloop_checker::parse_policy;
/// use simloop_executor::Policy;
/// assert_eq!(parse_policy("random"), Some(Policy::Random));
/// assert_eq!(parse_policy("pct:2:50"), Some(Policy::Pct { depth: 2, max_steps: 50 }));
/// assert_eq!(parse_policy("pct(depth=2,steps=50)"), Some(Policy::Pct { depth: 2, max_steps: 50 }));
/// assert_eq!(parse_policy("pct:2"), Some(Policy::Pct { depth: 2, max_steps: 0 }));
/// assert_eq!(parse_policy("lifo"), None);
/// ```
pub fn parse_policy(text: &str) -> Option<Policy> {
    text.parse().ok()
}

/// Writes a line to the process's stderr past libtest's output capture (which takes only
/// what `eprintln!` prints), so that a passing test's note is seen.
fn uncaptured(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Says once per process that the replay variables are for another test (`test`, as
/// `SIMLOOP_TEST` names it) and that this process's other tests ignore them.
pub(crate) fn note_replay_ignored(test: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        uncaptured(&format!(
            "simloop: {SEED}, {POLICY}, {DFS_PATH} and {CHECK_DETERMINISM} are for test {test} \
             ({TEST}); every other test ignores them and runs as written"
        ));
    });
}

/// Warns once per process about a `SIMLOOP_*` variable nobody reads.
fn warn_unknown_vars() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for (k, _) in std::env::vars() {
            if let Some(warning) = unknown_var_warning(&k) {
                uncaptured(&warning);
            }
        }
    });
}

/// The warning for variable `name`, if it is a `SIMLOOP_*` variable nobody reads.
fn unknown_var_warning(name: &str) -> Option<String> {
    (name.starts_with("SIMLOOP_") && !KNOWN.contains(&name)).then(|| {
        format!("simloop: warning: unknown variable {name} ignored; known: {}", KNOWN.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&str, &str)]) -> impl FnMut(&str) -> Option<String> + 'a {
        |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn every_variable_parses_and_empty_means_unset() {
        let o = Overrides::from_lookup(vars(&[
            (SEED, " 0x2A "),
            (SEEDS, "30"),
            (POLICY, "random"),
            (CHECK_DETERMINISM, "1"),
            (STEP_LIMIT, "5000"),
            (TIME_LIMIT, "60"),
        ]))
        .unwrap();
        assert_eq!(
            o,
            Overrides {
                seed: Some(42),
                test: None,
                seeds: Some(30),
                policy: Some(Policy::Random),
                dfs_path: None,
                shard: None,
                check_determinism: Some(true),
                step_limit: Some(5000),
                time_limit_secs: Some(60),
                schedule: None,
            }
        );
        let e = crate::Explore::new().with_overrides(o);
        assert_eq!(
            (e.step_limit, e.time_limit),
            (Some(5000), Some(std::time::Duration::from_secs(60)))
        );
        let empty = Overrides::from_lookup(vars(&[(SEED, " "), (POLICY, "")])).unwrap();
        assert_eq!(empty, Overrides::default());
        let o = Overrides::from_lookup(vars(&[(CHECK_DETERMINISM, " 0")])).unwrap();
        assert_eq!(o.check_determinism, Some(false));
        let o = Overrides::from_lookup(vars(&[(TEST, " race::t ")])).unwrap();
        assert_eq!(o.test.as_deref(), Some("race::t"));
        let oracle =
            OracleVars::from_lookup(vars(&[(ORACLE_PROGRAMS, "10"), (ORACLE_SEED, "7")])).unwrap();
        assert_eq!(oracle, OracleVars { programs: Some(10), seed: Some(7) });
    }

    #[test]
    fn errors_name_the_variable_the_value_and_the_accepted_forms() {
        let err = |pairs: &[(&str, &str)]| Overrides::from_lookup(vars(pairs)).unwrap_err();
        assert_eq!(
            err(&[(SEED, "banana")]).to_string(),
            "SIMLOOP_SEED=\"banana\" is not a seed: use a decimal (SIMLOOP_SEED=42) or 0x-hex \
             (SIMLOOP_SEED=0x2a) number"
        );
        assert_eq!(
            err(&[(SEEDS, "-1")]).to_string(),
            "SIMLOOP_SEEDS=\"-1\" is not a count: use a number such as SIMLOOP_SEEDS=500"
        );
        let policy = err(&[(POLICY, "pct:x")]);
        assert_eq!(policy, EnvError::NotAPolicy("pct:x".parse::<Policy>().unwrap_err()));
        assert!(
            policy.to_string().starts_with(
                "SIMLOOP_POLICY=\"pct:x\" is not a scheduling policy: use fifo, random, pct"
            ),
            "{policy}"
        );
        // The first malformed variable in the documented order is the one reported.
        assert!(matches!(
            err(&[(SEED, "x"), (SEEDS, "y")]),
            EnvError::NotACount { var: SEEDS, .. }
        ));
        // A switch is 0 or 1: `yes`, `true` or `on` are refused, not taken as on.
        for value in ["yes", "true", "on", "no", "2"] {
            assert_eq!(
                err(&[(CHECK_DETERMINISM, value)]),
                EnvError::NotAFlag { var: CHECK_DETERMINISM, value: value.into() }
            );
        }
        assert_eq!(
            err(&[(CHECK_DETERMINISM, "yes")]).to_string(),
            "SIMLOOP_CHECK_DETERMINISM=\"yes\" is not a switch: use SIMLOOP_CHECK_DETERMINISM=1 \
             (on) or SIMLOOP_CHECK_DETERMINISM=0 (off)"
        );
        assert_eq!(
            err(&[(SHARD, "0/3")]).to_string(),
            "SIMLOOP_SHARD: shard 0/3 does not exist: shards are numbered from 1, so use 1/3 to 3/3"
        );
        assert_eq!(
            err(&[(SHARD, "4/3")]),
            EnvError::NotAShard(ShardError::OutOfRange { index: 4, count: 3 })
        );
        assert_eq!(
            err(&[(SHARD, "x")]).to_string(),
            "SIMLOOP_SHARD: \"x\" is not a shard: write <k>/<n>, this machine's shard k (from 1) \
             of n (e.g. 2/8)"
        );
        let path = err(&[(DFS_PATH, "0.2.1")]).to_string();
        assert!(
            path.starts_with(
                "SIMLOOP_DFS_PATH: \"0.2.1\" is not a deviation: write <choice point>:<index>"
            ),
            "{path}"
        );
        let o = Overrides::from_lookup(vars(&[(SHARD, "2/8"), (DFS_PATH, "3:1,7:2")])).unwrap();
        assert_eq!(o.shard, Some(Shard::new(2, 8).unwrap()));
        assert_eq!(o.dfs_path.map(|p| p.to_string()).as_deref(), Some("3:1,7:2"));
        let oracle = OracleVars::from_lookup(vars(&[(ORACLE_SEED, "seed")])).unwrap_err();
        assert_eq!(oracle, EnvError::NotASeed { var: ORACLE_SEED, value: "seed".into() });
        assert!(oracle.to_string().contains("(SIMLOOP_ORACLE_SEED=0x2a)"), "{oracle}");
    }

    #[test]
    fn only_unknown_simloop_variables_are_warned_about() {
        for known in KNOWN {
            assert_eq!(unknown_var_warning(known), None);
        }
        assert_eq!(unknown_var_warning("PATH"), None);
        let w = unknown_var_warning("SIMLOOP_SEEED").unwrap();
        assert!(
            w.starts_with(
                "simloop: warning: unknown variable SIMLOOP_SEEED ignored; known: SIMLOOP_SEED, "
            ),
            "{w}"
        );
    }
}
