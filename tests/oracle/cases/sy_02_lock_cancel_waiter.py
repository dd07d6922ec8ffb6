import asyncio

# A lock waiter cancelled while waiting leaves the queue: cancelled before the release,
# the release passes it over and its own step wakes the next waiter; cancelled after the
# release handed it the lock, its step hands the lock on.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(lock, name):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} acquired")
    lock.release()

async def round_(lock, cancel_first):
    await lock.acquire()
    ws = [asyncio.create_task(waiter(lock, n), name=n) for n in ("a", "b")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    if cancel_first:
        ws[0].cancel()
        print("main cancelled a, releasing")
        lock.release()
    else:
        print("main releasing, then cancelling a")
        lock.release()
        ws[0].cancel()
    await asyncio.gather(*ws, tk, return_exceptions=True)
    print(f"round over: locked={lock.locked()}")

async def main():
    lock = asyncio.Lock()
    await round_(lock, True)
    await asyncio.sleep(1)
    await round_(lock, False)
    await asyncio.sleep(1)
    # every waiter cancelled: a newcomer takes the free lock at once
    await lock.acquire()
    w = asyncio.create_task(waiter(lock, "x"), name="x")
    await asyncio.sleep(0)
    w.cancel()
    lock.release()
    print(f"x cancelled pending; locked={lock.locked()}")
    await lock.acquire()
    print("main re-acquired at once")
    lock.release()
    await asyncio.gather(w, return_exceptions=True)
