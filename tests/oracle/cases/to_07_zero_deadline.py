# Q: timeout(0) / timeout_at(loop.time()): a deadline not in the future. Timeout.reschedule()
#    compares `when <= loop.time()` and then uses call_soon(_on_timeout): the task is
#    cancelled one queued step later, at its next suspension (here its first sleep(0)).
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    for label, mk in [("timeout(0)", lambda: asyncio.timeout(0)),
                      ("timeout_at(loop.time())", lambda: asyncio.timeout_at(loop.time()))]:
        tk = asyncio.create_task(ticker(4), name="ticker")
        try:
            async with mk():
                print(f"{label} body entered")
                for i in range(3):
                    await asyncio.sleep(0)
                    print(f"{label} body step {i}")
        except TimeoutError:
            print(f"{label} TimeoutError")
        await tk
        await asyncio.sleep(1)
