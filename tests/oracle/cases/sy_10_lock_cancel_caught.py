import asyncio

# A lock waiter that catches its cancellation (a cancel scope in simloop) leaves the
# queue, hands the free lock to the next waiter, and waits again behind it.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def stubborn(lock):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print("a caught its cancellation")
        await lock.acquire()
        print("a acquired after all")
        lock.release()
        return
    print("a acquired")
    lock.release()

async def waiter(lock):
    await lock.acquire()
    print("b acquired")
    lock.release()

async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    a = asyncio.create_task(stubborn(lock), name="a")
    b = asyncio.create_task(waiter(lock), name="b")
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    a.cancel()
    lock.release()
    print("main cancelled a and released")
    await asyncio.gather(a, b, tk)
    print(f"locked={lock.locked()}")
