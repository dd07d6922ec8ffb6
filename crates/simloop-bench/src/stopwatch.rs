//! Wall time and this thread's on-CPU time, measured together.
//!
//! On a shared machine, wall time also counts the time other processes hold the CPU; the
//! kernel's per-thread run time (`/proc/thread-self/schedstat`, nanoseconds) does not, so
//! the bench reports ns per event from on-CPU time when the kernel provides it, and from
//! wall time otherwise. Both runtimes run on the same thread and are timed the same way.

use std::time::{Duration, Instant};

/// This thread's total on-CPU time in nanoseconds, if the kernel reports it.
///
/// The kernel brings a running thread's total up to date when it passes through the
/// scheduler, so this yields first (one `sched_yield`).
pub fn thread_cpu_ns() -> Option<u64> {
    std::thread::yield_now();
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// A started measurement.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch {
    wall: Instant,
    cpu: Option<u64>,
}

/// What a [`Stopwatch`] measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spent {
    /// Wall-clock time.
    pub wall: Duration,
    /// On-CPU time of this thread, if known.
    pub cpu: Option<Duration>,
}

impl Stopwatch {
    /// Starts measuring now.
    pub fn start() -> Stopwatch {
        Stopwatch { cpu: thread_cpu_ns(), wall: Instant::now() }
    }

    /// The time spent since [`Stopwatch::start`].
    pub fn stop(&self) -> Spent {
        let wall = self.wall.elapsed();
        let cpu = match (self.cpu, thread_cpu_ns()) {
            (Some(a), Some(b)) if b >= a => Some(Duration::from_nanos(b - a)),
            _ => None,
        };
        Spent { wall, cpu }
    }
}
