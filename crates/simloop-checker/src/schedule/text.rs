//! The text form of a schedule: a file (one line per decision, a versioned header, an
//! `end` line with the count and a checksum) and the same lines joined by `;` for an
//! environment variable. Task identities are written percent-encoded, so no line needs
//! quoting and the one-line form needs no escaping in a shell's single quotes.
//!
//! ```text
//! simloop-schedule 1
//! test checker_macro::overdraft_race
//! origin random 0x975835de
//! task main
//! task alice
//! task bob
//! run 2.1 over 1.2 # bob's step 1 over alice's step 2
//! end 1 0x5e0d2c1b9a8f7e6d
//! ```

use std::fmt::Write as _;

use simloop_executor::{parse_seed, Policy};

use super::error::ScheduleError;
use super::{Decision, Schedule, StepRef, SCHEDULE_VERSION};
use crate::replay::policy_env;

const HEADER: &str = "simloop-schedule";

/// FNV-1a, 64 bits: a checksum that is the same on every platform and version.
fn fnv(lines: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for line in lines {
        for b in line.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn keep_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_:./<>{}()[]#-,&*!+=@".contains(&b)
}

/// A task identity as written: bytes outside a safe set as `%XX`.
pub(super) fn encode(identity: &str) -> String {
    let mut out = String::new();
    for b in identity.bytes() {
        if keep_byte(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Schedule {
    /// The canonical lines (no comments, no `end` line): what the checksum covers.
    fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!("{HEADER} {SCHEDULE_VERSION}"),
            format!("test {}", encode(&self.test)),
            format!("origin {} {:#x}", policy_env(self.policy), self.seed),
        ];
        lines.extend(self.tasks.iter().map(|t| format!("task {}", encode(t))));
        for d in &self.decisions {
            lines.push(match d {
                Decision::Run { run, over } => format!("run {run} over {over}"),
                Decision::Draw { task, nth, value } => format!("draw {task}.{nth} {value:#x}"),
            });
        }
        lines
    }

    fn end_line(&self, lines: &[String]) -> String {
        format!("end {} {:#018x}", self.decisions.len(), fnv(lines))
    }

    /// The file form: one line per decision, a deviation followed by a comment in words.
    pub fn to_text(&self) -> String {
        let lines = self.lines();
        let mut out = String::new();
        let mut runs = self.deviations();
        for line in &lines {
            out.push_str(line);
            if line.starts_with("run ") {
                if let Some((run, over)) = runs.next() {
                    let _ = write!(out, " # {} over {}", self.describe(run), self.describe(over));
                }
            }
            out.push('\n');
        }
        out.push_str(&self.end_line(&lines));
        out.push('\n');
        out
    }

    /// The one-line form, for `SIMLOOP_SCHEDULE='...'`: the lines joined by `;`.
    pub fn to_compact(&self) -> String {
        let mut lines = self.lines();
        let end = self.end_line(&lines);
        lines.push(end);
        lines.join(";")
    }

    /// The schedule of test `test` that `value` gives: a schedule's text (one-line or
    /// not), or the path of a file of schedules (see [`Schedule::parse`]). A test named
    /// `(unnamed)` takes the only schedule there is.
    pub fn load(value: &str, test: &str) -> Result<Schedule, ScheduleError> {
        let value = value.trim();
        let (source, text) = if value.starts_with(HEADER) {
            (source_of(value), value.to_string())
        } else {
            let text = std::fs::read_to_string(value).map_err(|e| ScheduleError::Unreadable {
                source: value.to_string(),
                error: e.to_string(),
            })?;
            (value.to_string(), text)
        };
        let mut all = Schedule::parse(&text, &source)?;
        if test == "(unnamed)" && all.len() == 1 {
            return Ok(all.remove(0));
        }
        if let Some(i) = all.iter().position(|s| s.test == test) {
            return Ok(all.swap_remove(i));
        }
        if all.len() == 1 {
            let schedule_test = all.remove(0).test;
            return Err(ScheduleError::OtherTest { source, schedule_test, test: test.to_string() });
        }
        let available = all.into_iter().map(|s| s.test).collect();
        Err(ScheduleError::NoEntry { source, test: test.to_string(), available })
    }

    /// Reads every schedule in `text` (a file may hold several, one per test, with `#`
    /// comment lines between them); `source` names it in errors. The one-line form is
    /// read too.
    ///
    /// ```
    /// use simloop_checker::{Schedule, ScheduleError};
    /// let err = Schedule::parse("simloop-schedule 2\n", "old.schedules").unwrap_err();
    /// assert!(matches!(err, ScheduleError::Version { line: 1, .. }));
    /// assert!(err.to_string().starts_with("old.schedules:1: schedule format version 2"));
    /// ```
    pub fn parse(text: &str, source: &str) -> Result<Vec<Schedule>, ScheduleError> {
        let sep = if text.trim().contains('\n') { '\n' } else { ';' };
        let mut out = Vec::new();
        let mut entry: Option<Entry> = None;
        let mut last = 0;
        for (i, raw) in text.split(sep).enumerate() {
            let line_no = i + 1;
            last = line_no;
            let line = raw.split(" # ").next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let syntax = |expected| ScheduleError::Syntax {
                source: source.to_string(),
                line: line_no,
                text: raw.trim().to_string(),
                expected,
            };
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            let Some(e) = entry.as_mut() else {
                if word != HEADER {
                    return Err(ScheduleError::NotASchedule {
                        source: source.to_string(),
                        text: raw.trim().to_string(),
                    });
                }
                if rest != SCHEDULE_VERSION.to_string() {
                    return Err(ScheduleError::Version {
                        source: source.to_string(),
                        line: line_no,
                        found: rest.to_string(),
                    });
                }
                entry = Some(Entry::default());
                continue;
            };
            match (word, e.stage) {
                ("test", 0) => {
                    e.test = decode(rest).ok_or_else(|| syntax("test <name>"))?;
                    e.stage = 1;
                }
                ("origin", 1) => {
                    let (p, s) =
                        rest.split_once(' ').ok_or_else(|| syntax("origin <policy> <seed>"))?;
                    e.policy = p.parse().map_err(|_| syntax("origin <policy> <seed>"))?;
                    e.seed = parse_seed(s).ok_or_else(|| syntax("origin <policy> <seed>"))?;
                    e.stage = 2;
                }
                ("task", 2) => {
                    let t = decode(rest).filter(|t| !t.is_empty());
                    e.tasks.push(t.ok_or_else(|| syntax("task <identity>"))?);
                }
                ("run", 2) => {
                    let (a, b) = rest
                        .split_once(" over ")
                        .ok_or_else(|| syntax("run <step> over <step>"))?;
                    let step = |s: &str| step_ref(s, e.tasks.len());
                    let run = step(a).ok_or_else(|| syntax("run <task>.<n> over <task>.<n>"))?;
                    let over = step(b).ok_or_else(|| syntax("run <task>.<n> over <task>.<n>"))?;
                    e.decisions.push(Decision::Run { run, over });
                }
                ("draw", 2) => {
                    let bad = || syntax("draw <task>.<n> <value>");
                    let (s, v) = rest.split_once(' ').ok_or_else(bad)?;
                    let step =
                        step_ref(s, e.tasks.len()).filter(|s| !s.callback).ok_or_else(bad)?;
                    let value = parse_seed(v).ok_or_else(bad)?;
                    e.decisions.push(Decision::Draw { task: step.task, nth: step.nth, value });
                }
                ("end", 2) => {
                    let bad = || syntax("end <decisions> <checksum>");
                    let (n, sum) = rest.split_once(' ').ok_or_else(bad)?;
                    let n: usize = n.parse().map_err(|_| bad())?;
                    let sum = parse_seed(sum).ok_or_else(bad)?;
                    let entry = entry.take().expect("inside an entry");
                    let s = Schedule {
                        test: entry.test,
                        policy: entry.policy,
                        seed: entry.seed,
                        tasks: entry.tasks,
                        decisions: entry.decisions,
                    };
                    if n != s.decisions.len() {
                        return Err(ScheduleError::Truncated {
                            source: source.to_string(),
                            line: line_no,
                            missing: format!(
                                "its end line says {n} decisions and {} were read",
                                s.decisions.len()
                            ),
                        });
                    }
                    if fnv(&s.lines()) != sum {
                        return Err(ScheduleError::Checksum {
                            source: source.to_string(),
                            line: line_no,
                        });
                    }
                    out.push(s);
                }
                (_, 0) => return Err(syntax("test <name>")),
                (_, 1) => return Err(syntax("origin <policy> <seed>")),
                _ => return Err(syntax("task, run, draw or end")),
            }
        }
        if entry.is_some() || out.is_empty() {
            return Err(ScheduleError::Truncated {
                source: source.to_string(),
                line: last,
                missing: "no `end <decisions> <checksum>` line follows".to_string(),
            });
        }
        Ok(out)
    }
}

/// `2.3` or `2.cb1`, with the task index below `tasks`.
fn step_ref(text: &str, tasks: usize) -> Option<StepRef> {
    let (t, n) = text.split_once('.')?;
    let task: usize = t.parse().ok().filter(|t| *t < tasks)?;
    let (callback, n) = match n.strip_prefix("cb") {
        Some(n) => (true, n),
        None => (false, n),
    };
    let nth: u32 = n.parse().ok().filter(|n| *n > 0)?;
    Some(StepRef { task, callback, nth })
}

#[derive(Default)]
struct Entry {
    stage: u8,
    test: String,
    policy: Policy,
    seed: u64,
    tasks: Vec<String>,
    decisions: Vec<Decision>,
}

/// How a `SIMLOOP_SCHEDULE` value is named in errors: the file's path, or the variable
/// itself for a schedule given inline.
pub fn source_of(value: &str) -> String {
    let value = value.trim();
    if value.starts_with(HEADER) {
        crate::env::SCHEDULE.to_string()
    } else {
        value.to_string()
    }
}
