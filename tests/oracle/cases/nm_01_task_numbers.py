# Q: how are default task names numbered when named and unnamed tasks mix? (CPython's
#    _task_name_counter advances only for tasks created without a name; gather's and
#    TaskGroup's unnamed children use numbers up too.)
import asyncio

async def who(tag):
    print(f"{tag} is {asyncio.current_task().get_name()}")

async def main():
    a = asyncio.create_task(who("first unnamed"))
    b = asyncio.create_task(who("named"), name="worker")
    c = asyncio.create_task(who("second unnamed"))
    await asyncio.gather(a, b, c)
    await asyncio.gather(who("gather child 1"), who("gather child 2"))
    async with asyncio.TaskGroup() as tg:
        tg.create_task(who("group child named"), name="g")
        tg.create_task(who("group child unnamed"))
    d = asyncio.create_task(who("last unnamed"))
    d.set_name("renamed")
    e = asyncio.create_task(who("after a rename"))
    await d
    await e
    print(f"names: {a.get_name()} {b.get_name()} {c.get_name()} {d.get_name()} {e.get_name()}")
