# Q: when does a timer that is already due when registered run? loop.call_later(0, cb) and
#    loop.call_at(loop.time(), cb) are TimerHandles, not call_soon: _run_once moves them to
#    the ready queue at the start of the next loop iteration, behind every step queued in
#    the iteration that registered them (a call_soon and a task created after the timer
#    included), and ahead of the steps those steps queue.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def late():
    print("late task first step")

async def main():
    loop = asyncio.get_running_loop()
    tk = asyncio.create_task(ticker(4), name="ticker")
    loop.call_later(0, lambda: print("call_later(0) cb"))
    loop.call_soon(lambda: print("call_soon cb, registered after call_later(0)"))
    asyncio.create_task(late(), name="late")
    print("main registered call_later(0), then call_soon, then created late")
    await tk
    await asyncio.sleep(1)
    print("-- part 2: call_at(loop.time())")
    tk = asyncio.create_task(ticker(4), name="ticker2")
    loop.call_at(loop.time(), lambda: print("call_at(now) cb"))
    loop.call_soon(lambda: print("call_soon cb, registered after call_at(now)"))
    print("main registered call_at(now), then call_soon")
    await tk
