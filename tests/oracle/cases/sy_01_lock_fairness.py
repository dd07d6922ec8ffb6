import asyncio

# Lock fairness: release hands the lock to the first waiter, which takes it only when it
# runs; a newcomer arriving in between queues behind it. A ticker shows the steps.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def worker(lock, name):
    print(f"{name} acquiring")
    await lock.acquire()
    print(f"{name} acquired")
    await asyncio.sleep(0)
    print(f"{name} releasing")
    lock.release()

async def newcomer(lock):
    print(f"late: locked={lock.locked()}")
    await lock.acquire()
    print("late acquired")
    lock.release()

async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    ws = [asyncio.create_task(worker(lock, n), name=n) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print("main releasing")
    lock.release()
    late = asyncio.create_task(newcomer(lock), name="late")
    await asyncio.gather(*ws, late, tk)
    print(f"done: locked={lock.locked()}")
    # released with a waiter woken but not yet run, the lock is free, yet a newcomer
    # queues behind that waiter instead of taking it
    await lock.acquire()
    d = asyncio.create_task(worker(lock, "d"), name="d")
    await asyncio.sleep(0)
    lock.release()
    print(f"main re-acquiring: locked={lock.locked()}")
    await lock.acquire()
    print("main acquired after d")
    lock.release()
    await d
