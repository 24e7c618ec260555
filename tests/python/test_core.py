import re

import cymade


def test_extension_reports_the_verify_suites_it_passed():
    summaries = cymade.verified.split("; ")
    assert [s.split(":")[0] for s in summaries] == ["litmus", "ops", "stress_counters", "stress_cas_loops"]
    for summary in summaries:
        passed, failed = map(int, re.search(r"(\d+) passed, (\d+) failed", summary).groups())
        assert passed > 0 and failed == 0, summary
