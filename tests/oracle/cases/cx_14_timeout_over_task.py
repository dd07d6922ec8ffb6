# Q: a timeout around `await task`: at the deadline the task is cancelled at once and
#    cleans up for 2 s. When does the timeout raise? And when the task refuses?
import asyncio

async def worker(name, refuse):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} cleaning up")
        await asyncio.sleep(2)
        print(f"{name} cleaned up")
        if refuse:
            return "kept"
        raise

async def main():
    t = asyncio.create_task(worker("w1", False), name="w1")
    try:
        async with asyncio.timeout(1):
            await t
    except TimeoutError:
        print("main: TimeoutError after the cleanup")
    u = asyncio.create_task(worker("w2", True), name="w2")
    async with asyncio.timeout(1):
        r = await u
    print(f"main: got {r!r}")
