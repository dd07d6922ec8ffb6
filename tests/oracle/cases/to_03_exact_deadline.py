# Q: work finishing exactly at the timeout's deadline: who wins?
#    (a) sleep(3) under timeout(3): the timeout's timer is registered first.
#    (b) a task whose sleep(3) timer was registered before timeout(3) was entered.
import asyncio

async def work(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def main():
    try:
        async with asyncio.timeout(3):
            await asyncio.sleep(3)
            print("(a) sleep(3) completed")
    except TimeoutError:
        print("(a) TimeoutError")

    w = asyncio.create_task(work("w", 3), name="w")
    await asyncio.sleep(0)          # w registers its timer now, before the timeout's
    try:
        async with asyncio.timeout(3):
            r = await w
            print(f"(b) got {r}")
    except TimeoutError:
        print(f"(b) TimeoutError, w.cancelled()={w.cancelled()}")

    # (c) same as (b) but the timeout registered first (task created inside the block)
    try:
        async with asyncio.timeout(3):
            w2 = asyncio.create_task(work("w2", 3), name="w2")
            r = await w2
            print(f"(c) got {r}")
    except TimeoutError:
        print(f"(c) TimeoutError, w2.cancelled()={w2.cancelled()}")
