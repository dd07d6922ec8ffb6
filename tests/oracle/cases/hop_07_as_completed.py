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
    (a, b), tk = start("a", "b")
    for i, fut in enumerate(asyncio.as_completed([a, b])):
        r = await fut
        print(f"main resumed: as_completed #{i} -> {r}")
    await drain(tk)

    e = asyncio.create_task(child("e", val="e"), name="e")
    async def slow_f():
        for _ in range(3):
            await asyncio.sleep(0)
        print("f finishing")
        return "f"
    f = asyncio.create_task(slow_f(), name="f")
    tk = asyncio.create_task(ticker(8), name="ticker")
    for i, fut in enumerate(asyncio.as_completed([f, e])):
        r = await fut
        print(f"main resumed: as_completed #{i} -> {r}")
    await drain(tk)
