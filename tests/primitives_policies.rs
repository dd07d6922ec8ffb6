//! The primitives' guarantees that hold under every scheduling order: run a program mixing
//! gather, try_gather, TaskGroup, timeout, wait_for, wait, as_completed and shield under
//! the random and PCT policies for many seeds, and check values and virtual instants.

use std::time::Duration;

use futures::FutureExt;
use simloop::{
    as_completed, gather, now, shield, sleep, spawn, task_group, timeout, try_gather, wait,
    wait_for, yield_now, ChildError, Instant, Policy, ReturnWhen, Runtime,
};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

async fn job(v: u64, d: u64, fail: bool) -> Result<u64, String> {
    yield_now().await;
    sleep(secs(d)).await;
    yield_now().await;
    if fail {
        Err(format!("job {v} failed"))
    } else {
        Ok(v)
    }
}

async fn program() {
    // gather: input order, whatever the completion order; elapsed = the longest child.
    let t0 = now();
    let r = gather([
        job(1, 3, false).boxed_local(),
        job(2, 1, false).boxed_local(),
        job(3, 2, true).boxed_local(),
    ])
    .await;
    assert_eq!(r, vec![Ok(Ok(1)), Ok(Ok(2)), Ok(Err("job 3 failed".into()))]);
    assert_eq!(now(), t0.saturating_add(secs(3)));

    // try_gather: the first failure at its instant.
    let t0 = now();
    let r = try_gather([job(1, 3, false).boxed_local(), job(2, 1, true).boxed_local()]).await;
    assert_eq!(r, Err(ChildError::Raised("job 2 failed".into())));
    assert_eq!(now(), t0.saturating_add(secs(1)));
    sleep(secs(3)).await; // let the other child finish

    // TaskGroup: the failure cancels the sibling and the body at 1 s.
    let t0 = now();
    let r = task_group(|tg| async move {
        tg.spawn(job(1, 1, true));
        tg.spawn(job(2, 5, false));
        sleep(secs(10)).await;
        Ok(())
    })
    .await;
    assert_eq!(r.unwrap_err().into_errors(), vec![ChildError::Raised("job 1 failed".to_string())]);
    assert_eq!(now(), t0.saturating_add(secs(1)));

    // timeout: elapsed is exactly the deadline.
    let t0 = now();
    let r = timeout(secs(2), job(1, 5, false)).await;
    assert_eq!(r.unwrap_err().deadline(), t0.saturating_add(secs(2)));
    assert_eq!(now(), t0.saturating_add(secs(2)));

    // wait_for: the task is cancelled at the deadline.
    let r = wait_for(job(1, 5, false).boxed_local(), secs(1)).await;
    assert!(r.is_err());

    // wait / as_completed / shield never cancel.
    let a = spawn(job(1, 1, false));
    let b = spawn(job(2, 3, false));
    let (done, pending) = wait([a.clone(), b.clone()], ReturnWhen::FirstCompleted, None).await;
    assert_eq!((done.len(), pending.len()), (1, 1));
    assert!(timeout(secs(1), shield(b.clone())).await.is_err());
    let mut order = Vec::new();
    let mut s = as_completed([a, b], None);
    while let Some(r) = s.next().await {
        order.push(r.unwrap().unwrap().unwrap());
    }
    assert_eq!(order, [1, 2]);
}

#[test]
fn primitives_keep_their_guarantees_under_random_and_pct_schedules() {
    for seed in 0..40 {
        for policy in [Policy::Random, Policy::Pct { depth: 3, max_steps: 400 }] {
            let mut rt = Runtime::builder().seed(seed).policy(policy).build();
            rt.block_on(program());
            assert!(rt.now() > Instant::ZERO);
            // Same seed, same policy: the same trace, event for event.
            let mut again = Runtime::builder().seed(seed).policy(policy).build();
            again.block_on(program());
            assert_eq!(rt.trace().events(), again.trace().events(), "seed {seed} {policy:?}");
        }
    }
}
