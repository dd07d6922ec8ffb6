# Q: wait_for(aw, 1): the inner task catches its cancellation at the deadline and cleans
#    up for 2 s; then one that refuses and returns. When does the caller resume, with what?
import asyncio

async def cleaner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("cleaner cleaning up")
        await asyncio.sleep(2)
        print("cleaner done")
        raise

async def refuser():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("refuser refuses")
        await asyncio.sleep(0.5)
        return "kept"

async def main():
    try:
        await asyncio.wait_for(cleaner(), 1)
    except TimeoutError:
        print("main: TimeoutError after cleanup")
    r = await asyncio.wait_for(refuser(), 1)
    print(f"main: wait_for gave {r!r}")
