//! Renders a program as asyncio Python for the CPython oracle.
//!
//! The text defines `async def main()` and one coroutine function per block; it expects
//! the names `asyncio`, `log`, `Fail`, `Panic`, `aw`, `ga`, `tga`, `grp`, `wt`, `to`, `lk`, `pm`, `se`, `we`, `qp` and `qg` that
//! `tests/oracle/program_batch.py` provides. Task names, logged messages and outcomes
//! are the same as the interpreter's, so the two traces compare line for line.

use std::fmt::Write as _;

use super::ast::{child_name, mode_name, resolve, Block, Op, Program};

fn fn_name(task: &str) -> String {
    format!("b_{}", task.replace('.', "_"))
}

/// Renders `ops` as the body of an `async def` (4-space indent) into `body`; the blocks
/// of new tasks and timeout bodies go into `out` as their own functions.
fn render_ops(
    out: &mut String,
    body: &mut String,
    ops: &[Op],
    name: &str,
    named: &mut usize,
    bodies: &mut usize,
) {
    // Children with handles (made by Spawn here): their names.
    let mut kids: Vec<String> = Vec::new();
    for op in ops {
        match op {
            Op::Sleep(ms) => {
                let _ = writeln!(body, "    await asyncio.sleep({ms} / 1000)");
            }
            Op::Log(n) => {
                let _ = writeln!(body, "    log('log {n}')");
            }
            Op::Spawn(b) => {
                *named += 1;
                let cname = child_name(name, *named);
                let _ = writeln!(
                    body,
                    "    k{} = asyncio.create_task({}(), name='{cname}')",
                    kids.len(),
                    fn_name(&cname)
                );
                render_block(out, b, &cname);
                kids.push(cname);
            }
            Op::Await { child, propagate } => {
                if let Some(i) = resolve(*child, kids.len()) {
                    let p = if *propagate { "True" } else { "False" };
                    let _ = writeln!(body, "    await aw(k{i}, '{}', {p})", kids[i]);
                }
            }
            Op::Cancel(c) => {
                if let Some(i) = resolve(*c, kids.len()) {
                    let _ = writeln!(body, "    log('cancel {} -> %s' % k{i}.cancel())", kids[i]);
                }
            }
            Op::Wait { children, .. } if children.is_empty() => {}
            Op::Gather { children, .. }
            | Op::Group { children, .. }
            | Op::Wait { children, .. } => {
                let mut fns = Vec::new();
                for b in children {
                    *named += 1;
                    let cname = child_name(name, *named);
                    render_block(out, b, &cname);
                    fns.push(format!("({}, '{cname}')", fn_name(&cname)));
                }
                let fns = fns.join(", ");
                let _ = match op {
                    Op::Gather { fail_fast: false, .. } => writeln!(body, "    await ga([{fns}])"),
                    Op::Gather { propagate, .. } => {
                        let p = if *propagate { "True" } else { "False" };
                        writeln!(body, "    await tga([{fns}], {p})")
                    }
                    Op::Group { propagate, .. } => {
                        let p = if *propagate { "True" } else { "False" };
                        writeln!(body, "    await grp([{fns}], {p})")
                    }
                    Op::Wait { mode, timeout_ms, .. } => {
                        let t = timeout_ms.map_or("None".to_string(), |ms| ms.to_string());
                        writeln!(body, "    await wt([{fns}], '{}', {t})", mode_name(*mode))
                    }
                    _ => Ok(()),
                };
            }
            Op::Timeout { ms, body: inner } => {
                *bodies += 1;
                let f = format!("{}__timeout{}", fn_name(name), *bodies);
                let mut text = String::new();
                render_ops(out, &mut text, &inner.ops, name, named, bodies);
                let _ = writeln!(out, "async def {f}():\n{text}    return {}\n", inner.ret);
                let _ = writeln!(body, "    await to({ms}, {f})");
            }
            Op::Catch { cleanup_ms, refuse, body: inner } => {
                *bodies += 1;
                let f = format!("{}__catch{}", fn_name(name), *bodies);
                let mut text = String::new();
                render_ops(out, &mut text, &inner.ops, name, named, bodies);
                let _ = writeln!(out, "async def {f}():\n{text}    return None\n");
                let refuse = if *refuse { "True" } else { "False" };
                let _ = writeln!(body, "    await ca({cleanup_ms}, {refuse}, {f})");
            }
            Op::Fail => {
                let _ = writeln!(body, "    raise Fail('fail {name}')");
            }
            Op::Panic => {
                let _ = writeln!(body, "    raise Panic('panic {name}')");
            }
            Op::Locked(ms) => {
                let _ = writeln!(body, "    await lk({ms})");
            }
            Op::Permit(ms) => {
                let _ = writeln!(body, "    await pm({ms})");
            }
            Op::SetEvent => {
                let _ = writeln!(body, "    se()");
            }
            Op::WaitEvent(ms) => {
                let _ = writeln!(body, "    await we({ms})");
            }
            Op::Put { item, ms } => {
                let _ = writeln!(body, "    await qp({item}, {ms})");
            }
            Op::Get(ms) => {
                let _ = writeln!(body, "    await qg({ms})");
            }
        }
    }
}

fn render_block(out: &mut String, block: &Block, name: &str) {
    let mut body = String::new();
    render_ops(out, &mut body, &block.ops, name, &mut 0, &mut 0);
    let _ = writeln!(out, "async def {}():\n{body}    return {}\n", fn_name(name), block.ret);
}

/// The asyncio program: one `async def` per block, and `main`.
///
/// ```
/// use simloop_checker::program::{python, Block, Op, Program};
/// let p = Program { main: Block { ops: vec![Op::Sleep(250), Op::Log(1)], ret: 3 } };
/// assert_eq!(
///     python::render(&p),
///     "async def b_main():\n    await asyncio.sleep(250 / 1000)\n    log('log 1')\n    return 3\n\n\
///      async def main():\n    return await b_main()\n"
/// );
/// ```
pub fn render(program: &Program) -> String {
    let mut out = String::new();
    render_block(&mut out, &program.main, "main");
    out.push_str("async def main():\n    return await b_main()\n");
    out
}

/// Many programs in the input format of `tests/oracle/program_batch.py`: each one after
/// a `### <index>` line.
pub fn render_batch<'a>(programs: impl IntoIterator<Item = &'a Program>) -> String {
    let mut out = String::new();
    for (i, p) in programs.into_iter().enumerate() {
        let _ = writeln!(out, "### {i}");
        out.push_str(&render(p));
    }
    out
}
