//! The edits the schedule-survival suites make to a program around a bug, to measure how
//! many saved failing schedules still reproduce (`tests/schedule_replay.rs`,
//! `tests/schedule_figures.rs`).

/// One kind of edit a saved schedule must survive (issue 12's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// The program as it was recorded.
    None,
    /// An added `log!`.
    AddedLog,
    /// An extra task that does not interact.
    ExtraTask,
    /// Unrelated spawns in another order.
    ReorderedSpawns,
    /// A renamed variable.
    RenamedVariable,
    /// A changed sleep elsewhere.
    ChangedSleepElsewhere,
}

/// Every edit, the unedited program first.
pub const EDITS: [Edit; 6] = [
    Edit::None,
    Edit::AddedLog,
    Edit::ExtraTask,
    Edit::ReorderedSpawns,
    Edit::RenamedVariable,
    Edit::ChangedSleepElsewhere,
];
