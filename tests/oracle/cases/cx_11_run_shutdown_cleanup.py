# Q: asyncio.run(): main returns while two tasks are pending; one cleans up for 1 s after
#    its cancellation, the other has no handler. What runs after main returns, and how
#    long does the run take?
import asyncio

ASYNCIO_RUN = True

async def flusher():
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        print(f"flusher cancelled at shutdown, cancelling()={asyncio.current_task().cancelling()}")
        await asyncio.sleep(1)
        print("flusher flushed")
        raise

async def idle():
    await asyncio.sleep(60)
    print("idle never here")

async def main():
    asyncio.create_task(flusher(), name="flusher")
    asyncio.create_task(idle(), name="idle")
    await asyncio.sleep(0.5)
    print("main returns")
