# Q: can a timer be cancelled after it is due and moved to the ready queue, but before it
#    runs? Yes: _run_once skips a handle whose _cancelled is set (`if handle._cancelled:
#    continue`), and TimerHandle.cancel() works until the callback has run.
#    (a) a call_later(0) cancelled by a step that runs before it in the next iteration;
#    (b) two call_later(1) timers in one batch: the first callback cancels the second.
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
    hd = None
    def c():
        print("C cancels D, due in the same batch")
        hd.cancel()
    loop.call_later(1, c)
    hd = loop.call_later(1, lambda: print("D (cancelled, never printed)"))
    await asyncio.sleep(2)
    print("main done")
