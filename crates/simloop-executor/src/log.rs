//! `log!`: user messages recorded in the trace with the virtual instant and task name.

use crate::context;
use crate::time::instant::Instant;

/// Records a message in the trace of the current run, attributed to the current task at
/// the current virtual instant (asyncio programs' `print`). Outside a runtime it prints
/// to stdout.
///
/// ```
/// use simloop_executor::{log, Runtime};
/// let mut rt = Runtime::new();
/// rt.block_on(async { log!("{} + {} = {}", 1, 2, 1 + 2) });
/// assert_eq!(rt.trace().text(), "   0.000s  main         1 + 2 = 3\n-- elapsed 0.000s");
/// ```
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log_message(::std::format!($($arg)*))
    };
}

/// The function behind [`log!`].
pub fn log_message(message: String) {
    if let Err(message) = context::with(|rt| rt.log(message.clone())).ok_or(message) {
        println!("{message}");
    }
}

/// Records a library event (a timeout expiring, a task group aborting) in the verbose
/// trace of the current run, attributed to the current task; no-op when tracing is off or
/// outside a runtime. User messages belong in [`log!`] instead, which the canonical text
/// form shows.
///
/// ```
/// use simloop_executor::{trace_note, Runtime};
/// let mut rt = Runtime::new();
/// rt.block_on(async { trace_note("timeout expired") });
/// assert!(rt.trace().verbose().contains("main         timeout expired"));
/// assert!(!rt.trace().text().contains("timeout expired"));
/// ```
pub fn trace_note(message: impl Into<String>) {
    context::with(|rt| {
        if rt.tracing() {
            rt.record(rt.current_or_none(), crate::trace::EventKind::Note(message.into()));
        }
    });
}

/// Records `"{text} (deadline {deadline})"` like [`trace_note`], without formatting it
/// unless the trace is printed (a timeout expiring costs no allocation).
///
/// ```
/// use simloop_executor::{trace_note_deadline, Instant, Runtime};
/// let mut rt = Runtime::new();
/// rt.block_on(async { trace_note_deadline("timeout expired", Instant::from_secs(2)) });
/// assert!(rt.trace().verbose().contains("main         timeout expired (deadline 2.000s)"));
/// ```
pub fn trace_note_deadline(text: &'static str, deadline: Instant) {
    context::with(|rt| {
        if rt.tracing() {
            let kind = crate::trace::EventKind::DeadlineNote { text, deadline };
            rt.record(rt.current_or_none(), kind);
        }
    });
}

/// How many events the current run's trace has recorded so far (forgotten ones included,
/// see [`Trace::dropped`](crate::Trace::dropped)): a position in the trace, so that a
/// scheduler recording its decisions can later say what each task had done by then.
/// `None` outside a runtime.
///
/// ```
/// use simloop_executor::{events_recorded, log, run};
/// let (before, after) = run(async {
///     let before = events_recorded().unwrap();
///     log!("one");
///     (before, events_recorded().unwrap())
/// });
/// assert_eq!(after, before + 1);
/// assert_eq!(events_recorded(), None);
/// ```
pub fn events_recorded() -> Option<u64> {
    context::with(|rt| rt.events_recorded())
}
