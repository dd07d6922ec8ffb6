# Q: an outer task awaits an inner task; the outer is cancelled. The inner one cleans up for
#    1 s then re-raises: when does the outer see it? Then an inner task that refuses (returns
#    after its cleanup): does the outer get the value, and is it cancelled at all?
import asyncio

async def inner(name, refuse):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} cleaning up")
        await asyncio.sleep(1)
        print(f"{name} cleaned up")
        if refuse:
            return "kept"
        raise

async def outer(name, refuse):
    i = asyncio.create_task(inner(name + ".inner", refuse), name=name + ".inner")
    try:
        r = await i
        print(f"{name} got {r!r}, cancelling()={asyncio.current_task().cancelling()}")
    except asyncio.CancelledError:
        print(f"{name} sees CancelledError")
        raise

async def main():
    a = asyncio.create_task(outer("a", False), name="a")
    await asyncio.sleep(1)
    print(f"a.cancel() -> {a.cancel()}")
    try:
        await a
    except asyncio.CancelledError:
        print("main: a cancelled")
    b = asyncio.create_task(outer("b", True), name="b")
    await asyncio.sleep(1)
    print(f"b.cancel() -> {b.cancel()}")
    print(f"main: b gave {await b!r}, b.cancelled()={b.cancelled()}")
