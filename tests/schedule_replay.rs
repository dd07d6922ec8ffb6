//! Schedules as data: a failing sweep's recorded schedule replays the same run, survives
//! unrelated edits of the program, shrinks to the deviations that matter, and bad input
//! is an error naming the file and the line.

mod common;

use common::edit::{Edit, EDITS};

use simloop::checker::{
    explore, run_schedule, run_seed, shrink, Explore, FailureKind, Schedule, ScheduleError,
};
use simloop::{log, sleep, spawn, spawn_named, yield_now};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

async fn unrelated(delay: u64) {
    sleep(Duration::from_millis(delay)).await;
    log!("unrelated done");
}

/// The overdraft race of tests/common (alice and bob withdraw 80 of 100; bob audits
/// first), with `edit` applied; an unrelated timer task runs beside it in every variant.
fn bank(edit: Edit) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async move {
        let balance = Rc::new(Cell::new(100));
        let withdraw = move |b: Rc<Cell<i32>>, audit: bool| async move {
            if audit {
                yield_now().await;
                yield_now().await;
            }
            if edit == Edit::AddedLog {
                log!("checking {}", b.get());
            }
            if b.get() >= 80 {
                sleep(Duration::ZERO).await;
                b.set(b.get() - 80);
            }
        };
        if edit == Edit::ReorderedSpawns {
            let side = spawn(unrelated(5));
            let noise = spawn_named("noise", unrelated(7));
            noise.await.unwrap();
            side.await.unwrap();
        }
        let a = spawn_named("alice", withdraw(balance.clone(), false));
        let renamed_b = spawn_named("bob", withdraw(balance.clone(), true));
        let delay = if edit == Edit::ChangedSleepElsewhere { 9 } else { 3 };
        let side = (edit != Edit::ReorderedSpawns).then(|| spawn(unrelated(delay)));
        let extra = (edit == Edit::ExtraTask).then(|| spawn_named("extra", unrelated(1)));
        // A renamed variable (here `renamed_b`) changes nothing a schedule names: task
        // identities come from names and future types, never from bindings.
        let (a_handle, b_handle) = (a, renamed_b);
        a_handle.await.unwrap();
        b_handle.await.unwrap();
        if let Some(s) = side {
            s.await.unwrap();
        }
        if let Some(e) = extra {
            e.await.unwrap();
        }
        assert!(balance.get() >= 0, "overdrawn: balance {}", balance.get());
    })
}

fn options() -> Explore {
    Explore::new().for_test("schedule_replay", "bank")
}

/// The schedules of the first `n` failing seeds of the unedited race under the random
/// policy.
fn failing_runs(n: usize) -> Vec<Schedule> {
    let random = options().policy(simloop::Policy::Random);
    (0..2000)
        .map(|seed| run_seed(&random, seed, &mut || bank(Edit::None)))
        .filter(|run| !run.passed())
        .map(|run| run.schedule)
        .take(n)
        .collect()
}

#[test]
fn a_recorded_schedule_replays_the_same_run_from_its_text_and_its_one_line_form() {
    let sweep = explore(options().runs(200), || bank(Edit::None));
    let (_, run) = sweep.failure.expect("a random sweep finds the overdraft");
    let schedule = &run.schedule;
    assert!(schedule.deviations().count() > 0);
    assert!(schedule.tasks.iter().any(|t| t == "alice"), "{:?}", schedule.tasks);
    for text in [schedule.to_text(), schedule.to_compact()] {
        let back = Schedule::parse(&text, "test").unwrap();
        assert_eq!(&back[0], schedule, "{text}");
        let again = run_schedule(&options(), &back[0], &mut || bank(Edit::None));
        assert_eq!(again.trace, run.trace);
        assert_eq!(again.failure, run.failure);
        assert_eq!(again.mismatch, None);
        assert_eq!(&again.schedule, schedule);
    }
}

#[test]
fn shrinking_keeps_the_failure_with_fewer_deviations_and_explains_it() {
    let sweep = explore(options().runs(200), || bank(Edit::None));
    let (_, run) = sweep.failure.expect("found");
    let shrunk = shrink(&options(), &run, &mut || bank(Edit::None)).unwrap();
    assert!(shrunk.deviations() <= shrunk.from);
    assert!(shrunk.deviations() >= 1, "FIFO passes, so one deviation at least is needed");
    assert_eq!(shrunk.run.failure.as_ref().unwrap().kind, FailureKind::Panic);
    let replay = run_schedule(&options(), &shrunk.schedule, &mut || bank(Edit::None));
    assert!(replay.failure.unwrap().message.contains("overdrawn"));
    let words = shrunk.explain();
    assert!(
        words.starts_with(&format!("fails with {} preemption", shrunk.deviations())),
        "{words}"
    );
    assert!(words.contains(&format!("(shrunk from {} in ", shrunk.from)), "{words}");
    assert!(words.contains("ran ahead of"), "{words}");
}

