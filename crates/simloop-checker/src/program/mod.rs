//! Random task programs, run on simloop and predicted by a model: simloop checking itself
//! on programs nobody wrote by hand.
//!
//! A [`Program`] is a tree of task blocks built from a few ops (sleep, log, spawn,
//! await, cancel, fail, panic, gather, try_gather, task group, timeout, wait). [`interp::run`] runs one on a runtime and reads back how
//! every task ended; [`model::predict`] says the same without running anything, from
//! virtual instants alone; [`strategy`] generates cases for proptest and [`case_from_bytes`]
//! decodes fuzzer bytes into one; [`check::check_case`] checks the properties on a case;
//! [`python::render`] writes the program as asyncio code for the CPython oracle.
//!
//! ```
//! use simloop_checker::program::{check, Block, Case, Op, Program};
//! use simloop_executor::Policy;
//!
//! let child = Block { ops: vec![Op::Sleep(300), Op::Fail], ret: 0 };
//! let program = Program {
//!     main: Block {
//!         ops: vec![Op::Spawn(child), Op::Await { child: 0, propagate: false }, Op::Log(1)],
//!         ret: 4,
//!     },
//! };
//! let checked = check::check_case(&Case { program, seed: 9, policy: Policy::Random }).unwrap();
//! assert!(checked.determined);
//! assert_eq!(
//!     checked.run.trace.text(),
//!     "   0.300s  main         await t1 -> failed fail t1\n   0.300s  main         log 1\n\
//!      -- elapsed 0.300s"
//! );
//! ```

#[cfg(feature = "fuzz")]
mod arbitrary;
mod ast;
pub mod check;
pub mod interp;
pub mod model;
pub mod python;
#[cfg(feature = "proptest")]
pub mod strategy;

#[cfg(feature = "fuzz")]
pub use self::arbitrary::{case_from_bytes, MAX_DEPTH, MAX_OPS, MAX_SLEEP_MS};
pub use ast::{
    child_name, mode_name, names_used, resolve, Block, Case, Millis, Op, Program, ReturnWhen,
};
pub use interp::{End, Outcome, Run};
pub use model::Prediction;
