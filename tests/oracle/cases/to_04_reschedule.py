# Q: Timeout.reschedule(): later, earlier, None (disable), and into the past (fires next step).
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    try:
        async with asyncio.timeout(2) as cm:
            await asyncio.sleep(1)
            cm.reschedule(loop.time() + 3)      # deadline moves from 2 to 4
            print(f"rescheduled to {cm.when() - t0:.3f}")
            await asyncio.sleep(10)
    except TimeoutError:
        print("TimeoutError (rescheduled deadline)")

    async with asyncio.timeout(1) as cm:
        cm.reschedule(None)                     # disable
        print(f"when={cm.when()}")
        await asyncio.sleep(5)
        print("slept 5 with the timeout disabled")

    async with asyncio.timeout(None) as cm:     # start disabled, enable later
        await asyncio.sleep(1)
        try:
            async with asyncio.timeout(None) as cm2:
                cm2.reschedule(loop.time() + 2)
                await asyncio.sleep(5)
        except TimeoutError:
            print("TimeoutError after enabling a timeout(None)")

    tk = asyncio.create_task(ticker(5), name="ticker")
    try:
        async with asyncio.timeout(10) as cm:
            cm.reschedule(loop.time() - 1)      # in the past: call_soon(_on_timeout)
            print("rescheduled into the past; awaiting sleep(0) x3")
            for i in range(3):
                await asyncio.sleep(0)
                print(f"body step {i}")
    except TimeoutError:
        print("TimeoutError (past deadline)")
    await tk
