//! The program language: a task set as a tree of straight-line blocks.
//!
//! A [`Program`] is the body of `main`. Each [`Block`] is a list of [`Op`]s run in order
//! by one task; [`Op::Spawn`] starts a child task running a nested block. A task only
//! holds handles to the children it spawned itself, so the tasks form a tree and a
//! program can never deadlock. Child handles are named statically: `Await(i)` /
//! `Cancel(i)` refer to the `i % n`-th of the `n` children made by `Spawn` so far (a
//! no-op when there is none), so every sub-program a shrinker produces is still a valid
//! program. Children of `Gather`, `Group` and `Wait` have no handle.
//!
//! Task names follow the tree: main's first child (of any op) is `t1`, that child's
//! second child is `t1.2`, and so on. Logged messages are fixed by the program, so a trace says who did
//! what and the same program prints the same lines on simloop and on CPython.

use std::fmt;

use simloop_executor::Policy;
pub use simloop_primitives::ReturnWhen;

/// A duration in virtual milliseconds.
pub type Millis = u32;

/// One operation of a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `sleep(ms)`; `Sleep(0)` yields once (asyncio's `sleep(0)`).
    Sleep(Millis),
    /// `log!("log <n>")`.
    Log(u8),
    /// Spawns a child task running the block (`create_task`).
    Spawn(Block),
    /// Awaits child `child % spawned`, logs its outcome, and with `propagate` re-raises
    /// its failure or panic (a cancelled child is only logged).
    Await {
        /// Which child (taken modulo the children spawned so far).
        child: u8,
        /// Whether a failure or panic of the child ends this task the same way.
        propagate: bool,
    },
    /// Cancels child `child % spawned` and logs what `cancel()` returned.
    Cancel(u8),
    /// Ends the task with an error (`raise Fail(...)` / `return Err(..)`).
    Fail,
    /// Panics (`raise Panic(...)` / `panic!`).
    Panic,
    /// Spawns one child per block and gathers them: `gather` (every outcome, logged in
    /// input order; asyncio's `return_exceptions=True`) or, with `fail_fast`,
    /// `try_gather` (all values, or the first failure; with `propagate` that failure
    /// ends this task the same way). These children take names but no handles.
    Gather {
        /// The children's blocks.
        children: Vec<Block>,
        /// `try_gather` instead of `gather`.
        fail_fast: bool,
        /// With `fail_fast`: re-raise the first failure.
        propagate: bool,
    },
    /// Runs the body's ops in this task under `timeout(ms)` (`async with
    /// asyncio.timeout(ms)`), then logs `timeout -> ok <ret>` or `timeout -> expired`. The
    /// body's children are named as this task's; their handles live in the body. A failure
    /// or panic in the body ends this task.
    Timeout {
        /// The delay, at least 1 ms.
        ms: Millis,
        /// The ops run under the timeout, and the value logged if they finish.
        body: Block,
    },
    /// Runs the body's ops in this task under a cancel scope (`try: ... except
    /// CancelledError:` / `catch_cancel`). If the task is cancelled while they run, logs
    /// `caught`, cleans up with `sleep(cleanup_ms)`, logs `cleaned up`, and then re-raises
    /// the cancellation or, with `refuse`, withdraws it (`uncancel()`), logs `refused` and
    /// goes on. Children are named as for a `Timeout`'s body; a failure or panic in the body
    /// ends this task.
    Catch {
        /// The cleanup's sleep (0 yields once).
        cleanup_ms: Millis,
        /// Refuse the cancellation instead of re-raising it.
        refuse: bool,
        /// The ops run under the scope.
        body: Block,
    },
    /// Spawns one child per block and waits for them as `mode` says, or until `timeout_ms`
    /// passes (`asyncio.wait(tasks, timeout=, return_when=)`), then logs
    /// `wait -> done [..] pending [..]` with each set's names sorted. Nothing is cancelled:
    /// pending children keep running without a handle, like a spawned child nobody
    /// awaits, and a child still running when main ends is reported pending. With no
    /// children the op does nothing (asyncio raises `ValueError` for an empty set).
    Wait {
        /// When the wait returns: all done, the first done, or the first failed.
        mode: ReturnWhen,
        /// The timeout in ms, at least 1; `None` waits as long as `mode` needs.
        timeout_ms: Option<Millis>,
        /// The children's blocks.
        children: Vec<Block>,
    },
    /// Runs the blocks as children of a `TaskGroup` (with an empty body) and logs how
    /// the group ended; with `propagate` its first error ends this task the same way.
    Group {
        /// The children's blocks.
        children: Vec<Block>,
        /// Re-raise the group's first error.
        propagate: bool,
    },
    /// Holds the program's one `Lock` for `ms` (`async with lock: log('locked'); await
    /// sleep(ms)`).
    Locked(Millis),
    /// Holds one of the two permits of the program's `Semaphore(2)` for `ms`
    /// (`async with sem: log('permit'); await sleep(ms)`).
    Permit(Millis),
    /// Sets the program's `Event` and logs `set`.
    SetEvent,
    /// Waits for the program's `Event` under `timeout(ms)`; logs `event -> set` or
    /// `event -> timeout`.
    WaitEvent(Millis),
    /// Puts `item` into the program's `Queue(2)` under `timeout(ms)`; logs `put <item>` or
    /// `put -> timeout`.
    Put {
        /// The item.
        item: u8,
        /// The timeout, at least 1 ms.
        ms: Millis,
    },
    /// Takes an item from the program's `Queue(2)` under `timeout(ms)`; logs `get -> <item>`
    /// or `get -> timeout`.
    Get(Millis),
}

