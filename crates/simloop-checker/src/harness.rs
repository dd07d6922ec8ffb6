//! The test harness behind `#[simloop::test]`: runs the sweep, and on a failure prints the
//! seed, the policy, the last events, the coverage and the command that replays only that
//! run (a [`Replay`](crate::Replay) command), writes the full trace (text and Chrome JSON)
//! under `target/simloop/`, then fails the test.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::path::PathBuf;

use crate::config::Explore;
use crate::explore::{explore, Sweep};
use crate::explore::{Coverage, Extent};
use crate::outcome::{FailureKind, RunOutcome, TestOutput};
use crate::schedule::{regressions, run_schedule, save_regression, shrink, Schedule, Shrunk};
use crate::timeline::{meaning, symbol, timeline};
use simloop_executor::{TaskId, Trace};

/// How many events a failure report prints.
pub const REPORT_TAIL: usize = 20;

/// Where a test lives, for the replay command. `#[simloop::test]` fills it in; by hand,
/// use [`test_info!`](crate::test_info!).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestInfo {
    /// The package (`-p`), from `CARGO_PKG_NAME`.
    pub package: &'static str,
    /// The crate the test is compiled in, from `CARGO_CRATE_NAME`: the `--test` target of
    /// an integration test.
    pub crate_name: &'static str,
    /// The test's name as libtest knows it (`module::fn_name`, without the crate).
    pub name: String,
    /// `CARGO_TARGET_TMPDIR` (set only for integration tests): `--test` rather than `--lib`,
    /// and where the target directory is.
    pub target_tmpdir: Option<&'static str>,
    /// The test carries `#[ignore]`: the replay needs `--include-ignored`.
    pub ignored: bool,
    /// `CARGO_MANIFEST_DIR` and `file!()` of the test: where its regression file is
    /// ([`TestInfo::regression_file`]); `None`: the test has none.
    pub source: Option<(&'static str, &'static str)>,
}

impl TestInfo {
    /// The test's regression file: its source file with the extension `.schedules`
    /// (`tests/bank.rs` -> `tests/bank.schedules`). `file!()` is relative to the workspace
    /// root, so the manifest dir and its ancestors are tried in turn.
    pub fn regression_file(&self) -> Option<PathBuf> {
        let (manifest, file) = self.source?;
        let file = std::path::Path::new(file);
        if file.is_absolute() {
            return Some(file.with_extension("schedules"));
        }
        let root = std::path::Path::new(manifest)
            .ancestors()
            .find(|dir| dir.join(file).exists())
            .unwrap_or(std::path::Path::new(manifest));
        Some(root.join(file).with_extension("schedules"))
    }

    /// `module_path!()` plus the fn name, without the crate's own segment.
    pub fn test_name(module_path: &str, fn_name: &str) -> String {
        match module_path.split_once("::") {
            Some((_, rest)) => format!("{rest}::{fn_name}"),
            None => fn_name.to_string(),
        }
    }

    /// The target directory: the parent of `CARGO_TARGET_TMPDIR`, else three levels above
    /// the test binary (`<target>/<profile>/deps/<binary>`), else `target`.
    pub fn target_dir(&self) -> PathBuf {
        if let Some(tmp) = self.target_tmpdir {
            if let Some(parent) = std::path::Path::new(tmp).parent() {
                return parent.to_path_buf();
            }
        }
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.ancestors().nth(3).map(|p| p.to_path_buf()))
            .unwrap_or_else(|| PathBuf::from("target"))
    }

    /// Where the failing run's full trace goes: `<target>/simloop/<test>-<seed>.{txt,json}`
    /// (this path without the extension).
    pub fn artifact_stem(&self, seed: u64) -> PathBuf {
        let name: String = self
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
            .collect();
        self.target_dir().join("simloop").join(format!("{}-{name}-{seed:#x}", self.crate_name))
    }
}

