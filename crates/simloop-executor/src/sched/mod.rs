//! Scheduling: the ready queue, and the seam that decides which ready step runs next and
//! makes every random draw of a run.
//!
//! The runtime asks its [`Scheduler`] before every step which of the ready steps to run
//! ([`Scheduler::pick`]), and asks it for every random number the program or a library
//! draws ([`Scheduler::draw`], behind [`random_u64`](crate::random_u64) and
//! [`SimRng`](crate::SimRng)). Nothing else in a run is random, so a scheduler's decisions
//! *are* the run: record them and the run can be replayed or shrunk. The built-in
//! schedulers, one file each, are named by a [`Policy`](crate::Policy): [`Fifo`]
//! (asyncio's order, the default), [`Random`], [`Pct`] and [`Dfs`] (which follows a
//! [`DfsPath`] of choices, for bounded exhaustive exploration); each owns the run's one
//! seeded ChaCha stream.
//!
//! ```
//! use simloop_executor::sched::{Fifo, Ready, Scheduler};
//! use simloop_executor::{log, spawn_named, Runtime};
//!
//! /// Always runs the newest ready step: the opposite of asyncio's order.
//! struct Newest(Fifo);
//!
//! impl Scheduler for Newest {
//!     fn pick(&mut self, ready: &Ready<'_>) -> usize {
//!         ready.len() - 1
//!     }
//!     fn draw(&mut self) -> u64 {
//!         self.0.draw()
//!     }
//! }
//!
//! let mut rt = Runtime::builder().scheduler(Box::new(Newest(Fifo::new(0)))).build();
//! rt.block_on(async {
//!     let a = spawn_named("a", async { log!("a") });
//!     let b = spawn_named("b", async { log!("b") });
//!     a.await.unwrap();
//!     b.await.unwrap();
//! });
//! assert!(rt.trace().text().starts_with("   0.000s  b            b\n"));
//! ```

pub(crate) mod dfs;
pub(crate) mod dfs_path;
pub(crate) mod fifo;
pub(crate) mod pct;
pub(crate) mod policy;
pub(crate) mod random;
pub(crate) mod ready_queue;
pub(crate) mod rng;

pub(crate) mod scheduler;

pub use dfs::{ChoiceLog, ChoicePoint, Dfs};
pub use dfs_path::{DfsPath, ParseDfsPathError};
pub use fifo::Fifo;
pub use pct::Pct;
pub use random::Random;
pub use scheduler::{Ready, Scheduler, Spawn};
