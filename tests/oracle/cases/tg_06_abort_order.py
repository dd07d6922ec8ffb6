# Q: in which order are the siblings cancelled when a TaskGroup aborts?
#    CPython: TaskGroup._abort() iterates self._tasks, a *set* of tasks hashed by id(), so the
#    order is set-iteration order (memory addresses), not creation order. See FINDINGS.md:
#    do not snapshot the order of the "got CancelledError" lines of this case.
import asyncio

async def sleeper(name):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise

async def failer():
    await asyncio.sleep(1)
    raise ValueError("f")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(6):
                tg.create_task(sleeper(f"s{i}"), name=f"s{i}")
            tg.create_task(failer(), name="f")
    except* ValueError:
        print("group failed")
