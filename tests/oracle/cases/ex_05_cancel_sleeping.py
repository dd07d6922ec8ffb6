# Q: cancel() a task blocked in sleep(10): when does it observe CancelledError,
#    and when does a task awaiting it resume?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def sleeper():
    print("s sleeping 10")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("s got CancelledError")
        raise
    print("s never here")

async def main():
    s = asyncio.create_task(sleeper(), name="s")
    await asyncio.sleep(1)
    tk = asyncio.create_task(ticker(5), name="ticker")
    print(f"cancel() -> {s.cancel()}  cancelled()={s.cancelled()} done()={s.done()}")
    try:
        await s
    except asyncio.CancelledError:
        print(f"main: await s raised CancelledError, s.cancelled()={s.cancelled()}")
    print(f"cancel() again -> {s.cancel()}")
    await tk
