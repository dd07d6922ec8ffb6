# Q: a TaskGroup's body awaits an outside task when a child fails. asyncio's
#    `parent_task.cancel()` goes to the awaited task at once; it cleans up for 1 s. When
#    does the group end, and does the awaiter see a cancellation or only the group's errors?
import asyncio

async def slow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("slow cleaning up")
        await asyncio.sleep(1)
        print("slow cleaned up")
        raise

async def failer():
    await asyncio.sleep(1)
    print("failer fails")
    raise ValueError("failer")

async def main():
    s = asyncio.create_task(slow(), name="slow")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer(), name="failer")
            await s
            print("body never gets here")
    except ExceptionGroup as eg:
        print(f"main: errors {[str(e) for e in eg.exceptions]}, cancelling()={asyncio.current_task().cancelling()}")
    print(f"main: slow.cancelled()={s.cancelled()}")
