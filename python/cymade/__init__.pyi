verified: str
"""Summary of the verify/ suites (litmus, per-operation, TSan stress) this build passed."""
