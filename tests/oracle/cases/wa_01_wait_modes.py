# Q: asyncio.wait with ALL_COMPLETED / FIRST_COMPLETED / FIRST_EXCEPTION, each with a timeout
#    that fires first and without one; pending tasks are never cancelled.
import asyncio

async def job(name, d, fail=False):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} cancelled (should not happen)")
        raise
    if fail:
        print(f"{name} raising")
        raise ValueError(name)
    print(f"{name} done")
    return name

def names(s):
    return sorted(t.get_name() for t in s)

async def run(label, specs, **kw):
    ts = [asyncio.create_task(job(n, d, f), name=n) for n, d, f in specs]
    done, pending = await asyncio.wait(ts, **kw)
    print(f"{label}: done={names(done)} pending={names(pending)}")
    await asyncio.wait(ts)          # let the rest finish (not cancelled)
    for t in ts:
        if t.exception() is not None:
            pass

async def main():
    await run("ALL_COMPLETED", [("a", 1, False), ("b", 2, False)])
    await run("ALL_COMPLETED timeout=1.5", [("c", 1, False), ("d", 2, False)], timeout=1.5)
    await run("FIRST_COMPLETED", [("e", 2, False), ("f", 1, False)], return_when=asyncio.FIRST_COMPLETED)
    await run("FIRST_COMPLETED timeout=0.5", [("g", 1, False), ("h", 2, False)],
              timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
    await run("FIRST_EXCEPTION", [("i", 1, False), ("j", 2, True), ("k", 3, False)],
              return_when=asyncio.FIRST_EXCEPTION)
    await run("FIRST_EXCEPTION no failure", [("l", 1, False), ("m", 2, False)],
              return_when=asyncio.FIRST_EXCEPTION)
    await run("FIRST_EXCEPTION timeout=1.5", [("n", 1, False), ("o", 2, True)],
              timeout=1.5, return_when=asyncio.FIRST_EXCEPTION)
