# Q: a task awaits gather(a, b); the task is cancelled. Each child cleans up (b for longer).
#    When does the awaiter resume, with return_exceptions=True and with False?
import asyncio

async def child(name, cleanup):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} cleaning up")
        await asyncio.sleep(cleanup)
        print(f"{name} cleaned up")
        raise

async def gatherer(prefix, return_exceptions):
    a = asyncio.create_task(child(prefix + "a", 1), name=prefix + "a")
    b = asyncio.create_task(child(prefix + "b", 2), name=prefix + "b")
    try:
        await asyncio.gather(a, b, return_exceptions=return_exceptions)
    except asyncio.CancelledError:
        print(f"{prefix}g sees CancelledError, a.done()={a.done()} b.done()={b.done()}")
        raise

async def main():
    for prefix, rx in (("x", True), ("y", False)):
        g = asyncio.create_task(gatherer(prefix, rx), name=prefix + "g")
        await asyncio.sleep(1)
        print(f"{prefix}g.cancel() -> {g.cancel()}")
        try:
            await g
        except asyncio.CancelledError:
            print(f"main: {prefix}g cancelled")
        await asyncio.sleep(5)
