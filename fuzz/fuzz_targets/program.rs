//! Decodes arbitrary bytes into a task program, a seed and a policy
//! (`simloop_checker::program::case_from_bytes`, on the `arbitrary` crate), runs it on
//! simloop and checks the same properties as the proptest suite: elapsed and outcome
//! equal the model's (under four policies), time never goes backwards, every task ends
//! exactly once or is reported pending, and the seed replays the same trace.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simloop_checker::program::{case_from_bytes, check};

fuzz_target!(|data: &[u8]| {
    let case = case_from_bytes(data);
    if let Err(e) = check::check_case(&case) {
        panic!("{e}\nseed {} policy {}\nprogram:\n{}", case.seed, case.policy, case.program);
    }
});
