# Q: a task waits in a TaskGroup and is cancelled from outside. The children clean up
#    (with sleeps); does the task resume after them, and with what? Then a child whose
#    cleanup fails: does the ExceptionGroup win over the cancellation, and does the task
#    go on?
import asyncio

async def child(name, cleanup, fail):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        # (TaskGroup cancels its children in set order: the logs wait out of that.)
        await asyncio.sleep(cleanup / 2)
        print(f"{name} cleaning up")
        await asyncio.sleep(cleanup / 2)
        if fail:
            print(f"{name} fails in cleanup")
            raise ValueError(name)
        print(f"{name} cleaned up")
        raise

async def owner(prefix, fail):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(prefix + "1", 1, False), name=prefix + "1")
            tg.create_task(child(prefix + "2", 2, fail), name=prefix + "2")
    except ExceptionGroup as eg:
        print(f"{prefix} got errors {[str(e) for e in eg.exceptions]}, goes on")
        await asyncio.sleep(1)
        print(f"{prefix} done")
        return "after errors"
    except asyncio.CancelledError:
        print(f"{prefix} sees CancelledError after the group")
        raise

async def main():
    for prefix, fail in (("a", False), ("b", True)):
        t = asyncio.create_task(owner(prefix, fail), name=prefix)
        await asyncio.sleep(1)
        print(f"{prefix}.cancel() -> {t.cancel()}")
        try:
            print(f"main: {prefix} returned {await t!r}")
        except asyncio.CancelledError:
            print(f"main: {prefix} cancelled")
