# Q: a second cancel() arrives while the task cleans up after the first: the cleanup's
#    await raises CancelledError again (no handler there), ending the task.
import asyncio

async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("w cleaning up")
        await asyncio.sleep(5)
        print("w never finishes cleanup")
        raise

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(1)
    w.cancel()
    await asyncio.sleep(1)
    print(f"main: cancelling()={w.cancelling()}, cancel again -> {w.cancel()}, cancelling()={w.cancelling()}")
    try:
        await w
    except asyncio.CancelledError:
        print(f"main: w cancelled()={w.cancelled()}")
