# Q: return_exceptions=False: the first exception reaches the awaiter at that instant;
#    the other children are NOT cancelled and keep running.
import asyncio

async def job(name, d, fail=False):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} cancelled (should not happen)")
        raise
    if fail:
        print(f"{name} raising ValueError")
        raise ValueError(f"boom from {name}")
    print(f"{name} finished ok")
    return name

async def main():
    a = asyncio.create_task(job("a", 2), name="a")
    b = asyncio.create_task(job("b", 1, fail=True), name="b")
    c = asyncio.create_task(job("c", 3), name="c")
    g = asyncio.gather(a, b, c)
    try:
        await g
    except ValueError as e:
        print(f"main caught {type(e).__name__}: {e}")
    print(f"g.done()={g.done()} a.done()={a.done()} c.done()={c.done()}")
    print(f"g.cancel() after failure -> {g.cancel()} (does not cancel children)")
    await asyncio.sleep(5)
    print(f"a={a.result()} c={c.result()}")
