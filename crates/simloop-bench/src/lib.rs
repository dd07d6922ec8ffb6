//! Benchmarks of simloop against tokio's current-thread runtime with paused time.
//!
//! Each [`Workload`] is written twice, once per runtime ([`sim`] and [`tok`]), with the
//! same structure and the same random sleeps ([`sleeps`], ChaCha seed 42), so that both
//! must reach the same virtual elapsed time: the bench checks it on every run. The binary
//! (`cargo run --release -p simloop-bench`) alternates the two runtimes A B A B, prints ns
//! per event and the ratio tokio/simloop; see `src/main.rs` for the report and
//! [`rss`] for how peak memory per parked task is measured. W1 also runs on [`bare`], an
//! executor with nothing but async-task, a ready queue and a timer map: the floor.
//!
//! ```
//! use simloop_bench::{sim, tok, Workload};
//! let w = Workload::SleepStorm { tasks: 10 };
//! let a = sim::run(&w, true);
//! let b = tok::run(&w);
//! assert_eq!(a.elapsed, b.elapsed);
//! assert_eq!(a.events, b.events);
//! ```

pub mod bare;
pub mod rss;
pub mod sim;
pub mod sleeps;
pub mod stopwatch;
pub mod tok;
mod workload;

pub use workload::{Outcome, Workload, SLEEPS_PER_TASK};
