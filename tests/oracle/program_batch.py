"""Run many generated task programs (simloop_checker::program) on CPython under vclock.

    python3 program_batch.py programs.txt

The input holds programs rendered by `simloop_checker::program::python::render_batch`:
each one after a `### <index>` line, defining `async def main()`. For each program this
prints `### <index>`, its trace in vclock's layout (log lines, `-- elapsed`), and
`-- main ok <v>` / `-- main failed <msg>` / `-- main panicked <msg>`.

One setting differs from plain vclock.py: timers due within 1 us of the instant the
clock jumped to fire as one batch (what real CPython does after epoll's millisecond
rounding; simloop does the same; see FINDINGS.md section 7 and vclock_batch.py).
"""
import asyncio, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vclock


class Fail(Exception):
    """A program's `fail` op."""


class Panic(Exception):
    """A program's `panic` op (a Rust panic)."""


async def aw(t, label, propagate):
    """`await t`, logging its outcome; re-raises a failure or panic when `propagate`."""
    try:
        r = await t
    except Fail as e:
        vclock.log(f'await {label} -> failed {e}')
        if propagate:
            raise
        return
    except Panic as e:
        vclock.log(f'await {label} -> panicked {e}')
        if propagate:
            raise
        return
    except asyncio.CancelledError:
        if t.cancelled() and asyncio.current_task().cancelling() == 0:
            vclock.log(f'await {label} -> cancelled')
            return
        raise
    vclock.log(f'await {label} -> ok {r}')


def run(main_fn):
    loop = vclock.VirtualLoop()
    loop._clock_resolution = 1e-6
    vclock._loop = loop
    vclock._lines.clear()
    asyncio.set_event_loop(loop)

    async def named():
        asyncio.current_task().set_name('main')
        return await main_fn()

    try:
        end = 'ok %s' % loop.run_until_complete(named())
    except Fail as e:
        end = 'failed %s' % e
    except Panic as e:
        end = 'panicked %s' % e
    elapsed = vclock.now()
    loop.close()
    return vclock.render(list(vclock._lines), elapsed) + '\n-- main ' + end


def main():
    text = open(sys.argv[1]).read()
    chunks = text.split('### ')[1:]
    out = []
    for chunk in chunks:
        index, _, source = chunk.partition('\n')
        ns = {'asyncio': asyncio, 'log': vclock.log, 'Fail': Fail, 'Panic': Panic, 'aw': aw}
        exec(compile(source, f'<program {index}>', 'exec'), ns)
        out.append('### %s\n%s' % (index, run(ns['main'])))
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
