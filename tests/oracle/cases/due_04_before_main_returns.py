# Q: a 0-delay timer registered just before main returns: is it lost? run_until_complete
#    stops the loop through main's done callback (_run_until_complete_cb, call_soon'ed when
#    main finishes), at the end of the iteration that runs it. The timer is moved to the
#    ready queue at the start of that same iteration, behind the stop callback, so it still
#    runs before run_until_complete returns. A 0-delay timer registered *during* that last
#    iteration (by a step after main's) is never run, and CPython says nothing about it.
import asyncio

async def ticker(name, n):
    loop = asyncio.get_running_loop()
    for i in range(n):
        print(f"{name} {i}")
        if i == 1:
            loop.call_later(0, lambda: print(f"call_later(0) cb registered by {name} at turn 1"))
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    asyncio.create_task(ticker("a", 5), name="a")
    await asyncio.sleep(0)
    loop.call_later(0, lambda: print("call_later(0) cb registered by main"))
    loop.call_at(loop.time(), lambda: print("call_at(now) cb registered by main"))
    print("main returns")
