# Q: fut.cancel(msg) with two awaiters and a done callback: what do the awaiters get, in
#    which steps, and what do cancelled()/done()/result()/exception() and a second cancel say?
import asyncio

async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def waiter(name, fut):
    try:
        await fut
    except asyncio.CancelledError as e:
        print(f"{name} got CancelledError({e.args[0] if e.args else ''}) cancelling()={asyncio.current_task().cancelling()}")
        raise

async def main():
    fut = asyncio.get_running_loop().create_future()
    ws = [asyncio.create_task(waiter(n, fut), name=n) for n in ("a", "b")]
    fut.add_done_callback(lambda f: print(f"cb cancelled()={f.cancelled()}"))
    await asyncio.sleep(0)
    tk = asyncio.create_task(ticker(5), name="ticker")
    print(f"cancel('bye') -> {fut.cancel('bye')}")
    print(f"cancel() again -> {fut.cancel()} done()={fut.done()} cancelled()={fut.cancelled()}")
    for what in ("result", "exception"):
        try:
            getattr(fut, what)()
        except asyncio.CancelledError as e:
            print(f"{what}() raises CancelledError({e.args[0] if e.args else ''})")
    try:
        fut.set_result(1)
    except asyncio.InvalidStateError as e:
        print(f"set_result on cancelled: InvalidStateError({e})")
    for w in ws:
        try:
            await w
        except asyncio.CancelledError:
            print(f"main: {w.get_name()} cancelled()={w.cancelled()}")
    await tk
