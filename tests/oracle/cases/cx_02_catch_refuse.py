# Q: a task catches CancelledError and returns a value (refuses the cancel): is it
#    cancelled? what does its awaiter get, and cancelling() after?
import asyncio

async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("w refusing")
        await asyncio.sleep(0.5)
        return "kept going"
    return "slept"

async def main():
    w = asyncio.create_task(worker(), name="w")
    await asyncio.sleep(1)
    w.cancel()
    r = await w
    print(f"main: got {r!r} cancelled()={w.cancelled()} cancelling()={w.cancelling()}")
    print(f"uncancel() -> {w.uncancel()} then {w.uncancel()}")
