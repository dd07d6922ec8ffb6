# Q: a 0-delay timer registered while another task spins on sleep(0): does the spinner
#    delay it? No: the timer is moved to the ready queue at the start of the next loop
#    iteration, so its callback runs between two turns of the spinner (after the spinner's
#    step already queued), and main's wakeup through a future set by a 0-delay timer takes
#    one more step.
import asyncio

async def spinner(n):
    for i in range(n):
        print(f"spin {i}")
        await asyncio.sleep(0)
    print("spinner done")

async def main():
    loop = asyncio.get_running_loop()
    s = asyncio.create_task(spinner(8), name="spinner")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    loop.call_later(0, lambda: print("call_later(0) cb"))
    print("main registered call_later(0)")
    await asyncio.sleep(0)
    print("main after one sleep(0)")
    fut = loop.create_future()
    loop.call_later(0, fut.set_result, "v")
    print("main awaits a future a call_later(0) sets")
    r = await fut
    print(f"main resumed with {r}")
    await s
