# Q: a positive-delay timer (call_later(1, cb)) due at the instant a spinner wakes from
#    sleep(1) and spins on sleep(0), the callback's timer registered first. Both timers are
#    moved to the ready queue in one batch, in registration order: the callback runs first,
#    then the spinner's turns, which no other timer interrupts. (The callback's timer
#    registered after the sleep's is due_07.)
import asyncio

async def spinner(name, n):
    await asyncio.sleep(1)
    print(f"{name} woke")
    for i in range(n):
        await asyncio.sleep(0)
        print(f"{name} {i}")

async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(1, lambda: print("call_later(1) cb (registered before the spinner's sleep)"))
    s = asyncio.create_task(spinner("s", 4), name="s")
    await s
    print("main resumed")
