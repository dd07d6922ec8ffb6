//! A runaway run's failure report and files stay small (issue 14, item 1): a timer loop and
//! a spin each run into the step limit with a trace far longer than the files may hold; the
//! report prints one tail of the trace, tells the two apart in its `next:` line, and the
//! files hold at most `ARTIFACT_EVENTS` events plus a summary with counts.
//!
//! The 10-million-step figures of the README come from the same tests:
//! `SIMLOOP_STEP_LIMIT=10000000 cargo test --release -p simloop --test runaway_report --
//! --include-ignored --exact timer_loop_runaway`, then `ls -l target/simloop/`.

use simloop::checker::{ARTIFACT_EVENTS, TIMELINE_EVENTS};
use simloop::{sleep, yield_now};
use std::process::Command;
use std::time::Duration;

/// A task that sleeps in a loop that never ends; the time limit is out of the way, so the
/// step limit stops it (300,000 steps: a trace three times longer than the files hold).
#[simloop::test(step_limit = 300_000, time_limit = 1_000_000_000)]
#[ignore = "fails on purpose: run by a_timer_loop_report_is_bounded_and_names_time_limit"]
async fn timer_loop_runaway() {
    loop {
        sleep(Duration::from_secs(1)).await;
    }
}

/// A task that spins: virtual time stands still.
#[simloop::test(step_limit = 300_000)]
#[ignore = "fails on purpose: run by a_spin_report_is_bounded_and_names_the_spin"]
async fn spin_runaway() {
    loop {
        yield_now().await;
    }
}

/// Runs one ignored test of this binary; returns (passed, stdout + stderr).
fn run_self(test: &str) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--include-ignored"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("SIMLOOP_") {
            cmd.env_remove(k);
        }
    }
    // Failures on purpose: no regression file next to this source.
    cmd.env("SIMLOOP_SAVE_SCHEDULES", "0");
    let out = cmd.output().unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The artifact paths a report names: the `.txt` file, and the `.json` one if written
/// (the `perfetto` feature).
fn artifacts(report: &str) -> (String, Option<String>) {
    let from = report.find("full trace: ").unwrap_or_else(|| panic!("no artifacts:\n{report}"));
    let mut lines = report[from..].lines();
    let txt = lines.next().unwrap().trim_start_matches("full trace: ").to_string();
    let json = lines.next().and_then(|l| l.strip_suffix(" (open in ui.perfetto.dev)"));
    (txt, json.map(|j| j.trim().to_string()))
}

/// Checks what both runaways share: one tail in the report, and small files that say how
/// much they left out.
fn check_bounded(test: &str) -> (String, String) {
    let (passed, out) = run_self(test);
    assert!(!passed, "{out}");
    assert!(out.contains(&format!("simloop: test {test} failed: step limit")), "{out}");
    assert_eq!(out.matches("last events").count(), 1, "one tail of the trace:\n{out}");
    assert!(out.len() < 8_000, "a report of {} bytes:\n{out}", out.len());
    let (txt, json) = artifacts(&out);
    let text = std::fs::read_to_string(&txt).unwrap();
    let events = text.lines().filter(|l| l.starts_with(' ') && l.contains("s  ")).count();
    assert!(events <= ARTIFACT_EVENTS + TIMELINE_EVENTS, "{events} lines in {txt}");
    assert!(text.len() < 1_500_000, "{txt}: {} bytes", text.len());
    assert_eq!(json.is_some(), cfg!(feature = "perfetto"), "{out}");
    if let Some(json) = json {
        let json_len = std::fs::metadata(&json).unwrap().len();
        assert!(json_len < 3_000_000, "{json}: {json_len} bytes");
    }
    (out, text)
}

#[test]
fn a_timer_loop_report_is_bounded_and_names_time_limit() {
    let (out, text) = check_bounded("timer_loop_runaway");
    // 300,000 steps, a sleep and a timer each (and main's start): more than the files hold, so they say what is left out.
    assert!(text.contains("events: 600001 recorded, "), "no summary:\n{}", &text[..2000]);
    assert!(text.contains("kept events per task:\n  main (#1): "), "no counts");
    assert!(out.contains("\nnext: virtual time kept moving over the last steps"), "{out}");
    assert!(out.contains("set time_limit"), "{out}");
}

#[test]
fn a_spin_report_is_bounded_and_names_the_spin() {
    let (out, text) = check_bounded("spin_runaway");
    // Yields are traced, so the spin's own events fill the trace and the files summarise it.
    assert!(text.contains("kept events per task:\n  main (#1): "), "no counts");
    assert!(text.contains("(resumed "), "no yields counted");
    assert!(out.contains("\nnext: virtual time stood still over the last steps"), "{out}");
    assert!(out.contains("yield_now()"), "{out}");
}
