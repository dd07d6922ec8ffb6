# Q: two children fail at the same instant: are both in the ExceptionGroup?
#    And one failing a step after the other (same instant): is it cancelled first?
import asyncio

async def failer(name, d, yields_after=0):
    try:
        await asyncio.sleep(d)
        for _ in range(yields_after):
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError before raising")
        raise
    print(f"{name} raising")
    raise ValueError(name)

def show(eg):
    return sorted(str(e) for e in eg.exceptions), [str(e) for e in eg.exceptions]

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer("a", 1), name="a")
            tg.create_task(failer("b", 1), name="b")
    except* ValueError as eg:
        print(f"same step: group holds {show(eg)[1]}")

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer("c", 1), name="c")
            tg.create_task(failer("d", 1, yields_after=1), name="d")
    except* ValueError as eg:
        print(f"d one sleep(0) later: group holds {show(eg)[1]}")

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer("e", 1), name="e")
            tg.create_task(failer("f", 1, yields_after=2), name="f")
    except* ValueError as eg:
        print(f"f two sleep(0) later: group holds {show(eg)[1]}")
