# Q: wait_for where the inner finishes exactly at the deadline.
import asyncio

async def work(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError (its sleep had completed: cancelled while ready)")
        raise
    print(f"{name} finished")
    return name

async def main():
    # (a) coroutine: wait_for registers its timeout before the inner task registers its sleep
    try:
        r = await asyncio.wait_for(work("a", 3), 3)
        print(f"(a) got {r}")
    except TimeoutError:
        print("(a) TimeoutError")

    # (b) task created (and sleeping) before wait_for registers its timeout
    b = asyncio.create_task(work("b", 3), name="b")
    await asyncio.sleep(0)
    try:
        r = await asyncio.wait_for(b, 3)
        print(f"(b) got {r}")
    except TimeoutError:
        print("(b) TimeoutError")
