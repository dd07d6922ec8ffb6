import asyncio

# Condition: notify(1) wakes the oldest waiter, which then queues for the lock the
# notifier holds; notify_all; wait_for re-checks its predicate after each notification.

async def ticker(n=8):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def consumer(cond, box, name):
    async with cond:
        print(f"{name} waiting")
        await cond.wait_for(lambda: box[0] > 0)
        box[0] -= 1
        print(f"{name} took one, {box[0]} left")

async def main():
    cond = asyncio.Condition()
    box = [0]
    cs = [asyncio.create_task(consumer(cond, box, n), name=n) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    async with cond:
        box[0] = 1
        print("main notify(1)")
        cond.notify(1)
        await asyncio.sleep(0)
        print("main still holds the lock")
    await asyncio.sleep(0)
    async with cond:
        box[0] = 2
        print("main notify_all")
        cond.notify_all()
    await asyncio.gather(*cs, tk)
    try:
        cond.notify()
    except RuntimeError as e:
        print(f"RuntimeError: {e}")
