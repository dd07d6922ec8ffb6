//! The figures of recorded schedules, printed as tables (ignored by default; nothing here
//! asserts a time): for the overdraft race and the five planted bugs, the length of the
//! first failing schedule of a random sweep before and after shrinking and the shrink's
//! wall time; how many saved failing schedules still reproduce after edits around each
//! bug; and how many runs per second a recorded sweep makes against the same runs
//! without a recorder.
//!
//! ```text
//! cargo test --release -p simloop --test schedule_figures -- --ignored --nocapture
//! ```

mod common;

use common::edit::{Edit, EDITS};
mod planted;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use simloop::checker::{explore, run_schedule, run_seed, shrink, Explore, Schedule};
use simloop::{log, sleep, spawn, spawn_named, Policy, Runtime};
use std::time::{Duration, Instant};

type Program = fn() -> LocalBoxFuture<'static, ()>;

fn bugs() -> Vec<(&'static str, Program, &'static str)> {
    let mut all: Vec<(&'static str, Program, &'static str)> =
        vec![("overdraft_race", || common::bank().boxed_local(), "overdrawn")];
    all.extend(planted::ALL.iter().map(|b| (b.name, b.run, b.message)));
    all
}

/// Failing runs panic on purpose, thousands of times: their messages would bury the tables.
fn quiet() {
    std::panic::set_hook(Box::new(|_| {}));
}

fn options(name: &str) -> Explore {
    Explore::new().for_test("schedule_figures", name)
}

async fn metrics(ms: u64) {
    sleep(Duration::from_millis(ms)).await;
    log!("metrics flushed");
}

async fn heartbeat(ms: u64) {
    sleep(Duration::from_millis(ms)).await;
    log!("heartbeat");
}

/// `bug` with two unrelated tasks spawned before it, as `edit` changes them.
async fn around(bug: Program, edit: Edit) {
    if edit == Edit::AddedLog {
        log!("starting");
    }
    let ms = if edit == Edit::ChangedSleepElsewhere { 11 } else { 3 };
    let (m, h) = if edit == Edit::ReorderedSpawns {
        let h = spawn(heartbeat(5));
        (spawn(metrics(ms)), h)
    } else {
        let m = spawn(metrics(ms));
        (m, spawn(heartbeat(5)))
    };
    let renamed_extra = (edit == Edit::ExtraTask).then(|| spawn_named("audit", metrics(1)));
    bug().await;
    m.await.unwrap();
    h.await.unwrap();
    if let Some(e) = renamed_extra {
        e.await.unwrap();
    }
}

#[test]
#[ignore = "figures: run with --ignored --nocapture"]
fn shrinking_table() {
    quiet();
    println!("bug                            seed index  deviations  shrunk  runs  shrink ms");
    for (name, run, _) in bugs() {
        let sweep = explore(options(name).runs(5000).policy(Policy::Random), run);
        let Some((index, failing)) = sweep.failure else {
            println!("{name:<30} not found in 5000 seeds");
            continue;
        };
        let shrunk = shrink(&options(name), &failing, &mut { run }).unwrap();
        println!(
            "{name:<30} {index:>10}  {:>10}  {:>6}  {:>4}  {:>9.2}",
            shrunk.from,
            shrunk.deviations(),
            shrunk.runs,
            shrunk.took.as_secs_f64() * 1000.0
        );
        println!("    {}", shrunk.explain().replace('\n', "\n    "));
    }
}

/// The schedules of the first `n` failing seeds of `bug` (inside [`around`]) under the
/// random policy, and how many seeds that took.
fn failing(name: &str, bug: Program, n: usize) -> Vec<Schedule> {
    let random = options(name).policy(Policy::Random);
    (0..20_000)
        .map(|seed| run_seed(&random, seed, &mut || around(bug, Edit::None).boxed_local()))
        .filter(|r| !r.passed())
        .map(|r| r.schedule)
        .take(n)
        .collect()
}

#[test]
#[ignore = "figures: run with --ignored --nocapture"]
fn survival_table() {
    quiet();
    let n = 20;
    print!("{:<30}", "bug");
    for e in EDITS {
        print!(" {:>22}", format!("{e:?}"));
    }
    println!();
    let mut totals = [0usize; EDITS.len()];
    let mut count = 0;
    for (name, bug, message) in bugs() {
        // The control: every edited program passes under FIFO, so a replay that fails
        // found the bug through its schedule, not through the edit.
        for edit in EDITS {
            let fifo = run_seed(&options(name), 0, &mut || around(bug, edit).boxed_local());
            assert!(fifo.passed(), "{name} with {edit:?} fails under FIFO: {:?}", fifo.failure);
        }
        let saved = failing(name, bug, n);
        count += saved.len();
        print!("{name:<30}");
        for (i, edit) in EDITS.iter().enumerate() {
            let still = saved
                .iter()
                .filter(|s| {
                    let run =
                        run_schedule(&options(name), s, &mut || around(bug, *edit).boxed_local());
                    run.failure.is_some_and(|f| f.message.contains(message))
                })
                .count();
            totals[i] += still;
            print!(" {:>22}", format!("{still}/{}", saved.len()));
        }
        println!();
    }
    print!("{:<30}", "all");
    for t in totals {
        print!(" {:>22}", format!("{:.0}%", 100.0 * t as f64 / count as f64));
    }
    println!();
    println!("(control: each edited program passes under FIFO)");
}

#[test]
#[ignore = "figures: run with --ignored --nocapture"]
fn recording_overhead_table() {
    quiet();
    let seeds = 20_000u64;
    println!("program                        recorded runs/s  unrecorded runs/s");
    for (name, bug, _) in bugs() {
        let random = options(name).policy(Policy::Random).allow_leaks(true);
        let start = Instant::now();
        for seed in 0..seeds {
            std::hint::black_box(run_seed(&random, seed, &mut { bug }));
        }
        let recorded = seeds as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for seed in 0..seeds {
            let mut rt = random.builder(seed).build();
            let out = rt.try_block_on(bug());
            std::hint::black_box((out.is_ok(), rt.trace().len()));
        }
        let plain = seeds as f64 / start.elapsed().as_secs_f64();
        println!("{name:<30} {recorded:>15.0}  {plain:>17.0}");
    }
    let _ = Runtime::new();
}