#[test]
fn saved_schedules_survive_unrelated_edits() {
    let schedules = failing_runs(20);
    assert!(schedules.len() == 20, "only {} sweeps failed", schedules.len());
    let mut table = String::from("edit                   reproduced\n");
    let mut survived = Vec::new();
    for edit in EDITS {
        let still = schedules
            .iter()
            .filter(|s| {
                let run = run_schedule(&options(), s, &mut || bank(edit));
                run.failure.is_some_and(|f| f.message.contains("overdrawn"))
            })
            .count();
        table.push_str(&format!("{:<22} {still}/{}\n", format!("{edit:?}"), schedules.len()));
        survived.push((edit, still));
    }
    eprintln!("{table}");
    assert_eq!(
        survived[0],
        (Edit::None, schedules.len()),
        "unedited replay always reproduces\n{table}"
    );
    assert!(survived[1..].iter().any(|(_, n)| *n > 0), "{table}");
}

fn err(text: &str) -> ScheduleError {
    Schedule::parse(text, "bank.schedules").unwrap_err()
}

#[test]
fn bad_schedules_are_errors_naming_the_file_and_the_line() {
    let sweep = explore(options().runs(200), || bank(Edit::None));
    let text = sweep.failure.unwrap().1.schedule.to_text();
    let lines: Vec<&str> = text.lines().collect();

    // Truncated: the end line is missing, or decisions are.
    let cut = lines[..lines.len() - 1].join("\n");
    let e = err(&cut);
    assert!(matches!(e, ScheduleError::Truncated { .. }), "{e}");
    assert!(e.to_string().starts_with("bank.schedules:"), "{e}");
    let mut fewer = lines.clone();
    fewer.remove(lines.len() - 2);
    assert!(matches!(err(&fewer.join("\n")), ScheduleError::Truncated { .. }));

    // Corrupt: a damaged line is named; a changed number breaks the checksum.
    let garbled = text.replacen("run ", "rnu ", 1);
    let e = err(&garbled);
    let ScheduleError::Syntax { line, .. } = &e else { panic!("{e}") };
    assert_eq!(
        lines[*line - 1].replacen("run ", "rnu ", 1),
        garbled.lines().nth(*line - 1).unwrap()
    );
    assert!(e.to_string().contains("is not a schedule line: expected"), "{e}");
    let changed = text.replacen("over 1.", "over 0.", 1);
    if changed != text {
        assert!(matches!(err(&changed), ScheduleError::Checksum { .. }), "{}", err(&changed));
    }

    // Another version, not a schedule at all.
    let newer = text.replacen("simloop-schedule 1", "simloop-schedule 2", 1);
    let e = err(&newer);
    assert_eq!(
        e,
        ScheduleError::Version { source: "bank.schedules".into(), line: 1, found: "2".into() }
    );
    assert!(e.to_string().contains("this simloop reads version 1"), "{e}");
    assert!(matches!(err("hello"), ScheduleError::NotASchedule { .. }));

    // Another test's schedule.
    let dir = std::env::temp_dir().join(format!("simloop-sched-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bank.schedules");
    std::fs::write(&path, &text).unwrap();
    let e = Schedule::load(path.to_str().unwrap(), "schedule_replay::other").unwrap_err();
    assert!(matches!(e, ScheduleError::OtherTest { .. }), "{e}");
    assert!(e.to_string().contains("replay it with SIMLOOP_TEST=schedule_replay::bank"), "{e}");
    assert!(Schedule::load(path.to_str().unwrap(), "schedule_replay::bank").is_ok());
    let e = Schedule::load("/nonexistent/x.schedules", "t").unwrap_err();
    assert!(matches!(e, ScheduleError::Unreadable { .. }), "{e}");
}

#[test]
fn a_schedule_that_stops_matching_says_which_deviation_and_why() {
    let sweep = explore(options().runs(200), || bank(Edit::None));
    let mut schedule = sweep.failure.unwrap().1.schedule.clone();
    // A deviation naming a step that never happens: bob's 99th step.
    let bob = schedule.tasks.iter().position(|t| t == "bob").unwrap();
    let alice = schedule.tasks.iter().position(|t| t == "alice").unwrap();
    schedule.decisions.insert(
        0,
        simloop::checker::Decision::Run {
            run: simloop::checker::StepRef { task: bob, callback: false, nth: 99 },
            over: simloop::checker::StepRef { task: alice, callback: false, nth: 1 },
        },
    );
    let run = run_schedule(&options(), &schedule, &mut || bank(Edit::None));
    let m = run.mismatch.expect("the first deviation never applies");
    let ScheduleError::StoppedMatching { decision, reason, .. } = &m else { panic!("{m}") };
    assert_eq!(*decision, 1);
    assert_eq!(reason, "bob's step 99 never became ready");
    // Through the explorer (SIMLOOP_SCHEDULE's path), that fails the run.
    let mut from_file = options().schedule(schedule);
    from_file.schedule_source = Some("target/bank.schedules".into());
    let e = explore(from_file, || bank(Edit::None));
    let f = e.failure.unwrap().1.failure.unwrap();
    assert_eq!(f.kind, FailureKind::ScheduleMismatch, "{}", f.message);
    assert!(
        f.message.starts_with("target/bank.schedules: the schedule stopped matching"),
        "{}",
        f.message
    );
}

#[test]
fn common_bank_is_named_by_identity() {
    let sweep = explore(options().runs(200), common::bank);
    let run = sweep.failure.unwrap().1;
    assert_eq!(run.schedule.tasks[..3], ["main", "alice", "bob"]);
}
