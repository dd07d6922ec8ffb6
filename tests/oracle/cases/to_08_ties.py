# Q: ties between equal deadlines. (1) nested timeouts with the same deadline: which one
#    raises TimeoutError (the outer: both fire in one batch, the inner lets the
#    cancellation through), and what do expired() say? (3) two tasks, each under its own
#    timeout(2), and a third task whose plain sleep(2) ends at the same instant: order.
import asyncio

async def guarded(name, d):
    try:
        async with asyncio.timeout(d):
            await asyncio.sleep(10)
    except TimeoutError:
        print(f"{name} TimeoutError")

async def plain(name, d):
    await asyncio.sleep(d)
    print(f"{name} woke")

async def main():
    try:
        async with asyncio.timeout(3) as outer:
            try:
                async with asyncio.timeout(3) as inner:
                    await asyncio.sleep(10)
            except TimeoutError:
                print("inner raised TimeoutError")
    except TimeoutError:
        print("outer raised TimeoutError")
    print(f"(1) inner.expired()={inner.expired()} outer.expired()={outer.expired()}")

    ts = [asyncio.create_task(guarded("g1", 2), name="g1"),
          asyncio.create_task(plain("p", 2), name="p"),
          asyncio.create_task(guarded("g2", 2), name="g2")]
    for t in ts:
        await t
    print("(3) done")