/// The operations one task runs, then the value it returns if it gets to the end.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Block {
    /// The operations, in order.
    pub ops: Vec<Op>,
    /// The value returned at the end of the block.
    pub ret: u8,
}

/// A whole program: the block `main` runs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// main's block.
    pub main: Block,
}

/// A generated test case: a program and the run it is checked under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The program.
    pub program: Program,
    /// The runtime's seed.
    pub seed: u64,
    /// The scheduling policy.
    pub policy: Policy,
}

impl Op {
    /// The blocks this op runs as new tasks.
    pub fn nested(&self) -> &[Block] {
        match self {
            Op::Spawn(b) => std::slice::from_ref(b),
            Op::Gather { children, .. }
            | Op::Group { children, .. }
            | Op::Wait { children, .. } => children,
            _ => &[],
        }
    }

    /// The ops this op runs inline, in the same task (a `Timeout`'s body).
    pub fn inline(&self) -> &[Op] {
        match self {
            Op::Timeout { body, .. } | Op::Catch { body, .. } => &body.ops,
            _ => &[],
        }
    }

    /// Whether this op ends the task (nothing after it runs).
    pub fn ends_task(&self) -> bool {
        matches!(self, Op::Fail | Op::Panic)
    }
}

impl Block {
    /// The number of ops in this block and every nested block.
    pub fn size(&self) -> usize {
        ops_size(&self.ops)
    }

    /// The nesting depth: 1 for a block without spawns.
    pub fn depth(&self) -> usize {
        1 + ops_depth(&self.ops)
    }

    /// The number of tasks this block spawns, directly or not.
    pub fn tasks(&self) -> usize {
        ops_tasks(&self.ops)
    }
}

fn ops_size(ops: &[Op]) -> usize {
    ops.iter()
        .map(|op| 1 + op.nested().iter().map(Block::size).sum::<usize>() + ops_size(op.inline()))
        .sum()
}

fn ops_depth(ops: &[Op]) -> usize {
    ops.iter()
        .map(|op| {
            let nested = op.nested().iter().map(Block::depth).max().unwrap_or(0);
            nested.max(ops_depth(op.inline()))
        })
        .max()
        .unwrap_or(0)
}

fn ops_tasks(ops: &[Op]) -> usize {
    ops.iter()
        .map(|op| op.nested().iter().map(|b| 1 + b.tasks()).sum::<usize>() + ops_tasks(op.inline()))
        .sum()
}

impl Program {
    /// Total ops, nested blocks included.
    pub fn size(&self) -> usize {
        self.main.size()
    }

    /// The nesting depth of spawns (1: main spawns nothing).
    pub fn depth(&self) -> usize {
        self.main.depth()
    }

    /// The number of tasks besides main.
    pub fn tasks(&self) -> usize {
        self.main.tasks()
    }
}

