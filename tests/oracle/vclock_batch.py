"""vclock.py with "one instant = one timer batch" (diagnostic variant; not the project runner).

vclock.py ticks the clock 1 ns per loop.time() call, and CPython's loop moves a timer to the
ready queue only when its deadline < time() + clock_resolution (1 ns on Linux). Two timers
meant for the same virtual instant therefore fire in the same batch only if at most ~1 time()
call separated their registrations; otherwise the later one fires a few loop iterations later,
after the earlier task has already run (see FINDINGS.md, "timer batches").

This variant widens the loop's clock resolution to 1 us, so every timer whose deadline lies
within 1 us of the instant the clock jumped to is moved to the ready queue together, in
(deadline, registration) order -- what real CPython does when its epoll wakes up (epoll rounds
its timeout up to a whole millisecond, so near-simultaneous timers are due together).

    python3 vclock_batch.py cases/X.py
"""
import os, sys, runpy, builtins, time as _time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vclock

RESOLUTION = 1e-6
_orig_init = vclock.VirtualLoop.__init__

def _init(self):
    _orig_init(self)
    self._clock_resolution = RESOLUTION

vclock.VirtualLoop.__init__ = _init

if __name__ == '__main__':
    builtins.print = vclock.log
    _time.strftime = (lambda fmt, *a: vclock.wall((17, 13, 52)) if fmt == '%X'
                      else vclock._orig_strftime(fmt, *a))
    g = runpy.run_path(sys.argv[1], run_name='case')
    res, lines, elapsed, wall_s = vclock.run(g['main'](), g.get('ASYNCIO_RUN', False))
    sys.stdout.write(vclock.render(lines, elapsed) + '\n')