/// A [`TestInfo`] for the test this expands in: package, crate and target from Cargo's
/// variables, the test name from the name libtest gives the test's thread.
#[macro_export]
macro_rules! test_info {
    () => {
        $crate::TestInfo {
            package: ::core::env!("CARGO_PKG_NAME"),
            crate_name: ::core::env!("CARGO_CRATE_NAME"),
            name: ::std::thread::current().name().unwrap_or("main").to_string(),
            target_tmpdir: ::core::option_env!("CARGO_TARGET_TMPDIR"),
            ignored: false,
            source: ::core::option::Option::Some((
                ::core::env!("CARGO_MANIFEST_DIR"),
                ::core::file!(),
            )),
        }
    };
}

/// How many of the last events a failing run's files hold: the `.txt` file lists them
/// (about 50 bytes each, so at most about 1 MB) and the `.json` file exports them (about
/// 2 MB). Earlier events are summarised with counts per task and kind; the runtime's own
/// [`Builder::trace_limit`](simloop_executor::Builder::trace_limit) bounds what a run
/// keeps at all.
pub const ARTIFACT_EVENTS: usize = 20_000;

/// How many of the last events the `.txt` file's timeline pictures.
pub const TIMELINE_EVENTS: usize = 300;

/// How many tasks the summary of a long trace names (the busiest first).
const SUMMARY_TASKS: usize = 10;

