"""A 20-second soak of cymade.threadpool (see soak.py for what it checks).

SOAK_SECONDS overrides the duration; SOAK_SEED fixes the seed (the seed is
printed and is part of any failure message).  The long version is
`bazel run //tests/python:soak -- --seconds 600`.
"""

import os

import pytest

import soak


@pytest.mark.timeout(600)
def test_soak(capsys):
    seconds = float(os.environ.get("SOAK_SECONDS", 20))
    seed = os.environ.get("SOAK_SEED")
    result = soak.run(seconds, seed=int(seed) if seed else None)
    with capsys.disabled():
        print("\n" + result.summary())
    c = result.counts
    # The run did real work: jobs of every kind, cancels, timeouts, pools.
    assert c["epochs"] >= 3
    assert c["accepted"] > 1000
    assert c["raised"] > 0 and c["cancelled"] > 0 and c["map_calls"] > 0
    assert c["ran"] + c["cancelled"] == c["accepted"]
