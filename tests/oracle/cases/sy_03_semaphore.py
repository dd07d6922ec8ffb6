import asyncio

# Semaphore: wake-one, permits taken at release time, a cancelled waiter passed over,
# a permit handed to a waiter that is then cancelled given back and on.

async def ticker(n=6):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(sem, name):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} acquired (value {sem._value})")

async def main():
    sem = asyncio.Semaphore(0)
    ws = [asyncio.create_task(waiter(sem, n), name=n) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    print(f"locked={sem.locked()}; release twice")
    sem.release()
    sem.release()
    print(f"value {sem._value}")
    await asyncio.sleep(0)
    print("release once more")
    sem.release()
    await asyncio.gather(*ws, tk)

    await asyncio.sleep(1)
    ws = [asyncio.create_task(waiter(sem, n), name=n) for n in ("d", "e", "f")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    ws[0].cancel()
    print("cancelled d; release")
    sem.release()
    ws[1].cancel()
    print("release went to e; cancelled e")
    await asyncio.gather(*ws, tk, return_exceptions=True)
    print(f"value {sem._value}, locked={sem.locked()}")

    await asyncio.sleep(1)
    ws = [asyncio.create_task(waiter(sem, n), name=n) for n in ("g", "h")]
    await asyncio.sleep(0)
    ws[0].cancel()
    sem.release()
    print("cancelled g; released: h has the permit already")
    await asyncio.sleep(0)
    print("main one step later")
    await asyncio.gather(*ws, return_exceptions=True)

    await asyncio.sleep(1)
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    b.release()
    try:
        b.release()
    except ValueError as e:
        print(f"ValueError: {e}")
