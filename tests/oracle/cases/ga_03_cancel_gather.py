# Q: cancelling a gather from outside cancels its children:
#    (1) cancel the task that awaits the gather; (2) gather_future.cancel() directly.
import asyncio

async def job(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def waiter(g):
    try:
        return await g
    except asyncio.CancelledError:
        print("waiter got CancelledError")
        raise

async def main():
    # (1) cancel the awaiting task
    a = asyncio.create_task(job("a", 5), name="a")
    b = asyncio.create_task(job("b", 1), name="b")
    c = asyncio.create_task(job("c", 5), name="c")
    w = asyncio.create_task(waiter(asyncio.gather(a, b, c)), name="w")
    await asyncio.sleep(2)
    print(f"w.cancel() -> {w.cancel()}")
    await asyncio.sleep(0)
    print("main after 1 sleep(0)")
    r = await asyncio.gather(w, a, b, c, return_exceptions=True)
    print(f"outcomes {[type(x).__name__ if isinstance(x, BaseException) else x for x in r]}")
    # (2) cancel the gather future itself
    d = asyncio.create_task(job("d", 5), name="d")
    e = asyncio.create_task(job("e", 5), name="e")
    g = asyncio.gather(d, e)
    w2 = asyncio.create_task(waiter(g), name="w2")
    await asyncio.sleep(1)
    print(f"g.cancel() -> {g.cancel()}  g.done()={g.done()}")
    r = await asyncio.gather(w2, d, e, return_exceptions=True)
    print(f"outcomes {[type(x).__name__ if isinstance(x, BaseException) else x for x in r]} g.cancelled()={g.cancelled()}")