/// The summary of a trace too long for the files: how many events the run recorded, how
/// many the trace kept and the files hold, and the kept events counted per task and kind.
fn summary(trace: &Trace) -> String {
    let mut per_task: BTreeMap<TaskId, (usize, BTreeMap<&'static str, usize>)> = BTreeMap::new();
    for e in trace.events() {
        let entry = per_task.entry(e.task).or_default();
        entry.0 += 1;
        *entry.1.entry(meaning(symbol(&e.kind))).or_default() += 1;
    }
    let mut tasks: Vec<_> = per_task.into_iter().collect();
    tasks.sort_by_key(|(id, (n, _))| (std::cmp::Reverse(*n), *id));
    let mut out = format!(
        "events: {} recorded, {} kept by the runtime (Builder::trace_limit), the last {} \
         written here (ARTIFACT_EVENTS)\nkept events per task:\n",
        trace.dropped() + trace.len() as u64,
        trace.len(),
        trace.len().min(ARTIFACT_EVENTS)
    );
    for (id, (n, kinds)) in tasks.iter().take(SUMMARY_TASKS) {
        let kinds: Vec<String> = kinds.iter().map(|(k, c)| format!("{k} {c}")).collect();
        let _ = writeln!(out, "  {} ({id}): {n} ({})", trace.name(*id), kinds.join(", "));
    }
    if tasks.len() > SUMMARY_TASKS {
        let _ = writeln!(out, "  ... and {} more tasks", tasks.len() - SUMMARY_TASKS);
    }
    out
}

/// Writes the failing run's trace: `.txt` (header, the last [`ARTIFACT_EVENTS`] events,
/// a timeline of the last [`TIMELINE_EVENTS`]) and `.json` (Chrome trace events of the
/// last [`ARTIFACT_EVENTS`], for Perfetto). A longer trace is summarised first, with
/// counts. Returns the two paths (the `.json` one only with the `perfetto` feature), or
/// the error in words.
pub fn write_artifacts(
    info: &TestInfo,
    run: &RunOutcome,
) -> Result<(PathBuf, Option<PathBuf>), String> {
    let stem = info.artifact_stem(run.seed);
    let dir = stem.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let txt = stem.with_extension("txt");
    let mut text = format!("test {}\nseed {:#x}\npolicy {}\n", info.name, run.seed, run.policy);
    if let Some(path) = &run.dfs_path {
        let _ = writeln!(text, "dfs path {path}");
    }
    if let Some(f) = &run.failure {
        let _ = writeln!(text, "failure {}", f.kind);
    }
    let trace = &run.trace;
    if trace.dropped() > 0 || trace.len() > ARTIFACT_EVENTS {
        let _ = write!(text, "\n{}", summary(trace));
    }
    let written = trace.last(ARTIFACT_EVENTS);
    let pictured = trace.last(TIMELINE_EVENTS);
    let _ = write!(text, "\n{}\n\n{}\n", written.verbose(), timeline(&pictured));
    std::fs::write(&txt, text).map_err(|e| format!("cannot write {}: {e}", txt.display()))?;
    #[cfg(feature = "perfetto")]
    let json = {
        let json = stem.with_extension("json");
        std::fs::write(&json, crate::chrome::chrome_trace(&written, Some((run.seed, run.policy))))
            .map_err(|e| format!("cannot write {}: {e}", json.display()))?;
        Some(json)
    };
    #[cfg(not(feature = "perfetto"))]
    let json = None;
    Ok((txt, json))
}

/// The failure report of a sweep, or `None` if it passed. Writes the artifacts.
pub fn failure_report(info: &TestInfo, sweep: &Sweep) -> Option<String> {
    failure_report_shrunk(info, sweep, None)
}

/// Writes a schedule next to the failing run's trace: `<target>/simloop/<test>-<seed>.schedule`.
pub fn write_schedule(info: &TestInfo, seed: u64, schedule: &Schedule) -> Result<PathBuf, String> {
    let path = info.artifact_stem(seed).with_extension("schedule");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&path, schedule.to_text())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// [`failure_report`], with the shrunk schedule of the failure explained, saved and
/// given a replay command.
pub fn failure_report_shrunk(
    info: &TestInfo,
    sweep: &Sweep,
    shrunk: Option<&Shrunk>,
) -> Option<String> {
    let (index, run) = sweep.failure.as_ref()?;
    let failure = run.failure.as_ref()?;
    let mut out = String::new();
    let which = match &run.dfs_path {
        Some(path) => {
            format!("schedule {} of at most {}, path {path}", index + 1, sweep.options.dfs_budget())
        }
        None => format!("run {} of {}", index + 1, sweep.options.seed_list().len()),
    };
    let shard = sweep.options.shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "simloop: test {} failed: {} (seed {:#x}, policy {}, {which}{shard})",
        info.name, failure.kind, run.seed, run.policy,
    );
    let _ = writeln!(out, "{}\n", failure.message.trim_end());
    let _ = writeln!(
        out,
        "last events of the failing run:\n{}",
        run.trace.tail(REPORT_TAIL).trim_end()
    );
    let _ = writeln!(out, "-- elapsed {}\n", run.trace.elapsed());
    let _ = writeln!(out, "replay only this run:\n  {}\n", info.replay_command_of(run));
    if let Some(shrunk) = shrunk {
        let _ = writeln!(out, "shrunk: {}\n", shrunk.explain());
        let regression = info.regression_file().filter(|_| crate::env::save_schedules());
        if let Some(path) = &regression {
            match save_regression(path, &shrunk.schedule) {
                Ok(_) => {
                    let _ = writeln!(
                        out,
                        "saved as a regression: {} (commit it: #[simloop::test] replays it \
                         before every sweep, so CI does)\n",
                        path.display()
                    );
                }
                Err(e) => {
                    let _ = writeln!(out, "regression not saved: {e}\n");
                }
            }
        }
        let saved = write_schedule(info, run.seed, &shrunk.schedule);
        let at = match &saved {
            Ok(path) => path.display().to_string(),
            Err(_) => shrunk.schedule.to_compact(),
        };
        let _ = writeln!(out, "replay the shrunk schedule:\n  {}\n", info.schedule_command(&at));
        if let Err(e) = saved {
            let _ = writeln!(out, "(schedule file not written: {e})\n");
        }
    }
    match write_artifacts(info, run) {
        Ok((txt, json)) => {
            let _ = writeln!(out, "full trace: {}", txt.display());
            if let Some(json) = json {
                let _ = writeln!(out, "            {} (open in ui.perfetto.dev)", json.display());
            }
        }
        Err(e) => {
            let _ = writeln!(out, "full trace: not written: {e}");
        }
    }
    let _ = writeln!(out, "{}", sweep.coverage);
    let _ = write!(out, "next: {}", failure.next_step());
    Some(out)
}

