# Q: two tasks await one Future; cancelling the first task cancels the Future itself
#    (Task.cancel cancels its _fut_waiter), so the second awaiter gets CancelledError too.
#    In which steps do they resume? Is the second task cancelling()?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(name, fut):
    try:
        await fut
    except asyncio.CancelledError:
        print(f"{name} caught CancelledError cancelling()={asyncio.current_task().cancelling()} fut.cancelled()={fut.cancelled()}")
        await asyncio.sleep(0)
        print(f"{name} cleaned up")
        raise

async def main():
    fut = asyncio.get_running_loop().create_future()
    a = asyncio.create_task(waiter("a", fut), name="a")
    b = asyncio.create_task(waiter("b", fut), name="b")
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(6), name="ticker")
    print(f"a.cancel() -> {a.cancel()} fut.cancelled()={fut.cancelled()}")
    for w in (a, b):
        try:
            await w
        except asyncio.CancelledError:
            print(f"main: {w.get_name()} cancelled()={w.cancelled()}")
    await tk
