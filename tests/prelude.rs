//! `use simloop::prelude::*` leaves the built-in `#[test]` alone (`use simloop::*` brings
//! `simloop::test`, which takes it over and refuses a plain `fn`): this file's tests are
//! plain, synchronous `#[test]` functions under the prelude.

use simloop::prelude::*;
use std::time::Duration;

#[test]
fn the_prelude_leaves_the_builtin_test_attribute_alone() {
    let mut rt = Runtime::new();
    let out = rt.block_on(async {
        let t = spawn(async {
            sleep(Duration::from_secs(1)).await;
            "slept"
        });
        let r = timeout(Duration::from_secs(2), t).await;
        r.unwrap().unwrap()
    });
    assert_eq!((out, rt.now().as_nanos()), ("slept", 1_000_000_000));
}

#[simloop::test]
async fn the_simloop_attribute_is_still_reachable_by_its_path() {
    sleep(Duration::from_secs(1)).await;
    assert_eq!(now().as_nanos(), 1_000_000_000);
}
