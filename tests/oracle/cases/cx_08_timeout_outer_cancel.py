# Q: a task inside `async with timeout(5)` is cancelled from outside; its body catches,
#    cleans up and re-raises: the cancellation (not TimeoutError) ends the task.
import asyncio

async def worker():
    try:
        async with asyncio.timeout(5):
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("w body caught")
                await asyncio.sleep(1)
                print("w body re-raises")
                raise
    except TimeoutError:
        print("w never a TimeoutError")
    print("w never here")

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(1)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print(f"main: w cancelled()={w.cancelled()}")
