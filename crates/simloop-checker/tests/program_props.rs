//! Properties of simloop on generated task programs (see `simloop_checker::program`):
//! elapsed and outcome equal the model's, time never goes backwards, every task ends
//! exactly once or is reported pending, a seed replays the same trace, and programs
//! whose result cannot depend on order give the same result under every policy.
//!
//! `PROPTEST_CASES=<n>` runs more (the default is 2,000, what CI runs); a failure is
//! shrunk and its seed saved in `program_props.proptest-regressions` beside this file,
//! which is committed so CI replays it first.

use std::cell::RefCell;
use std::sync::Once;

use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use simloop_checker::program::{check, strategy, Case};

const DEFAULT_CASES: u32 = 2000;

/// Panics raised by the programs themselves are expected; keep them off stderr.
fn quiet_program_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("");
            if !msg.starts_with("panic ") {
                default(info);
            }
        }));
    });
}

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
    quiet_program_panics();
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
