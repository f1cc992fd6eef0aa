"""The file side of ``boilerstrip clean``: finding files, cleaning each one, writing back.

:func:`collect` turns the PATH arguments into an ordered list of :class:`Task`
(plus outcomes for paths that cannot be processed at all); :func:`run` cleans
the tasks, in a process pool with ``jobs > 1``, and yields one
:class:`~boilerstrip.reports.writers.FileReport` per task **in input order**, so that
the output is the same whatever the number of jobs.

Symlinks: while walking a folder, symlinks (to files or folders) are never
followed, so nothing outside the tree is read or written and nothing is
cleaned twice. A symlink named on the command line, to a file or to a
folder, is followed only when its target lies inside the current folder; the
target is then rewritten and the link stays a link. A file named twice (also
through a folder, a symlink or a hard link) is cleaned once.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import os
import re
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Sequence

from ..errors import InputError
from ..result import RunStats
from ..reports.writers import FileReport
from ..io.names import diff_label
from ..io.text import (BinaryFile, NotUTF8, PendingWrite, abandon_write, decode, encode,
                       finish_write, fsync_folder, inside, read_regular, start_write,
                       sync_writes)

DEFAULT_INCLUDE = ("*.txt", "*.md")
#: Folders never entered while walking (tool and version-control state).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules",
                   "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
                   "*.egg-info", ".pre-commit-cache")


@dataclass(frozen=True)
class Options:
    """What every worker needs to process a file (picklable)."""

    write: bool = True           # rewrite changed files in place
    diff: bool = False           # compute a unified diff
    color: bool = False          # colour the diff
    on_invalid_utf8: str = "error"
    needs_text: bool = False     # keep original/cleaned text in the report


@dataclass(frozen=True)
class Task:
    """One file to clean: where to read, what to call it, where to write."""

    path: str
    display: str
    target: str | None = None    # real file to rewrite in place (symlink resolved)
    out: str | None = None       # --output-dir destination
    size: int = 0


# ------------------------------------------------------------------ discovery

def _matches(patterns: Sequence[str], rel: str) -> bool:
    """Whether REL (a posix path relative to its folder argument) matches a glob.

    A pattern without ``/`` matches any single component of the path (so
    ``drafts`` excludes every ``drafts`` folder and ``*.md`` every markdown
    file); a pattern with ``/`` matches the path from its start (``a/*.txt``),
    or any path below a matching folder.
    """
    by_part, by_path = _globs(tuple(patterns))
    parts = rel.split("/")
    if by_part is not None and any(by_part(p) for p in parts):
        return True
    if by_path is not None:
        return bool(by_path(rel)) or any(by_path("/".join(parts[:i]))
                                         for i in range(1, len(parts)))
    return False


def _included(include: Sequence[str], name: str, rel: str) -> bool:
    by_name, by_path = _globs(tuple(include), strip=False)
    return bool((by_name is not None and by_name(name)) or (by_path is not None and by_path(rel)))


@functools.lru_cache(maxsize=64)
def _globs(patterns: tuple[str, ...], strip: bool = True):
    """The ``fnmatchcase`` tests of PATTERNS as two compiled matchers, one for
    the patterns without ``/`` (tried on a single name) and one for those with
    (tried on a path): one regex call instead of one ``fnmatchcase`` per
    pattern, for each of thousands of files. None when there are none."""
    names, paths = [], []
    for pat in patterns:
        if strip:
            pat = pat.strip().rstrip("/")
            if not pat:
                continue
        if "/" in pat:
            paths.append(fnmatch.translate(pat.lstrip("/")))
        else:
            names.append(fnmatch.translate(pat))

    def one(alts: list[str]):
        return re.compile("|".join(f"(?:{a})" for a in alts)).match if alts else None
    return one(names), one(paths)


def collect(paths: Sequence[str], include: Sequence[str], exclude: Sequence[str],
            force_exclude: bool = False, output_dir: str | None = None,
            ) -> tuple[list[Task | FileReport], list[str]]:
    """Expand PATHS into tasks, in order; also return verbose notes (excluded, links).

    Items that cannot be processed at all (missing path, link out of the tree)
    are :class:`FileReport` placed where the task would have been.
    """
    items: list[Task | FileReport] = []
    notes: list[str] = []
    excludes = tuple(DEFAULT_EXCLUDE) + tuple(exclude)
    cwd = Path.cwd().resolve()
    out_root = Path(output_dir).resolve() if output_dir else None
    claimed: dict[str, str] = {}
    seen: dict[tuple[int, int], str] = {}

    def add(task: Task, st: os.stat_result) -> None:
        # a file named twice (a.txt ./a.txt, a file and its folder, two hard
        # links) is cleaned once: twice would race with itself under -j
        key_ = (st.st_dev, st.st_ino)
        if key_ in seen:
            notes.append(f"{task.display}: already listed as {seen[key_]}")
            return
        seen[key_] = task.display
        if task.out is not None:
            key = os.path.normpath(os.path.abspath(task.out))
            if key in claimed:
                items.append(FileReport(task.display, "error", message=(
                    f"{task.display}: output {task.out} would overwrite the copy of "
                    f"{claimed[key]}")))
                return
            claimed[key] = task.display
        items.append(task)

    for arg in paths:
        try:
            lst = os.lstat(arg)
        except FileNotFoundError:
            items.append(FileReport(arg, "error", message=f"{arg}: no such file or folder"))
            continue
        except OSError as exc:
            items.append(FileReport(arg, "error", message=f"{arg}: {exc.strerror or exc}"))
            continue
        is_link = stat.S_ISLNK(lst.st_mode)
        try:
            st = os.stat(arg)
        except OSError:
            items.append(FileReport(arg, "error", message=f"{arg}: dangling symlink"))
            continue
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            items.append(FileReport(arg, "skipped", message=f"{arg}: skipped: not a regular file"))
            continue
        real = Path(os.path.realpath(arg))
        if is_link and not inside(real, cwd):  # the same rule for files and folders
            items.append(FileReport(arg, "skipped", message=(
                f"{arg}: skipped: symlink to {real}, outside the current folder")))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(arg, include, excludes, out_root, add, notes, items)
            continue
        if force_exclude:
            rel = os.path.relpath(os.path.abspath(arg), cwd).replace(os.sep, "/")
            if _matches(excludes, rel if not rel.startswith("..") else Path(arg).name):
                notes.append(f"{arg}: excluded (matches --exclude)")
                continue
        target = str(real) if is_link else arg
        out = str(Path(output_dir) / Path(arg).name) if output_dir else None
        add(Task(arg, arg, target, out, st.st_size), st)
    return items, notes


def _walk(top: str, include: Sequence[str], excludes: Sequence[str], out_root: Path | None,
          add, notes: list[str], items: list) -> None:
    def onerror(exc: OSError) -> None:
        where = exc.filename or top
        items.append(FileReport(str(where), "error",
                                message=f"{where}: cannot list folder: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(top, onerror=onerror):
        rel_folder = os.path.relpath(folder, top)
        rel_folder = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
        keep = []
        for d in sorted(dirs):
            full = os.path.join(folder, d)
            rel = rel_folder + d
            if os.path.islink(full):
                items.append(FileReport(full, "skipped",
                                        message=f"{full}: skipped: symlink (not followed)"))
            elif _matches(excludes, rel):
                notes.append(f"{full}: excluded")
            elif out_root is not None and Path(full).resolve() == out_root:
                notes.append(f"{full}: skipped: it is the --output-dir")
            else:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            full = os.path.join(folder, name)
            rel = rel_folder + name
            if not _included(include, name, rel):
                continue
            if _matches(excludes, rel):
                notes.append(f"{full}: excluded")
                continue
            try:
                lst = os.lstat(full)
            except OSError as exc:
                items.append(FileReport(full, "error", message=f"{full}: {exc.strerror or exc}"))
                continue
            if stat.S_ISLNK(lst.st_mode):
                items.append(FileReport(full, "skipped",
                                        message=f"{full}: skipped: symlink (not followed)"))
                continue
            if not stat.S_ISREG(lst.st_mode):
                continue
            out = str(out_root / rel) if out_root is not None else None
            add(Task(full, full, full, out, lst.st_size), lst)


def same_file(a: str, b: str) -> bool:
    """Whether A and B are one file (device and inode: through symlinks and
    hard links alike); False when either does not exist."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def input_named_by(path: str, items: Sequence[Task | FileReport]) -> str | None:
    """The input among ITEMS' tasks that PATH (an output or report) is, or None.

    Writing there would destroy the input (a report is opened before the
    files are read). Only tasks of PATH's size are looked at, so this costs
    a stat per same-sized file, not per file.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    for task in items:
        if isinstance(task, Task) and task.size == st.st_size and same_file(path, task.path):
            return task.display
    return None


# ------------------------------------------------------------------ one file

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their own endings (only CR, LF and CRLF end a line, as in files)."""
    return _LINES.findall(text)


def unified_diff(before: str, after: str, name: str, color: bool = False) -> str:
    """A unified diff of BEFORE and AFTER (``git apply``-able, colour optional)."""
    label = name.lstrip("/")
    out = []
    # a name with a newline or bytes that are not UTF-8 is quoted as git does
    for line in difflib.unified_diff(split_lines(before), split_lines(after),
                                     fromfile=diff_label(f"a/{label}"),
                                     tofile=diff_label(f"b/{label}"), n=3):
        eol = line[len(line.rstrip("\r\n")):]
        body = line[:len(line) - len(eol)]
        if color:
            style = ("\x1b[1m" if line.startswith(("+++", "---")) else
                     "\x1b[36m" if line.startswith("@@") else
                     "\x1b[32m" if line.startswith("+") else
                     "\x1b[31m" if line.startswith("-") else "")
            if style:
                body = f"{style}{body}\x1b[0m"
        if not eol:
            eol = "\n\\ No newline at end of file\n"
        out.append(body + eol)
    return "".join(out)


@dataclass
class Cleaned:
    """The outcome of cleaning one document's bytes."""

    report: FileReport
    data: bytes | None = None    # bytes to write/emit (None: nothing to write)
    changed: bool = False
    stats: RunStats | None = None
    diff: str = ""


def clean_bytes(data: bytes, display: str, cleaner, opts: Options) -> Cleaned:
    """Decode, clean and re-encode one document. Never raises on bad input."""
    try:
        dec = decode(data, display)
    except BinaryFile as exc:
        return Cleaned(FileReport(display, "skipped", message=str(exc)))
    except NotUTF8 as exc:
        if opts.on_invalid_utf8 == "skip":
            return Cleaned(FileReport(display, "skipped", message=f"{exc}; skipped"))
        return Cleaned(FileReport(display, "error", message=str(exc)))
    except InputError as exc:
        return Cleaned(FileReport(display, "error", message=str(exc)))
    result = cleaner.clean(dec.text)
    stats = RunStats()
    stats.add(result)
    rep = FileReport(display, "unchanged", result.changes, result.status,
                     removed_share=result.removed_share, skipped_rules=result.skipped)
    if opts.needs_text:
        rep.original, rep.text = result.original, result.text
    if result.status == "guarded":
        rep.status = "guarded"
        rep.message = (f"{display}: guarded: the rules would remove "
                       f"{result.removed_share:.0%} of the words (limit "
                       f"{cleaner.max_removed_share:.0%}); left unchanged "
                       f"(--allow-large-removals to apply)")
        return Cleaned(rep, data, False, stats)
    new = encode(result.text)
    if new == data:
        return Cleaned(rep, data, False, stats)
    rep.status = "cleaned"
    diff = unified_diff(result.original, result.text, display, opts.color) if opts.diff else ""
    return Cleaned(rep, new, True, stats, diff)


@dataclass
class Outcome:
    """A task's report plus what the parent process prints."""

    report: FileReport
    stats: RunStats | None = None
    diff: str = ""
    size: int = 0
    written: str | None = None  # folder of the file written (its rename is made durable at the end)


def process(task: Task, cleaner, opts: Options) -> Outcome:
    """Read, clean and (in place or under --output-dir) write one file."""
    return process_batch([task], cleaner, opts)[0]


def process_batch(tasks: Sequence[Task], cleaner, opts: Options) -> list[Outcome]:
    """:func:`process` for each of TASKS, in order, with one data sync for the
    files they write instead of one per file (see :func:`textio.sync_writes`).

    Each file is still replaced by a rename of a temporary file whose data is
    already on disk, and only after its own last look (changed meanwhile?). A
    file that appears twice is written before it is read again."""
    outcomes: list[Outcome] = []
    staged: list[tuple[Outcome, PendingWrite | None]] = []
    targets: set[str] = set()
    for task in tasks:
        key = os.path.abspath(task.target or task.path)
        if key in targets:  # named twice: the second reading must see the first writing
            outcomes.extend(_commit(staged))
            staged, targets = [], set()
        targets.add(key)
        try:
            staged.append(_stage(task, cleaner, opts))
        except Exception as exc:  # a bug must not take the other files down
            staged.append((_internal_error(task, exc), None))
    outcomes.extend(_commit(staged))
    return outcomes


def _stage(task: Task, cleaner, opts: Options) -> tuple[Outcome, PendingWrite | None]:
    """Read and clean TASK's file and write its new content to a temporary
    file (not yet synced nor renamed)."""
    try:
        before = os.stat(task.path)  # to notice a change while we clean it
    except OSError:
        before = None
    try:
        # regular files only: one swapped for a FIFO since it was listed
        # must not hang the run
        data = read_regular(task.path, task.display, limit=None)
    except InputError as exc:
        return Outcome(FileReport(task.display, "error", message=str(exc)), size=task.size), None
    c = clean_bytes(data, task.display, cleaner, opts)
    pending = None
    try:
        if task.out is not None and c.data is not None:
            out = Path(task.out)
            same = out.exists() and os.path.samefile(out, task.path)
            if not (same and not c.changed):
                _mkdirs(out.parent, task.display)
                pending = start_write(out, c.data, str(out), sync=False)
        elif opts.write and c.changed and task.target is not None:
            refused = _not_rewritable(before, task.target, task.display)
            if refused is not None:
                return Outcome(refused, c.stats, c.diff, task.size), None
            pending = start_write(task.target, c.data, task.display, expect=before, sync=False)
    except InputError as exc:
        return Outcome(FileReport(task.display, "error", message=str(exc)), size=task.size), None
    return Outcome(c.report, c.stats, c.diff, task.size), pending


def _not_rewritable(st: os.stat_result | None, path: str, display: str) -> FileReport | None:
    """Why a changed file is not rewritten in place, or None.

    A read-only file is left alone, as black does: its mode says "do not
    change me" (root could, so the mode bits are read, not access()). A file
    with hard links is left alone too: an atomic rewrite makes a new inode,
    so its other names would silently keep the old text, and writing through
    the inode instead would give up "the original or the cleaned text, never
    a mix" (see SECURITY.md). Both are errors, so that a run that could not
    do what was asked does not exit as if it had.
    """
    if st is None:
        return None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or \
            not os.access(path, os.W_OK):
        return FileReport(display, "error", message=(
            f"{display}: not rewritten: the file is read-only"))
    if st.st_nlink > 1:
        return FileReport(display, "error", message=(
            f"{display}: not rewritten: it has {st.st_nlink} hard links, which an atomic "
            f"rewrite would break (clean a copy, or use --output-dir)"))
    return None


def _commit(staged: list[tuple[Outcome, PendingWrite | None]]) -> list[Outcome]:
    """Sync the data of STAGED's temporary files, then rename each over its
    file; an outcome whose write fails becomes an error."""
    pending = [p for _, p in staged if p is not None]
    try:
        sync_writes(pending)
        failed = None
    except InputError as exc:
        failed = exc
    out = []
    for outcome, p in staged:
        if p is not None:
            try:
                if failed is not None:
                    abandon_write(p)
                    raise InputError(f"{p.name}: {failed}")
                finish_write(p)
                outcome.written = str(p.target.parent)
            except InputError as exc:
                outcome = Outcome(FileReport(outcome.report.file, "error", message=str(exc)),
                                  size=outcome.size)
        out.append(outcome)
    return out


def _internal_error(task: Task, exc: Exception) -> Outcome:
    return Outcome(FileReport(task.display, "error",
                              message=f"{task.display}: internal error: "
                                      f"{type(exc).__name__}: {exc}"), size=task.size)


def _mkdirs(folder: Path, display: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{display}: cannot create output folder {folder}: "
                         f"{exc.strerror or exc}") from None


# ------------------------------------------------------------------ the pool

#: Most files one data sync covers (and one pool task carries).
BATCH = 32

_STATE: tuple | None = None


def _init_worker(cleaner, opts: Options) -> None:
    global _STATE
    _STATE = (cleaner, opts)


def _work(tasks: Sequence[Task]) -> list[Outcome]:
    cleaner, opts = _STATE
    return process_batch(tasks, cleaner, opts)


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


def run(items: Sequence[Task | FileReport], cleaner, opts: Options, jobs: int = 1
        ) -> Iterator[Outcome]:
    """Process ITEMS and yield one :class:`Outcome` each, in input order.

    Each rewritten file reaches the disk before its rename; the folders
    holding the renames are synced once each when the run ends (once per
    folder instead of once per file).
    """
    folders: set[str] = set()
    try:
        for outcome in _run(items, cleaner, opts, jobs):
            if outcome.written is not None:
                folders.add(outcome.written)
            yield outcome
    finally:
        for folder in sorted(folders):
            fsync_folder(folder)


def _run(items: Sequence[Task | FileReport], cleaner, opts: Options, jobs: int
         ) -> Iterator[Outcome]:
    tasks = [t for t in items if isinstance(t, Task)]
    workers = cpu_count() if jobs == 0 else jobs
    workers = min(workers, len(tasks))
    # Files go in batches: one data sync per batch, not per file (BATCH files
    # at most, fewer when that would leave a worker idle).
    size = max(1, min(BATCH, len(tasks) // (max(workers, 1) * 8)))
    batches = [tasks[k:k + size] for k in range(0, len(tasks), size)]
    if workers <= 1:
        _init_worker(cleaner, opts)
        results = (o for b in batches for o in _work(b))
        for item in items:
            yield next(results) if isinstance(item, Task) else Outcome(item)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(cleaner, opts)) as pool:
        results = (o for b in pool.map(_work, batches) for o in b)
        for item in items:
            yield next(results) if isinstance(item, Task) else Outcome(item)


# ------------------------------------------------------------------ progress

class Progress:
    """A one-line progress bar on a terminal (files done, MB/s, ETA).

    It appears only after DELAY seconds, so short runs print nothing, and it
    is redrawn at most ten times a second.
    """

    def __init__(self, stream: IO[str], total_items: int, total_bytes: int | None,
                 unit: str = "files", delay: float | None = None) -> None:
        self.stream = stream
        self.total_items = total_items
        self.total_bytes = total_bytes
        self.unit = unit
        if delay is None:
            delay = float(os.environ.get("BOILERSTRIP_PROGRESS_DELAY", "0.5"))
        self.start = time.monotonic()
        self.show_after = self.start + delay
        self.last = 0.0
        self.items = 0
        self.bytes = 0
        self.shown = False

    def update(self, items: int = 1, nbytes: int = 0, force: bool = False) -> None:
        self.items += items
        self.bytes += nbytes
        now = time.monotonic()
        if now < self.show_after or (now - self.last < 0.1 and not force):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = self.bytes / elapsed / 1e6
        parts = []
        if self.total_bytes:
            frac = min(1.0, self.bytes / self.total_bytes)
            filled = int(frac * 24)
            parts.append("[" + "#" * filled + "." * (24 - filled) + f"] {frac:4.0%}")
        if self.total_items:
            parts.append(f"{self.items}/{self.total_items} {self.unit}")
        else:
            parts.append(f"{self.items} {self.unit}")
        parts.append(f"{rate:.1f} MB/s")
        if self.total_bytes and self.bytes and rate > 0:
            left = (self.total_bytes - self.bytes) / (rate * 1e6)
            parts.append(f"ETA {int(left) // 60}:{int(left) % 60:02d}")
        self.stream.write("\r\x1b[K" + "  ".join(parts))
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the bar (before a message is printed, and at the end)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
            self.last = 0.0


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
