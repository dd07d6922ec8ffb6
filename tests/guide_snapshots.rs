//! Trace and timeline snapshots of the guide's examples (`tests/guide/mod.rs`), stored in
//! the top-level `snapshots/` folder with the seed and policy in their metadata. Review a
//! change with `cargo insta review`.
//!
//! The list is explicit so that adding an example to the guide registry does not fail CI
//! for want of a snapshot: add its number here and accept the new snapshot.

mod common;
mod guide;

use simloop::checker::{assert_timeline_snapshot, assert_trace_snapshot};

/// The guide examples with reviewed snapshots.
const SNAPSHOTTED: &[u32] = &[1, 2, 3];

fn run(number: u32) -> simloop::Runtime {
    let ex = guide::examples().into_iter().find(|e| e.number == number).expect("a guide example");
    let mut rt = guide::runtime();
    (ex.run)(&mut rt);
    rt
}

/// The snapshot name: the example's oracle case (`seed_03_create_task`).
fn name(number: u32) -> &'static str {
    guide::examples().into_iter().find(|e| e.number == number).expect("a guide example").case
}

#[test]
fn guide_example_traces() {
    for &n in SNAPSHOTTED {
        let rt = run(n);
        assert_trace_snapshot!(name(n), &rt);
    }
}

#[test]
fn guide_example_timelines() {
    for &n in SNAPSHOTTED {
        let rt = run(n);
        assert_timeline_snapshot!(format!("{}_timeline", name(n)).as_str(), &rt);
    }
}
