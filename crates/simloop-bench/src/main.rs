//! The bench binary: simloop against tokio's paused clock, in the same process.
//!
//! ```text
//! cargo run --release -p simloop-bench            # full run, medians of 3 rounds
//! cargo run --release -p simloop-bench -- --quick # small sizes, one round (smoke test)
//! ```
//!
//! Each round runs every workload on simloop with tracing on, on tokio, then on simloop
//! with tracing off (A B A B ...); the table shows medians of the rounds. Memory per
//! parked task is measured in child processes (see `simloop_bench::rss`).

use std::process::Command;
use std::time::Duration;

use simloop_bench::{rss, sim, sleeps, tok, Outcome, Workload};

struct Row {
    workload: Workload,
    sim_on: Vec<Outcome>,
    sim_off: Vec<Outcome>,
    tokio: Vec<Outcome>,
}

fn median(v: &[Outcome]) -> f64 {
    let mut ns: Vec<f64> = v.iter().map(Outcome::ns_per_event).collect();
    ns.sort_by(f64::total_cmp);
    ns[ns.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("rss") {
        rss_child(&args[1..]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let rounds: usize = flag(&args, "--rounds").unwrap_or(if quick { 1 } else { 3 });
    let only: Option<String> = flag(&args, "--only");
    // For profiling one side: `--side simloop|simloop-off|tokio`.
    let side: Option<String> = flag(&args, "--side");
    let runs = |name: &str| side.as_deref().is_none_or(|s| s == name);
    let workloads = if quick { quick_set() } else { full_set() };
    let mut rows: Vec<Row> = workloads
        .into_iter()
        .filter(|w| only.as_ref().is_none_or(|o| w.label().starts_with(o.as_str())))
        .map(|workload| Row { workload, sim_on: vec![], sim_off: vec![], tokio: vec![] })
        .collect();
    for round in 0..rounds {
        for row in &mut rows {
            let w = row.workload;
            let skipped = Outcome { events: 1, elapsed: Duration::ZERO, wall: Duration::ZERO };
            let pick = |name: &str, f: &dyn Fn() -> Outcome| if runs(name) { f() } else { skipped };
            row.sim_on.push(pick("simloop", &|| sim::run(&w, true)));
            row.tokio.push(pick("tokio", &|| tok::run(&w)));
            row.sim_off.push(pick("simloop-off", &|| sim::run(&w, false)));
            eprintln!(
                "round {}: {:<24} simloop {:>7.1} ns (trace off {:>7.1})  tokio {:>7.1} ns",
                round + 1,
                w.label(),
                row.sim_on.last().map_or(0.0, Outcome::ns_per_event),
                row.sim_off.last().map_or(0.0, Outcome::ns_per_event),
                row.tokio.last().map_or(0.0, Outcome::ns_per_event),
            );
        }
    }
    print_table(&rows, rounds);
    print_scaling(&rows);
    if only.is_none() && side.is_none() {
        let sizes: &[usize] = if quick { &[10_000] } else { &[100_000, 1_000_000] };
        print_memory(sizes);
    }
}

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

fn full_set() -> Vec<Workload> {
    vec![
        Workload::SleepStorm { tasks: 10_000 },
        Workload::SleepStorm { tasks: 100_000 },
        Workload::SleepStorm { tasks: 1_000_000 },
        Workload::SpawnJoin { tasks: 1_000_000 },
        Workload::TimeoutChurn { quiet: 1_000_000, fired: 100_000, workers: 1_000 },
        Workload::FanOut { depth: 6, fanout: 8 },
        Workload::SeedSweep { seeds: 10_000 },
    ]
}

fn quick_set() -> Vec<Workload> {
    vec![
        Workload::SleepStorm { tasks: 1_000 },
        Workload::SleepStorm { tasks: 10_000 },
        Workload::SpawnJoin { tasks: 100_000 },
        Workload::TimeoutChurn { quiet: 100_000, fired: 10_000, workers: 100 },
        Workload::FanOut { depth: 4, fanout: 8 },
        Workload::SeedSweep { seeds: 1_000 },
    ]
}

fn print_table(rows: &[Row], rounds: usize) {
    println!();
    println!("Medians of {rounds} round(s), ns per event (wall), same process, A B A B.");
    println!();
    println!(
        "| workload | event | simloop | simloop, trace off | tokio | tokio/simloop | trace on/off | same virtual elapsed |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    for r in rows {
        let (on, off, tk) = (median(&r.sim_on), median(&r.sim_off), median(&r.tokio));
        let same = r.sim_on.iter().chain(&r.sim_off).all(|o| o.elapsed == r.tokio[0].elapsed)
            && r.tokio.iter().all(|o| o.elapsed == r.tokio[0].elapsed);
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.2}x | {:.2} | {} ({}) |",
            r.workload.label(),
            r.workload.event_name(),
            on,
            off,
            tk,
            tk / on,
            on / off,
            if same { "yes" } else { "NO" },
            fmt_elapsed(r.tokio[0].elapsed),
        );
    }
}

fn fmt_elapsed(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

fn print_scaling(rows: &[Row]) {
    let w1: Vec<&Row> =
        rows.iter().filter(|r| matches!(r.workload, Workload::SleepStorm { .. })).collect();
    if w1.len() < 2 {
        return;
    }
    let (first, last) = (w1[0], w1[w1.len() - 1]);
    println!();
    println!(
        "Scaling, W1 {} -> {}: simloop ns/sleep grows {:.2}x (trace off {:.2}x), tokio {:.2}x.",
        first.workload.label(),
        last.workload.label(),
        median(&last.sim_on) / median(&first.sim_on),
        median(&last.sim_off) / median(&first.sim_off),
        median(&last.tokio) / median(&first.tokio),
    );
}

fn print_memory(sizes: &[usize]) {
    println!();
    println!("Peak RSS per parked task, W1 (child process per cell, VmHWM delta / tasks):");
    println!();
    println!("| tasks | simloop | simloop, trace off | tokio |");
    println!("|---:|---:|---:|---:|");
    for &n in sizes {
        let cell = |side: &str| child_rss(side, n).map_or("?".to_string(), |b| format!("{b:.0} B"));
        println!("| {n} | {} | {} | {} |", cell("simloop"), cell("simloop-off"), cell("tokio"));
    }
}

fn child_rss(side: &str, tasks: usize) -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).args(["rss", side, &tasks.to_string()]).output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// Child mode: parks `tasks` W1 sleepers and prints the peak-RSS growth per task.
fn rss_child(args: &[String]) {
    let side = args.first().map(String::as_str).unwrap_or("simloop");
    let tasks: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let table = sleeps::storm(tasks);
    let before = rss::peak_bytes().unwrap_or(0);
    let parked = match side {
        "tokio" => tok::runtime().block_on(tok_park(table)),
        _ => {
            let mut rt = simloop_executor::Runtime::builder().tracing(side == "simloop").build();
            rt.block_on(sim_park(table))
        }
    };
    let grown = parked.saturating_sub(before);
    println!("{}", grown as f64 / tasks as f64);
    // Skip the teardown: the measurement is taken.
    std::process::exit(0);
}

async fn sim_park(table: Vec<sleeps::TaskSleeps>) -> u64 {
    use std::cell::Cell;
    use std::rc::Rc;
    let n = table.len();
    let started = Rc::new(Cell::new(0usize));
    let mut handles = Vec::with_capacity(n);
    for ms in table {
        let started = started.clone();
        handles.push(simloop_executor::spawn(async move {
            started.set(started.get() + 1);
            for m in ms {
                simloop_executor::sleep(Duration::from_millis(u64::from(m))).await;
            }
        }));
    }
    while started.get() < n {
        simloop_executor::yield_now().await;
    }
    let peak = rss::peak_bytes().unwrap_or(0);
    std::hint::black_box(&handles);
    peak
}

async fn tok_park(table: Vec<sleeps::TaskSleeps>) -> u64 {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let n = table.len();
    let started = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(n);
    for ms in table {
        let started = started.clone();
        handles.push(tokio::spawn(async move {
            started.fetch_add(1, Ordering::Relaxed);
            for m in ms {
                tokio::time::sleep(Duration::from_millis(u64::from(m))).await;
            }
        }));
    }
    while started.load(Ordering::Relaxed) < n {
        tokio::task::yield_now().await;
    }
    let peak = rss::peak_bytes().unwrap_or(0);
    std::hint::black_box(&handles);
    peak
}
