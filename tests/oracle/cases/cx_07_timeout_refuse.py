# Q: the body of `async with timeout(1)` catches the cancellation and finishes normally:
#    no TimeoutError; the body's value stands; expired() is still True.
import asyncio

async def main():
    t = asyncio.current_task()
    result = None
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
            result = "slept"
        except asyncio.CancelledError:
            print("body refuses")
            await asyncio.sleep(0.25)
            result = "refused"
    print(f"main: {result} expired()={cm.expired()} cancelling()={t.cancelling()}")
