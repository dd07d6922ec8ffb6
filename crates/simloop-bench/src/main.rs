//! The bench binary: simloop against tokio's paused clock, in the same process.
//!
//! ```text
//! cargo run --release -p simloop-bench            # full run, medians of 3 rounds
//! cargo run --release -p simloop-bench -- --quick # small sizes, one round (smoke test)
//! ```
//!
//! `-- --warm-heap` reruns the bench in a child process whose glibc heap never shrinks
//! (`GLIBC_TUNABLES` trim and mmap thresholds at 4 GB): freed memory stays mapped, so a
//! workload reuses pages an earlier run touched instead of faulting them in again. That
//! measures the runtimes rather than the kernel's page faults, whose cost depends on which
//! workloads ran before in the process (a fresh heap is the default).
//!
//! Each round runs every workload on simloop with tracing on, on tokio, and on simloop
//! with tracing off (A B A B ...), the order rotating from round to round; the table shows
//! medians of the rounds. Memory per
//! parked task is measured in child processes (see `simloop_bench::rss`).

use std::process::Command;
use std::time::Duration;

use simloop_bench::stopwatch::Spent;
use simloop_bench::{bare, rss, sim, sleeps, tok, Outcome, Workload};

struct Row {
    workload: Workload,
    sim_on: Vec<Outcome>,
    sim_off: Vec<Outcome>,
    tokio: Vec<Outcome>,
    /// W1 only: the bare async-task executor ([`bare`]).
    bare: Vec<Outcome>,
}

fn median(v: &[Outcome]) -> f64 {
    let mut ns: Vec<f64> = v.iter().map(Outcome::ns_per_event).collect();
    ns.sort_by(f64::total_cmp);
    ns[ns.len() / 2]
}

/// What `--help` prints.
const USAGE: &str = "\
usage: cargo run --release -p simloop-bench -- [options]

Runs each workload (W1 sleep storm, W2 spawn/join, W3 timeouts, W4 gather fan-out, W5 seed
sweep) on simloop (traced and untraced), on tokio's paused clock and, for W1, on a bare
async-task executor, in the same process, and prints the medians.

options:
  --quick          small sizes, one round (a smoke run of a few seconds)
  --rounds N       rounds per workload (default 6, 1 with --quick)
  --only W3        one workload (W1..W5)
  --side S         one runtime only: simloop, simloop-off, tokio or bare (for profiling)
  --warm-heap      rerun in a child whose glibc heap keeps freed pages
  --help, -h       this text";

/// The options `main` knows; anything else is refused with the usage.
const KNOWN_FLAGS: &[&str] = &["--quick", "--rounds", "--only", "--side", "--warm-heap"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("rss") {
        rss_child(&args[1..]);
        return;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    if let Some(bad) =
        args.iter().find(|a| a.starts_with('-') && !KNOWN_FLAGS.contains(&a.as_str()))
    {
        eprintln!("simloop-bench: unknown option {bad}\n\n{USAGE}");
        std::process::exit(2);
    }
    if args.iter().any(|a| a == "--warm-heap") && std::env::var_os(WARM_HEAP_ENV).is_none() {
        std::process::exit(rerun_with_warm_heap(&args));
    }
    if std::env::var_os(WARM_HEAP_ENV).is_some() {
        println!("Heap: warm (glibc trim and mmap thresholds 4 GB: freed pages are reused).");
    } else {
        println!("Heap: fresh (glibc defaults: freed memory goes back to the kernel).");
    }
    let quick = args.iter().any(|a| a == "--quick");
    let rounds: usize = flag(&args, "--rounds").unwrap_or(if quick { 1 } else { 6 });
    let only: Option<String> = flag(&args, "--only");
    // For profiling one side: `--side simloop|simloop-off|tokio|bare`.
    let side: Option<String> = flag(&args, "--side");
    let runs = |name: &str| side.as_deref().map_or(true, |s| s == name);
    let workloads = if quick { quick_set() } else { full_set() };
    let mut rows: Vec<Row> = workloads
        .into_iter()
        .filter(|w| only.as_ref().map_or(true, |o| w.label().starts_with(o.as_str())))
        .map(|workload| Row {
            workload,
            sim_on: vec![],
            sim_off: vec![],
            tokio: vec![],
            bare: vec![],
        })
        .collect();
    for round in 0..rounds {
        for row in &mut rows {
            let w = row.workload;
            let spent = Spent { wall: Duration::ZERO, cpu: None };
            let skipped = Outcome { events: 1, elapsed: Duration::ZERO, spent };
            let pick = |name: &str, f: &dyn Fn() -> Outcome| if runs(name) { f() } else { skipped };
            // The order rotates each round, so that no side always runs first (on a heap
            // the kernel has not handed out yet) or right after another.
            for k in 0..4 {
                match (k + round) % 4 {
                    0 => row.sim_on.push(pick("simloop", &|| sim::run(&w, true))),
                    1 => row.tokio.push(pick("tokio", &|| tok::run(&w))),
                    2 => row.sim_off.push(pick("simloop-off", &|| sim::run(&w, false))),
                    _ if runs("bare") => row.bare.extend(bare::run(&w)),
                    _ => {}
                }
            }
            let last = |v: &[Outcome]| v.last().copied().unwrap_or(skipped);
            let (on, off, tk) = (last(&row.sim_on), last(&row.sim_off), last(&row.tokio));
            eprintln!(
                "round {}: {:<22} cpu ns: simloop {:>6.0} (trace off {:>6.0}) tokio {:>6.0} | \
                 wall ns: {:>6.0} ({:>6.0}) {:>6.0}",
                round + 1,
                w.label(),
                on.ns_per_event(),
                off.ns_per_event(),
                tk.ns_per_event(),
                on.wall_ns_per_event(),
                off.wall_ns_per_event(),
                tk.wall_ns_per_event(),
            );
        }
    }
    print_table(&rows, rounds);
    print_scaling(&rows);
    print_floor(&rows);
    if only.is_none() && side.is_none() {
        let sizes: &[usize] = if quick { &[10_000] } else { &[100_000, 1_000_000] };
        print_memory(sizes);
    }
}

/// Set in the child that `--warm-heap` starts.
const WARM_HEAP_ENV: &str = "SIMLOOP_BENCH_WARM_HEAP";

/// Runs this bench again with a heap that keeps freed pages; returns its exit code.
fn rerun_with_warm_heap(args: &[String]) -> i32 {
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let status = Command::new(exe)
        .args(args)
        .env(WARM_HEAP_ENV, "1")
        .env(
            "GLIBC_TUNABLES",
            "glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=4000000000",
        )
        .status()
        .expect("the bench can start itself");
    status.code().unwrap_or(1)
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
        Workload::LockContention { tasks: 100, rounds: 10_000 },
        Workload::ProducerConsumer { producers: 10, items: 1_000_000, capacity: 64 },
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
        Workload::LockContention { tasks: 100, rounds: 1_000 },
        Workload::ProducerConsumer { producers: 10, items: 100_000, capacity: 64 },
    ]
}

