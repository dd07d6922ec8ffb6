import asyncio

# Hop measurement: the children finish in their first step; the ticker is created right after
# them, so its step is queued directly behind the last child's final step. The number of
# "tick" lines printed between "<last child> finishing" and "main resumed" is the number of
# ready-queue steps (hops) the awaiter needs after the last child finished.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def child(name, val=None, exc=None):
    print(f"{name} finishing")
    if exc is not None:
        raise exc
    return val

def start(*names, fail=()):
    ts = [asyncio.create_task(child(n, val=n, exc=ValueError(n) if n in fail else None), name=n)
          for n in names]
    tk = asyncio.create_task(ticker(), name="ticker")
    return ts, tk

async def drain(tk):
    await tk
    await asyncio.sleep(1)

def names(s):
    return sorted(t.get_name() for t in s)

async def main():
    for mode in (asyncio.ALL_COMPLETED, asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION):
        (a, b), tk = start("a", "b")
        done, pending = await asyncio.wait({a, b}, return_when=mode)
        print(f"main resumed: wait({mode}) done={names(done)} pending={names(pending)}")
        await drain(tk)

    (c, d), tk = start("c", "d", fail=("c",))
    done, pending = await asyncio.wait({c, d}, return_when=asyncio.FIRST_EXCEPTION)
    print(f"main resumed: wait(FIRST_EXCEPTION, c fails) done={names(done)} pending={names(pending)}")
    for t in (c, d):
        t.exception() if not t.cancelled() else None   # retrieve
    await drain(tk)

    # FIRST_COMPLETED where the second task finishes one step later
    e = asyncio.create_task(child("e"), name="e")
    async def slow_f():
        await asyncio.sleep(0)
        print("f finishing")
    f = asyncio.create_task(slow_f(), name="f")
    tk = asyncio.create_task(ticker(), name="ticker")
    done, pending = await asyncio.wait({e, f}, return_when=asyncio.FIRST_COMPLETED)
    print(f"main resumed: wait(FIRST_COMPLETED) done={names(done)} pending={names(pending)}")
    await f
    await drain(tk)

    g = asyncio.create_task(child("g"), name="g")
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print(f"g.done()={g.done()}; main calls wait({{g}})")
    done, pending = await asyncio.wait({g})
    print(f"main resumed: wait(already finished g) done={names(done)}")
    await drain(tk)
