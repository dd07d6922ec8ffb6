import asyncio

# Barrier of 3: the last arrival resumes first, the others in arrival order; a second
# round reuses it; a ticker shows the steps.

async def ticker(n=10):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)

async def party(b, name, rounds):
    for r in range(rounds):
        print(f"{name} arrives (round {r})")
        i = await b.wait()
        print(f"{name} through as {i} (round {r})")

async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, n, 2), name=n) for n in ("a", "b", "c")]
    tk = asyncio.create_task(ticker(), name="ticker")
    await asyncio.gather(*ps, tk)
    print(f"n_waiting={b.n_waiting} broken={b.broken}")
    try:
        asyncio.Barrier(0)
    except ValueError as e:
        print(f"ValueError: {e}")
