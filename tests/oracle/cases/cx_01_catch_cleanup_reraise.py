# Q: a task catches CancelledError, cleans up with awaits (a sleep and yields), then
#    re-raises: when does each line run, and when does its awaiter resume?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def worker():
    try:
        print("w working")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"w caught, cancelling()={asyncio.current_task().cancelling()}")
        await asyncio.sleep(0)
        print("w cleanup yielded")
        await asyncio.sleep(1)
        print("w cleanup slept")
        raise
    print("w never here")

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(1)
    tk = asyncio.create_task(ticker(4), name="ticker")
    print(f"cancel() -> {w.cancel()}")
    try:
        await w
    except asyncio.CancelledError:
        print(f"main: w cancelled()={w.cancelled()}")
    await tk
