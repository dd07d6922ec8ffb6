# Q: can a 0-delay timer be cancelled after it is due and moved to the ready queue, but
#    before it runs? Yes: _run_once skips a handle whose _cancelled is set (`if
#    handle._cancelled: continue`), and TimerHandle.cancel() works until the callback has
#    run. Here a task step queued ahead of the timer cancels it in that iteration.
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    h = loop.call_later(0, lambda: print("A (cancelled, never printed)"))
    async def canceller():
        print("canceller: A's timer is in the ready queue now; cancel it")
        h.cancel()
    asyncio.create_task(canceller(), name="canceller")
    loop.call_later(0, lambda: print("B call_later(0) runs"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("main after two sleep(0)")
