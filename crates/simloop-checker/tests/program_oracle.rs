//! Differential test: generated programs on simloop against CPython's asyncio.
//!
//! Each program is rendered to asyncio Python (`program::python`), and one python3 process
//! runs the whole batch under the project's virtual clock (`tests/oracle/program_batch.py`,
//! built on `tests/oracle/vclock.py`). Its trace must equal simloop's FIFO trace line for
//! line: log lines with instants and task names, the elapsed time, and how main ended.
//!
//! Skipped, loudly, when no `python3` >= 3.11 is on the PATH. `SIMLOOP_ORACLE_PROGRAMS`
//! sets how many programs to compare (default 300), `SIMLOOP_ORACLE_SEED` which ones
//! (decimal or `0x` hex); a malformed value fails the test, naming the variable.

mod common;

use std::path::PathBuf;
use std::process::Command;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use simloop_checker::env::OracleVars;
use simloop_checker::program::{interp, python, strategy, Program};
use simloop_executor::Policy;

/// `python3` if it is CPython 3.11 or newer.
fn python() -> Option<&'static str> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.version_info >= (3, 11))"])
        .output()
        .ok()?;
    (out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "True")
        .then_some("python3")
}

fn programs(n: u64, seed: u64) -> Vec<Program> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let bounds = strategy::Bounds { sync: true, catch: true, ..strategy::Bounds::default() };
    let strategy = strategy::program(bounds);
    (0..n).map(|_| strategy.new_tree(&mut runner).expect("a program").current()).collect()
}

/// Runs the batch on CPython; returns each program's output, by index.
fn oracle(python: &str, programs: &[Program]) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oracle");
    let input = std::env::temp_dir().join(format!("simloop-programs-{}.txt", std::process::id()));
    std::fs::write(&input, python::render_batch(programs)).expect("write the batch");
    let out = Command::new(python)
        .arg(dir.join("program_batch.py"))
        .arg(&input)
        .output()
        .expect("run python3");
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        panic!(
            "program_batch.py failed on {} (kept); the end of its stderr:\n{}",
            input.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    let _ = std::fs::remove_file(&input);
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let outputs: Vec<String> = text
        .split("### ")
        .skip(1)
        .map(|chunk| chunk.split_once('\n').map_or("", |(_, rest)| rest).trim_end().to_string())
        .collect();
    assert_eq!(outputs.len(), programs.len(), "one output per program");
    outputs
}

#[test]
fn generated_programs_match_cpython() {
    let Some(python) = python() else {
        eprintln!(
            "\n**********************************************************************\n\
             SKIPPED generated_programs_match_cpython: no python3 >= 3.11 on the PATH,\n\
             so simloop was NOT compared with CPython. Install CPython 3.11+ to run it.\n\
             **********************************************************************\n"
        );
        return;
    };
    common::quiet_program_panics();
    let vars = OracleVars::from_env().unwrap_or_else(|e| panic!("{e}"));
    let n = vars.programs.unwrap_or(300);
    let seed = vars.seed.unwrap_or(0x5eed);
    let programs = programs(n, seed);
    let expected = oracle(python, &programs);
    let mut differences = Vec::new();
    let mut waits = 0;
    // Cancellations caught by a program's cancel scope, and how many of them were refused
    // (a sign that the programs do clean up after cancellations).
    let (mut caught, mut refused) = (0, 0);
    // Results of lock, semaphore, event and queue ops, and how many of them waited or timed
    // out (a sign that the programs do contend).
    let (mut sync_ops, mut sync_timeouts) = (0, 0);
    for (i, (program, want)) in programs.iter().zip(&expected).enumerate() {
        let run = interp::run(program, 0, Policy::Fifo);
        let got = format!("{}\n{}", run.trace.text(), run.main_line());
        waits += got.matches(" wait -> done ").count();
        caught += got.matches(" caught\n").count();
        refused += got.matches(" refused\n").count();
        for line in got.lines() {
            // `   0.250s  t1.2         locked`: the message after the instant and the name.
            let rest = line.trim_start().split_once(' ').map_or("", |(_, r)| r.trim_start());
            let msg = rest.split_once(' ').map_or("", |(_, m)| m.trim_start());
            if ["locked", "permit", "set"].contains(&msg)
                || ["event -> ", "put ", "get -> "].iter().any(|p| msg.starts_with(p))
            {
                sync_ops += 1;
                sync_timeouts += usize::from(msg.ends_with("-> timeout"));
            }
        }
        if &got != want {
            differences
                .push(format!("program {i}:\n{program}--- simloop\n{got}\n--- CPython\n{want}\n"));
        }
    }
    eprintln!(
        "differential: {} programs compared with CPython ({waits} wait results, {sync_ops} \
         lock/semaphore/event/queue results of which {sync_timeouts} timed out, {caught} \
         cancellations caught and cleaned up after, {refused} of them refused, among them), \
         {} differences",
        programs.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
