"""Run many generated task programs (simloop_checker::program) on CPython under vclock.

    python3 program_batch.py programs.txt

The input holds programs rendered by `simloop_checker::program::python::render_batch`:
each one after a `### <index>` line, defining `async def main()`. For each program this
prints `### <index>`, its trace in vclock's layout (log lines, `-- elapsed`), and
`-- main ok <v>` / `-- main failed <msg>` / `-- main panicked <msg>`.

These settings differ from plain vclock.py:
- Timers due within 1 us of the instant the clock jumped to fire as one batch (what real
  CPython does after epoll's millisecond rounding; simloop does the same; see FINDINGS.md
  section 7 and vclock_batch.py).
- Timers meant for the same instant fire in registration order, simloop's (deadline,
  registration) rule: deadlines are rounded to 0.1 ms and get a registration-order
  epsilon of 0.1 ns (SequencedLoop). vclock's 1 ns tick alone does not guarantee that:
  when the clock jumps to a timer's deadline it drops the ticks counted since, so a timer
  registered later at an earlier instant can end up with the smaller deadline (a task
  sleeping 965 ms from t=0 after many steps, and one sleeping 800 ms from t=0.165: CPython
  under vclock woke the second first).
- A TaskGroup's children are cancelled in creation order (CreationOrder): CPython's
  order follows a set of tasks, so their addresses.
- Nothing else: cancellation runs in plain CPython order (simloop forwards a parked
  task's cancellation to the task or gather it awaits, and a TaskGroup cancelled from
  outside waits for its children, as CPython's do).
"""
import asyncio, gc, os, sys, warnings

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


def desc(r):
    """A child's outcome as the trace shows it."""
    if isinstance(r, Fail):
        return f'failed {r}'
    if isinstance(r, Panic):
        return f'panicked {r}'
    if isinstance(r, asyncio.CancelledError):
        return 'cancelled'
    return f'ok {r}'


async def ga(children):
    """`gather(..., return_exceptions=True)` of new named tasks; logs each outcome."""
    tasks = [asyncio.create_task(f(), name=n) for f, n in children]
    rs = await asyncio.gather(*tasks, return_exceptions=True)
    for (_, n), r in zip(children, rs):
        vclock.log(f'gather {n} -> {desc(r)}')


async def tga(children, propagate):
    """`gather(...)` (first failure raised) of new named tasks; logs the outcome."""
    tasks = [asyncio.create_task(f(), name=n) for f, n in children]
    try:
        rs = await asyncio.gather(*tasks)
    except (Fail, Panic) as e:
        vclock.log(f'try_gather -> {desc(e)}')
        if propagate:
            raise
        return
    except asyncio.CancelledError:
        if asyncio.current_task().cancelling() == 0:
            vclock.log('try_gather -> cancelled')
            return
        raise
    vclock.log(f'try_gather -> ok {list(rs)}')


class CreationOrder(dict):
    """The set of a TaskGroup's tasks, kept in creation order. CPython keeps them in a
    plain set, so the order its `_abort()` cancels them in follows their addresses:
    arbitrary, and visible once children log as they catch the cancellation. simloop
    cancels in creation order; so does this runner (the one normalization of CPython)."""

    def add(self, task):
        self[task] = None

    def discard(self, task):
        self.pop(task, None)


async def grp(children, propagate):
    """A TaskGroup running new named tasks, with an empty body; logs how it ended."""
    tg = asyncio.TaskGroup()
    tg._tasks = CreationOrder()
    try:
        async with tg:
            for f, n in children:
                tg.create_task(f(), name=n)
    except BaseExceptionGroup as eg:
        # CPython 3.11 quirk (FINDINGS.md, tg_05): a child failing while the body waits
        # in __aexit__ leaves the parent's cancelling() at 1. Later versions fix it, and
        # simloop need not copy it; undo it so a later `aw` tells its own cancellation
        # from the awaited task's.
        task = asyncio.current_task()
        while task.cancelling():
            task.uncancel()
        vclock.log('group -> ' + ', '.join(desc(e) for e in eg.exceptions))
        if propagate:
            raise eg.exceptions[0]
        return
    vclock.log('group -> ok')


async def wt(children, mode, timeout_ms):
    """`asyncio.wait` on new named tasks (it cancels nothing); logs the sorted names."""
    tasks = [asyncio.create_task(f(), name=n) for f, n in children]
    timeout = None if timeout_ms is None else timeout_ms / 1000
    done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=getattr(asyncio, mode))
    names = lambda ts: '[' + ', '.join(sorted(t.get_name() for t in ts)) + ']'
    vclock.log(f'wait -> done {names(done)} pending {names(pending)}')


