//! The committed regression file `tests/schedule_regressions.schedules`: the shrunk
//! schedule of the overdraft race (tests/common's `bank`), which `#[simloop::test]`
//! replays before its sweep — so this file's first test fails from the regression, not
//! from the sweep, on every run and in CI.

mod common;

use simloop::checker::{regressions, run_schedule, Explore, TestInfo};

/// The race, found once by a 200-seed sweep and saved; the regression replays first and
/// fails the test (`should_panic` names the regression file's message).
#[simloop::test(seeds = 200)]
#[should_panic(expected = "failed replaying regression 1 of 1 from the regression file")]
async fn overdraft_race_regression() {
    common::bank().await;
}

#[test]
fn the_committed_regression_reproduces_the_overdraft() {
    let info = TestInfo {
        package: env!("CARGO_PKG_NAME"),
        crate_name: env!("CARGO_CRATE_NAME"),
        name: "overdraft_race_regression".into(),
        target_tmpdir: option_env!("CARGO_TARGET_TMPDIR"),
        ignored: false,
        source: Some((env!("CARGO_MANIFEST_DIR"), file!())),
    };
    let path = info.regression_file().unwrap();
    assert!(path.ends_with("tests/schedule_regressions.schedules"), "{}", path.display());
    let test = format!("{}::overdraft_race_regression", env!("CARGO_CRATE_NAME"));
    let entries = regressions(&path, &test).unwrap();
    assert_eq!(entries.len(), 1);
    let options = Explore::new().for_test(env!("CARGO_CRATE_NAME"), "overdraft_race_regression");
    let run = run_schedule(&options, &entries[0], &mut common::bank);
    assert_eq!(run.mismatch, None);
    assert!(run.failure.unwrap().message.contains("overdrawn: balance -60"));
}
