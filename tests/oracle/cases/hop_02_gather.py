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

async def main():
    (a,), tk = start("a")
    r = await asyncio.gather(a)
    print(f"main resumed: gather(a) -> {r}")
    await drain(tk)

    (b, c), tk = start("b", "c")
    r = await asyncio.gather(b, c)
    print(f"main resumed: gather(b, c) -> {r}")
    await drain(tk)

    (d, e), tk = start("d", "e", fail=("e",))
    try:
        await asyncio.gather(d, e)
    except ValueError as x:
        print(f"main resumed: gather(d, e) raised ValueError({x})")
    await drain(tk)

    (f, g), tk = start("f", "g", fail=("f",))
    try:
        await asyncio.gather(f, g)
    except ValueError as x:
        print(f"main resumed: gather(f, g) raised ValueError({x}) (f failed first; g still ran)")
    await drain(tk)

    (h,), tk = start("h", fail=("h",))
    r = await asyncio.gather(h, return_exceptions=True)
    print(f"main resumed: gather(h, return_exceptions=True) -> {r!r}")
    await drain(tk)

    # children already finished before gather() is called
    i = asyncio.create_task(child("i", val="i"), name="i")
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print(f"i.done()={i.done()}; main calls gather(i)")
    r = await asyncio.gather(i)
    print(f"main resumed: gather(finished i) -> {r}")
    await drain(tk)

    # coroutine arguments: gather() creates the child tasks (default names) before the ticker
    g = asyncio.gather(child("co1", val=1), child("co2", val=2))
    tk = asyncio.create_task(ticker(), name="ticker")
    r = await g
    print(f"main resumed: gather(coroutines) -> {r}")
    await drain(tk)

    tk = asyncio.create_task(ticker(), name="ticker")
    r = await asyncio.gather()
    print(f"main resumed: gather() -> {r} (already done: no hop)")
    await drain(tk)
