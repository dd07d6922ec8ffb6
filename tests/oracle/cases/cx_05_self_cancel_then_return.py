# Q: a task cancels itself and then returns in the same step; another cancels itself and
#    awaits: when does each end, and how?
import asyncio

async def quitter():
    asyncio.current_task().cancel()
    print("q returns")
    return 1

async def waiter():
    asyncio.current_task().cancel()
    print("w awaits")
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("w caught at its await")
        raise

async def main():
    q = asyncio.create_task(quitter(), name="q")
    w = asyncio.create_task(waiter(), name="w")
    for t in (q, w):
        try:
            r = await t
            print(f"main: {t.get_name()} -> {r}")
        except asyncio.CancelledError:
            print(f"main: {t.get_name()} cancelled()={t.cancelled()}")
