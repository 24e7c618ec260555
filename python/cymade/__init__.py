"""cymade: fast concurrency utilities on a verified lock-free C11 core."""

from cymade._core import verified

__all__ = ["verified"]
