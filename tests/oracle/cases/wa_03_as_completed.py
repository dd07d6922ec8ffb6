# Q: as_completed yields in completion order (ties in completion-step order), with a timeout.
import asyncio

async def job(name, d, fail=False):
    await asyncio.sleep(d)
    print(f"{name} done")
    if fail:
        raise ValueError(name)
    return name

async def main():
    ts = [asyncio.create_task(job(n, d, f), name=n)
          for n, d, f in [("a", 3, False), ("b", 1, False), ("c", 2, True), ("d", 1, False)]]
    for fut in asyncio.as_completed(ts):
        try:
            print(f"got {await fut}")
        except ValueError as e:
            print(f"got ValueError({e})")

    ts = [asyncio.create_task(job(n, d), name=n) for n, d in [("e", 1), ("f", 3), ("g", 4)]]
    try:
        for fut in asyncio.as_completed(ts, timeout=2):
            print(f"got {await fut}")
    except TimeoutError:
        print(f"TimeoutError; pending not cancelled: {[t.get_name() for t in ts if not t.done()]}")
    await asyncio.gather(*ts)
    print("all finished")
