#!/usr/bin/env python3
"""Writes the seed corpus of pool_fuzzer into verify/fuzz/corpus/.

Each seed is a small program in the fuzzer's input language (one opcode byte,
then its argument bytes; see run_operation in pool_fuzzer.c), aimed at one
path of the engine.  Rerun after changing the opcodes:

    python3 verify/fuzz/make_corpus.py
"""
import pathlib

# Opcodes, in the order of `enum operation` in pool_fuzzer.c.
(CREATE, BURST, SCHEDULE, CANCEL, WAIT, ADD_CALLBACK, STATS, SHUTDOWN, FINISH,
 INVALID, FAIL_ALLOCATION, PAUSE) = range(12)

# Arguments.
RINGS, MUTEX, WFCQUEUE = range(3)
NO_FUTURE, HELD_FUTURE, EMBEDDED_FUTURE = range(3)
URGENT_3, URGENT_2, URGENT_1, NORMAL, _, BACKGROUND_1, BACKGROUND_2, BACKGROUND_3 = range(8)
WAIT_FOREVER = 15


def create(workers, strategy, capacity_log2):
    """Ends the current pool through shutdown(wait), then makes a new one."""
    return [CREATE, 1, 0, workers - 1, strategy, capacity_log2 - 1]


def burst(count, future, spin=0):
    return [BURST, count - 1, future, spin]


def schedule(priority, future, spin=0):
    return [SCHEDULE, priority, future, spin]


SEEDS = {
    "growth": create(2, RINGS, 1) + burst(16, NO_FUTURE) + burst(16, HELD_FUTURE) + burst(16, EMBEDDED_FUTURE)
    + [STATS] + burst(16, NO_FUTURE) + [FINISH, 1, 0],
    "urgent": create(3, RINGS, 2) + burst(8, NO_FUTURE, 2) + schedule(URGENT_1, HELD_FUTURE, 3)
    + burst(8, HELD_FUTURE, 1) + schedule(URGENT_3, NO_FUTURE, 2) + burst(4, NO_FUTURE)
    + schedule(URGENT_2, EMBEDDED_FUTURE) + [WAIT, 8, WAIT_FOREVER, STATS],
    "background": create(2, RINGS, 3) + schedule(BACKGROUND_3, HELD_FUTURE) + schedule(BACKGROUND_1, NO_FUTURE)
    + schedule(BACKGROUND_2, EMBEDDED_FUTURE) + burst(4, NO_FUTURE, 3) + [PAUSE, 7, WAIT, 0, 14]
    + schedule(URGENT_1, NO_FUTURE) + [WAIT, 0, WAIT_FOREVER],
    "cancel": create(1, RINGS, 1) + burst(12, HELD_FUTURE, 3) + [CANCEL, 3, CANCEL, 7, ADD_CALLBACK, 3]
    + [ADD_CALLBACK, 5, WAIT, 5, 2] + schedule(URGENT_1, HELD_FUTURE) + [CANCEL, 12]
    + schedule(BACKGROUND_3, HELD_FUTURE) + [CANCEL, 13, SHUTDOWN, 0, 1, CANCEL, 9, ADD_CALLBACK, 9],
    "shutdown": create(4, RINGS, 1) + burst(16, HELD_FUTURE, 2) + schedule(URGENT_1, NO_FUTURE)
    + schedule(BACKGROUND_2, HELD_FUTURE) + [SHUTDOWN, 0, 0] + burst(2, NO_FUTURE) + schedule(URGENT_2, HELD_FUTURE)
    + [SHUTDOWN, 0, 1, STATS, SHUTDOWN, 1, 0] + burst(1, EMBEDDED_FUTURE) + [FINISH, 0, 0],
    "destroy_busy": create(2, MUTEX, 2) + burst(16, NO_FUTURE, 3) + schedule(BACKGROUND_3, NO_FUTURE)
    + schedule(URGENT_1, NO_FUTURE) + [FINISH, 0, 0] + create(2, WFCQUEUE, 1) + burst(16, HELD_FUTURE, 1)
    + [FINISH, 1, 1],
    "strategies": create(3, MUTEX, 1) + burst(16, HELD_FUTURE) + schedule(URGENT_1, HELD_FUTURE)
    + burst(8, NO_FUTURE) + [STATS] + create(3, WFCQUEUE, 1) + burst(16, NO_FUTURE)
    + schedule(BACKGROUND_1, HELD_FUTURE) + [ADD_CALLBACK, 0, STATS],
    "invalid": create(1, RINGS, 6) + [x for which in range(15) for x in (INVALID, which)]
    + [SHUTDOWN, 1, 0] + burst(1, NO_FUTURE) + schedule(URGENT_1, HELD_FUTURE) + [INVALID, 1, INVALID, 4],
    "out_of_memory": [FAIL_ALLOCATION, 1] + create(2, RINGS, 1) + [FAIL_ALLOCATION, 0] + burst(3, HELD_FUTURE)
    + [FAIL_ALLOCATION, 2] + burst(16, NO_FUTURE) + [FAIL_ALLOCATION, 0] + schedule(URGENT_1, NO_FUTURE)
    + [FAIL_ALLOCATION, 0, ADD_CALLBACK, 0, FAIL_ALLOCATION, 3] + create(1, MUTEX, 1) + burst(16, NO_FUTURE),
    # Regression: a worker that read the priority word before an urgent (or
    # background) submit and `closing` after the shutdown that followed it
    # exited and left the job queued (worker.c, worker_may_exit): one worker,
    # idle for 50 us, then an urgent job and an immediate destroy.
    "urgent_then_destroy": create(1, RINGS, 2) + [PAUSE, 1] + schedule(URGENT_2, NO_FUTURE, 1) + [FINISH, 0, 0],
}


def main():
    corpus = pathlib.Path(__file__).resolve().parent / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, program in SEEDS.items():
        (corpus / name).write_bytes(bytes(program))


if __name__ == "__main__":
    main()
