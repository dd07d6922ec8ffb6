//! Properties of simloop on generated task programs (see `simloop_checker::program`):
//! elapsed and outcome equal the model's, time never goes backwards, every task ends
//! exactly once or is reported pending, a seed replays the same trace, and programs
//! whose result cannot depend on order give the same result under every policy.
//!
//! `PROPTEST_CASES=<n>` runs more (the default is 2,000, what CI runs); a failure is
//! shrunk and its seed saved in `program_props.proptest-regressions` beside this file,
//! which is committed so CI replays it first.

mod common;

use std::cell::RefCell;

use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use simloop_checker::program::{check, strategy, Block, Case, Op, Program, ReturnWhen};
use simloop_executor::Policy;

const DEFAULT_CASES: u32 = 2000;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

#[derive(Default)]
struct Stats {
    run: u32,
    determined: u32,
    longest: Option<Case>,
    most_tasks: usize,
}

#[test]
fn generated_programs_match_the_model() {
    common::quiet_program_panics();
    let mut config = Config::with_cases(cases());
    config.source_file = Some(file!());
    config.failure_persistence =
        Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions")));
    let mut runner = TestRunner::new(config);
    let stats = RefCell::new(Stats::default());
    let result = runner.run(&strategy::case(strategy::Bounds::default()), |case| {
        let checked = check::check_case(&case).map_err(|e| {
            TestCaseError::fail(format!(
                "{e}\nseed {} policy {}\nprogram:\n{}",
                case.seed, case.policy, case.program
            ))
        })?;
        let mut s = stats.borrow_mut();
        s.run += 1;
        s.determined += u32::from(checked.determined);
        s.most_tasks = s.most_tasks.max(case.program.tasks());
        if s.longest.as_ref().map_or(true, |l| case.program.size() > l.program.size()) {
            s.longest = Some(case);
        }
        Ok(())
    });
    let s = stats.into_inner();
    let longest = s.longest.unwrap_or_else(|| Case {
        program: Default::default(),
        seed: 0,
        policy: Default::default(),
    });
    eprintln!(
        "program properties: {} cases passed ({} with an order-independent outcome checked \
         against the model under 4 policies); longest program {} ops in {} tasks, depth {}; \
         most tasks {}",
        s.run,
        s.determined,
        longest.program.size(),
        longest.program.tasks() + 1,
        longest.program.depth(),
        s.most_tasks + 1
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, case)) => panic!(
            "{why}\nminimal case: seed {} policy {}\n{}",
            case.seed, case.policy, case.program
        ),
        Err(e) => panic!("{e}"),
    }
    // The model must decide most programs, or the outcome property checks little.
    assert!(
        s.determined * 2 > s.run,
        "only {} of {} programs had an order-independent outcome",
        s.determined,
        s.run
    );
}

fn block(ops: Vec<Op>) -> Block {
    Block { ops, ret: 0 }
}

/// The minimal cases of past failures, replayed as programs: the seeds saved in the
/// regressions file generate other programs once the strategy changes (as it did when
/// the `Wait` op was added).
#[test]
fn past_failures_still_pass() {
    common::quiet_program_panics();
    let spawn = |ops| Op::Spawn(block(ops));
    let group = |children| Op::Group { children, propagate: false };
    let cases = [
        (block(vec![spawn(vec![Op::Sleep(1), spawn(vec![])])]), 0, Policy::Fifo),
        (
            block(vec![
                spawn(vec![spawn(vec![Op::Sleep(346)]), Op::Await { child: 0, propagate: false }]),
                Op::Sleep(1),
                Op::Cancel(0),
                Op::Sleep(1),
            ]),
            0,
            Policy::Fifo,
        ),
        (
            block(vec![group(vec![
                block(vec![group(vec![block(vec![]), block(vec![Op::Sleep(21), Op::Sleep(611)])])]),
                block(vec![]),
                block(vec![Op::Sleep(1), Op::Fail]),
            ])]),
            2607925950551453597,
            Policy::Fifo,
        ),
        (
            block(vec![Op::Timeout {
                ms: 214,
                body: block(vec![Op::Gather {
                    children: vec![
                        block(vec![]),
                        block(vec![group(vec![block(vec![Op::Sleep(215)])])]),
                    ],
                    fail_fast: false,
                    propagate: false,
                }]),
            }]),
            652901300759877794,
            Policy::Fifo,
        ),
        // Found by the fuzzer: a group (or an awaited child) ending at the instant the
        // enclosing timeout fires is cancelled with it or not, depending on step order.
        (
            block(vec![group(vec![block(vec![Op::Timeout {
                ms: 813,
                body: block(vec![group(vec![block(vec![Op::Sleep(813)])]), Op::Sleep(1)]),
            }])])]),
            10744118789314171428,
            Policy::Pct { depth: 1, max_steps: 346 },
        ),
        (
            block(vec![Op::Timeout {
                ms: 500,
                body: block(vec![
                    spawn(vec![Op::Sleep(500)]),
                    Op::Await { child: 0, propagate: false },
                    Op::Sleep(1),
                ]),
            }]),
            0,
            Policy::Fifo,
        ),
    ];
    for (main, seed, policy) in cases {
        let case = Case { program: Program { main }, seed, policy };
        if let Err(e) = check::check_case(&case) {
            panic!("{e}\nprogram:\n{}", case.program);
        }
    }
}

/// The `Wait` op on a known program: `FIRST_COMPLETED` with a timeout returns at the first
/// child's end, logs the split, cancels nothing, and the pending children run on; the
/// model predicts the same outcome under every policy.
#[test]
fn wait_returns_early_and_leaves_pending_children_running() {
    common::quiet_program_panics();
    let wait = |mode, timeout_ms, children| Op::Wait { mode, timeout_ms, children };
    let main = Block {
        ops: vec![
            wait(
                ReturnWhen::FirstCompleted,
                Some(500),
                vec![block(vec![Op::Sleep(300)]), block(vec![Op::Sleep(700), Op::Fail])],
            ),
            wait(
                ReturnWhen::FirstException,
                Some(100),
                vec![block(vec![Op::Sleep(50), Op::Panic]), block(vec![Op::Sleep(900)])],
            ),
            wait(ReturnWhen::AllCompleted, Some(200), vec![block(vec![Op::Sleep(400)])]),
            Op::Sleep(300),
        ],
        ret: 1,
    };
    let case = Case { program: Program { main }, seed: 5, policy: Policy::Random };
    let checked = check::check_case(&case).unwrap_or_else(|e| panic!("{e}"));
    assert!(checked.determined);
    assert_eq!(
        checked.run.trace.text(),
        "   0.300s  main         wait -> done [t1] pending [t2]\n\
         \x20  0.350s  main         wait -> done [t3] pending [t4]\n\
         \x20  0.550s  main         wait -> done [] pending [t5]\n\
         -- elapsed 0.850s"
    );
    let tasks: Vec<String> =
        checked.run.outcome.tasks.iter().map(|(n, e)| format!("{n} {e}")).collect();
    assert_eq!(
        tasks,
        ["t1 ok 0", "t2 failed fail t2", "t3 panicked panic t3", "t4 pending", "t5 ok 0"]
    );
}
