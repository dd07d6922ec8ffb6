//! Five planted concurrency bugs, each a small async program a user could have written: it
//! passes under FIFO (asyncio's own order, seed 0) and fails (an assert panics) under some
//! other interleaving of its named tasks. Shared by the test files that say `mod planted;`
//! (tests/planted_bugs.rs proves each passes under FIFO and fails within a bounded sweep).
//!
//! | bug | tasks | what goes wrong |
//! |---|---|---|
//! | [`lost_update`] | `ingest`, `compact` | both read the counter before either writes it back |
//! | [`double_init`] | `handler-1`, `handler-2` | both see the config cache empty and load it |
//! | [`cancel_between_check_and_act`] | `checkout`, `cancel-order` | the cancel lands after the check, before the charge |
//! | [`timeout_races_completion`] | `payment-gateway`, `checkout` | the timeout fires at the instant the charge completes; the retry charges twice |
//! | [`task_group_order`] | `migrate-schema`, `seed-data` | a child assumes its sibling spawned first has run first |

#![allow(dead_code)]

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use simloop::sync::Event;
use simloop::{log, sleep, spawn_named, task_group, timeout, yield_now};
use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::rc::Rc;
use std::time::Duration;

/// One planted bug: its name, the text its assert panics with, and the program.
#[derive(Clone, Copy)]
pub struct Bug {
    /// The function's name.
    pub name: &'static str,
    /// A part of the panic message the bug shows with.
    pub message: &'static str,
    /// The program, boxed so that the five fit in one list.
    pub run: fn() -> LocalBoxFuture<'static, ()>,
}

/// The five planted bugs, in the order of the module's table.
pub const ALL: [Bug; 5] = [
    Bug { name: "lost_update", message: "lost update", run: || lost_update().boxed_local() },
    Bug { name: "double_init", message: "initialised twice", run: || double_init().boxed_local() },
    Bug {
        name: "cancel_between_check_and_act",
        message: "charged a cancelled order",
        run: || cancel_between_check_and_act().boxed_local(),
    },
    Bug {
        name: "timeout_races_completion",
        message: "charged twice",
        run: || timeout_races_completion().boxed_local(),
    },
    Bug {
        name: "task_group_order",
        message: "seeded before the schema",
        run: || task_group_order().boxed_local(),
    },
];

/// A lost update across an await: two tasks add to a shared counter by reading it, awaiting
/// (a write to a log store), and writing back the value they read plus their own. Under
/// FIFO `compact` first waits for its turn (one yield), so `ingest` has written back before
/// `compact` reads.
pub async fn lost_update() {
    let count = Rc::new(Cell::new(0u32));
    let add = |c: Rc<Cell<u32>>, n: u32, warm_up: bool| async move {
        if warm_up {
            yield_now().await;
        }
        let seen = c.get();
        sleep(Duration::ZERO).await; // append to the log store
        c.set(seen + n);
        log!("count {}", c.get());
    };
    let ingest = spawn_named("ingest", add(count.clone(), 5, false));
    let compact = spawn_named("compact", add(count.clone(), 3, true));
    ingest.await.unwrap();
    compact.await.unwrap();
    assert_eq!(count.get(), 8, "lost update: count {} after adding 5 and 3", count.get());
}

/// A double initialisation: two request handlers share a lazily loaded config; each checks
/// the cache, and if it is empty loads the config (an await) and stores it. Under FIFO
/// `handler-2` parses its request first (one yield), by which time `handler-1` has stored it.
pub async fn double_init() {
    let cache: Rc<RefCell<Option<String>>> = Rc::new(RefCell::new(None));
    let loads = Rc::new(Cell::new(0u32));
    let handle = |cache: Rc<RefCell<Option<String>>>, loads: Rc<Cell<u32>>, parse: bool| async move {
        if parse {
            yield_now().await;
        }
        if cache.borrow().is_none() {
            loads.set(loads.get() + 1);
            sleep(Duration::ZERO).await; // read config.toml
            *cache.borrow_mut() = Some("config v1".to_string());
            log!("config loaded");
        }
        log!("served with {}", cache.borrow().as_deref().unwrap_or("?"));
    };
    let h1 = spawn_named("handler-1", handle(cache.clone(), loads.clone(), false));
    let h2 = spawn_named("handler-2", handle(cache.clone(), loads.clone(), true));
    h1.await.unwrap();
    h2.await.unwrap();
    assert_eq!(loads.get(), 1, "config initialised twice ({} loads)", loads.get());
}