/// Replays the test's regression schedules ([`TestInfo::regression_file`]); the first
/// that fails fails the test with its report. One that passes without applying in full
/// is noted: the program changed, and the entry may be deleted.
#[track_caller]
fn replay_regressions<F, Fut>(info: &TestInfo, options: &Explore, test: &mut F)
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let Some(path) = info.regression_file() else { return };
    let test_name = options.test_name();
    let entries = match regressions(&path, &test_name) {
        Ok(e) => e,
        Err(e) => panic!("simloop: the regression file of {}: {e}", info.name),
    };
    let n = entries.len();
    for (i, schedule) in entries.iter().enumerate() {
        let run = run_schedule(options, schedule, test);
        if run.passed() {
            if let Some(m) = &run.mismatch {
                eprintln!(
                    "simloop: regression {} of {n} of {} ({}) passes but no longer applies in \
                     full: {m}",
                    i + 1,
                    info.name,
                    path.display()
                );
            }
            continue;
        }
        let coverage =
            Coverage { seeds_run: 1, interleavings: 1, outcomes: 1, extent: Extent::Replayed };
        let run = Box::new(run);
        let sweep = Sweep {
            options: options.clone(),
            coverage,
            failure: Some((0, run.clone())),
            last: Some(run),
        };
        let report = failure_report(info, &sweep).expect("a failure");
        let from =
            format!("regression {} of {n} from the regression file {}", i + 1, path.display());
        eprintln!("\n{report}\n");
        let cmd = info.schedule_command(&path.display().to_string());
        std::panic::resume_unwind(Box::new(format!(
            "simloop: test {} failed replaying {from}; replay: {cmd}",
            info.name
        )));
    }
}

/// Whether a failure is one a schedule can shrink: an ordering failure of a run, not two
/// runs that differed.
fn shrinkable(run: &RunOutcome) -> bool {
    run.failure.as_ref().is_some_and(|f| {
        !matches!(f.kind, FailureKind::Nondeterminism | FailureKind::ScheduleMismatch)
    })
}

/// Runs a test as `#[simloop::test]` does: the sweep of `options` (after `SIMLOOP_*`
/// overrides), a report on stderr and a panic on failure; on success the last run, for a
/// snapshot.
///
/// The report is the failure's one message: the test then fails by unwinding without
/// running the panic hook again (no second "panicked at" line, no second backtrace), and
/// the main task's spawn site in reports is this function's caller (the test function
/// `#[simloop::test]` wrote).
///
/// # Panics
/// When a run fails, with a one-line summary and the replay command as the payload.
#[track_caller]
pub fn run_test<F, Fut>(info: TestInfo, options: Explore, test: F) -> RunOutcome
where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: TestOutput + 'static,
{
    let mut test = test;
    let options = options.for_test(info.crate_name, &info.name).from_env();
    if options.schedule.is_none() && options.seed.is_none() && options.dfs_path.is_none() {
        replay_regressions(&info, &options, &mut test);
    }
    let sweep = explore(options, &mut test);
    let shrunk = match &sweep.failure {
        Some((_, run)) if sweep.options.schedule.is_none() && shrinkable(run) => {
            shrink(&sweep.options, run, &mut test)
        }
        _ => None,
    };
    if let Some(report) = failure_report_shrunk(&info, &sweep, shrunk.as_ref()) {
        eprintln!("\n{report}\n");
        let (_, run) = sweep.failure.as_ref().expect("a report means a failure");
        let summary = format!(
            "simloop: {} at seed {:#x} (policy {}); replay: {}",
            run.failure.as_ref().map_or(FailureKind::Panic, |f| f.kind),
            run.seed,
            run.policy,
            info.replay_command_of(run)
        );
        // The report above is the message: unwind without the panic hook, which would print
        // a second "panicked at" line (this file's) and, with RUST_BACKTRACE, a second
        // backtrace of the harness itself.
        std::panic::resume_unwind(Box::new(summary));
    }
    if sweep.coverage.seeds_run > 1 || sweep.options.shard.is_some() {
        let shard = sweep.options.shard.map(|s| format!(", shard {s}")).unwrap_or_default();
        eprintln!(
            "simloop: {} passed ({}, policy {}{shard})",
            info.name,
            sweep.coverage,
            sweep.policy()
        );
    }
    *sweep.last.expect("a sweep runs at least one seed")
}
