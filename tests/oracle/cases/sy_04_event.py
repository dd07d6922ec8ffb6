import asyncio

# Event: set wakes every waiter in order, each one step later; a waiter resumes even if
# the event was cleared before it ran; a cancelled waiter leaves.

async def ticker(n=5):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(ev, name):
    try:
        await ev.wait()
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} woke, is_set={ev.is_set()}")

async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, n), name=n) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(), name="ticker")
    ws[1].cancel()
    print("main sets and clears")
    ev.set()
    ev.clear()
    await asyncio.gather(*ws, tk, return_exceptions=True)
    ev.set()
    await ev.wait()
    print("wait on a set event: no step")
