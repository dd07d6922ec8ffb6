//! Peak resident memory, read from `/proc/self/status`.
//!
//! The bench measures memory per parked task by re-executing itself in a child process
//! per runtime and size (`simloop-bench rss <runtime> <tasks>`): the child reads its
//! `VmHWM` (peak RSS) after building the sleep table, parks `tasks` sleepers at their
//! first sleep, reads `VmHWM` again at the moment all are parked, and prints the
//! difference. A fresh process per measurement keeps one runtime's freed memory from
//! hiding the other's peak.

/// Peak resident set size of this process in bytes (`VmHWM`), if `/proc` has it.
pub fn peak_bytes() -> Option<u64> {
    field_kib("VmHWM:").map(|k| k * 1024)
}

/// Current resident set size in bytes (`VmRSS`).
pub fn current_bytes() -> Option<u64> {
    field_kib("VmRSS:").map(|k| k * 1024)
}

fn field_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}
