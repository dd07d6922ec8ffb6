# Q: when do new tasks first run, relative to each other and to their creator?
import asyncio

async def worker(name):
    print(f"{name} first run")
    await asyncio.sleep(0)
    print(f"{name} second step")

async def main():
    a = asyncio.create_task(worker("a"), name="a")
    print("created a")
    b = asyncio.create_task(worker("b"), name="b")
    print("created b")
    c = asyncio.create_task(worker("c"), name="c")
    print("created c; creator keeps running until it yields")
    await asyncio.sleep(0)          # main goes to the back: behind a, b, c
    print("main after sleep(0)")
    d = asyncio.create_task(worker("d"), name="d")   # d queued behind a/b/c's second steps
    print("created d")
    await asyncio.gather(a, b, c, d)
    print("all done")
