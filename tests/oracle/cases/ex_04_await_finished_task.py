# Q: does awaiting an already-finished task take a hop? (No: Future.__await__ returns at once.)
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def quick():
    print("t runs and finishes")
    return "v"

async def main():
    t = asyncio.create_task(quick(), name="t")
    await asyncio.sleep(0)
    print(f"t.done()={t.done()}")
    tk = asyncio.create_task(ticker(4), name="ticker")
    await asyncio.sleep(0)          # ticker prints tick 0, main comes back
    print("main awaits finished t")
    r = await t                     # no yield: continues in the same step
    print(f"main got {r} without yielding")
    r = await t                     # again
    print(f"main got {r} again")
    await asyncio.sleep(0)
    print("main after one sleep(0)")
    await tk
