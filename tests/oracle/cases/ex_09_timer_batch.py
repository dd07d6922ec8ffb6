# Q: two tasks wake at the same instant; the first does sleep(0) several times.
#    Are all timers due at that instant moved to the ready queue as one batch
#    (so the second task's wakeup runs before the first task's sleep(0) continuation)?
import asyncio

async def w(name, pre_yields):
    for _ in range(pre_yields):
        await asyncio.sleep(0)
    await asyncio.sleep(1)
    print(f"{name} woke")
    for i in range(3):
        await asyncio.sleep(0)
        print(f"{name} {i}")

async def main():
    # same loop iteration registers both timers (1 tick apart)
    a = asyncio.create_task(w("a", 0), name="a")
    b = asyncio.create_task(w("b", 0), name="b")
    await asyncio.gather(a, b)
    print("-- part 2: c registers its timer one loop iteration after d's")
    # main woke at t=1; c and d register sleep(1) in different loop iterations
    d = asyncio.create_task(w("d", 0), name="d")
    c = asyncio.create_task(w("c", 1), name="c")
    await asyncio.gather(c, d)
