# Q: a Future (loop.create_future()) awaited by three tasks, with done callbacks added
#    before, between and after them: in which order do they run once main sets the
#    result, each its own step? What do result()/exception() say before, and set_result twice?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(name, fut):
    print(f"{name} awaits")
    v = await fut
    print(f"{name} got {v}")

async def main():
    fut = asyncio.get_running_loop().create_future()
    try:
        fut.result()
    except asyncio.InvalidStateError as e:
        print(f"result() pending: InvalidStateError({e})")
    try:
        fut.exception()
    except asyncio.InvalidStateError as e:
        print(f"exception() pending: InvalidStateError({e})")
    fut.add_done_callback(lambda f: print(f"cb1 result={f.result()}"))
    ws = [asyncio.create_task(waiter(n, fut), name=n) for n in ("a", "b")]
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: print("cb2"))
    ws.append(asyncio.create_task(waiter("c", fut), name="c"))
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(6), name="ticker")
    print(f"done()={fut.done()} set_result(7)")
    fut.set_result(7)
    print(f"done()={fut.done()} result()={fut.result()} exception()={fut.exception()}")
    try:
        fut.set_result(8)
    except asyncio.InvalidStateError as e:
        print(f"set_result again: InvalidStateError({e})")
    fut.add_done_callback(lambda f: print("cb3 on a done future"))
    for w in ws:
        await w
    await tk
    v = await fut
    print(f"main awaits the done future: {v}")
