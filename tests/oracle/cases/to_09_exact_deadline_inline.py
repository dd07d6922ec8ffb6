# Q: work finishing exactly at the deadline, inline in the guarded block (to_03 (a)), for
#    timeout and timeout_at; and which runs first at the deadline: the timed-out body or a
#    task whose timer (registered after the timeout's) is due at the same instant.
import asyncio

async def ticker(n, d):
    await asyncio.sleep(d)
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(3):
            await asyncio.sleep(3)
            print("(a) sleep(3) completed")
    except TimeoutError:
        print("(a) TimeoutError")
    try:
        async with asyncio.timeout_at(loop.time() + 2):
            await asyncio.sleep(2)
            print("(a') sleep(2) completed")
    except TimeoutError:
        print("(a') timeout_at TimeoutError")
    try:
        async with asyncio.timeout(1):
            tk = asyncio.create_task(ticker(3, 1), name="ticker")
            await asyncio.sleep(10)
    except TimeoutError:
        print("(d) TimeoutError before the ticker's first tick")
    await tk
