# Q: two call_later(1) timers fire in one batch and the first callback cancels the
#    second: does the second run? No: both handles are in the ready queue, and _run_once
#    skips the cancelled one (`if handle._cancelled: continue`).
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    hd = None
    def c():
        print("C cancels D, due in the same batch")
        hd.cancel()
    loop.call_later(1, c)
    hd = loop.call_later(1, lambda: print("D (cancelled, never printed)"))
    await asyncio.sleep(2)
    print("main done")
