//! What can be wrong with a schedule: a file that cannot be read, is not a schedule, is
//! from another format version, is damaged or cut short, is another test's, or stopped
//! matching the program while it was replayed.

use std::fmt;

/// A schedule that cannot be replayed as given. Each names where the schedule came from
/// (`source`: a file, or `SIMLOOP_SCHEDULE` for an inline one) and the first line or
/// decision that does not apply; none of them lets another interleaving run silently.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The file could not be read.
    Unreadable {
        /// The file.
        source: String,
        /// The operating system's error.
        error: String,
    },
    /// The text does not start with `simloop-schedule <version>`.
    NotASchedule {
        /// Where it came from.
        source: String,
        /// The first line.
        text: String,
    },
    /// Written by another version of the format.
    Version {
        /// Where it came from.
        source: String,
        /// The line number (1-based).
        line: usize,
        /// The version the file says.
        found: String,
    },
    /// A line that is not what the format has there (a damaged file).
    Syntax {
        /// Where it came from.
        source: String,
        /// The line number (1-based).
        line: usize,
        /// The line.
        text: String,
        /// What the format has there.
        expected: &'static str,
    },
    /// The schedule ends before its `end` line (or has fewer decisions than it says).
    Truncated {
        /// Where it came from.
        source: String,
        /// The last line read.
        line: usize,
        /// What is missing.
        missing: String,
    },
    /// The lines do not add up to the checksum of the `end` line: changed or damaged
    /// after it was written.
    Checksum {
        /// Where it came from.
        source: String,
        /// The `end` line's number.
        line: usize,
    },
    /// The schedule is of another test.
    OtherTest {
        /// Where it came from.
        source: String,
        /// The test the schedule was recorded from.
        schedule_test: String,
        /// The test being run.
        test: String,
    },
    /// A file of schedules without one for this test.
    NoEntry {
        /// The file.
        source: String,
        /// The test being run.
        test: String,
        /// The tests it has schedules of.
        available: Vec<String>,
    },
    /// Replayed, the program never reached the state a deviation was recorded in.
    StoppedMatching {
        /// Where it came from.
        source: String,
        /// Which deviation (1-based) of how many.
        decision: usize,
        /// How many deviations the schedule has.
        of: usize,
        /// The deviation in words.
        wanted: String,
        /// Why it did not apply.
        reason: String,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::Unreadable { source, error } => write!(
                f,
                "cannot read the schedule file {source}: {error}; SIMLOOP_SCHEDULE takes a \
                 file path or a schedule's one-line form (simloop-schedule 1;...)"
            ),
            ScheduleError::NotASchedule { source, text } => write!(
                f,
                "{source} is not a schedule: it starts with {text:?}, not `simloop-schedule 1`; \
                 copy the schedule (or its file name) from the failure report"
            ),
            ScheduleError::Version { source, line, found } => write!(
                f,
                "{source}:{line}: schedule format version {found}, but this simloop reads \
                 version {}; record the schedule again with this version (rerun the seed \
                 that found it)",
                super::SCHEDULE_VERSION
            ),
            ScheduleError::Syntax { source, line, text, expected } => write!(
                f,
                "{source}:{line}: {text:?} is not a schedule line: expected {expected}; the \
                 schedule is damaged, record it again (rerun the seed that found it)"
            ),
            ScheduleError::Truncated { source, line, missing } => write!(
                f,
                "{source}:{line}: the schedule ends here, but {missing}: it was cut short; \
                 copy all of it, up to its `end` line"
            ),
            ScheduleError::Checksum { source, line } => write!(
                f,
                "{source}:{line}: the checksum of the `end` line does not match the lines \
                 above it: the schedule was changed or damaged after it was written; record \
                 it again (rerun the seed that found it)"
            ),
            ScheduleError::OtherTest { source, schedule_test, test } => write!(
                f,
                "{source} is a schedule of test {schedule_test}, not of {test}: replay it \
                 with SIMLOOP_TEST={schedule_test}"
            ),
            ScheduleError::NoEntry { source, test, available } => write!(
                f,
                "{source} has no schedule of test {test} (it has schedules of: {})",
                if available.is_empty() { "none".to_string() } else { available.join(", ") }
            ),
            ScheduleError::StoppedMatching { source, decision, of, wanted, reason } => write!(
                f,
                "{source}: the schedule stopped matching the program at deviation {decision} \
                 of {of} ({wanted}): {reason}; the program changed in a way that touches this \
                 decision: rerun the sweep to find (and record) the failure again"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}
