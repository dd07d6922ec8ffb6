# Q: several timers due when registered, at one instant: their order among themselves and
#    relative to the ready steps. They are moved to the ready queue together at the start of
#    the next iteration in (deadline, registration) order -- an earlier deadline first, even
#    if registered later -- behind every step queued before that iteration started.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(1)
    tk = asyncio.create_task(ticker(4), name="ticker")
    loop.call_later(0, lambda: print("A call_later(0)"))
    loop.call_at(loop.time(), lambda: print("B call_at(now)"))
    loop.call_at(loop.time() - 0.5, lambda: print("C call_at(now - 0.5)"))
    loop.call_soon(lambda: print("E call_soon"))
    loop.call_later(0, lambda: print("D call_later(0)"))
    loop.call_at(loop.time() - 0.25, lambda: print("F call_at(now - 0.25)"))
    print("main registered A B C E D F")
    await asyncio.sleep(0)
    print("main after one sleep(0)")
    await tk
