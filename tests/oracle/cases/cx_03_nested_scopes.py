# Q: nested except CancelledError: the inner one cleans up and re-raises, the outer one
#    catches it in the same step and refuses; a ticker shows the steps.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("inner caught")
        await asyncio.sleep(0)
        print("inner re-raises")
        raise

async def worker():
    try:
        await inner()
    except asyncio.CancelledError:
        print("outer caught")
    print("worker carries on")
    await asyncio.sleep(0)
    print("worker done")
    return 7

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(1)
    tk = asyncio.create_task(ticker(5), name="ticker")
    w.cancel()
    print(f"main: w -> {await w}")
    await tk
