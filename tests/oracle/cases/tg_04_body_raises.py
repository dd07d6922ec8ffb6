# Q: the body raises while children sleep: children cancelled, the body's error is in the group
#    (appended after the children's errors); a child error raised during cancellation also counts.
#    (One child only: the order in which several siblings are cancelled is set order, see tg_06.)
import asyncio

async def stubborn(name):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError, raises KeyError instead")
        raise KeyError(name)

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(stubborn("k"), name="k")
            await asyncio.sleep(1)
            print("body raising RuntimeError")
            raise RuntimeError("body")
    except* (RuntimeError, KeyError) as eg:
        print(f"main caught {[f'{type(e).__name__}({e})' for e in eg.exceptions]}")
    print("main continues")
