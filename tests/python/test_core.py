import re

import cymade

GATE_SUITES = {
    "litmus",
    "ops",
    "orders",
    "stress_counters",
    "stress_cas_loops",
    "stress_message_passing",
    *(
        f"{suite}_{engine}"
        for suite in (
            "stress_ring",
            "stress_ring_growth",
            "stress_park_wake",
            "stress_pool",
            "stress_future",
            "stress_handoff",
            "stress_priorities",
            "validate_rcu_swap",
            "pool_fuzz_replay",
        )
        for engine in ("checked", "production")
    ),
}


def test_extension_reports_the_verify_suites_it_passed():
    summaries = cymade.verified.split("; ")
    assert {summary.split(":")[0] for summary in summaries} == GATE_SUITES
    for summary in summaries:
        passed, failed = map(int, re.search(r"(\d+) passed, (\d+) failed", summary).groups())
        assert passed > 0 and failed == 0, summary
