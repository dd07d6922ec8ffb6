# Q: a child fails while the others and the body are mid-sleep: who is cancelled, when,
#    and what does the ExceptionGroup hold?
import asyncio

async def sleeper(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished (should not happen)")

async def failer(name, d):
    await asyncio.sleep(d)
    print(f"{name} raising ValueError")
    raise ValueError(f"{name} failed")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer("f", 1), name="f")
            tg.create_task(sleeper("s", 5), name="s")   # one sibling: see tg_06 for the order of several
            try:
                await asyncio.sleep(10)
                print("body finished sleeping (should not happen)")
            except asyncio.CancelledError:
                print("body got CancelledError")
                raise
    except* ValueError as eg:
        print(f"main caught {type(eg).__name__}: {eg.message!r} "
              f"{[f'{type(e).__name__}({e})' for e in eg.exceptions]}")
    print(f"main continues; cancelling()={asyncio.current_task().cancelling()}")
    await asyncio.sleep(1)
    print("main done")
