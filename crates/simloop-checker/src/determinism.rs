//! The determinism check: one seed run twice must give the same trace, event for event.
//! On a difference it names the first differing event, with its index and both versions.

use std::fmt;

use simloop_executor::Trace;

/// Where two runs of the same seed first differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The index of the first differing event (0-based; equal to the shorter trace's
    /// length when one run simply went on longer, or to both lengths when only the
    /// elapsed time differs).
    pub index: usize,
    /// That event in the first run, rendered as a trace line (`None`: the run had ended).
    pub first: Option<String>,
    /// That event in the second run.
    pub second: Option<String>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |e: &Option<String>| e.clone().unwrap_or_else(|| "(the run had ended)".into());
        write!(
            f,
            "the two runs of the same seed first differ at event #{}:\n  run 1: {}\n  run 2: {}",
            self.index,
            show(&self.first),
            show(&self.second)
        )
    }
}

/// The rendered events of a trace, one line each (as in [`Trace::verbose`]).
pub(crate) fn lines(trace: &Trace) -> Vec<String> {
    trace
        .events()
        .iter()
        .map(|e| Trace::line(e.at, &trace.name(e.task), &trace.describe(&e.kind)))
        .collect()
}

/// The first event where two traces differ (compared as rendered lines, so a task name
/// that differs counts), or `None` if they are the same, elapsed time included.
///
/// ```
/// use simloop_checker::first_divergence;
/// use simloop_executor::{log, Runtime};
/// let run = |msg: &'static str| {
///     let mut rt = Runtime::new();
///     rt.block_on(async move { log!("a"); log!("{msg}") });
///     rt.trace()
/// };
/// assert_eq!(first_divergence(&run("b"), &run("b")), None);
/// let d = first_divergence(&run("b"), &run("c")).unwrap();
/// assert_eq!(d.index, 2); // main: start, log a, then the difference
/// assert_eq!(d.first.as_deref(), Some("   0.000s  main         log b"));
/// ```
pub fn first_divergence(a: &Trace, b: &Trace) -> Option<Divergence> {
    let (la, lb) = (lines(a), lines(b));
    let n = la.len().min(lb.len());
    if let Some(i) = (0..n).find(|i| la[*i] != lb[*i]) {
        return Some(Divergence {
            index: i,
            first: Some(la[i].clone()),
            second: Some(lb[i].clone()),
        });
    }
    if la.len() != lb.len() {
        return Some(Divergence {
            index: n,
            first: la.get(n).cloned(),
            second: lb.get(n).cloned(),
        });
    }
    if a.elapsed() != b.elapsed() {
        return Some(Divergence {
            index: n,
            first: Some(format!("-- elapsed {}", a.elapsed())),
            second: Some(format!("-- elapsed {}", b.elapsed())),
        });
    }
    None
}
