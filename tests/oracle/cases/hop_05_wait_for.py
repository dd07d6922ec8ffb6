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
    r = await asyncio.wait_for(a, 10)
    print(f"main resumed: wait_for(a, 10) -> {r}")
    await drain(tk)

    (b,), tk = start("b", fail=("b",))
    try:
        await asyncio.wait_for(b, 10)
    except ValueError as e:
        print(f"main resumed: wait_for(b, 10) raised ValueError({e})")
    await drain(tk)

    # coroutine argument: wait_for creates the inner task when main starts awaiting,
    # i.e. after the ticker; ticks before "co finishing" are not hops.
    tk = asyncio.create_task(ticker(), name="ticker")
    r = await asyncio.wait_for(child("co", val="co"), 10)
    print(f"main resumed: wait_for(coroutine, 10) -> {r}")
    await drain(tk)
