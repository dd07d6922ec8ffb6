//! The interpreter: runs a [`Program`] on a simloop [`Runtime`] and reads back what
//! happened to every task.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::panic::panic_any;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use simloop_executor::{
    catch_cancel, current_task, log, sleep, spawn_named, EventKind, Instant, Policy, RunError,
    RunReport, Runtime, Task, TaskError, TaskId, Trace,
};

use simloop_primitives::sync::{Event, Lock, Queue, Semaphore};
use simloop_primitives::{gather, task_group, timeout, try_gather, wait, ChildError, TaskGroup};

use super::ast::{child_name, names_used, resolve, Block, Op, Program};

/// How a task ended, as the program sees it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum End {
    /// Reached the end of its block and returned this value.
    Ok(u64),
    /// Ended by `Fail` (its own or a propagated one): the error message.
    Failed(String),
    /// Panicked (its own or a propagated one): the panic message.
    Panicked(String),
    /// Cancelled before it ended.
    Cancelled,
    /// Still pending when main returned (reported "destroyed but pending").
    Pending,
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Ok(v) => write!(f, "ok {v}"),
            End::Failed(m) => write!(f, "failed {m}"),
            End::Panicked(m) => write!(f, "panicked {m}"),
            End::Cancelled => f.write_str("cancelled"),
            End::Pending => f.write_str("pending"),
        }
    }
}

/// What a whole run came to: how main and every spawned task ended, and the elapsed time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How main ended.
    pub main: End,
    /// How each spawned task ended, by name (`t1`, `t1.2`, ...).
    pub tasks: BTreeMap<String, End>,
    /// The elapsed virtual time.
    pub elapsed: Instant,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "main {} after {}", self.main, self.elapsed)?;
        for (name, end) in &self.tasks {
            write!(f, "; {name} {end}")?;
        }
        Ok(())
    }
}

/// One run of a program: its trace, the runtime's report and the outcome.
#[derive(Clone, Debug)]
pub struct Run {
    /// The full trace (tracing on).
    pub trace: Trace,
    /// What `block_on` left behind.
    pub report: RunReport,
    /// How every task ended.
    pub outcome: Outcome,
    /// Each spawned task's name and id, in spawn order.
    pub ids: Vec<(String, TaskId)>,
}

impl Run {
    /// The line the differential test compares after the trace: `-- main <end>`.
    pub fn main_line(&self) -> String {
        format!("-- main {}", self.outcome.main)
    }
}

type Ret = Result<u64, String>;
type BoxFuture = Pin<Box<dyn Future<Output = Ret>>>;

struct Shared {
    values: RefCell<BTreeMap<String, Ret>>,
    ids: RefCell<Vec<(String, TaskId)>>,
    /// The program's one lock, semaphore, event and queue (see `Op::Locked` and on).
    lock: Lock,
    sem: Semaphore,
    event: Event,
    queue: Queue<u8>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            values: RefCell::default(),
            ids: RefCell::default(),
            lock: Lock::named("lock"),
            sem: Semaphore::named("sem", 2),
            event: Event::named("event"),
            queue: Queue::named("queue", 2),
        }
    }
}

struct Child {
    name: String,
    task: Task<Ret>,
    seen: Option<Result<Ret, TaskError>>,
}

fn body(block: Block, name: String, shared: Rc<Shared>) -> BoxFuture {
    Box::pin(async move {
        let r = run_block(&block, &name, &shared).await;
        shared.values.borrow_mut().insert(name, r.clone());
        r
    })
}

/// Spawns `block` as the task `name` and records its id.
fn spawn_child(block: &Block, name: String, shared: &Rc<Shared>) -> Task<Ret> {
    let task = spawn_named(name.clone(), body(block.clone(), name.clone(), shared.clone()));
    shared.ids.borrow_mut().push((name, task.id()));
    task
}

/// How a child's outcome is logged: `ok 3`, `failed fail t1`, `panicked ...`, `cancelled`.
fn describe(r: &Result<Ret, TaskError>) -> String {
    match r {
        Ok(Ok(v)) => format!("ok {v}"),
        Ok(Err(m)) => format!("failed {m}"),
        Err(TaskError::Panicked(m)) => format!("panicked {m}"),
        Err(e) if e.is_cancelled() => "cancelled".to_string(),
        Err(e) => e.to_string(),
    }
}

fn describe_child_error(e: &ChildError<String>) -> String {
    match e {
        ChildError::Raised(m) => format!("failed {m}"),
        ChildError::Task(t) => describe(&Err(t.clone())),
    }
}

/// Task names, sorted, as `[t1, t2]` (what the `Wait` op logs).
fn sorted_names(tasks: &[Task<Ret>]) -> String {
    let mut names: Vec<String> = tasks.iter().map(Task::name).collect();
    names.sort_unstable();
    format!("[{}]", names.join(", "))
}

