# Q: a task group child fails; a sibling catches its cancellation, cleans up for 1 s and
#    fails during cleanup; another sibling cleans up and re-raises: when does the group
#    exit, and with which errors?
import asyncio

async def crash():
    await asyncio.sleep(1)
    print("crash raises")
    raise ValueError("crash")

async def cleans_then_fails():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("a cleaning up")
        await asyncio.sleep(1)
        print("a fails in cleanup")
        raise KeyError("a")

async def cleans_then_reraises():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("b cleaning up")
        await asyncio.sleep(2)
        print("b re-raises")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(crash(), name="crash")
            tg.create_task(cleans_then_fails(), name="a")
            tg.create_task(cleans_then_reraises(), name="b")
    except* Exception as eg:
        print(f"main: group failed with {sorted(type(e).__name__ for e in eg.exceptions)}")
