# Q: ties: several tasks finishing at the same instant as the first one / as the timeout.
import asyncio

async def job(name, d, yields_after=0):
    await asyncio.sleep(d)
    for _ in range(yields_after):
        await asyncio.sleep(0)
    print(f"{name} done")
    return name

def names(s):
    return sorted(t.get_name() for t in s)

async def run(label, specs, **kw):
    ts = [asyncio.create_task(job(n, d, y), name=n) for n, d, y in specs]
    done, pending = await asyncio.wait(ts, **kw)
    print(f"{label}: done={names(done)} pending={names(pending)}")
    await asyncio.wait(ts)

async def main():
    FC = asyncio.FIRST_COMPLETED
    await run("FIRST_COMPLETED, a and b at t=1", [("a", 1, 0), ("b", 1, 0)], return_when=FC)
    await run("FIRST_COMPLETED, d one sleep(0) later", [("c", 1, 0), ("d", 1, 1)], return_when=FC)
    await run("FIRST_COMPLETED, f two sleep(0) later", [("e", 1, 0), ("f", 1, 2)], return_when=FC)
    # timeout registered (inside wait) after the tasks' timers: tasks finishing at the deadline
    ts = [asyncio.create_task(job(n, 1), name=n) for n in ("g", "h")]
    await asyncio.sleep(0)
    done, pending = await asyncio.wait(ts, timeout=1)
    print(f"timeout=1 tie, tasks registered first: done={names(done)} pending={names(pending)}")
    # timeout registered before the tasks' timers
    ts = [asyncio.create_task(job(n, 1), name=n) for n in ("i", "j")]
    done, pending = await asyncio.wait(ts, timeout=1)
    print(f"timeout=1 tie, timeout registered first: done={names(done)} pending={names(pending)}")
    await asyncio.wait(ts)
