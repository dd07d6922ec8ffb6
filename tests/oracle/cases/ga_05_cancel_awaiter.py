# Q: cancelling the task that awaits a gather cancels the gather's unfinished children;
#    the canceller awaiting that task resumes after the children saw their cancellation.
#    (simloop: the awaiter's future is dropped at its next turn, which cancels the children;
#    the awaiter itself logs nothing here, since in CPython it observes the cancellation
#    only after the children, and in Rust at the drop, before them.)
import asyncio

async def job(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def waiter(g):
    return await g

async def main():
    a = asyncio.create_task(job("a", 5), name="a")
    b = asyncio.create_task(job("b", 1), name="b")
    c = asyncio.create_task(job("c", 5), name="c")
    w = asyncio.create_task(waiter(asyncio.gather(a, b, c)), name="w")
    await asyncio.sleep(2)
    print(f"w.cancel() -> {w.cancel()}")
    try:
        await w
    except asyncio.CancelledError:
        print(f"main: w cancelled={w.cancelled()} a={a.cancelled()} b={b.cancelled()} c={c.cancelled()}")
    await asyncio.sleep(1)
    print("main done")
