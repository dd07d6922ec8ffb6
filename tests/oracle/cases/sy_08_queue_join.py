import asyncio

# join() waits until task_done() was called once per item; two joiners wake in order,
# each one step later; task_done() too often is a ValueError.

async def ticker(n=5):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def worker(q):
    while True:
        item = await q.get()
        await asyncio.sleep(1)
        print(f"done {item}")
        q.task_done()

async def joiner(q, name):
    await q.join()
    print(f"{name} joined")

async def main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    w = asyncio.create_task(worker(q), name="worker")
    js = [asyncio.create_task(joiner(q, n), name=n) for n in ("j1", "j2")]
    await asyncio.sleep(2.5)
    tk = asyncio.create_task(ticker(), name="ticker")
    await asyncio.gather(*js, tk)
    await q.join()
    print("join on a finished queue: no step")
    w.cancel()
    try:
        q.task_done()
    except ValueError as e:
        print(f"ValueError: {e}")
