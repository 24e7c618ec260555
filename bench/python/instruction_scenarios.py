"""The programs whose instructions instructions.py counts, one per scenario
and pool, each run as ``python instruction_scenarios.py SCENARIO POOL N``
under callgrind.

Every program does its setup, then N units of work (a job, or a loop
iteration for the floors), then shuts its pool down waiting.  Counting
N and 2N units and subtracting leaves the cost of N units: start-up,
imports and the pool's threads cancel out.

The loops run as module-level code, as in a script (globals are dict
lookups), which is how the reference figures in bench/README.md were
taken.
"""

import sys

WORKERS = 2

# Only what every scenario needs: an import adds objects that every full
# collection of the GC then walks, a per-job cost the scenario would not
# have in a program of its own.
SETUP = """
from concurrent.futures import ThreadPoolExecutor
from cymade.threadpool import ThreadPool

def tiny(x):
    return x * x
"""

# Each scenario's loop; `pool` is a 2-worker pool and `n` the unit count.
SCENARIOS = {
    # submit() n tiny jobs, then shutdown(wait=True): submit -> run -> complete -> free.
    "submit": """
for i in range(n):
    pool.submit(tiny, i)
pool.shutdown(wait=True)
""",
    # submit() then result(), one job at a time: the round trip.
    "submit_result": """
for i in range(n):
    pool.submit(tiny, i).result()
pool.shutdown(wait=True)
""",
    # map(): n results in order.
    "map": """
for result in pool.map(tiny, range(n)):
    pass
pool.shutdown(wait=True)
""",
    # n futures awaited one after the other in a coroutine; a
    # ThreadPoolExecutor future needs asyncio.wrap_future to be awaited.
    "await": """
import asyncio

awaitable = (lambda f: f) if isinstance(pool, ThreadPool) else asyncio.wrap_future

async def main():
    futures = [pool.submit(tiny, i) for i in range(n)]
    for future in futures:
        await awaitable(future)

asyncio.run(main())
pool.shutdown(wait=True)
""",
}

# The floors: no pool.
FLOORS = {
    # The job called in the loop: what running it inline costs.
    "inline_call": """
for i in range(n):
    tiny(i)
""",
    # A two-argument C builtin called in the loop: what one C call costs.
    "builtin_call": """
import operator

for i in range(n):
    operator.is_(tiny, i)
""",
}

POOLS = ("ThreadPool", "ThreadPoolExecutor")


def main(argv):
    name, pool_name, n = argv[1], argv[2], int(argv[3])
    namespace = {"__name__": "__main__", "n": n}
    exec(SETUP, namespace)
    if name in SCENARIOS:
        namespace["pool"] = namespace[pool_name](WORKERS)
    exec(SCENARIOS.get(name) or FLOORS[name], namespace)


if __name__ == "__main__":
    main(sys.argv)
