# Q: a failure at the same instant as another child's completion (both orders), and two
#    failures at the same instant: which outcome does the awaiter see?
import asyncio

async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        print(f"{name} raising")
        raise ValueError(name)
    print(f"{name} ok")
    return name

async def run(label, specs, **kw):
    ts = [asyncio.create_task(job(n, 1, f), name=n) for n, f in specs]
    try:
        r = await asyncio.gather(*ts, **kw)
        print(f"{label}: result {r!r}")
    except ValueError as e:
        print(f"{label}: raised ValueError({e})")

async def main():
    await run("ok-then-fail", [("a", False), ("b", True)])
    await run("fail-then-ok", [("c", True), ("d", False)])
    await run("two-fail", [("e", True), ("f", True)])
    await run("two-fail-rx", [("g", True), ("h", True)], return_exceptions=True)