/// A cancel arriving between check and act: `checkout` checks that the order was not
/// cancelled, contacts the bank (an await), then charges; `cancel-order` sets the order's
/// cancel event and refunds only if the order was already charged. Under FIFO the user
/// clicks cancel a step later (one yield), after the charge, so the refund happens.
pub async fn cancel_between_check_and_act() {
    let cancelled = Event::named("order-cancelled");
    let charged = Rc::new(Cell::new(false));
    let refunded = Rc::new(Cell::new(false));
    let checkout = {
        let (cancelled, charged) = (cancelled.clone(), charged.clone());
        spawn_named("checkout", async move {
            if !cancelled.is_set() {
                sleep(Duration::ZERO).await; // contact the bank
                charged.set(true);
                log!("charged");
            }
        })
    };
    let cancel = {
        let (cancelled, charged, refunded) = (cancelled.clone(), charged.clone(), refunded.clone());
        spawn_named("cancel-order", async move {
            yield_now().await; // the user clicks "cancel"
            cancelled.set();
            if charged.get() {
                refunded.set(true);
                log!("refunded");
            }
        })
    };
    checkout.await.unwrap();
    cancel.await.unwrap();
    assert!(
        !(cancelled.is_set() && charged.get() && !refunded.get()),
        "charged a cancelled order and never refunded it"
    );
}

/// A timeout racing a completion: `checkout` asks `payment-gateway` to charge and waits at
/// most 100 ms for its answer; on a timeout it assumes the charge failed and charges again
/// by itself. The gateway answers at exactly 100 ms. Under FIFO the gateway's timer (set
/// first) fires first and its answer is in before the checkout's timeout is handled.
pub async fn timeout_races_completion() {
    let charges = Rc::new(Cell::new(0u32));
    let answered = Event::named("gateway-answered");
    let gateway = {
        let (charges, answered) = (charges.clone(), answered.clone());
        spawn_named("payment-gateway", async move {
            sleep(Duration::from_millis(100)).await;
            charges.set(charges.get() + 1);
            answered.set();
            log!("gateway charged");
        })
    };
    let checkout = {
        let (charges, answered) = (charges.clone(), answered.clone());
        spawn_named("checkout", async move {
            yield_now().await; // build the request
            let waited = timeout(Duration::from_millis(100), answered.wait()).await;
            if waited.is_err() && !answered.is_set() {
                log!("gateway timed out: charging directly");
                charges.set(charges.get() + 1);
            }
        })
    };
    gateway.await.unwrap();
    checkout.await.unwrap();
    assert_eq!(charges.get(), 1, "charged twice: {} charges", charges.get());
}

/// An ordering bug among task-group children: `seed-data` assumes `migrate-schema`, spawned
/// before it into the same group, has created the tables by the time it inserts. Both
/// connect first (`seed-data` needs a longer handshake: two yields to one); under FIFO the
/// migration is always done in time.
pub async fn task_group_order() {
    let schema = Rc::new(Cell::new(false));
    let seeded_early = Rc::new(Cell::new(false));
    let (s1, s2, early) = (schema.clone(), schema.clone(), seeded_early.clone());
    task_group(|tg| async move {
        tg.spawn_named("migrate-schema", async move {
            yield_now().await; // connect
            s1.set(true);
            log!("schema created");
        });
        tg.spawn_named("seed-data", async move {
            yield_now().await; // connect
            yield_now().await; // authenticate
            if !s2.get() {
                early.set(true);
            }
            log!("rows inserted");
        });
        Ok::<_, Infallible>(())
    })
    .await
    .unwrap();
    assert!(!seeded_early.get(), "seeded before the schema existed");
}
