# Q: order of add_done_callback callbacks vs a task awaiting the same task;
#    each callback is its own queued step; a callback added to a finished task is call_soon'ed.
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def work():
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("t finishing")
    return 42

async def adder(t):
    # runs after main is already blocked in `await t`
    t.add_done_callback(lambda f: print(f"cb_after_await result={f.result()}"))
    print("adder registered cb_after_await")

async def main():
    t = asyncio.create_task(work(), name="t")
    t.add_done_callback(lambda f: print("cb_before_await_1"))
    t.add_done_callback(lambda f: print("cb_before_await_2"))
    asyncio.create_task(adder(t), name="adder")
    tk = asyncio.create_task(ticker(6), name="ticker")
    r = await t
    print(f"main resumed r={r}")
    t.add_done_callback(lambda f: print("cb_on_finished_task"))   # call_soon'ed: runs after main yields
    print("main registered cb_on_finished_task")
    await tk
    print("main end")
