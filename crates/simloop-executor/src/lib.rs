//! The simloop runtime: a deterministic, single-threaded event loop on a virtual clock.
//!
//! Virtual time starts at zero and moves only when no step is ready: then it jumps
//! straight to the earliest timer deadline, so `sleep(Duration::from_secs(3600))` costs
//! microseconds of wall time and the elapsed virtual time is exactly the sum of the sleeps.
//! Steps run in asyncio's FIFO order: a new task runs after its creator yields, in creation
//! order; a woken task goes to the back; timers fire by (deadline, registration order).
//! With a seed and a [`Policy`], every run is reproducible event for event.
//!
//! ```
//! use simloop_executor::{log, sleep, spawn, wall_clock, Runtime};
//! use std::time::Duration;
//!
//! async fn say_after(delay: u64, what: &'static str) {
//!     sleep(Duration::from_secs(delay)).await;
//!     log!("{what}");
//! }
//!
//! let mut rt = Runtime::builder().wall_clock_hms(17, 13, 52).build();
//! rt.block_on(async {
//!     let t1 = spawn(say_after(1, "hello"));
//!     let t2 = spawn(say_after(2, "world"));
//!     log!("started at {}", wall_clock().hms());
//!     t1.await.unwrap();
//!     t2.await.unwrap();
//!     log!("finished at {}", wall_clock().hms());
//! });
//! assert_eq!(rt.trace().text(), "\
//! \x20  0.000s  main         started at 17:13:52
//! \x20  1.000s  Task-2       hello
//! \x20  2.000s  Task-3       world
//! \x20  2.000s  main         finished at 17:13:54
//! -- elapsed 2.000s");
//! ```
//!
//! Failures are reports, never hangs: a deadlock (main pending, nothing ready, no timer)
//! fails at once naming every task and what it waits on; a step or virtual-time limit
//! stops a runaway; a task's panic is captured and reaches whoever awaits it.

#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod blocked;
mod context;
mod error;
mod log;
mod panic;
mod random;
mod report;
mod resource;
mod runtime;
pub mod sched;
mod spawn;
mod task;
mod time;
mod trace;

pub use blocked::{wait_all_tasks_blocked, AllBlocked};
pub use error::{ContextError, RunError};
pub use log::{events_recorded, log_message, trace_note, trace_note_deadline};
pub use panic::panic_message;
pub use random::{random_range, random_u64, SimRng};
pub use report::{DeadlockReport, RunReport, TaskReport};
pub use resource::api::{cancel_pending, Resource};
pub use resource::table::ResourceId;
pub use runtime::builder::{Builder, DEFAULT_STEP_LIMIT, DEFAULT_TIME_LIMIT, DEFAULT_TRACE_LIMIT};
pub use runtime::{run, Runtime};
pub use sched::policy::{ParsePolicyError, Policy};
pub use sched::rng::parse_seed;
pub use spawn::{
    current_task, current_task_id, current_task_name, finish_after, set_current_task_name, spawn,
    spawn_named, try_spawn, try_spawn_named,
};
pub use task::error::TaskError;
pub use task::forward::await_target;
pub use task::id::TaskId;
pub use task::join::{Join, Task};
pub use task::scope::{
    cancel_inner_scopes, cancelled_since, catch_cancel, forward_cancel_at, library_scope,
    raise_cancellation, scope_mark, Cancelled, CatchCancel, LibraryScope, Reraise, ScopeMark,
};
pub use task::state::{TaskState, WaitOn};
pub use task::target::{CancelTarget, Resolution};
pub use task::task_ref::TaskRef;
pub use time::call_later::{call_at, call_later, call_soon, TimerHandle};
pub use time::clock::WallTime;
pub use time::instant::Instant;
pub use time::now::{now, try_now, wall_clock};
pub use time::sleep::{sleep, sleep_until, yield_now, Sleep, YieldNow};
pub use trace::{Event, EventKind, Trace};

#[doc(hidden)]
pub use rand_core;
