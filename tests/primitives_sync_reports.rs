//! The sync primitives' traces, deadlock reports and bad input: what a user sees when a
//! lock, event or queue is misused or the program deadlocks on one.

use std::time::Duration;

use simloop::sync::{Barrier, BoundedSemaphore, Event, Lock, Queue, Semaphore, SyncError};
use simloop::{log, sleep, spawn_named, yield_now, RunError, Runtime, WaitOn};

#[test]
fn operations_on_named_primitives_are_in_the_verbose_trace_and_never_in_the_text() {
    let mut rt = Runtime::new();
    rt.block_on(async {
        let db = Lock::named("db");
        let ready = Event::named("ready");
        let jobs = Queue::named("jobs", 0);
        let quiet = Lock::named("quiet").untraced();
        let bob = {
            let (db, ready) = (db.clone(), ready.clone());
            spawn_named("bob", async move {
                ready.wait().await;
                db.acquire().await;
                db.release().unwrap();
            })
        };
        db.acquire().await;
        quiet.acquire().await;
        quiet.release().unwrap();
        yield_now().await;
        ready.set();
        jobs.put(1).await;
        let _: i32 = jobs.get().await;
        sleep(Duration::from_secs(1)).await;
        db.release().unwrap();
        log!("done");
        bob.await.unwrap();
    });
    let verbose = rt.trace().verbose();
    for line in [
        "   0.000s  main         acquire Lock 'db'",
        "   0.000s  bob          wait for Event 'ready'",
        "   0.000s  main         set Event 'ready'",
        "   0.000s  main         put Queue 'jobs'",
        "   0.000s  main         get Queue 'jobs'",
        "   0.000s  bob          wait for Lock 'db'",
        "   1.000s  main         release Lock 'db'",
        "   1.000s  bob          acquire Lock 'db'",
        "   1.000s  bob          release Lock 'db'",
    ] {
        assert!(verbose.contains(line), "missing {line:?} in\n{verbose}");
    }
    assert!(!verbose.contains("quiet"), "an untraced lock is kept out:\n{verbose}");
    assert_eq!(rt.trace().text(), "   1.000s  main         done\n-- elapsed 1.000s");
}

#[test]
fn a_deadlock_on_primitives_is_a_wait_for_graph_naming_holders_and_the_cycle() {
    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            let db = Lock::named("db");
            let ready = Event::named("ready");
            let alice = {
                let (db, ready) = (db.clone(), ready.clone());
                spawn_named("alice", async move {
                    db.acquire().await;
                    ready.wait().await;
                })
            };
            let bob = {
                let db = db.clone();
                spawn_named("bob", async move {
                    yield_now().await;
                    db.acquire().await;
                })
            };
            drop(ready);
            let _ = bob.await;
            let _ = alice.await;
        })
        .unwrap_err();
    let RunError::Deadlock(report) = &err else { panic!("expected a deadlock, got {err}") };
    assert!(matches!(report.tasks[1].waiting_on, WaitOn::Resource(_)));
    assert_eq!(
        report.wait_for,
        vec![
            "main waits for task bob; bob waits for Lock 'db' held by alice; alice waits for \
              Event 'ready' that nobody can set anymore"
        ]
    );
    let text = err.to_string();
    assert!(text.contains("waits on: Lock 'db' held by alice"), "{text}");
    assert!(text.contains("waits on: Event 'ready'"), "{text}");

    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            let (a, b) = (Lock::named("a"), Lock::named("b"));
            let first = {
                let (a, b) = (a.clone(), b.clone());
                spawn_named("first", async move {
                    a.acquire().await;
                    yield_now().await;
                    b.acquire().await;
                })
            };
            let second = spawn_named("second", async move {
                b.acquire().await;
                yield_now().await;
                a.acquire().await;
            });
            let _ = first.await;
            let _ = second.await;
        })
        .unwrap_err();
    let RunError::Deadlock(report) = &err else { panic!("expected a deadlock, got {err}") };
    assert_eq!(
        report.wait_for,
        vec![
            "main waits for task first; first waits for Lock 'b' held by second; second \
              waits for Lock 'a' held by first; the cycle: first -> second -> first"
        ]
    );

    let mut rt = Runtime::new();
    let err = rt
        .try_block_on(async {
            let jobs: Queue<u32> = Queue::named("jobs", 0);
            let _ = jobs.get().await;
        })
        .unwrap_err();
    let RunError::Deadlock(report) = &err else { panic!("expected a deadlock, got {err}") };
    assert_eq!(
        report.wait_for,
        vec!["main waits for Queue 'jobs' that nobody can put into anymore"]
    );
}

#[test]
fn bad_input_gets_asyncios_error_with_a_message_naming_the_fix() {
    let lock = Lock::named("db");
    let e = lock.release().unwrap_err();
    assert_eq!(e, SyncError::NotAcquired { what: "Lock 'db'".into(), op: "release()" });
    assert_eq!(
        e.to_string(),
        "release() on Lock 'db', which is not acquired (asyncio: RuntimeError): acquire it \
         first, and release it once per acquire"
    );
    let sem = BoundedSemaphore::new(2);
    let e = sem.release().unwrap_err();
    assert_eq!(e, SyncError::ReleasedTooOften { what: "BoundedSemaphore".into(), bound: 2 });
    assert!(e.to_string().contains("release it once per acquire"), "{e}");
    let q: Queue<u8> = Queue::named("jobs", 0);
    q.put_nowait(1).unwrap();
    q.task_done().unwrap();
    let e = q.task_done().unwrap_err();
    assert_eq!(
        e.to_string(),
        "task_done() on Queue 'jobs' called too many times (asyncio: ValueError): call it \
         once per item taken with get()"
    );
    let e = Barrier::new(0).unwrap_err();
    assert_eq!(e, SyncError::ZeroParties);
    assert!(e.to_string().contains("pass the number of tasks"), "{e}");
    assert!(Semaphore::new(0).locked());
}

#[test]
fn a_get_outside_a_runtime_message_says_where_to_await_it() {
    let q: Queue<u8> = Queue::new(0);
    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(q.get());
    }))
    .unwrap_err();
    let msg = simloop::panic_message(msg.as_ref());
    assert!(msg.contains("await it inside #[simloop::test], Runtime::block_on"), "{msg}");
    // Calls that never wait work anywhere, as asyncio's do without a loop.
    q.put_nowait(7).unwrap();
    assert_eq!(q.get_nowait(), Ok(7));
}
