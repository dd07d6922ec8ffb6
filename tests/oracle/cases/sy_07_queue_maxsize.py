import asyncio

# Queue with maxsize 2: a producer blocks when full, consumers block when empty; each
# put/get wakes one waiter, which resumes one step later.

async def ticker(n=8):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def producer(q, items):
    for i in items:
        await q.put(i)
        print(f"put {i} (qsize {q.qsize()})")

async def consumer(q, name, n):
    for _ in range(n):
        i = await q.get()
        print(f"{name} got {i}")
        await asyncio.sleep(0)

async def main():
    q = asyncio.Queue(2)
    cs = [asyncio.create_task(consumer(q, n, 3), name=n) for n in ("c1", "c2")]
    await asyncio.sleep(0)
    p = asyncio.create_task(producer(q, range(6)), name="producer")
    tk = asyncio.create_task(ticker(), name="ticker")
    await asyncio.gather(p, *cs, tk)
    q.put_nowait("x")
    q.put_nowait("y")
    try:
        q.put_nowait("z")
    except asyncio.QueueFull:
        print("QueueFull")
    print(q.get_nowait(), q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("QueueEmpty")
    pq = asyncio.PriorityQueue()
    for x in (3, 1, 2):
        pq.put_nowait(x)
    lq = asyncio.LifoQueue()
    for x in (3, 1, 2):
        lq.put_nowait(x)
    print([pq.get_nowait() for _ in range(3)], [lq.get_nowait() for _ in range(3)])
