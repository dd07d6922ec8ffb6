# Q: gather returns results in input order, whatever the completion order;
#    a coroutine argument becomes a task (default name) created in argument order.
import asyncio

async def job(name, d):
    print(f"{name} start")
    await asyncio.sleep(d)
    print(f"{name} done after {d}")
    return name

async def main():
    c = asyncio.create_task(job("c", 1), name="c")
    res = await asyncio.gather(job("x3", 3), c, job("y2", 2), c)   # c twice: deduplicated
    print(f"results {res}")
