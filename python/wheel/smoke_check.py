"""Uses an installed cymade from outside the source tree: every public API once.

Run by //python/wheel:wheel_install_test (the Bazel-built wheel in a fresh
venv) and by tools/test.sh's pip check (`pip install .` into a fresh venv).
Exits non-zero with a traceback on the first failure.
"""

import asyncio
import concurrent.futures
import sys

import cymade
from cymade.atomic import I64, U64, Float, Int
from cymade.threadpool import Future, ThreadPool


def check_atomics():
    zeros = []
    counter = U64(2, on_zero=lambda: zeros.append(True))
    counter -= 2
    assert zeros == [True] and int(counter) == 0
    signed = I64(-5)
    signed += 10
    assert signed.fetch_add(1) == 5 and signed.load() == 6
    big = Int(2**100)
    big *= 2
    assert big.load() == 2**101
    number = Float(1.5)
    assert number.compare_exchange(1.5, 2.0) and number.load() == 2.0
    assert not number.compare_exchange(2**53 + 1, 0.0)


def check_pool():
    with ThreadPool(2, thread_name_prefix="smoke") as pool:
        futures = [pool.submit(pow, 2, n) for n in range(20)]
        done, not_done = concurrent.futures.wait(futures, timeout=30)
        assert not not_done and len(done) == 20
        assert sorted(f.result() for f in concurrent.futures.as_completed(futures, timeout=30)) == sorted(
            2**n for n in range(20)
        )
        assert all(isinstance(f, concurrent.futures.Future) and isinstance(f, Future) for f in futures)
        assert list(pool.map(abs, [-1, -2, 3], timeout=30)) == [1, 2, 3]
        assert pool.schedule(-1, sum, [1, 2]).result(timeout=30) == 3
        assert pool.schedule(1, sum, [3, 4]).result(timeout=30) == 7

        async def main():
            awaited = await pool.submit(sum, range(10))
            wrapped = await asyncio.wrap_future(pool.submit(max, 4, 9))
            in_executor = await asyncio.get_running_loop().run_in_executor(pool, min, 4, 9)
            return awaited, wrapped, in_executor

        assert asyncio.run(main()) == (45, 9, 4)
    try:
        pool.submit(int)
    except RuntimeError:
        pass
    else:
        raise AssertionError("submit after shutdown did not raise")


if __name__ == "__main__":
    assert "site-packages" in cymade.__file__, cymade.__file__
    check_atomics()
    check_pool()
    print(f"cymade installed and working on Python {sys.version.split()[0]}: {cymade.__file__}")
