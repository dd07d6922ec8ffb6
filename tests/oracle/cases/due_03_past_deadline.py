# Q: a sleep whose deadline has already passed. asyncio has no sleep_until: the analogue
#    of `sleep_until(t)` is `asyncio.sleep(t - loop.time())`, and a delay <= 0 is a bare
#    yield (tasks.sleep: `if delay <= 0: await __sleep0()`), no timer: the task is re-queued
#    at the back, 1 step. A timer with a deadline in the past (loop.call_at(past, ...)) is
#    due at the next iteration, like call_later(0): a task waiting for it through a future
#    resumes 2 steps later (the timer callback, then the task's wakeup).
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(1)
    past = loop.time() - 0.5
    tk = asyncio.create_task(ticker(5), name="ticker")
    print("main sleeps until a deadline 0.5 s in the past (a negative delay)")
    await asyncio.sleep(past - loop.time())
    print("main resumed from the past-deadline sleep")
    await tk
    tk = asyncio.create_task(ticker(5), name="ticker2")
    fut = loop.create_future()
    loop.call_at(past, lambda: (print("call_at(past) cb"), fut.set_result(None)))
    print("main awaits a future set by call_at(past)")
    await fut
    print("main resumed from the past timer")
    await tk