fn print_table(rows: &[Row], rounds: usize) {
    println!();
    println!(
        "Medians of {rounds} round(s), same process, A B A B; ns per event of on-CPU time \
         (wall time in the last column's ratio)."
    );
    println!();
    println!(
        "| workload | event | simloop | simloop, trace off | tokio | tokio/simloop | \
         tokio/simloop, trace off | trace on/off | same virtual elapsed | tokio/simloop (wall) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
    for r in rows {
        let (on, off, tk) = (median(&r.sim_on), median(&r.sim_off), median(&r.tokio));
        let same = r.sim_on.iter().chain(&r.sim_off).all(|o| o.elapsed == r.tokio[0].elapsed)
            && r.tokio.iter().all(|o| o.elapsed == r.tokio[0].elapsed);
        let wall = |v: &[Outcome]| {
            let mut ns: Vec<f64> = v.iter().map(Outcome::wall_ns_per_event).collect();
            ns.sort_by(f64::total_cmp);
            ns[ns.len() / 2]
        };
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.2}x | {:.2}x | {:.2} | {} ({}) | {:.2}x |",
            r.workload.label(),
            r.workload.event_name(),
            on,
            off,
            tk,
            tk / on,
            tk / off,
            on / off,
            if same { "yes" } else { "NO" },
            fmt_elapsed(r.tokio[0].elapsed),
            wall(&r.tokio) / wall(&r.sim_on),
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
        "Scaling, {} -> {}: ns per sleep grows {:.2}x on simloop (trace off {:.2}x), \
         {:.2}x on tokio.",
        first.workload.label(),
        last.workload.label().trim_start_matches("W1 sleep storm "),
        median(&last.sim_on) / median(&first.sim_on),
        median(&last.sim_off) / median(&first.sim_off),
        median(&last.tokio) / median(&first.tokio),
    );
}

/// W1 on the bare async-task executor next to simloop untraced and tokio.
fn print_floor(rows: &[Row]) {
    let w1: Vec<&Row> = rows.iter().filter(|r| !r.bare.is_empty()).collect();
    if w1.is_empty() {
        return;
    }
    println!();
    println!(
        "The floor, W1 on a bare async-task executor (ready queue + timer map, nothing \
         else; `src/bare.rs`), ns per sleep:"
    );
    println!();
    println!("| workload | bare | simloop, trace off | simloop/bare | tokio/bare |");
    println!("|---|---:|---:|---:|---:|");
    for r in &w1 {
        let (b, s, t) = (median(&r.bare), median(&r.sim_off), median(&r.tokio));
        println!("| {} | {b:.0} | {s:.0} | {:.2}x | {:.2}x |", r.workload.label(), s / b, t / b);
    }
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
    // The parked future prints the growth per task and exits the process: the teardown
    // of a million pending tasks is not what is measured.
    match side {
        "tokio" => tok::runtime().block_on(tok_park(table, before)),
        _ => {
            let mut rt = simloop_executor::Runtime::builder().tracing(side == "simloop").build();
            rt.block_on(sim_park(table, before))
        }
    }
}

fn report_and_exit(before: u64, tasks: usize) -> ! {
    let parked = rss::peak_bytes().unwrap_or(0);
    println!("{}", parked.saturating_sub(before) as f64 / tasks as f64);
    std::process::exit(0)
}

async fn sim_park(table: Vec<sleeps::TaskSleeps>, before: u64) {
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
    std::hint::black_box(&handles);
    report_and_exit(before, n)
}

async fn tok_park(table: Vec<sleeps::TaskSleeps>, before: u64) {
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
    std::hint::black_box(&handles);
    report_and_exit(before, n)
}
