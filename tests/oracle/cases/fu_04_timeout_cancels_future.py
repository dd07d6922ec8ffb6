# Q: a task awaits a Future under a timeout, another task awaits it bare: at the deadline
#    the timeout cancels the task, which cancels the Future, so the other awaiter gets
#    CancelledError too. In which steps?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def bare(fut):
    try:
        await fut
    except asyncio.CancelledError:
        print(f"bare caught CancelledError, fut.cancelled()={fut.cancelled()}")
        raise

async def main():
    fut = asyncio.get_running_loop().create_future()
    b = asyncio.create_task(bare(fut), name="bare")
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(1, lambda: asyncio.create_task(ticker(5), name="ticker"))
    try:
        async with asyncio.timeout(1):
            await fut
    except TimeoutError:
        print(f"main: TimeoutError, fut.cancelled()={fut.cancelled()}")
    try:
        await b
    except asyncio.CancelledError:
        print(f"main: bare cancelled()={b.cancelled()}")
    await asyncio.sleep(0.5)
