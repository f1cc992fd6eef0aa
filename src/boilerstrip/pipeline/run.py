"""A run of ``boilerstrip clean``: documents from a source, through the one
ordered pool, to the sinks, counted in one summary.

Each source gives a stream of :class:`~boilerstrip.pipeline.clean.Outcome`
in input order (:func:`file_outcomes`, :func:`record_outcomes`,
:func:`stdin_outcome`); :func:`consume` takes any of them to the output
stream, the report and the summary, and says what happened through ANNOUNCE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from ..reports.writers import FileReport
from .clean import DocumentOptions, Outcome, clean_bytes
from .summary import RunSummary

# Each source imports its own modules (files and the pool, JSONL): the stdin
# filter, a one-line run, loads neither.
if TYPE_CHECKING:
    from ..io import jsonl
    from .files import Task

Say = Callable[[str, str], None]

#: Input bytes per worker from which the parent prepares the cleaner before
#: the pool forks (``Cleaner.prepare``: ~0.5 s of CPU, about what a worker
#: spends cleaning 1 MB; each worker would otherwise build most of it itself).
PREPARE_BYTES_PER_WORKER = 1 << 20


def preparing(cleaner, workers: int, total_bytes: int | None):
    """``cleaner.prepare`` when a pool of WORKERS gets enough input for the
    preparation to pay (TOTAL_BYTES; None: unknown, e.g. stdin), else None."""
    if workers <= 1 or total_bytes is None:
        return None
    if total_bytes < PREPARE_BYTES_PER_WORKER * workers:
        return None
    return getattr(cleaner, "prepare", None)


def consume(outcomes: Iterable[Outcome], summary: RunSummary, *,
            announce: Callable[[FileReport], None], say: Say, sink=None, report=None,
            progress=None, skip_bad_records: bool = False) -> RunSummary:
    """Take OUTCOMES, in order, to SINK (their data and diffs), REPORT and SUMMARY.

    ANNOUNCE(report) tells about each document; SAY(kind, text) is for the
    rest. A bad JSONL record is skipped (SKIP_BAD_RECORDS) or ends the run
    with an error; a closed SINK (``| head``) ends it quietly.
    """
    gen = iter(outcomes)
    try:
        for o in gen:
            if progress is not None:
                progress.update(1, o.size)
            if o.error:
                if skip_bad_records:
                    summary.count("skipped")
                    say("warning", f"{o.error}; record skipped")
                    continue
                summary.count("error")
                say("error", o.error)
                break
            if o.data is not None and sink is not None:
                sink.write(o.data)
                if getattr(sink, "closed", False):
                    summary.stopped = True
                    break
            if o.report is None:  # a blank JSONL line, passed through
                continue
            summary.add(o.report)
            announce(o.report)
            if o.diff and sink is not None:
                sink.write(o.diff.encode("utf-8"))
                if getattr(sink, "closed", False):  # `--diff | head`: nobody reads the rest
                    summary.stopped = True
                    break
            if report is not None:
                report.add(o.report)
    finally:
        close = getattr(gen, "close", None)
        if close is not None:
            close()
    return summary


# ------------------------------------------------------------------ files

def file_outcomes(items: Sequence[Task | FileReport], cleaner, opts: DocumentOptions,
                  jobs: int = 1) -> Iterator[Outcome]:
    """Clean the files of ITEMS (a report stands for a path that cannot be
    processed); one outcome each, in input order.

    Each rewritten file reaches the disk before its rename; the folders
    holding the renames are synced once each when the run ends, after the
    data of the new files (``--output-dir`` copies replacing nothing).
    """
    from .files import Task, batches, clean_files, sync_folders
    from .pool import ordered, workers_for

    tasks = [t for t in items if isinstance(t, Task)]
    workers = min(workers_for(jobs), len(tasks))
    pool = ordered(clean_files, batches(tasks, workers), (cleaner, opts), workers,
                   preparing(cleaner, workers, sum(t.size for t in tasks)))
    results = (o for batch in pool for o in batch)
    folders: set[str] = set()
    unsynced = False
    try:
        for item in items:
            if not isinstance(item, Task):
                yield Outcome(item)
                continue
            outcome = next(results)
            if outcome.written is not None:
                folders.add(outcome.written)
                unsynced = unsynced or outcome.unsynced
            yield outcome
    finally:
        pool.close()
        sync_folders(folders, data=unsynced)


# ------------------------------------------------------------------ JSONL records

def clean_records(state: tuple, batch: Sequence[tuple[int, bytes]]
                  ) -> list[tuple[jsonl.Done, int]]:
    """The worker's step: clean a batch of numbered JSONL lines (STATE: cleaner,
    options); each result with the size of its line."""
    cleaner, opts = state
    from ..io import jsonl

    return [(jsonl.clean_record(line, n, cleaner, opts), len(line)) for n, line in batch]


def record_outcomes(source: jsonl.Source, cleaner, opts: jsonl.JsonlOptions, jobs: int = 1
                    ) -> Iterator[Outcome]:
    """Clean the records of SOURCE; one outcome each, in input order. An
    outcome's size is how far it moved the input on (compressed bytes for a
    compressed input), so a progress bar follows the input file."""
    from ..io import jsonl
    from .pool import ordered, workers_for
    from .sources import Position, record_batches

    position = Position(source.counter)
    lines = record_batches(jsonl.numbered(source.stream, opts.max_record_bytes), position)
    workers = workers_for(jobs)
    results = ordered(clean_records, lines, (cleaner, opts), workers,
                      preparing(cleaner, workers, source.size))
    try:
        for batch in results:
            for done, nbytes in batch:
                yield Outcome(done.report, done.line, size=position.advance(nbytes),
                              error=done.error)
    finally:
        results.close()


# ------------------------------------------------------------------ stdin

def stdin_outcome(data: bytes, name: str, cleaner, opts: DocumentOptions, emit: bool
                  ) -> Outcome:
    """Clean the text read from stdin; its data is what stdout gets (nothing
    unless EMIT: --check and --diff do not echo the text)."""
    c = clean_bytes(data, name, cleaner, opts)
    if not emit or c.report.status == "error":
        return Outcome(c.report, diff=c.diff)
    # a skipped text (binary, or not UTF-8 with --on-invalid-utf8 skip) passes through
    return Outcome(c.report, c.data if c.data is not None else data, diff=c.diff)