class SequencedLoop(vclock.VirtualLoop):
    """vclock's loop, with ties between timers broken by registration order."""

    def __init__(self):
        super().__init__()
        self._timer_seq = 0

    def call_at(self, when, callback, *args, context=None):
        self._timer_seq += 1
        when = round(when, 4) + self._timer_seq * 1e-10
        return super().call_at(when, callback, *args, context=context)


async def to(ms, body):
    """`async with asyncio.timeout(ms)` around `body()`, run in this task; logs the outcome."""
    try:
        async with asyncio.timeout(ms / 1000):
            r = await body()
    except TimeoutError:
        vclock.log('timeout -> expired')
        return
    vclock.log(f'timeout -> ok {r}')


async def ca(ms, refuse, body):
    """`Op::Catch`: run `body()` in this task; on cancellation clean up for ms, then
    re-raise, or refuse (withdraw it with uncancel()) and go on."""
    try:
        await body()
    except asyncio.CancelledError:
        vclock.log('caught')
        await asyncio.sleep(ms / 1000)
        vclock.log('cleaned up')
        if not refuse:
            raise
        asyncio.current_task().uncancel()
        vclock.log('refused')


SYNC = {}


async def lk(ms):
    """`Op::Locked`: hold the program's lock for ms."""
    async with SYNC['lock']:
        vclock.log('locked')
        await asyncio.sleep(ms / 1000)


async def pm(ms):
    """`Op::Permit`: hold one of the semaphore's two permits for ms."""
    async with SYNC['sem']:
        vclock.log('permit')
        await asyncio.sleep(ms / 1000)


def se():
    """`Op::SetEvent`."""
    SYNC['event'].set()
    vclock.log('set')


async def _timed(ms, aw, ok, expired):
    try:
        async with asyncio.timeout(ms / 1000):
            r = await aw
    except TimeoutError:
        vclock.log(expired)
        return
    vclock.log(ok(r))


async def we(ms):
    """`Op::WaitEvent`: the event, under a timeout."""
    await _timed(ms, SYNC['event'].wait(), lambda r: 'event -> set', 'event -> timeout')


async def qp(item, ms):
    """`Op::Put`: put into the queue, under a timeout."""
    await _timed(ms, SYNC['queue'].put(item), lambda r: f'put {item}', 'put -> timeout')


async def qg(ms):
    """`Op::Get`: get from the queue, under a timeout."""
    await _timed(ms, SYNC['queue'].get(), lambda r: f'get -> {r}', 'get -> timeout')


def run(main_fn):
    loop = SequencedLoop()
    loop._clock_resolution = 1e-6
    # "Task exception was never retrieved" and friends: simloop reports those in its
    # RunReport; here they are noise.
    loop.set_exception_handler(lambda loop, context: None)
    vclock._loop = loop
    vclock._lines.clear()
    SYNC.update(lock=asyncio.Lock(), sem=asyncio.Semaphore(2), event=asyncio.Event(),
                queue=asyncio.Queue(2))
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
    text = vclock.render(list(vclock._lines), elapsed) + '\n-- main ' + end
    # The program's output is taken. Tasks still pending are now cancelled and run to
    # their end (a refusal runs its finite ops on; every wait has a timeout), so that no
    # coroutine is left for the garbage collector to close on a closed loop: CPython 3.11
    # segfaulted doing that across programs (two of 10,000 programs with cancel scopes).
    for _ in range(100):
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if not pending:
            break
        for t in pending:
            t.cancel()
        loop.run_until_complete(asyncio.wait(pending, timeout=86400))
    loop.close()
    gc.collect()
    return text


def main():
    warnings.simplefilter('ignore')
    text = open(sys.argv[1]).read()
    chunks = text.split('### ')[1:]
    out = []
    for chunk in chunks:
        index, _, source = chunk.partition('\n')
        ns = {'asyncio': asyncio, 'log': vclock.log, 'Fail': Fail, 'Panic': Panic, 'aw': aw,
              'ga': ga, 'ca': ca, 'tga': tga, 'grp': grp, 'wt': wt, 'to': to, 'lk': lk, 'pm': pm, 'se': se,
              'we': we, 'qp': qp, 'qg': qg}
        exec(compile(source, f'<program {index}>', 'exec'), ns)
        out.append('### %s\n%s' % (index, run(ns['main'])))
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
