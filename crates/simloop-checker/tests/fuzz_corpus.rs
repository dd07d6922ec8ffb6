//! Replays the checked-in cargo-fuzz corpus (`fuzz/corpus/program/`) on stable Rust, so CI
//! exercises the fuzz target's decoding and properties without nightly or cargo-fuzz.

mod common;

use std::path::PathBuf;

use simloop_checker::program::{case_from_bytes, check};

#[test]
fn fuzz_corpus_replays() {
    common::quiet_program_panics();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/program");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus in {} has only {} files", dir.display(), files.len());
    let mut ops = 0;
    for path in &files {
        let data = std::fs::read(path).expect("read a corpus file");
        let case = case_from_bytes(&data);
        ops += case.program.size();
        if let Err(e) = check::check_case(&case) {
            panic!(
                "{}: {e}\nseed {} policy {}\nprogram:\n{}",
                path.display(),
                case.seed,
                case.policy,
                case.program
            );
        }
    }
    assert!(ops > files.len(), "the corpus decodes to almost empty programs ({ops} ops)");
    eprintln!("fuzz corpus: {} inputs replayed, {ops} ops", files.len());
}
