//! Decodes arbitrary bytes into a task program, a seed and a policy
//! (`simloop_checker::program::case_from_bytes`, on the `arbitrary` crate), runs it on
//! simloop and checks the same properties as the proptest suite: elapsed and outcome
//! equal the model's (under four policies), time never goes backwards, every task ends
//! exactly once or is reported pending, and the seed replays the same trace.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simloop_checker::program::{case_from_bytes, check};

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic; the programs' own `panic` ops are caught by
        // simloop and are not failures, so only other panics reach its hook.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info.payload().downcast_ref::<String>().map(String::as_str).unwrap_or("");
            if !msg.starts_with("panic ") {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let case = case_from_bytes(data);
        if let Err(e) = check::check_case(&case) {
            panic!("{e}\nseed {} policy {}\nprogram:\n{}", case.seed, case.policy, case.program);
        }
    }
);
