//! What the generated-program tests found where simloop and CPython differed, pinned as
//! exact expectations (see `tests/oracle/program_batch.py` for how the
//! differential test accounts for them).

use simloop_checker::program::{interp, Block, End, Op, Program};
use simloop_executor::Policy;

fn block(ops: Vec<Op>) -> Block {
    Block { ops, ret: 0 }
}

fn group(children: Vec<Block>) -> Op {
    Op::Group { children, propagate: false }
}

/// Cancelling a task that awaits another cancels the awaited task at once, as CPython's
/// `Task.cancel()` cancels `_fut_waiter` (this used to be an intended difference: the
/// awaited task was cancelled one step later, when the canceller's future was dropped).
/// Here the group's abort cancels `t2` while it awaits `t2.1`; `t2.1` is cancelled before
/// its first step, so `t2.1.1` is never spawned and nothing is logged but the group's
/// result, exactly CPython's trace.
#[test]
fn cancel_reaches_the_awaited_task_at_once() {
    let grandchild = block(vec![Op::Log(9)]);
    let child = block(vec![Op::Spawn(grandchild), Op::Sleep(5)]);
    let t2 = block(vec![Op::Spawn(child), Op::Await { child: 0, propagate: false }]);
    let program = Program { main: block(vec![group(vec![block(vec![Op::Panic]), t2])]) };
    let run = interp::run(&program, 0, Policy::Fifo);
    assert_eq!(
        run.trace.text(),
        "   0.000s  main         group -> panicked panic t1\n-- elapsed 0.000s"
    );
    assert_eq!(run.outcome.tasks["t2"], End::Cancelled);
    assert_eq!(run.outcome.tasks["t2.1"], End::Cancelled);
    assert!(!run.outcome.tasks.contains_key("t2.1.1"), "t2.1 never ran: {:?}", run.outcome.tasks);
}

/// A task cancelled while it waits in its own TaskGroup cannot run code after the
/// cancellation (Rust drops the group), but it still completes only once the group's
/// children are done (`finish_after`), so the outer group never ends with a grandchild
/// pending, under any policy: structured concurrency holds as in CPython.
#[test]
fn a_cancelled_group_still_outlives_its_children_under_every_policy() {
    let inner = group(vec![block(vec![]), block(vec![Op::Sleep(21), Op::Sleep(611)])]);
    let outer = group(vec![block(vec![inner]), block(vec![]), block(vec![Op::Sleep(1), Op::Fail])]);
    let program = Program { main: block(vec![outer]) };
    for seed in 0..64 {
        for policy in [Policy::pct(3), Policy::Random] {
            let run = interp::run(&program, seed, policy);
            assert_eq!(run.outcome.tasks["t1.2"], End::Cancelled, "seed {seed} {policy}");
        }
    }
    let fifo = interp::run(&program, 0, Policy::Fifo);
    assert_eq!(fifo.outcome.tasks["t1.2"], End::Cancelled);
    assert_eq!(fifo.outcome.elapsed.as_nanos(), 1_000_000);
}
