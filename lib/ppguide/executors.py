"""Where a batch's work runs: this process, a pool of local processes, or Dask distributed.

An executor maps one function over chunks of work and yields `(index, result)` per chunk as it completes,
or `(index, exception)` when the chunk's process or worker failed; it knows nothing of what a chunk holds.
The function must be importable by name (a module-level function of an installed package), since a pool's
processes and Dask's workers import it; its arguments and results must pickle.

- `local`, jobs=1: one chunk after the other in this process.
- `local`, jobs=N: a pool of N processes (forked on Linux: they start with what this process has loaded).
- `dask`: the scheduler at `scheduler` (tcp://HOST:8786, or any address a distributed.Client takes), or a
  LocalCluster of `jobs` single-threaded worker processes started for the batch and stopped after it.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from .errors import PpguideError, as_typed

T = TypeVar("T")
EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = "20s"      # how long to try reaching a Dask scheduler


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def chunked(items: Sequence[T], workers: int, largest: int = 16) -> list[list[T]]:
    """Consecutive chunks: at least about four per worker (to balance), at most `largest` items each (to report)."""
    if not items:
        return []
    size = max(1, min(largest, -(-len(items) // (workers * 4))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _die_with_parent() -> None:
    """A pool process ends when the batch that started it is killed (Linux), instead of writing on alone."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _local(fn: Callable[[Any], Any], chunks: list, jobs: int) -> Iterator[tuple[int, Any]]:
    if jobs <= 1 or len(chunks) <= 1:
        for i, chunk in enumerate(chunks):
            yield i, fn(chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context, initializer=_die_with_parent)
    try:
        futures = {pool.submit(fn, chunk): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            exc = future.exception()
            yield futures[future], (exc if exc is not None else future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class DaskError(PpguideError):
    def __init__(self, en: str, ja: str):
        super().__init__(f"--executor dask: {en}", f"--executor dask: {ja}")


def _dask(fn: Callable[[Any], Any], chunks: list, jobs: int, scheduler: str | None) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DaskError("Dask distributed is not installed (pip install distributed)",
                        "Dask distributed がインストールされていません") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise DaskError(f"cannot reach the scheduler {scheduler or '(a LocalCluster)'}: {exc}",
                        f"スケジューラ {scheduler or '(LocalCluster)'} に接続できません: {exc}") from None
    try:
        futures = client.map(fn, chunks, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            i = index[future.key]
            if future.status == "error":
                yield i, future.exception()
            else:
                yield i, future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_chunks(fn: Callable[[Any], Any], chunks: list, executor: str = "local", jobs: int | None = None,
        scheduler: str | None = None) -> Iterator[tuple[int, Any]]:
    """(chunk index, fn(chunk) or the exception that ended it), in the order chunks complete."""
    jobs = jobs or default_jobs()
    if executor == "local":
        if scheduler:
            raise DaskError("--scheduler needs --executor dask", "--scheduler には --executor dask が必要です")
        return _local(fn, chunks, jobs)
    if executor == "dask":
        return _dask(fn, chunks, jobs, scheduler)
    raise PpguideError(f"--executor {as_typed(executor)}: expected one of {', '.join(EXECUTORS)}",
                       f"--executor {as_typed(executor)}: {', '.join(EXECUTORS)} のいずれかを指定してください")