/// Ends the task as `e` says: `Err(m)` for a raised error, a panic for a panic.
fn reraise(e: ChildError<String>) -> Ret {
    match e {
        ChildError::Raised(m) => Err(m),
        ChildError::Task(TaskError::Panicked(m)) => panic_any(m),
        ChildError::Task(t) => Err(t.to_string()),
    }
}

async fn run_block(block: &Block, name: &str, shared: &Rc<Shared>) -> Ret {
    match run_ops(&block.ops, name, shared, &Cell::new(0)).await {
        Some(ended) => ended,
        None => Ok(u64::from(block.ret)),
    }
}

/// Runs `ops` in the current task; `Some` if the task ended early (`Fail`, or a
/// propagated failure), `None` at the end of the ops. `named` counts the task's children.
fn run_ops<'a>(
    ops: &'a [Op],
    name: &'a str,
    shared: &'a Rc<Shared>,
    named: &'a Cell<usize>,
) -> Pin<Box<dyn Future<Output = Option<Ret>> + 'a>> {
    Box::pin(async move {
        let mut kids: Vec<Child> = Vec::new();
        let next_name = || {
            named.set(named.get() + 1);
            child_name(name, named.get())
        };
        for op in ops {
            match op {
                Op::Sleep(ms) => sleep(Duration::from_millis(u64::from(*ms))).await,
                Op::Log(n) => log!("log {n}"),
                Op::Spawn(b) => {
                    let cname = next_name();
                    let task = spawn_child(b, cname.clone(), shared);
                    kids.push(Child { name: cname, task, seen: None });
                }
                Op::Await { child, propagate } => {
                    let Some(i) = resolve(*child, kids.len()) else { continue };
                    let kid = &mut kids[i];
                    let r = match &kid.seen {
                        Some(r) => r.clone(),
                        None => {
                            let r = (&mut kid.task).await;
                            kid.seen = Some(r.clone());
                            r
                        }
                    };
                    match r {
                        Ok(Ok(v)) => log!("await {} -> ok {v}", kid.name),
                        Ok(Err(m)) => {
                            log!("await {} -> failed {m}", kid.name);
                            if *propagate {
                                return Some(Err(m));
                            }
                        }
                        Err(TaskError::Panicked(m)) => {
                            log!("await {} -> panicked {m}", kid.name);
                            if *propagate {
                                panic_any(m);
                            }
                        }
                        Err(e) if e.is_cancelled() => log!("await {} -> cancelled", kid.name),
                        Err(e) => log!("await {} -> {e}", kid.name),
                    }
                }
                Op::Cancel(c) => {
                    let Some(i) = resolve(*c, kids.len()) else { continue };
                    let done = kids[i].task.cancel();
                    log!("cancel {} -> {}", kids[i].name, if done { "True" } else { "False" });
                }
                Op::Gather { children, fail_fast, propagate } => {
                    let mut names = Vec::new();
                    let mut tasks = Vec::new();
                    for b in children {
                        let cname = next_name();
                        tasks.push(spawn_child(b, cname.clone(), shared));
                        names.push(cname);
                    }
                    if !*fail_fast {
                        for (n, r) in names.iter().zip(gather(tasks).await) {
                            log!("gather {n} -> {}", describe(&r));
                        }
                        continue;
                    }
                    match try_gather(tasks).await {
                        Ok(values) => log!("try_gather -> ok {values:?}"),
                        Err(e) => {
                            log!("try_gather -> {}", describe_child_error(&e));
                            if *propagate && !e.is_cancelled() {
                                return Some(reraise(e));
                            }
                        }
                    }
                }
                Op::Wait { mode, timeout_ms, children } => {
                    if children.is_empty() {
                        continue;
                    }
                    let tasks: Vec<_> =
                        children.iter().map(|b| spawn_child(b, next_name(), shared)).collect();
                    let limit = timeout_ms.map(|ms| Duration::from_millis(u64::from(ms)));
                    // Dropping the handles afterwards cancels nothing: pending children
                    // run on, as after asyncio's wait.
                    let (done, pending) = wait(tasks, *mode, limit).await;
                    log!("wait -> done {} pending {}", sorted_names(&done), sorted_names(&pending));
                }
                Op::Group { children, propagate } => {
                    let specs: Vec<(String, Block)> =
                        children.iter().map(|b| (next_name(), b.clone())).collect();
                    let sh = shared.clone();
                    let r = task_group(|tg: TaskGroup<String>| async move {
                        for (cname, b) in specs {
                            let t =
                                tg.spawn_named(cname.clone(), body(b, cname.clone(), sh.clone()));
                            sh.ids.borrow_mut().push((cname, t.task().id()));
                        }
                        Ok::<(), String>(())
                    })
                    .await;
                    match r {
                        Ok(()) => log!("group -> ok"),
                        Err(e) => {
                            let msgs: Vec<String> =
                                e.errors().iter().map(describe_child_error).collect();
                            log!("group -> {}", msgs.join(", "));
                            if *propagate {
                                if let Some(first) = e.into_errors().into_iter().next() {
                                    return Some(reraise(first));
                                }
                            }
                        }
                    }
                }
                Op::Timeout { ms, body } => {
                    // Names are static: the body uses all of its own, run or not.
                    let after = named.get() + names_used(&body.ops);
                    let inner = run_ops(&body.ops, name, shared, named);
                    match timeout(Duration::from_millis(u64::from(*ms)), inner).await {
                        Ok(Some(ended)) => return Some(ended),
                        Ok(None) => log!("timeout -> ok {}", body.ret),
                        Err(_) => log!("timeout -> expired"),
                    }
                    named.set(after);
                }
                Op::Catch { cleanup_ms, refuse, body } => {
                    let after = named.get() + names_used(&body.ops);
                    let inner = run_ops(&body.ops, name, shared, named);
                    match catch_cancel(inner).await {
                        Ok(Some(ended)) => return Some(ended),
                        Ok(None) => {}
                        Err(cancelled) => {
                            log!("caught");
                            sleep(Duration::from_millis(u64::from(*cleanup_ms))).await;
                            log!("cleaned up");
                            if !*refuse {
                                return cancelled.reraise().await;
                            }
                            if let Some(me) = current_task() {
                                me.uncancel();
                            }
                            log!("refused");
                        }
                    }
                    named.set(after);
                }
                Op::Fail => return Some(Err(format!("fail {name}"))),
                Op::Panic => panic_any(format!("panic {name}")),
                Op::Locked(ms) => {
                    let _held = shared.lock.lock().await;
                    log!("locked");
                    sleep(Duration::from_millis(u64::from(*ms))).await;
                }
                Op::Permit(ms) => {
                    shared.sem.acquire().await;
                    let _release = Release(&shared.sem);
                    log!("permit");
                    sleep(Duration::from_millis(u64::from(*ms))).await;
                }
                Op::SetEvent => {
                    shared.event.set();
                    log!("set");
                }
                Op::WaitEvent(ms) => {
                    match timeout(Duration::from_millis(u64::from(*ms)), shared.event.wait()).await
                    {
                        Ok(()) => log!("event -> set"),
                        Err(_) => log!("event -> timeout"),
                    }
                }
                Op::Put { item, ms } => {
                    let put = shared.queue.put(*item);
                    match timeout(Duration::from_millis(u64::from(*ms)), put).await {
                        Ok(()) => log!("put {item}"),
                        Err(_) => log!("put -> timeout"),
                    }
                }
                Op::Get(ms) => {
                    match timeout(Duration::from_millis(u64::from(*ms)), shared.queue.get()).await {
                        Ok(item) => log!("get -> {item}"),
                        Err(_) => log!("get -> timeout"),
                    }
                }
            }
        }
        None
    })
}

