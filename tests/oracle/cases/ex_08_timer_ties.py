# Q: timers with the same deadline fire in registration order (not task creation order).
import asyncio

async def sleeper(name, pre_yields, d):
    for _ in range(pre_yields):
        await asyncio.sleep(0)
    print(f"{name} registers sleep({d})")
    await asyncio.sleep(d)
    print(f"{name} woke")

async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(sleeper("a", 1, 2), name="a")   # registers second
    b = asyncio.create_task(sleeper("b", 0, 2), name="b")   # registers first
    loop.call_later(2, lambda: print("call_later cb registered by main"))  # registers before both
    await asyncio.gather(a, b)