/// The name of child `k` (1-based) of the task named `parent`.
pub fn child_name(parent: &str, k: usize) -> String {
    if parent == "main" {
        format!("t{k}")
    } else {
        format!("{parent}.{k}")
    }
}

/// How many child names `ops` use: one per task they create, counting timeout bodies
/// whole (names are given statically, whether or not the op runs).
pub fn names_used(ops: &[Op]) -> usize {
    ops.iter().map(|op| op.nested().len() + names_used(op.inline())).sum()
}

/// Resolves a child reference: `child % spawned`, or `None` when nothing was spawned.
/// The result is 0-based.
pub fn resolve(child: u8, spawned: usize) -> Option<usize> {
    (spawned > 0).then(|| usize::from(child) % spawned)
}

/// asyncio's name for a wait mode: `ALL_COMPLETED`, `FIRST_COMPLETED`, `FIRST_EXCEPTION`.
pub fn mode_name(mode: ReturnWhen) -> &'static str {
    match mode {
        ReturnWhen::AllCompleted => "ALL_COMPLETED",
        ReturnWhen::FirstCompleted => "FIRST_COMPLETED",
        ReturnWhen::FirstException => "FIRST_EXCEPTION",
    }
}

fn write_block(f: &mut fmt::Formatter<'_>, b: &Block, indent: usize) -> fmt::Result {
    let pad = "  ".repeat(indent);
    for op in &b.ops {
        match op {
            Op::Sleep(ms) => writeln!(f, "{pad}sleep {ms}ms")?,
            Op::Log(n) => writeln!(f, "{pad}log {n}")?,
            Op::Spawn(child) => {
                writeln!(f, "{pad}spawn:")?;
                write_block(f, child, indent + 1)?;
            }
            Op::Gather { children, fail_fast, propagate } => {
                let what = if *fail_fast { "try_gather" } else { "gather" };
                let p = if *fail_fast && *propagate { " (propagate)" } else { "" };
                writeln!(f, "{pad}{what}{p}:")?;
                for c in children {
                    writeln!(f, "{pad}- child:")?;
                    write_block(f, c, indent + 1)?;
                }
            }
            Op::Wait { mode, timeout_ms, children } => {
                let t = timeout_ms.map(|ms| format!(" timeout {ms}ms")).unwrap_or_default();
                writeln!(f, "{pad}wait {}{t}:", mode_name(*mode))?;
                for c in children {
                    writeln!(f, "{pad}- child:")?;
                    write_block(f, c, indent + 1)?;
                }
            }
            Op::Timeout { ms, body } => {
                writeln!(f, "{pad}timeout {ms}ms:")?;
                write_block(f, body, indent + 1)?;
            }
            Op::Catch { cleanup_ms, refuse, body } => {
                let then = if *refuse { "refuse" } else { "re-raise" };
                writeln!(f, "{pad}catch cancel (cleanup {cleanup_ms}ms, then {then}):")?;
                write_block(f, body, indent + 1)?;
            }
            Op::Group { children, propagate } => {
                writeln!(f, "{pad}group{}:", if *propagate { " (propagate)" } else { "" })?;
                for c in children {
                    writeln!(f, "{pad}- child:")?;
                    write_block(f, c, indent + 1)?;
                }
            }
            Op::Await { child, propagate } => {
                writeln!(f, "{pad}await {child}{}", if *propagate { " (propagate)" } else { "" })?
            }
            Op::Cancel(c) => writeln!(f, "{pad}cancel {c}")?,
            Op::Fail => writeln!(f, "{pad}fail")?,
            Op::Panic => writeln!(f, "{pad}panic")?,
            Op::Locked(ms) => writeln!(f, "{pad}locked {ms}ms")?,
            Op::Permit(ms) => writeln!(f, "{pad}permit {ms}ms")?,
            Op::SetEvent => writeln!(f, "{pad}set event")?,
            Op::WaitEvent(ms) => writeln!(f, "{pad}wait event, timeout {ms}ms")?,
            Op::Put { item, ms } => writeln!(f, "{pad}put {item}, timeout {ms}ms")?,
            Op::Get(ms) => writeln!(f, "{pad}get, timeout {ms}ms")?,
        }
    }
    writeln!(f, "{pad}return {}", b.ret)
}

impl fmt::Display for Program {
    /// An indented listing, one op per line, for failure messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_block(f, &self.main, 0)
    }
}
