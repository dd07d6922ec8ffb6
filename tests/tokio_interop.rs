//! Code written against tokio, under simloop (issue 14, item 11): tokio's timers and
//! spawner need tokio's runtime, and the report says what to use instead; the
//! runtime-agnostic parts (tokio::sync, futures::channel, tokio::select!, futures::select!)
//! work as they are, each checked here on virtual time.

use futures::{FutureExt, SinkExt, StreamExt};
use simloop::checker::{run_seed, Explore, FailureKind};
use simloop::{log, now, sleep, spawn, Instant, Runtime};
use std::rc::Rc;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// The failure of one run of `test`, with its next step.
fn failure_of<Fut: std::future::Future<Output = ()> + 'static>(
    mut test: impl FnMut() -> Fut,
) -> (FailureKind, String, String) {
    let run = run_seed(&Explore::new(), 0, &mut test);
    let f = run.failure.expect("the run fails");
    (f.kind, f.message.clone(), f.next_step().to_string())
}

#[test]
fn tokio_sleep_fails_with_a_next_step_naming_simloop_sleep() {
    let (kind, message, next) = failure_of(|| async { tokio::time::sleep(SECOND).await });
    assert_eq!(kind, FailureKind::Panic);
    assert!(message.contains("Tokio 1.x runtime"), "{message}");
    assert!(next.contains("simloop::sleep for tokio::time::sleep"), "{next}");
    assert!(next.contains("tokio::sync (Semaphore, mpsc, Mutex"), "{next}");
}

#[test]
fn tokio_spawn_in_a_task_fails_with_a_next_step_naming_simloop_spawn() {
    // In a spawned task nobody awaits: the unretrieved panic gets the same next step.
    let (kind, message, next) = failure_of(|| async {
        drop(spawn(async {
            tokio::spawn(async {});
        }));
        sleep(SECOND).await;
    });
    assert_eq!(kind, FailureKind::Panic);
    assert!(message.contains("nobody retrieved it"), "{message}");
    assert!(next.contains("simloop::spawn for tokio::spawn"), "{next}");
}

#[test]
fn tokio_sync_semaphore_mpsc_and_mutex_work_on_virtual_time() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        // A semaphore of 2 permits: three holders of 1 s each take 2 s.
        let permits = Rc::new(tokio::sync::Semaphore::new(2));
        let holders: Vec<_> = (0..3)
            .map(|_| {
                let permits = permits.clone();
                spawn(async move {
                    let _permit = permits.acquire().await.unwrap();
                    sleep(SECOND).await;
                })
            })
            .collect();
        for h in holders {
            h.await.unwrap();
        }
        assert_eq!(now(), Instant::from_secs(2));
        // mpsc: a producer sleeping between sends, a consumer receiving in order.
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        let producer = spawn(async move {
            for i in 0..3 {
                sleep(SECOND).await;
                tx.send(i).await.unwrap();
            }
        });
        let mut got = Vec::new();
        while let Some(i) = rx.recv().await {
            got.push((i, now()));
        }
        assert_eq!(
            got,
            [(0, Instant::from_secs(3)), (1, Instant::from_secs(4)), (2, Instant::from_secs(5))]
        );
        producer.await.unwrap();
        // Mutex: held across a sleep, the second locker waits for it.
        let m = Rc::new(tokio::sync::Mutex::new(0));
        let m2 = m.clone();
        let first = spawn(async move {
            let mut g = m2.lock().await;
            sleep(SECOND).await;
            *g += 1;
        });
        sleep(Duration::from_millis(1)).await;
        *m.lock().await += 10;
        assert_eq!((*m.lock().await, now()), (11, Instant::from_secs(6)));
        first.await.unwrap();
    });
}

#[test]
fn futures_channels_work_on_virtual_time() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let (mut tx, mut rx) = futures::channel::mpsc::channel::<u32>(1);
        let (done_tx, done_rx) = futures::channel::oneshot::channel();
        let producer = spawn(async move {
            for i in 0..2 {
                sleep(SECOND).await;
                tx.send(i).await.unwrap();
            }
            done_tx.send("done").unwrap();
        });
        assert_eq!(rx.next().await, Some(0));
        assert_eq!(rx.next().await, Some(1));
        assert_eq!(done_rx.await, Ok("done"));
        assert_eq!(now(), Instant::from_secs(2));
        producer.await.unwrap();
    });
}

#[test]
fn tokio_select_and_futures_select_pick_the_first_ready_branch() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        // `biased;` polls the branches in order, so every run takes the same one.
        let winner = tokio::select! {
            biased;
            _ = sleep(Duration::from_secs(2)) => "slow",
            _ = sleep(SECOND) => "fast",
        };
        assert_eq!((winner, now()), ("fast", Instant::from_secs(1)));
        let winner = futures::select_biased! {
            _ = sleep(Duration::from_secs(2)).fuse() => "slow",
            _ = sleep(SECOND).fuse() => "fast",
        };
        assert_eq!((winner, now()), ("fast", Instant::from_secs(2)));
        let mut slow = sleep(Duration::from_secs(5)).fuse();
        let mut fast = sleep(SECOND).fuse();
        let winner = futures::select! {
            _ = slow => "slow",
            _ = fast => "fast",
        };
        log!("{winner}");
        assert_eq!((winner, now()), ("fast", Instant::from_secs(3)));
    });
}
