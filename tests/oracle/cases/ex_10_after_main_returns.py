# Q: what runs after main returns? run_until_complete stops the loop through main's done
#    callback, at the end of that loop iteration: steps queued before it still run.
import asyncio
async def ticker(name, n):
    for i in range(n):
        print(f"{name} {i}")
        await asyncio.sleep(0)
async def main():
    asyncio.create_task(ticker("a", 5), name="a")
    await asyncio.sleep(0)
    asyncio.create_task(ticker("b", 5), name="b")
    print("main returns")
