import concurrent.futures
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, ParamSpec, TypeVar

_T = TypeVar("_T")
_P = ParamSpec("_P")

__all__ = ["Future", "ThreadPool"]

class Future(concurrent.futures.Future[_T]):
    """The result of a ThreadPool job: a concurrent.futures.Future that can be awaited."""

    @property
    def uuid(self) -> uuid.UUID:
        """A uuid.UUID naming this future (created on first access)."""
    def cancel(self) -> bool:
        """Cancel the job if it has not started; True if it is (now) cancelled."""
    def cancelled(self) -> bool:
        """True if the job was cancelled."""
    def running(self) -> bool:
        """True while the job is running."""
    def done(self) -> bool:
        """True once the job finished or was cancelled."""
    def result(self, timeout: float | None = None) -> _T:
        """The job's return value; re-raises its exception, raises TimeoutError or CancelledError."""
    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The exception the job raised, or None; waits like result()."""
    def add_done_callback(self, fn: Callable[[Future[_T]], object]) -> None:
        """Call fn(future) once done or cancelled, on the completing thread (or now if already done)."""
    def __await__(self) -> Generator[Any, None, _T]:
        """Await the job's result in asyncio (through asyncio.wrap_future)."""

class ThreadPool(concurrent.futures.Executor):
    """A low-overhead thread pool with urgent (< 0) and background (> 0) priority classes."""

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        thread_name_prefix: str = "",
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        """Start max_workers worker threads (default: the CPU count; 1 to 1024)."""
    @property
    def max_workers(self) -> int:
        """The number of worker threads."""
    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run fn(*args, **kwargs) at normal priority; RuntimeError after shutdown."""
    def schedule(self, priority: int, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run fn(*args, **kwargs) in a priority class: < 0 urgent, 0 normal, > 0 background (ms of idleness)."""
    def map(
        self, fn: Callable[..., _T], *iterables: Iterable[Any], timeout: float | None = None, chunksize: int = 1
    ) -> Iterator[_T]:
        """Like map(fn, *iterables) with calls run in the pool; results in order."""
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting jobs; optionally cancel those not started and wait for the rest.  Idempotent."""
    def stats(self) -> dict[str, int]:
        """A snapshot of the engine counters: queued, running, completed, cancelled, stolen, ring_grows, workers."""
    def report_error(self, future: Future[Any] | None, exception: BaseException, traceback_str: str) -> None:
        """Report an error no caller would see (callback errors, unretrieved job errors, initializer errors)."""
