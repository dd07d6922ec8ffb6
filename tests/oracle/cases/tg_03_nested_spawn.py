# Q: children adding children to the same TaskGroup; the group waits for all of them.
import asyncio

async def leaf(name, d):
    await asyncio.sleep(d)
    print(f"{name} done")
    return name

async def parent(tg, name):
    print(f"{name} spawning {name}.1 and {name}.2")
    tg.create_task(leaf(f"{name}.1", 2), name=f"{name}.1")
    await asyncio.sleep(1)
    tg.create_task(leaf(f"{name}.2", 3), name=f"{name}.2")   # group body already exited
    print(f"{name} done")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(parent(tg, "p"), name="p")
        tg.create_task(leaf("q", 1), name="q")
        print("body exits at once")
    print("group exited")
    coro = leaf("late", 1)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        coro.close()
        print(f"create_task after exit: RuntimeError({e})")
