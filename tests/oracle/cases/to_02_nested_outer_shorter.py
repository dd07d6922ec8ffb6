# Q: nested timeouts, outer shorter: the inner context sees CancelledError (not TimeoutError)
#    and lets it through; the outer converts it to TimeoutError.
import asyncio

async def main():
    try:
        async with asyncio.timeout(2) as outer:
            try:
                async with asyncio.timeout(5) as inner:
                    try:
                        await asyncio.sleep(10)
                    except asyncio.CancelledError:
                        print("sleep got CancelledError")
                        raise
            except asyncio.CancelledError:
                print(f"inner context let CancelledError through; inner.expired()={inner.expired()}")
                raise
            except TimeoutError:
                print("inner TimeoutError (should not happen)")
    except TimeoutError:
        print(f"outer TimeoutError; outer.expired()={outer.expired()} "
              f"cancelling()={asyncio.current_task().cancelling()}")
