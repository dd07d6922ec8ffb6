//! Trace snapshots on insta: [`assert_trace_snapshot!`](crate::assert_trace_snapshot!)
//! stores the canonical trace text (log lines with virtual instants and task names, then
//! `-- elapsed`), with the seed and policy in the snapshot's metadata.
//!
//! Every snapshot goes under the `snapshots/` folder at the workspace root (the nearest
//! ancestor of the calling crate's manifest directory that holds `Cargo.lock`): the root
//! package's straight into it, as `snapshots/<test file>__<test fn>.snap`; any other
//! crate's into a folder named by the crate's path in the workspace,
//! `snapshots/<crate path>/<test file>__<test fn>.snap` (`crates/simloop-checker`'s
//! `tests/render.rs` writes `snapshots/crates/simloop-checker/render__<fn>.snap`), so two
//! crates' `tests/api.rs::hello` never share a file. `cargo insta review` / `cargo insta
//! accept` work as usual; with `CI=true` a mismatch fails and nothing is written.

use std::path::{Path, PathBuf};

use simloop_executor::{Policy, Runtime, Trace};

use crate::outcome::RunOutcome;
use crate::timeline::timeline;

/// Something a trace snapshot can be taken of: a trace, and the seed and policy of its run
/// if known.
pub trait TraceSource {
    /// The trace.
    fn source_trace(&self) -> Trace;
    /// The seed and policy of the run, if known.
    fn source_run(&self) -> Option<(u64, Policy)>;
}

impl TraceSource for Runtime {
    fn source_trace(&self) -> Trace {
        self.trace()
    }
    fn source_run(&self) -> Option<(u64, Policy)> {
        Some((self.seed(), self.policy()))
    }
}

impl TraceSource for RunOutcome {
    fn source_trace(&self) -> Trace {
        self.trace.clone()
    }
    fn source_run(&self) -> Option<(u64, Policy)> {
        Some((self.seed, self.policy))
    }
}

impl TraceSource for Trace {
    fn source_trace(&self) -> Trace {
        self.clone()
    }
    fn source_run(&self) -> Option<(u64, Policy)> {
        None
    }
}

impl<T: TraceSource + ?Sized> TraceSource for &T {
    fn source_trace(&self) -> Trace {
        (**self).source_trace()
    }
    fn source_run(&self) -> Option<(u64, Policy)> {
        (**self).source_run()
    }
}

impl<T: TraceSource + ?Sized> TraceSource for &mut T {
    fn source_trace(&self) -> Trace {
        (**self).source_trace()
    }
    fn source_run(&self) -> Option<(u64, Policy)> {
        (**self).source_run()
    }
}

/// Which rendering of the trace a snapshot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum View {
    /// [`Trace::text`]: log lines and elapsed time.
    Text,
    /// [`timeline`]: tasks as rows over virtual time.
    Timeline,
}

/// Where a crate's snapshots go, found from its manifest directory: the workspace's
/// `snapshots/` folder (at the nearest ancestor holding `Cargo.lock`, else the manifest
/// directory itself) for the root package, and `snapshots/<crate path>/` for any other
/// crate, `<crate path>` being its manifest directory relative to the root.
///
/// ```
/// use simloop_checker::snapshot_dir;
/// let checker = env!("CARGO_MANIFEST_DIR"); // crates/simloop-checker
/// let root = std::path::Path::new(checker).ancestors().nth(2).unwrap();
/// assert_eq!(snapshot_dir(checker), root.join("snapshots/crates/simloop-checker"));
/// assert_eq!(snapshot_dir(root.to_str().unwrap()), root.join("snapshots"));
/// ```
pub fn snapshot_dir(manifest_dir: &str) -> PathBuf {
    let start = Path::new(manifest_dir);
    let root = start.ancestors().find(|p| p.join("Cargo.lock").is_file()).unwrap_or(start);
    let own = start.strip_prefix(root).unwrap_or(Path::new(""));
    root.join("snapshots").join(own)
}

/// What the snapshot macros bind: the body and the insta settings (path, metadata).
#[doc(hidden)]
pub fn snapshot_parts(
    source: &dyn TraceSource,
    view: View,
    manifest_dir: &str,
) -> (String, crate::__private::insta::Settings) {
    use crate::__private::insta::internals::Content;
    let trace = source.source_trace();
    let body = match view {
        View::Text => trace.text(),
        View::Timeline => timeline(&trace),
    };
    let mut settings = crate::__private::insta::Settings::clone_current();
    // Keep a snapshot path the caller chose; replace only insta's default.
    if settings.snapshot_path() == Path::new("snapshots") {
        settings.set_snapshot_path(snapshot_dir(manifest_dir));
    }
    settings.set_omit_expression(true);
    settings.set_prepend_module_to_snapshot(true);
    let (seed, policy) = match source.source_run() {
        Some((seed, policy)) => (format!("{seed:#x}"), policy.to_string()),
        None => ("unknown".to_string(), "unknown".to_string()),
    };
    settings.set_description(format!("seed {seed}, policy {policy}"));
    settings.set_raw_info(&Content::Map(vec![
        (Content::from("seed"), Content::from(seed)),
        (Content::from("policy"), Content::from(policy)),
        (Content::from("elapsed"), Content::from(trace.elapsed().to_string())),
    ]));
    (body, settings)
}

/// Asserts the canonical trace text of a run against its snapshot in the workspace's
/// `snapshots/` folder. The argument is a [`Runtime`], a [`RunOutcome`] or a [`Trace`]
/// (by value or reference); an optional first argument names the snapshot.
///
/// ```no_run
/// use simloop_checker::assert_trace_snapshot;
/// use simloop_executor::{log, Runtime};
///
/// let mut rt = Runtime::new();
/// rt.block_on(async { log!("hello") });
/// assert_trace_snapshot!(rt); // snapshots/[<crate path>/]<test file>__<test fn>.snap
/// assert_trace_snapshot!("hello_again", &rt);
/// ```
#[macro_export]
macro_rules! assert_trace_snapshot {
    ($source:expr $(,)?) => {
        $crate::__assert_view_snapshot!(Text, $source)
    };
    ($name:expr, $source:expr $(,)?) => {
        $crate::__assert_view_snapshot!(Text, $source, $name)
    };
}

/// Like [`assert_trace_snapshot!`], with the [`timeline`] of the trace as the body.
#[macro_export]
macro_rules! assert_timeline_snapshot {
    ($source:expr $(,)?) => {
        $crate::__assert_view_snapshot!(Timeline, $source)
    };
    ($name:expr, $source:expr $(,)?) => {
        $crate::__assert_view_snapshot!(Timeline, $source, $name)
    };
}

/// What [`assert_trace_snapshot!`] and [`assert_timeline_snapshot!`] expand to: the
/// snapshot of `$source` seen as `View::$view`, named `$name` if given.
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_view_snapshot {
    ($view:ident, $source:expr $(, $name:expr)?) => {{
        let (body, settings) = $crate::snapshot::snapshot_parts(
            &$source,
            $crate::snapshot::View::$view,
            ::core::env!("CARGO_MANIFEST_DIR"),
        );
        settings.bind(|| $crate::__private::insta::assert_snapshot!($($name,)? body));
    }};
}
