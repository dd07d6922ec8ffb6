# Q: tg_04 without the child raising during its cancellation (a Rust future cannot: its
#    cancellation is a drop): the body raises while a child sleeps; the child is cancelled,
#    the group holds only the body's error.
import asyncio

async def sleeper(name):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper("k"), name="k")
            await asyncio.sleep(1)
            print("body raising RuntimeError")
            raise RuntimeError("body")
    except* RuntimeError as eg:
        print(f"main caught {[f'{type(e).__name__}({e})' for e in eg.exceptions]}")
    print("main continues")
