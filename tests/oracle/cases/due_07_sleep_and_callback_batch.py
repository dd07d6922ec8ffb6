# Q: in one timer batch, a sleep's timer registered BEFORE a call_later callback's: which
#    runs first? A sleep's TimerHandle runs _set_result_unless_cancelled(fut), which queues
#    the task's __wakeup: 2 steps from timer to task. A call_later callback is 1 step. So the
#    callback prints before the sleeper resumes although its timer was registered second.
import asyncio

async def spinner(name, n):
    await asyncio.sleep(1)
    print(f"{name} woke")
    for i in range(n):
        await asyncio.sleep(0)
        print(f"{name} {i}")

async def main():
    loop = asyncio.get_running_loop()
    s = asyncio.create_task(spinner("t", 3), name="t")
    await asyncio.sleep(0)
    loop.call_later(1, lambda: print("call_later(1) cb (registered after t's sleep(1))"))
    await s
