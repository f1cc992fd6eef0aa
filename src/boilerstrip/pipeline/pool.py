"""The one ordered worker pool of a run (files and JSONL records alike).

:func:`ordered` applies ``work(state, batch)`` to each batch and yields the
results **in input order**, so the output never depends on the number of
workers. With more than one job, the batches go to a process pool with at
most ``2 * jobs`` in flight: memory stays bounded by the batch size, whatever
the size of the input. ``state`` (the cleaner and the run's options) is sent
once to each worker when it starts, not with every batch: where the workers
are forked (Linux, no other thread running) they inherit it as built, rules
compiled and databases loaded, with no pickling at all.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

B = TypeVar("B")
R = TypeVar("R")

#: What this worker process was started with (set once per process by the pool).
_STATE: Any = None


def _start(state: Any) -> None:
    global _STATE
    _STATE = state


def _call(work: Callable[[Any, Any], Any], batch: Any) -> Any:
    return work(_STATE, batch)


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


#: More worker processes than this many per core only cost memory and start-up.
MAX_JOBS_PER_CPU = 4


def cap_jobs(jobs: int, cpus: int | None = None) -> tuple[int, str | None]:
    """JOBS bounded by :data:`MAX_JOBS_PER_CPU` x CPUS (0 stays 0, "all
    cores"), and the message that says so when it was cut."""
    cpus = cpu_count() if cpus is None else cpus
    most = MAX_JOBS_PER_CPU * max(cpus, 1)
    if jobs <= most:
        return jobs, None
    return most, (f"--jobs {jobs} is more than {MAX_JOBS_PER_CPU} per core; "
                  f"using {most} ({cpus} core{'s' if cpus != 1 else ''})")


def workers_for(jobs: int) -> int:
    """The number of workers of ``--jobs JOBS`` (0: all cores)."""
    return cpu_count() if jobs == 0 else jobs


def _fork_context():
    """The ``fork`` start method where it is safe: on Linux (macOS frameworks
    do not survive a fork) and with no other thread running (a thread's lock
    would be copied held). Forked workers inherit the built cleaner; spawned
    ones (the default elsewhere, and from Python 3.14 on Linux) rebuild it from
    its options, rule cache and all, each. None: the platform's default."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def ordered(work: Callable[[Any, B], R], batches: Iterable[B], state: Any, jobs: int,
            prepare: Callable[[], object] | None = None) -> Iterator[R]:
    """``work(state, batch)`` for each of BATCHES, in order, in JOBS processes.

    WORK must be a module-level function (it is pickled by name). Closing the
    generator early stops the pool and drops the batches not yet started.
    PREPARE, when given, runs once before a pool of forked workers starts
    (not with one job, nor where workers are spawned): they inherit what it
    builds.
    """
    if jobs <= 1:
        for batch in batches:
            yield work(state, batch)
        return
    from concurrent.futures import ProcessPoolExecutor

    context = _fork_context()
    if prepare is not None and context is not None:
        prepare()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                               initializer=_start, initargs=(state,))
    # frozen (before the first batch forks the workers), the heap they inherit
    # (rules, compiled patterns) is left out of their garbage collections: not
    # walked again in each worker, nor copied page by page as the collector
    # writes to every object's header (the command line froze its start-up
    # heap already: that stays frozen)
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_call, work, batch))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        if not frozen_before:
            gc.unfreeze()
