//! The README's code, compiled and run, so what it claims stays true.

use simloop::{log, now, sleep, spawn, Instant, Runtime};
use std::time::Duration;

#[test]
fn ten_line_example() {
    let mut rt = Runtime::builder().seed(42).build();
    rt.block_on(async {
        let t = spawn(async {
            sleep(Duration::from_secs(2)).await;
            log!("world")
        });
        log!("hello");
        t.await.unwrap();
    });
    assert_eq!(
        rt.trace().text(),
        "   0.000s  main         hello\n   2.000s  Task-2       world\n-- elapsed 2.000s"
    );
}

#[simloop::test]
async fn retries_back_off_for_an_hour() {
    let mut delay = Duration::from_secs(1);
    while now() < Instant::from_secs(3600) {
        sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(300));
    }
    assert_eq!(now(), Instant::from_secs(3811)); // exact, and no wall time spent
}

/// The Markdown files whose code blocks must compile: README.md and every file in docs/.
fn markdown_files() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(format!("{root}/docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Every code block of README.md and docs/*.md is compiled: the facade includes each file
/// as the docs of a `#[cfg(doctest)]` item, so `cargo test` compiles and runs its Rust
/// blocks as doc tests (issue 14, item 4: the README's task-group example had stopped
/// compiling). A block is Rust unless it names another language; none may opt out with
/// `ignore`.
#[test]
fn every_code_block_of_the_readme_and_docs_is_a_doc_test() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    let mut rust_blocks = 0;
    for file in markdown_files() {
        let include = format!("#[cfg(doctest)]\n#[doc = include_str!(\"../{file}\")]");
        assert!(
            lib.contains(&include),
            "src/lib.rs does not compile {file}'s code: add\n{include}"
        );
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let fences = text.lines().filter(|l| l.trim_start().starts_with("```"));
        // Opening fences are every other one.
        for info in fences.step_by(2).map(|l| l.trim_start().trim_start_matches('`').trim()) {
            let words: Vec<&str> = info.split(',').map(str::trim).collect();
            let rust = words[0].is_empty() || words[0] == "rust";
            assert!(
                !(rust && words.contains(&"ignore")),
                "{file}: a Rust block marked ignore is never compiled: ```{info}"
            );
            rust_blocks += usize::from(rust);
        }
    }
    assert!(rust_blocks >= 4, "{rust_blocks} Rust blocks found");
}

/// `cargo doc -p simloop` shows the checker as the facade's own module (`explore`,
/// `assert_trace_snapshot!` and the rest listed under `simloop::checker`), not an unlinked
/// re-export of another crate (issue 14, item 7); `.ci/run` builds the docs with
/// `RUSTDOCFLAGS=-D warnings`, so a broken intra-doc link fails CI.
#[test]
fn the_docs_inline_the_checker_and_ci_denies_doc_warnings() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    assert!(lib.contains("#[doc(inline)]\npub use simloop_checker as checker;"), "not inlined");
    let ci = std::fs::read_to_string(format!("{root}/.ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l == "RUSTDOCFLAGS=\"-D warnings\" cargo doc --workspace --no-deps"),
        "{ci}"
    );
}
