# Q: gather(d, e).cancel(), then await it in the same task; the children clean up (e for
#    longer). When does the await raise CancelledError, with return_exceptions False and True?
import asyncio

async def job(name, cleanup):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(f"{name} cleaning up")
        await asyncio.sleep(cleanup)
        print(f"{name} cleaned up")
        raise
    return name

async def main():
    for prefix, rx in (("x", False), ("y", True)):
        d = asyncio.create_task(job(prefix + "d", 1), name=prefix + "d")
        e = asyncio.create_task(job(prefix + "e", 2), name=prefix + "e")
        g = asyncio.gather(d, e, return_exceptions=rx)
        await asyncio.sleep(1)
        print(f"{prefix}: g.cancel() -> {g.cancel()}")
        try:
            await g
            print("never")
        except asyncio.CancelledError:
            print(f"{prefix}: await g raised CancelledError, d.done()={d.done()} e.done()={e.done()}")
        await asyncio.sleep(3)
