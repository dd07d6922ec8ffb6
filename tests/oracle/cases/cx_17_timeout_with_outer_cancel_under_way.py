# Q: inside a 1 s timeout, a task catches an outer cancel at 0.5 s and cleans up for 2 s;
#    the timeout's deadline interrupts the cleanup. TimeoutError, or does the outer
#    cancellation go on out? (Timeout compares with cancelling() read at entry.)
import asyncio

async def worker():
    try:
        async with asyncio.timeout(1):
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("worker caught the outer cancel, cleans up for 2 s")
                await asyncio.sleep(2)
                print("worker never gets here")
    except TimeoutError:
        print("worker: TimeoutError")
        return "timeout"
    except asyncio.CancelledError:
        print("worker: CancelledError goes on out")
        raise

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(0.5)
    print(f"w.cancel() -> {w.cancel()}")
    try:
        await w
    except asyncio.CancelledError:
        print("main: w cancelled")
