import concurrent.futures
import threading
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

class ThreadPool(concurrent.futures.ThreadPoolExecutor):
    """A low-overhead drop-in for ThreadPoolExecutor with urgent (< 0) and background (> 0) priority classes."""

    def __init__(
        self,
        max_workers: int | None = None,
        thread_name_prefix: str = "",
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        """Up to max_workers threads (default min(32, cpu_count + 4); 1 to 1024), started as jobs need them."""
    @property
    def max_workers(self) -> int:
        """The most worker threads."""
    @property
    def _max_workers(self) -> int:
        """max_workers, named as ThreadPoolExecutor names it."""
    @property
    def _threads(self) -> set[threading.Thread]:
        """The worker threads started so far, as in ThreadPoolExecutor."""
    @property
    def _broken(self) -> str | bool:
        """False, or why the pool is broken (an initializer failed)."""
    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run fn(*args, **kwargs) at normal priority; RuntimeError after shutdown."""
    def schedule(self, priority: int, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run fn(*args, **kwargs) in a priority class: < 0 urgent, 0 normal, > 0 background (ms of idleness)."""
    def map(
        self, fn: Callable[..., _T], *iterables: Iterable[Any], timeout: float | None = None, chunksize: int = 1, **kwargs: Any
    ) -> Iterator[_T]:
        """concurrent.futures.Executor.map (buffersize too, on 3.14+); results in order."""
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting jobs; optionally cancel those not started and wait for the rest.  Idempotent."""
    def stats(self) -> dict[str, int]:
        """Engine counters: queued, running, completed, cancelled, stolen, ring_grows, workers, started_workers."""
    def report_error(self, future: Future[Any] | None, exception: BaseException, traceback_str: str) -> None:
        """Report an error no caller would see (callback errors, unretrieved job errors)."""
