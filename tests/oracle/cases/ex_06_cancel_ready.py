# Q: cancel() a task that is in the ready queue (not started yet / after sleep(0)):
#    it observes the cancellation at its own queue position, no extra hop.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def never_started():
    print("ns body runs (should not happen)")

async def yielder():
    print("y step 0")
    try:
        await asyncio.sleep(0)
        print("y step 1 (should not happen)")
    except asyncio.CancelledError:
        print("y got CancelledError at its sleep(0)")
        raise

async def main():
    # 1. cancelled before its first step: the coroutine body never runs
    ns = asyncio.create_task(never_started(), name="ns")
    tk = asyncio.create_task(ticker(4), name="ticker")
    print(f"ns.cancel() -> {ns.cancel()}")
    try:
        await ns
    except asyncio.CancelledError:
        print(f"main: ns cancelled={ns.cancelled()}")
    await tk
    await asyncio.sleep(1)
    # 2. cancelled while queued after sleep(0)
    y = asyncio.create_task(yielder(), name="y")
    tk = asyncio.create_task(ticker(4), name="ticker2")
    await asyncio.sleep(0)          # y step 0, tick 0 ran; y is queued again
    print(f"y.cancel() -> {y.cancel()}")
    try:
        await y
    except asyncio.CancelledError:
        print(f"main: y cancelled={y.cancelled()}")
    await tk
