# Q: sleep(0) re-queues the caller at the back of the ready queue (round robin).
import asyncio

async def spinner(name, n):
    for i in range(n):
        print(f"{name} {i}")
        await asyncio.sleep(0)
    print(f"{name} done")

async def late(name):
    print(f"{name} first run")

async def main():
    a = asyncio.create_task(spinner("a", 3), name="a")
    b = asyncio.create_task(spinner("b", 3), name="b")
    await asyncio.sleep(0)          # a 0, b 0 run, then main
    print("main spawns c")
    c = asyncio.create_task(late("c"), name="c")   # queued behind a, b (already requeued)
    await asyncio.sleep(0)
    print("main again")
    await asyncio.gather(a, b, c)
