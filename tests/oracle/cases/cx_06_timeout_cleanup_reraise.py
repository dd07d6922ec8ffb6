# Q: the body of `async with timeout(2)` catches the cancellation, cleans up for 1 s and
#    re-raises: when does TimeoutError reach the caller? cancelling() during and after.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    t = asyncio.current_task()
    asyncio.create_task(asyncio.sleep(2.0), name="idle")
    try:
        async with asyncio.timeout(2) as cm:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print(f"body caught, cancelling()={t.cancelling()}")
                tk = asyncio.create_task(ticker(3), name="ticker")
                await asyncio.sleep(0)
                print("body cleanup yielded")
                await asyncio.sleep(1)
                print("body cleanup done, re-raising")
                raise
    except TimeoutError:
        print(f"main: TimeoutError, expired()={cm.expired()} cancelling()={t.cancelling()}")
