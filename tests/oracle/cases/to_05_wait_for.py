# Q: wait_for with a timeout: inner cancelled at the deadline, TimeoutError to the caller;
#    inner catching the cancellation and returning late; wait_for finishing in time.
import asyncio

async def work(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def slow_cleanup():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("cleanup: cancelled, cleaning up for 1s")
        await asyncio.sleep(1)
        print("cleanup: done, re-raising")
        raise

async def main():
    try:
        r = await asyncio.wait_for(work("w1", 5), 2)
    except TimeoutError:
        print("wait_for(w1 5s, 2) -> TimeoutError")

    r = await asyncio.wait_for(work("w2", 1), 2)
    print(f"wait_for(w2 1s, 2) -> {r}")

    try:
        await asyncio.wait_for(slow_cleanup(), 1)
    except TimeoutError:
        print("wait_for(slow_cleanup, 1) -> TimeoutError only after the cleanup")

    t = asyncio.create_task(work("w3", 5), name="w3")
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except TimeoutError:
        print(f"wait_for(shield(w3), 1) -> TimeoutError; w3.done()={t.done()}")
    print(f"awaiting w3 -> {await t}")

    try:
        await asyncio.wait_for(work("w4", 1), 0)
    except TimeoutError:
        print("wait_for(w4, 0) -> TimeoutError")
