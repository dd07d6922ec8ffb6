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
    r = await asyncio.shield(a)
    print(f"main resumed: shield(a) -> {r}")
    await drain(tk)

    b = asyncio.create_task(child("b", val="b"), name="b")
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print(f"b.done()={b.done()}; main awaits shield(b)")
    r = await asyncio.shield(b)     # shield returns the finished task itself
    print(f"main resumed: shield(finished b) -> {r}")
    await drain(tk)
