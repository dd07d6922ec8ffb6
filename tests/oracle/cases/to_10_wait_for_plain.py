# Q: to_05 without the parts a Rust future cannot express (cleanup after cancellation,
#    wait_for(shield(t))): wait_for timing out (the inner task cancelled at the deadline),
#    finishing in time, a None timeout (plain await), and a zero timeout (cancelled at once).
import asyncio

async def work(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        print(f"{name} got CancelledError")
        raise
    print(f"{name} finished")
    return name

async def main():
    try:
        r = await asyncio.wait_for(work("w1", 5), 2)
    except TimeoutError:
        print("wait_for(w1 5s, 2) -> TimeoutError")

    r = await asyncio.wait_for(work("w2", 1), 2)
    print(f"wait_for(w2 1s, 2) -> {r}")

    t = asyncio.create_task(work("w3", 1), name="w3")
    r = await asyncio.wait_for(t, None)
    print(f"wait_for(w3, None) -> {r}")

    try:
        await asyncio.wait_for(work("w4", 1), 0)
    except TimeoutError:
        print("wait_for(w4, 0) -> TimeoutError")
