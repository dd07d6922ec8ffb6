//! The checker's renderings of one trace: timeline picture, Chrome JSON, snapshots.

use simloop_checker::{
    assert_timeline_snapshot, assert_trace_snapshot, chrome_trace_value, snapshot_dir, timeline,
};
use simloop_executor::{log, sleep, spawn, spawn_named, Runtime};
use std::time::Duration;

async fn say_after(delay: u64, what: &str) {
    sleep(Duration::from_secs(delay)).await;
    log!("{what}");
}

/// The guide's create_task example, with the second task named.
fn create_task_example() -> Runtime {
    let mut rt = Runtime::builder().wall_clock_hms(17, 13, 52).build();
    rt.block_on(async {
        let t1 = spawn(say_after(1, "hello"));
        let t2 = spawn_named("world-task", say_after(2, "world"));
        log!("started");
        t1.await.unwrap();
        t2.await.unwrap();
        log!("finished");
    });
    rt
}

#[test]
fn timeline_shows_tasks_as_rows_over_virtual_instants() {
    let rt = create_task_example();
    assert_eq!(
        timeline(&rt.trace()),
        "\
task          0.000s  1.000s  2.000s
main          +ssL    ------  LF
Task-2        +z      tLF
world-task    +z      ------  tLF
-- elapsed 2.000s
legend: + start  s spawn  z sleep  t timer fired  L log  F finished"
    );
}

#[test]
fn timeline_wraps_many_instants_into_blocks_and_shortens_runs() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        for i in 0..20u64 {
            sleep(Duration::from_millis(1500)).await;
            if i == 3 {
                for _ in 0..6 {
                    log!("burst");
                }
            }
        }
    });
    let picture = timeline(&rt.trace());
    let blocks = picture.matches("\ntask ").count() + usize::from(picture.starts_with("task "));
    assert_eq!(blocks, 3, "{picture}");
    assert!(picture.lines().all(|l| l.len() <= simloop_checker::TIMELINE_WIDTH), "{picture}");
    assert!(picture.contains("tL*6z"), "{picture}");
    assert!(picture.ends_with(
        "-- elapsed 30.000s\nlegend: + start  z sleep  t timer fired  L log  F finished"
    ));
}

#[test]
fn chrome_json_has_a_named_thread_per_task_and_slices_in_virtual_microseconds() {
    let rt = create_task_example();
    let doc = chrome_trace_value(&rt.trace(), Some((rt.seed(), rt.policy())));
    let events = doc["traceEvents"].as_array().unwrap();
    let names: Vec<(u64, String)> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| (e["tid"].as_u64().unwrap(), e["args"]["name"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(names, vec![(1, "main".into()), (2, "Task-2".into()), (3, "world-task".into())]);
    let slices: Vec<(String, u64, f64, f64)> = events
        .iter()
        .filter(|e| e["ph"] == "X")
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["tid"].as_u64().unwrap(),
                e["ts"].as_f64().unwrap(),
                e["dur"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        slices,
        vec![
            ("sleep".into(), 2, 0.0, 1e6),
            ("sleep".into(), 3, 0.0, 2e6),
            ("main".into(), 1, 0.0, 2e6),
            ("Task-2".into(), 2, 0.0, 1e6),
            ("world-task".into(), 3, 0.0, 2e6),
        ]
    );
    let logs: Vec<(&str, f64)> = events
        .iter()
        .filter(|e| e["cat"] == "log")
        .map(|e| (e["name"].as_str().unwrap(), e["ts"].as_f64().unwrap()))
        .collect();
    assert_eq!(logs, vec![("started", 0.0), ("hello", 1e6), ("world", 2e6), ("finished", 2e6)]);
    assert_eq!(doc["otherData"]["seed"], "0x0");
    assert_eq!(doc["otherData"]["policy"], "fifo");
    assert_eq!(doc["otherData"]["elapsed"], "2.000s");
}

#[test]
fn snapshots_go_to_the_workspace_snapshots_folder_under_the_crates_path() {
    let dir = snapshot_dir(env!("CARGO_MANIFEST_DIR"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap();
    assert_eq!(dir, root.join("snapshots").join("crates").join("simloop-checker"));
    // The root package's go straight into snapshots/; two crates' never share a folder,
    // so two crates' `tests/api.rs::hello` never share a file.
    assert_eq!(snapshot_dir(root.to_str().unwrap()), root.join("snapshots"));
    let other = root.join("crates").join("simloop-executor");
    assert_ne!(snapshot_dir(other.to_str().unwrap()), dir);
    assert!(dir.join("render__create_task_trace_snapshot.snap").is_file());
}

#[test]
fn create_task_trace_snapshot() {
    let rt = create_task_example();
    assert_trace_snapshot!(rt);
    assert_timeline_snapshot!("create_task_timeline", &rt);
    let file =
        snapshot_dir(env!("CARGO_MANIFEST_DIR")).join("render__create_task_trace_snapshot.snap");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("description: \"seed 0x0, policy fifo\""), "{text}");
    assert!(text.contains("  seed: \"0x0\"\n  policy: fifo\n  elapsed: 2.000s"), "{text}");
    assert!(text.contains(
        "   2.000s  world-task   world\n   2.000s  main         finished\n-- elapsed 2.000s"
    ));
}
