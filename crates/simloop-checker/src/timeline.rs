//! A timeline picture of a trace: one row per task, one column per virtual instant at
//! which something happened, a letter per event. Plain text, so it reads well in a snapshot
//! diff: a changed interleaving shows up as a moved letter.
//!
//! ```text
//! task          0.000s  1.000s  2.000s
//! main          +ssLz   ------  tLF
//! Task-2        +z      tLF
//! Task-3        +z      ------  tLF
//! -- elapsed 2.000s
//! legend: + start  s spawn  z sleep  t timer fired  L log  F finished
//! ```
//!
//! Columns are the distinct instants of the trace in order (not to scale: a run of an hour
//! and a run of a millisecond are equally wide). `-` marks a live task with no event at an
//! instant; a long run of one letter is shortened to `L*12`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use simloop_executor::{EventKind, Instant, TaskId, Trace};

/// The widest a timeline block gets before its columns wrap into another block.
pub const TIMELINE_WIDTH: usize = 100;

const NAME_WIDTH: usize = 14;

/// The order of the legend: a task's life, from start to end.
const LEGEND_ORDER: &str = "+szyrtLncFXPDU";

/// The letter of an event in the timeline.
pub fn symbol(kind: &EventKind) -> char {
    match kind {
        EventKind::Spawn { .. } => 's',
        EventKind::Start => '+',
        EventKind::Sleep { .. } => 'z',
        EventKind::TimerFired => 't',
        EventKind::Yield => 'y',
        EventKind::Resumed => 'r',
        EventKind::Log(_) => 'L',
        EventKind::Finished => 'F',
        EventKind::CancelRequested => 'c',
        EventKind::Cancelled => 'X',
        EventKind::Panicked(_) => 'P',
        EventKind::DestroyedPending => 'D',
        EventKind::NeverRetrieved(_) => 'U',
        EventKind::Note(_) | EventKind::DeadlineNote { .. } | EventKind::ResourceNote { .. } => 'n',
        _ => '?',
    }
}

/// What a timeline letter stands for.
pub(crate) fn meaning(c: char) -> &'static str {
    match c {
        '+' => "start",
        's' => "spawn",
        'z' => "sleep",
        't' => "timer fired",
        'y' => "yield",
        'r' => "resumed",
        'L' => "log",
        'F' => "finished",
        'c' => "cancel requested",
        'X' => "cancelled",
        'P' => "panicked",
        'D' => "destroyed pending",
        'U' => "panic never retrieved",
        'n' => "note",
        _ => "other",
    }
}

fn ends(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Finished
            | EventKind::Cancelled
            | EventKind::Panicked(_)
            | EventKind::DestroyedPending
    )
}

/// Shortens runs of four or more equal letters to `L*12`.
fn compress(cell: &str) -> String {
    let chars: Vec<char> = cell.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        if j - i >= 4 {
            let _ = write!(out, "{}*{}", chars[i], j - i);
        } else {
            out.extend(&chars[i..j]);
        }
        i = j;
    }
    out
}

/// Renders the timeline of a trace (see the module docs).
///
/// ```
/// use simloop_executor::{log, sleep, spawn, Runtime};
/// use std::time::Duration;
/// let mut rt = Runtime::new();
/// rt.block_on(async {
///     let t = spawn(async { sleep(Duration::from_secs(1)).await; log!("child") });
///     log!("parent");
///     t.await.unwrap();
/// });
/// assert_eq!(simloop_checker::timeline(&rt.trace()), "\
/// task          0.000s  1.000s
/// main          +sL     F
/// Task-2        +z      tLF
/// -- elapsed 1.000s
/// legend: + start  s spawn  z sleep  t timer fired  L log  F finished");
/// ```
pub fn timeline(trace: &Trace) -> String {
    let mut instants: Vec<Instant> = trace.events().iter().map(|e| e.at).collect();
    instants.dedup();
    // Events are in time order, so dedup leaves each instant once.
    let col_of: BTreeMap<Instant, usize> =
        instants.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut rows: BTreeMap<TaskId, Vec<String>> = BTreeMap::new();
    let mut lifetime: BTreeMap<TaskId, (usize, Option<usize>)> = BTreeMap::new();
    for e in trace.events() {
        let col = col_of[&e.at];
        let row = rows.entry(e.task).or_insert_with(|| vec![String::new(); instants.len()]);
        row[col].push(symbol(&e.kind));
        let life = lifetime.entry(e.task).or_insert((col, None));
        if ends(&e.kind) {
            life.1 = Some(col);
        }
        if let EventKind::Spawn { child } = e.kind {
            lifetime.entry(child).or_insert((col, None));
        }
    }
    let last = instants.len().saturating_sub(1);
    let mut used: Vec<char> = Vec::new();
    let mut cells: Vec<(String, Vec<String>)> = Vec::new();
    for (task, row) in rows {
        let (from, to) = lifetime.get(&task).copied().unwrap_or((0, None));
        let to = to.unwrap_or(last);
        let row: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                for ch in c.chars() {
                    if !used.contains(&ch) {
                        used.push(ch);
                    }
                }
                if !c.is_empty() {
                    compress(c)
                } else if (from..=to).contains(&i) {
                    "-".repeat(6)
                } else {
                    String::new()
                }
            })
            .collect();
        cells.push((trace.name(task), row));
    }
    let widths: Vec<usize> = (0..instants.len())
        .map(|i| {
            let label = instants[i].to_string().len();
            cells.iter().map(|(_, r)| r[i].len()).max().unwrap_or(0).max(label)
        })
        .collect();
    let mut out = String::new();
    let mut start = 0;
    while start < instants.len() || start == 0 {
        let mut end = start;
        let mut width = NAME_WIDTH;
        while end < instants.len() && (end == start || width + widths[end] + 2 <= TIMELINE_WIDTH) {
            width += widths[end] + 2;
            end += 1;
        }
        let _ = write!(out, "{:<NAME_WIDTH$}", "task");
        for (i, at) in instants.iter().enumerate().take(end).skip(start) {
            let _ = write!(out, "{:<w$}", at.to_string(), w = widths[i] + 2);
        }
        trim_line(&mut out);
        for (name, row) in &cells {
            if row[start..end].iter().all(String::is_empty) {
                continue;
            }
            let mut name = name.clone();
            if name.len() > NAME_WIDTH - 2 {
                name.truncate(NAME_WIDTH - 2);
            }
            let _ = write!(out, "{name:<NAME_WIDTH$}");
            for (i, cell) in row.iter().enumerate().take(end).skip(start) {
                let _ = write!(out, "{cell:<w$}", w = widths[i] + 2);
            }
            trim_line(&mut out);
        }
        if end == start {
            break;
        }
        start = end;
    }
    let _ = writeln!(out, "-- elapsed {}", trace.elapsed());
    out.push_str("legend:");
    used.sort_by_key(|c| LEGEND_ORDER.find(*c).unwrap_or(usize::MAX));
    for c in used {
        let _ = write!(out, " {c} {}", meaning(c));
        out.push(' ');
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

fn trim_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_shortens_long_runs_only() {
        assert_eq!(compress("LLL"), "LLL");
        assert_eq!(compress("+LLLLLz"), "+L*5z");
    }
}
