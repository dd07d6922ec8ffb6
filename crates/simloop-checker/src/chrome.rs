//! Export of a trace to the Chrome trace-event JSON format, which Perfetto
//! (<https://ui.perfetto.dev>) and `chrome://tracing` open.
//!
//! Each task is a thread (`tid` = task id) named after the task. Its life is one complete
//! (`X`) slice from its first event to its end, with a nested `sleep` slice for every
//! sleep; spawns, logs, cancellations, panics and notes are instant (`i`) events. Times are
//! virtual microseconds. Events at the same instant keep their order in `args.seq`.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use simloop_executor::{EventKind, Instant, Policy, TaskId, Trace};

fn micros(at: Instant) -> f64 {
    at.as_nanos() as f64 / 1000.0
}

/// The trace as a Chrome trace-event JSON document (`{"traceEvents": [...]}`).
///
/// `seed` and `policy`, when known, go to the process name and `otherData`.
///
/// ```
/// use simloop_executor::{log, sleep, Runtime};
/// use std::time::Duration;
/// let mut rt = Runtime::new();
/// rt.block_on(async { sleep(Duration::from_millis(1500)).await; log!("done") });
/// let json = simloop_checker::chrome_trace(&rt.trace(), Some((rt.seed(), rt.policy())));
/// let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
/// let events = doc["traceEvents"].as_array().unwrap();
/// let done = events.iter().find(|e| e["name"] == "done").unwrap();
/// assert_eq!(done["ph"], "i");
/// assert_eq!(done["ts"], 1_500_000.0);
/// ```
pub fn chrome_trace(trace: &Trace, run: Option<(u64, Policy)>) -> String {
    chrome_trace_value(trace, run).to_string()
}

/// The same document as a [`serde_json::Value`].
pub fn chrome_trace_value(trace: &Trace, run: Option<(u64, Policy)>) -> Value {
    let mut out = Vec::new();
    let process = match run {
        Some((seed, policy)) => format!("simloop (seed {seed:#x}, policy {policy})"),
        None => "simloop".to_string(),
    };
    out.push(json!({"name": "process_name", "ph": "M", "pid": 1, "args": {"name": process}}));
    let mut life: BTreeMap<TaskId, (Instant, Option<Instant>)> = BTreeMap::new();
    let mut sleeping: BTreeMap<TaskId, (Instant, usize)> = BTreeMap::new();
    for (seq, e) in trace.events().iter().enumerate() {
        let tid = e.task.as_u64();
        let entry = life.entry(e.task).or_insert((e.at, None));
        let instant = |name: String, cat: &str| {
            json!({"name": name, "cat": cat, "ph": "i", "s": "t", "pid": 1, "tid": tid,
                   "ts": micros(e.at), "args": {"seq": seq}})
        };
        match &e.kind {
            EventKind::Finished
            | EventKind::Cancelled
            | EventKind::Panicked(_)
            | EventKind::DestroyedPending => {
                entry.1 = Some(e.at);
                if !matches!(e.kind, EventKind::Finished) {
                    out.push(instant(trace.describe(&e.kind), "end"));
                }
            }
            EventKind::Sleep { .. } => {
                sleeping.insert(e.task, (e.at, seq));
            }
            EventKind::TimerFired => {
                if let Some((from, s)) = sleeping.remove(&e.task) {
                    out.push(slice("sleep", "sleep", tid, from, e.at, s));
                }
            }
            EventKind::Start => {}
            EventKind::Log(m) => out.push(instant(m.clone(), "log")),
            other => out.push(instant(trace.describe(other), "event")),
        }
    }
    for (task, (from, seq)) in sleeping {
        let end = life.get(&task).and_then(|l| l.1).unwrap_or(trace.elapsed());
        out.push(slice("sleep", "sleep", task.as_u64(), from, end, seq));
    }
    for (task, (from, to)) in &life {
        let name = trace.name(*task);
        let tid = task.as_u64();
        out.push(json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid,
                        "args": {"name": name}}));
        out.push(json!({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid,
                        "args": {"sort_index": tid}}));
        out.push(slice(&name, "task", tid, *from, to.unwrap_or(trace.elapsed()), 0));
    }
    let mut other = json!({"elapsed": trace.elapsed().to_string()});
    if let Some((seed, policy)) = run {
        other["seed"] = json!(format!("{seed:#x}"));
        other["policy"] = json!(policy.to_string());
    }
    json!({"traceEvents": out, "displayTimeUnit": "ms", "otherData": other})
}

fn slice(name: &str, cat: &str, tid: u64, from: Instant, to: Instant, seq: usize) -> Value {
    let dur = micros(to.max(from)) - micros(from);
    json!({"name": name, "cat": cat, "ph": "X", "pid": 1, "tid": tid, "ts": micros(from),
           "dur": dur, "args": {"seq": seq}})
}
