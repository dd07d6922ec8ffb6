//! Regression files: the shrunk schedules of failures found by sweeps, kept next to the
//! test's source as `tests/<file>.schedules` (as proptest keeps
//! `*.proptest-regressions`), replayed by `#[simloop::test]` before its sweep, so CI
//! replays every failure ever found.

use std::path::Path;

use super::error::ScheduleError;
use super::Schedule;

/// The first lines of a new regression file.
const PREAMBLE: &str = "\
# Schedules of failures simloop's sweeps found, shrunk. #[simloop::test] replays each\n\
# one of its test before its sweep: commit this file. Delete an entry once it no longer\n\
# applies (its replay says so).\n";

/// The schedules of test `test` in the regression file at `path` (none if there is no
/// file).
pub fn regressions(path: &Path, test: &str) -> Result<Vec<Schedule>, ScheduleError> {
    let source = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ScheduleError::Unreadable { source, error: e.to_string() }),
    };
    if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(Vec::new());
    }
    Ok(Schedule::parse(&text, &source)?.into_iter().filter(|s| s.test == test).collect())
}

/// Appends `schedule` to the regression file at `path` (creating it), unless an equal
/// entry is there already; `Ok(false)` then.
pub fn save_regression(path: &Path, schedule: &Schedule) -> Result<bool, String> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let source = path.display().to_string();
    if Schedule::parse(&old, &source).is_ok_and(|all| all.contains(schedule)) {
        return Ok(false);
    }
    let mut text = if old.trim().is_empty() { PREAMBLE.to_string() } else { old };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&schedule.to_text());
    std::fs::write(path, text).map_err(|e| format!("cannot write {source}: {e}"))?;
    Ok(true)
}