/// Gives a semaphore permit back when dropped (`async with sem:`).
struct Release<'a>(&'a Semaphore);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Runs `program` on a new runtime with this seed and policy.
///
/// ```
/// use simloop_checker::program::{interp, Block, End, Op, Program};
/// use simloop_executor::Policy;
///
/// let program = Program {
///     main: Block { ops: vec![Op::Sleep(250), Op::Log(1)], ret: 7 },
/// };
/// let run = interp::run(&program, 0, Policy::Fifo);
/// assert_eq!(run.outcome.main, End::Ok(7));
/// assert_eq!(run.trace.text(), "   0.250s  main         log 1\n-- elapsed 0.250s");
/// ```
pub fn run(program: &Program, seed: u64, policy: Policy) -> Run {
    // A program's panicking children are read back from the report, not a failure.
    let mut rt =
        Runtime::builder().seed(seed).policy(policy).allow_unretrieved_panics(true).build();
    let shared = Rc::new(Shared::default());
    let result = rt.try_block_on(body(program.main.clone(), "main".into(), shared.clone()));
    let main = match result {
        Ok(Ok(v)) => End::Ok(v),
        Ok(Err(m)) => End::Failed(m),
        Err(RunError::MainPanicked { message, .. }) => End::Panicked(message),
        Err(e) => panic!("program run failed unexpectedly (the language cannot deadlock): {e}"),
    };
    let trace = rt.trace();
    let report = rt.report();
    let ids = shared.ids.borrow().clone();
    let values = shared.values.borrow();
    let mut tasks = BTreeMap::new();
    for (name, id) in &ids {
        let end = trace
            .events()
            .iter()
            .filter(|e| e.task == *id)
            .find_map(|e| match &e.kind {
                EventKind::Finished => Some(match values.get(name) {
                    Some(Ok(v)) => End::Ok(*v),
                    Some(Err(m)) => End::Failed(m.clone()),
                    None => End::Pending,
                }),
                EventKind::Cancelled => Some(End::Cancelled),
                EventKind::Panicked(m) => Some(End::Panicked(m.clone())),
                EventKind::DestroyedPending => Some(End::Pending),
                _ => None,
            })
            .unwrap_or(End::Pending);
        tasks.insert(name.clone(), end);
    }
    let elapsed = trace.elapsed();
    Run { trace, report, outcome: Outcome { main, tasks, elapsed }, ids }
}
