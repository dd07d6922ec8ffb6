//! Depending on simloop without its default features gives the executor, the primitives
//! and the checker's core (exploration, replay, reports, `#[simloop::test]`), and none of
//! the crates the optional features bring (issue 14, item 6). CI also builds and tests the
//! facade that way (`.ci/run`).

use std::process::Command;

/// The crates only the optional features (snapshot, proptest, fuzz, perfetto) pull in.
const OPTIONAL: &[&str] =
    &["insta ", "proptest ", "arbitrary ", "serde_json ", "rusty-fork ", "regex-syntax "];

/// `cargo tree -p simloop -e normal` with `extra` arguments, as text.
fn tree(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "simloop", "-e", "normal", "--offline", "--color", "never"])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn without_default_features_no_optional_crate_is_a_dependency() {
    let lean = tree(&["--no-default-features"]);
    for krate in OPTIONAL {
        assert!(!lean.contains(&format!(" {krate}")), "{krate}in:\n{lean}");
    }
    for core in ["simloop-executor ", "simloop-primitives ", "simloop-checker ", "simloop-macros "]
    {
        assert!(lean.contains(core), "{core}missing:\n{lean}");
    }
    let full = tree(&[]);
    for krate in ["insta ", "proptest ", "arbitrary ", "serde_json "] {
        assert!(full.contains(&format!(" {krate}")), "{krate}not in the default tree:\n{full}");
    }
    assert!(lean.lines().count() * 3 / 2 < full.lines().count(), "{lean}\n{full}");
}

#[test]
fn ci_builds_and_tests_without_default_features() {
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l == "cargo test -p simloop -p simloop-checker --no-default-features"),
        "{ci}"
    );
}
