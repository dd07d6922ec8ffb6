# Q: cancelling a task that is awaiting another task cancels the awaited task too
#    (Task.cancel cancels its _fut_waiter); cancelling the inner one makes the outer see
#    CancelledError but the outer itself is not "cancelled" unless it re-raises.
import asyncio

async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("inner got CancelledError")
        raise

async def outer(i):
    try:
        await i
    except asyncio.CancelledError:
        print("outer got CancelledError")
        raise

async def main():
    i = asyncio.create_task(inner(), name="inner")
    o = asyncio.create_task(outer(i), name="outer")
    await asyncio.sleep(1)
    print(f"o.cancel() -> {o.cancel()}")
    await asyncio.gather(i, o, return_exceptions=True)
    print(f"inner.cancelled()={i.cancelled()} outer.cancelled()={o.cancelled()}")
