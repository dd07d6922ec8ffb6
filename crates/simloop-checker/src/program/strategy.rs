//! proptest strategies that generate programs and cases: bounded in size and depth,
//! shrinking towards fewer ops, shallower nesting, shorter sleeps and FIFO.

use proptest::collection::vec;
use proptest::prelude::*;
use simloop_executor::Policy;

use super::ast::{Block, Case, Op, Program, ReturnWhen};

/// Bounds on generated programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Most ops in main's block; nested blocks get fewer (two less per level, at least 2).
    pub max_ops: usize,
    /// Most levels of nested `Spawn` below main.
    pub max_depth: u32,
    /// Longest sleep, in virtual milliseconds.
    pub max_sleep_ms: u32,
    /// Whether ops use the program's lock, semaphore, event and queue ([`sync_op`]). Off
    /// by default: the model cannot predict their outcome (it depends on who runs first),
    /// so the model property checks programs without them; the CPython differential test
    /// turns them on.
    pub sync: bool,
    /// Whether ops catch cancellations ([`Op::Catch`]): clean up with an await, then
    /// re-raise or refuse. Off by default for the same reason as `sync`; the CPython
    /// differential test turns it on.
    pub catch: bool,
}

impl Default for Bounds {
    /// Up to 8 ops in main, 3 levels of spawns, sleeps up to 1 s.
    fn default() -> Self {
        Bounds { max_ops: 8, max_depth: 3, max_sleep_ms: 1000, sync: false, catch: false }
    }
}

/// A sleep: 0 (a yield) one time in five, else 1..=max ms.
pub fn sleep_ms(max: u32) -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 4 => 1..=max.max(1)]
}

/// An op that spawns nothing; with `sync`, ops on the program's primitives among them.
pub fn leaf_op(max_sleep_ms: u32, sync: bool) -> BoxedStrategy<Op> {
    let plain = prop_oneof![
        6 => sleep_ms(max_sleep_ms).prop_map(Op::Sleep),
        3 => (0u8..10).prop_map(Op::Log),
        4 => (any::<u8>(), any::<bool>()).prop_map(|(child, propagate)| Op::Await { child, propagate }),
        2 => any::<u8>().prop_map(Op::Cancel),
        1 => Just(Op::Fail),
        1 => Just(Op::Panic),
    ];
    if sync {
        prop_oneof![17 => plain, 4 => sync_op(max_sleep_ms)].boxed()
    } else {
        plain.boxed()
    }
}

/// An op on the program's lock, semaphore, event or queue.
pub fn sync_op(max_sleep_ms: u32) -> impl Strategy<Value = Op> {
    let max = max_sleep_ms.max(1);
    prop_oneof![
        3 => sleep_ms(max_sleep_ms).prop_map(Op::Locked),
        2 => sleep_ms(max_sleep_ms).prop_map(Op::Permit),
        1 => Just(Op::SetEvent),
        1 => (1..=max).prop_map(Op::WaitEvent),
        2 => (0u8..10, 1..=max).prop_map(|(item, ms)| Op::Put { item, ms }),
        2 => (1..=max).prop_map(Op::Get),
    ]
}

/// A wait mode, shrinking towards `AllCompleted`.
pub fn wait_mode() -> impl Strategy<Value = ReturnWhen> {
    prop_oneof![
        Just(ReturnWhen::AllCompleted),
        Just(ReturnWhen::FirstCompleted),
        Just(ReturnWhen::FirstException),
    ]
}

/// A block with up to `max_ops` ops and `depth` more levels of spawns below it.
pub fn block(bounds: Bounds, max_ops: usize, depth: u32) -> BoxedStrategy<Block> {
    let op = if depth == 0 {
        leaf_op(bounds.max_sleep_ms, bounds.sync)
    } else {
        let nested = block(bounds, max_ops.saturating_sub(2).max(2), depth - 1);
        let several = vec(nested.clone(), 0..=3);
        let some = vec(nested.clone(), 1..=3);
        let nested_body = nested.clone();
        let catch_body = nested.clone();
        let max_sleep = bounds.max_sleep_ms.max(1);
        let ops = prop_oneof![
            10 => leaf_op(bounds.max_sleep_ms, bounds.sync),
            4 => nested.prop_map(Op::Spawn),
            1 => (several.clone(), any::<bool>(), any::<bool>()).prop_map(
                |(children, fail_fast, propagate)| Op::Gather { children, fail_fast, propagate }
            ),
            1 => (several, any::<bool>())
                .prop_map(|(children, propagate)| Op::Group { children, propagate }),
            1 => (1..=max_sleep, nested_body)
                .prop_map(|(ms, body)| Op::Timeout { ms, body }),
            1 => (some, wait_mode(), proptest::option::of(1..=max_sleep)).prop_map(
                |(children, mode, timeout_ms)| Op::Wait { mode, timeout_ms, children }
            ),
        ];
        if bounds.catch {
            let catch = (sleep_ms(bounds.max_sleep_ms), any::<bool>(), catch_body)
                .prop_map(|(cleanup_ms, refuse, body)| Op::Catch { cleanup_ms, refuse, body });
            prop_oneof![18 => ops, 8 => catch].boxed()
        } else {
            ops.boxed()
        }
    };
    (vec(op, 0..=max_ops), 0u8..10).prop_map(|(ops, ret)| Block { ops, ret }).boxed()
}

/// Programs within `bounds`.
pub fn program(bounds: Bounds) -> impl Strategy<Value = Program> {
    block(bounds, bounds.max_ops, bounds.max_depth).prop_map(|main| Program { main })
}

/// A scheduling policy: FIFO, random, or PCT of depth 1..=3 (shrinks towards FIFO).
pub fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::Fifo),
        Just(Policy::Random),
        (1u32..=3, 10u64..=500).prop_map(|(depth, max_steps)| Policy::Pct { depth, max_steps }),
    ]
}

/// A case: a program within `bounds`, a seed and a policy.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use simloop_checker::program::strategy::{case, Bounds};
///
/// let mut runner = TestRunner::deterministic();
/// let c = case(Bounds::default()).new_tree(&mut runner).unwrap().current();
/// assert!(c.program.depth() <= 4);
/// ```
pub fn case(bounds: Bounds) -> impl Strategy<Value = Case> {
    (program(bounds), any::<u64>(), policy()).prop_map(|(program, seed, policy)| Case {
        program,
        seed,
        policy,
    })
}
