import asyncio

# A getter cancelled while waiting: cancelled before the put, the put passes it over;
# woken by a put and then cancelled, it wakes the next getter. Same for putters.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def getter(q, name):
    try:
        item = await q.get()
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} got {item}")

async def putter(q, name, item):
    try:
        await q.put(item)
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} put {item}")

async def main():
    q = asyncio.Queue()
    gs = [asyncio.create_task(getter(q, n), name=n) for n in ("g1", "g2", "g3")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    gs[0].cancel()
    q.put_nowait("A")
    print("cancelled g1, put A")
    q.put_nowait("B")
    gs[1].cancel()
    print("put B (to g3), cancelled g2")
    await asyncio.gather(*gs, tk, return_exceptions=True)
    print(f"qsize {q.qsize()}")
    q.get_nowait()

    await asyncio.sleep(1)
    q = asyncio.Queue(1)
    q.put_nowait("full")
    ps = [asyncio.create_task(putter(q, n, n), name=n) for n in ("p1", "p2", "p3")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print(f"got {q.get_nowait()}")
    ps[0].cancel()
    print("room went to p1; cancelled p1")
    await asyncio.gather(*ps[:2], tk, return_exceptions=True)
    print(f"qsize {q.qsize()}: {q.get_nowait()}")
    await ps[2]
    print(f"qsize {q.qsize()}: {q.get_nowait()}")
