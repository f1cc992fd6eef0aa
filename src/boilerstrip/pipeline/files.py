"""The files of ``boilerstrip clean``: finding them (the source), cleaning and
writing each one back (in place or under ``--output-dir``: the sinks that
run inside the workers).

:func:`collect` turns the PATH arguments into an ordered list of :class:`Task`
(plus reports for paths that cannot be processed at all); :func:`clean_files`
is the worker's step for a batch of tasks, giving one :class:`Outcome` each.
The run itself (pool, order, summary) is :mod:`boilerstrip.pipeline.run`.

Symlinks: while walking a folder, symlinks (to files or folders) are never
followed, so nothing outside the tree is read or written and nothing is
cleaned twice. A symlink named on the command line, to a file or to a
folder, is followed only when its target lies inside the current folder; the
target is then rewritten and the link stays a link. A file named twice (also
through a folder, a symlink or a hard link) is cleaned once.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import InputError
from ..io.text import (PendingWrite, abandon_write, finish_write, fsync_folder, inside,
                       read_regular, start_write, sync_data, sync_writes)
from ..reports.writers import FileReport
from .clean import DocumentOptions, Outcome, clean_bytes

#: Folders never entered while walking (tool and version-control state).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules",
                   "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
                   "*.egg-info", ".pre-commit-cache")


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


def is_excluded(rel: str, exclude: Sequence[str]) -> bool:
    """Whether REL (a posix path, e.g. ``--stdin-filename``; a leading ``./``
    or ``/`` is ignored) is left out by the default excludes or by EXCLUDE."""
    while rel.startswith(("./", "/")):  # not lstrip("./"): it ate the dot of ".git"
        rel = rel[1:] if rel.startswith("/") else rel[2:]
    return _matches(DEFAULT_EXCLUDE + tuple(exclude), rel)


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

def process(task: Task, cleaner, opts: DocumentOptions) -> Outcome:
    """Read, clean and (in place or under --output-dir) write one file."""
    return process_batch([task], cleaner, opts)[0]


def process_batch(tasks: Sequence[Task], cleaner, opts: DocumentOptions) -> list[Outcome]:
    """:func:`process` for each of TASKS, in order, with one data sync for the
    files they write instead of one per file (see :func:`textio.sync_writes`).

    Each file is still replaced by a rename of a temporary file whose data is
    already on disk, and only after its own last look (changed meanwhile?). A
    file that appears twice is written before it is read again."""
    outcomes: list[Outcome] = []
    staged: list[tuple[Outcome, PendingWrite | None]] = []
    targets: set[str] = set()
    cwd = os.getcwd()  # (abspath asked the kernel for it once per file)
    made: set[Path] = set()  # output folders made or found in this batch
    for task in tasks:
        key = os.path.normpath(os.path.join(cwd, task.target or task.path))
        if key in targets:  # named twice: the second reading must see the first writing
            outcomes.extend(_commit(staged))
            staged, targets = [], set()
        targets.add(key)
        try:
            staged.append(_stage(task, cleaner, opts, made))
        except Exception as exc:  # a bug must not take the other files down
            staged.append((_internal_error(task, exc), None))
    outcomes.extend(_commit(staged))
    return outcomes


def _stage(task: Task, cleaner, opts: DocumentOptions, made: set[Path] | None = None
           ) -> tuple[Outcome, PendingWrite | None]:
    """Read and clean TASK's file and write its new content to a temporary
    file (not yet synced nor renamed). MADE: the output folders already made
    (or found) in this batch, not asked for again."""
    try:
        before = os.stat(task.path)  # to notice a change while we clean it
    except OSError:
        before = None
    try:
        # regular files only: one swapped for a FIFO since it was listed
        # must not hang the run
        data = [read_regular(task.path, task.display)]  # handed over: gone once decoded
    except InputError as exc:
        return Outcome(FileReport(task.display, "error", message=str(exc)), size=task.size), None
    c = clean_bytes(data, task.display, cleaner, opts)
    pending = None
    try:
        if task.out is not None and c.data is not None:
            out = Path(task.out)
            same = out.exists() and os.path.samefile(out, task.path)
            if not (same and not c.changed):
                if made is None or out.parent not in made:
                    _mkdirs(out.parent, task.display)
                    if made is not None:
                        made.add(out.parent)
                pending = start_write(out, c.data, str(out), sync=False)
        elif opts.write and c.changed and task.target is not None:
            refused = _not_rewritable(before, task.target, task.display)
            if refused is not None:
                return Outcome(refused, diff=c.diff, size=task.size), None
            pending = start_write(task.target, c.data, task.display, expect=before, sync=False)
    except InputError as exc:
        return Outcome(FileReport(task.display, "error", message=str(exc)), size=task.size), None
    return Outcome(c.report, diff=c.diff, size=task.size), pending


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
    file; an outcome whose write fails becomes an error. New files (``fresh``:
    an --output-dir copy that replaces nothing) are linked at once and synced
    when the run ends: a sync per batch made every worker wait for all that
    the file system had to write, its own and the other workers'."""
    pending = [p for _, p in staged if p is not None and not p.fresh]
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
                outcome.unsynced = p.fresh
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


# ------------------------------------------------------------------ batches

#: Most files one data sync covers (and one pool task carries).
BATCH = 32


def batches(tasks: Sequence[Task], workers: int) -> list[list[Task]]:
    """TASKS in batches: one data sync per batch, not per file (BATCH files at
    most, fewer when that would leave a worker idle)."""
    size = max(1, min(BATCH, len(tasks) // (max(workers, 1) * 8)))
    return [list(tasks[k:k + size]) for k in range(0, len(tasks), size)]


def clean_files(state: tuple, tasks: Sequence[Task]) -> list[Outcome]:
    """The worker's step: clean and write a batch of files (STATE: cleaner, options)."""
    cleaner, opts = state
    return process_batch(tasks, cleaner, opts)


def sync_folders(folders: Iterable[str], data: bool = False) -> None:
    """Make the renames in FOLDERS durable: each folder synced once, at the end
    of the run (instead of once per file); with DATA, the data of the new
    files linked there unsynced first (one ``syncfs`` per file system)."""
    folders = sorted(set(folders))
    if data:
        sync_data(folders)
    for folder in folders:
        fsync_folder(folder)
