# Q: nested timeouts, inner shorter: the inner one raises TimeoutError at its deadline,
#    the outer one is unaffected and keeps its deadline.
import asyncio

async def main():
    try:
        async with asyncio.timeout(5) as outer:
            try:
                async with asyncio.timeout(2) as inner:
                    await asyncio.sleep(10)
            except TimeoutError:
                print(f"inner TimeoutError; inner.expired()={inner.expired()} outer.expired()={outer.expired()}")
            await asyncio.sleep(1)
            print("work after inner timeout done")
            await asyncio.sleep(10)
            print("never")
    except TimeoutError:
        print(f"outer TimeoutError; outer.expired()={outer.expired()}")
