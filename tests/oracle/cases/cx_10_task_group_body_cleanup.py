# Q: a task group's body awaits while a child fails; the body catches the cancellation,
#    cleans up for 2 s (longer than the siblings) and re-raises: when does the group exit,
#    with which errors, and is the parent still cancelling?
import asyncio

async def crash():
    await asyncio.sleep(1)
    print("crash raises")
    raise ValueError("crash")

async def sibling():
    await asyncio.sleep(10)

async def main():
    t = asyncio.current_task()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(crash(), name="crash")
            tg.create_task(sibling(), name="sib")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print(f"body caught, cancelling()={t.cancelling()}")
                await asyncio.sleep(2)
                print("body re-raises")
                raise
    except* ValueError as eg:
        print(f"main: group failed with {len(eg.exceptions)} error(s), cancelling()={t.cancelling()}")
    await asyncio.sleep(0)
    print("main goes on")
