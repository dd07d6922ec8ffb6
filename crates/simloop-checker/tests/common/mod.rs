//! Helpers shared by the checker's integration tests.

use std::sync::Once;

/// Panics raised by the programs themselves (`Op::Panic`, messages `panic <task>`) are
/// expected; keep them off stderr. Every other panic reaches the default hook.
pub fn quiet_program_panics() {
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
