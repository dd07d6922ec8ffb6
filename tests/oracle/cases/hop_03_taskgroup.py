import asyncio

# Hop measurement: the children finish in their first step; the ticker is created right after
# them, so its step is queued directly behind the last child's final step. The number of
# "tick" lines printed between "<last child> finishing" and "main resumed" is the number of
# ready-queue steps (hops) the awaiter needs after the last child finished.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def child(name, val=None, exc=None):
    print(f"{name} finishing")
    if exc is not None:
        raise exc
    return val

def start(*names, fail=()):
    ts = [asyncio.create_task(child(n, val=n, exc=ValueError(n) if n in fail else None), name=n)
          for n in names]
    tk = asyncio.create_task(ticker(), name="ticker")
    return ts, tk

async def drain(tk):
    await tk
    await asyncio.sleep(1)

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("a"), name="a")
        tk = asyncio.create_task(ticker(), name="ticker")     # not in the group
        print("body done; __aexit__ waits")
    print("main resumed: TaskGroup exit (body exited before the child finished)")
    await drain(tk)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("b"), name="b")
        tg.create_task(child("c"), name="c")
        tk = asyncio.create_task(ticker(), name="ticker")
    print("main resumed: TaskGroup exit, two children")
    await drain(tk)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("d"), name="d")
        tk = asyncio.create_task(ticker(), name="ticker")
        await asyncio.sleep(0)      # d finishes; its _on_task_done is still queued
        print("body after sleep(0); __aexit__ next")
    print("main resumed: TaskGroup exit (child finished, _on_task_done pending at exit)")
    await drain(tk)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("e"), name="e")
        tk = asyncio.create_task(ticker(), name="ticker")
        await asyncio.sleep(0)
        await asyncio.sleep(0)      # e's _on_task_done has run: group empty at exit
        print("body after 2x sleep(0); __aexit__ next")
    print("main resumed: TaskGroup exit (group already empty: no wait)")
    await drain(tk)

    async with asyncio.TaskGroup() as tg:
        tk = asyncio.create_task(ticker(), name="ticker")
    print("main resumed: empty TaskGroup exit")
    await drain(tk)
