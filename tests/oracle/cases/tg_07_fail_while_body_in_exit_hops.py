# Q: tg_05 without cancelling() (which has no Rust counterpart): a child fails while the
#    body already waits in __aexit__; hops from the failing step to the parent, against a ticker.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def sleeper(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise

async def failer():
    await asyncio.sleep(1)
    print("f raising")
    global tk
    tk = asyncio.create_task(ticker(8), name="ticker")
    raise ValueError("f")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer(), name="f")
            tg.create_task(sleeper("s", 5), name="s")
            print("body exits; waiting in __aexit__")
    except* ValueError as eg:
        print(f"main caught {[str(e) for e in eg.exceptions]}")
    await tk
