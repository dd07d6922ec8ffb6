# Q: shield: the outer await is cancelled, the inner task keeps going; cancelling the inner
#    task itself does reach the awaiter.
import asyncio

async def inner(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def outer(t):
    try:
        return await asyncio.shield(t)
    except asyncio.CancelledError:
        print("outer got CancelledError")
        raise

async def main():
    i = asyncio.create_task(inner("i", 3), name="i")
    o = asyncio.create_task(outer(i), name="o")
    await asyncio.sleep(1)
    print(f"o.cancel() -> {o.cancel()}")
    await asyncio.sleep(0)
    print(f"after one sleep(0): o.done()={o.done()} i.done()={i.done()}")
    await asyncio.sleep(0)
    print(f"after two sleep(0): o.cancelled()={o.cancelled()} i.done()={i.done()}")
    print(f"inner result {await i}")

    j = asyncio.create_task(inner("j", 3), name="j")
    o2 = asyncio.create_task(outer(j), name="o2")
    await asyncio.sleep(1)
    print(f"j.cancel() -> {j.cancel()}")
    r = await asyncio.gather(o2, return_exceptions=True)
    print(f"o2 outcome {type(r[0]).__name__}")
