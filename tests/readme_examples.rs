//! The README's code, compiled and run, so what it claims stays true.

use simloop::{log, now, sleep, spawn, Instant, Runtime};
use std::time::Duration;

#[test]
fn ten_line_example() {
    let mut rt = Runtime::builder().seed(42).build();
    rt.block_on(async {
        let t = spawn(async {
            sleep(Duration::from_secs(2)).await;
            log!("world")
        });
        log!("hello");
        t.await.unwrap();
    });
    assert_eq!(
        rt.trace().text(),
        "   0.000s  main         hello\n   2.000s  Task-2       world\n-- elapsed 2.000s"
    );
}

#[simloop::test]
async fn retries_back_off_for_an_hour() {
    let mut delay = Duration::from_secs(1);
    while now() < Instant::from_secs(3600) {
        sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(300));
    }
    assert_eq!(now(), Instant::from_secs(3811)); // exact, and no wall time spent
}
