"""Settings shared by every pytest suite of tests/python.

Hypothesis runs derandomized: every run tries the same examples, so a suite
passes or fails the same way on every machine and in CI.  For exploratory
runs by hand with fresh random examples each time, set
CYMADE_HYPOTHESIS_EXPLORE=1, e.g.

    bazel test //tests/python:test_atomic_stateful --test_env=CYMADE_HYPOTHESIS_EXPLORE=1 --runs_per_test=20
"""

import os

from hypothesis import settings

# The profiles and settings the suites create inherit from the one loaded here.
if os.environ.get("CYMADE_HYPOTHESIS_EXPLORE") == "1":
    settings.register_profile("cymade-explore", derandomize=False)
    settings.load_profile("cymade-explore")
else:
    settings.register_profile("cymade-deterministic", derandomize=True, database=None)
    settings.load_profile("cymade-deterministic")
