//! The guide's examples, each run on simloop and compared line for line (messages, task
//! names, virtual instants, elapsed) with CPython's trace of the same program.

mod common;
mod guide;

use std::time::Duration;

fn run_example(number: u32) -> simloop::Runtime {
    let ex = guide::examples().into_iter().find(|e| e.number == number).expect("example");
    let mut rt = guide::runtime();
    (ex.run)(&mut rt);
    assert_eq!(rt.trace().text(), common::oracle(ex.case), "guide example {number}: {}", ex.title);
    rt
}

#[test]
fn single_await_prints_hello_then_world_one_second_later() {
    let rt = run_example(1);
    assert_eq!(rt.now().as_duration(), Duration::from_secs(1));
}

#[test]
fn multiple_awaits_run_one_after_the_other_in_three_seconds() {
    let rt = run_example(2);
    assert!(rt.trace().text().contains("finished at 17:13:55"));
    assert_eq!(rt.now().as_duration(), Duration::from_secs(3));
}

#[test]
fn create_task_runs_both_concurrently_in_two_seconds() {
    let rt = run_example(3);
    assert!(rt.trace().text().contains("finished at 17:13:54"));
    assert_eq!(rt.now().as_duration(), Duration::from_secs(2));
}

#[test]
fn every_guide_example_matches_cpython() {
    for ex in guide::examples() {
        run_example(ex.number);
    }
}

/// The tour names its sources and says why it prints Python reprs (issue 14, item 10).
#[test]
fn the_tour_names_its_source_files_and_explains_the_python_reprs() {
    let header = guide::TOUR_HEADER;
    for file in ["examples/asyncio_guide.rs", "tests/guide/mod.rs", "tests/oracle/cases/"] {
        assert!(header.contains(file), "{file}: {header}");
        let path = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), file.trim_end_matches('/'));
        assert!(std::path::Path::new(&path).exists(), "{path}");
    }
    assert!(header.contains("Python reprs included (`<class 'list'>`"), "{header}");
    // The examples that print a repr do print it.
    let reprs = guide::examples().into_iter().any(|ex| {
        let mut rt = guide::runtime();
        (ex.run)(&mut rt);
        rt.trace().text().contains("<class 'list'>")
    });
    assert!(reprs);
}
