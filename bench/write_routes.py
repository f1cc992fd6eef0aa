"""What writing a batch of new files costs the kernel, route by route (row 6).

    python bench/write_routes.py                      # 2,000 files, 1 and 2 processes
    python bench/write_routes.py --churn 6000         # after 6,000 files were deleted nearby

Writes N new files (the bundled extract documents, as row 6's ``--output-dir``
copies) into one new folder, split between 1 or PROCS forked processes, by
each route, rounds alternated, and prints the system and user CPU of the
writers (median, min and max over the rounds):

* ``boilerstrip``: ``io.text.start_write`` + ``finish_write`` as an
  ``--output-dir`` run makes a new copy (Linux: an ``O_TMPFILE`` inode,
  linked under the copy's name once written);
* ``named``: a named temporary file (``O_EXCL``, random name) renamed onto
  the copy's name by ``renameat2(RENAME_NOREPLACE)``: the other atomic route;
* ``direct``: ``O_EXCL`` under the final name. Not atomic for readers (a
  reader can see a half-written copy), so never a route boilerstrip takes:
  the floor that one new inode per file costs.

With ``--churn N``, N files are created and deleted in a sibling folder before
each measured write. On an ext4 file system without a journal (``/proc/fs/jbd2``
lists none), the inode allocator skips inodes deleted in the last 60 s (360 s
while their inode table block is dirty), looking each one up in the buffer
cache, from the start of the group every time: every new inode then costs
time in proportion to the recent deletions near its folder, whatever the
route. That, and not the temporary file's kind, is what made row 6's
system time vary from run to run on the shared machine.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from boilerstrip.io import text as textio  # noqa: E402

ROUTES = ("boilerstrip", "named", "direct")
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _rename_noreplace(src: str, dst: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst),
                      _RENAME_NOREPLACE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), dst)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_one(route: str, folder: str, name: str, data: bytes) -> None:
    target = os.path.join(folder, name)
    if route == "boilerstrip":
        textio.finish_write(textio.start_write(target, data, sync=False))
        return
    if route == "named":
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.boilerstrip-tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_WRONLY | os.O_CLOEXEC,
                     0o600)
        try:
            _write_all(fd, data)
            os.fchmod(fd, 0o644)
        finally:
            os.close(fd)
        _rename_noreplace(tmp, target)
        return
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o644)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def churn(folder: str, n: int) -> None:
    """Create and delete N one-byte files in FOLDER: N recently deleted inodes."""
    os.makedirs(folder)
    for i in range(n):
        with open(os.path.join(folder, f"c{i}"), "wb") as f:
            f.write(b"x")
    shutil.rmtree(folder)


def measure(route: str, procs: int, folder: str, items: list[tuple[str, bytes]]
            ) -> tuple[float, float, float]:
    """(wall, user, system) seconds of PROCS forked writers sharing ITEMS."""
    os.makedirs(folder)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    pids = []
    for k in range(procs):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (child)
            code = 0
            try:
                for name, data in items[k::procs]:
                    write_one(route, folder, name, data)
            except BaseException as exc:
                print(f"write_routes: {route}: {exc}", file=sys.stderr)
                code = 1
            os._exit(code)
        pids.append(pid)
    failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if failed:
        sys.exit(f"write_routes: {route} failed")
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def journal_note(path: str) -> str:
    """Whether PATH's file system writes a journal (jbd2 lists the devices that do)."""
    try:
        journals = os.listdir("/proc/fs/jbd2")
    except OSError:
        journals = []
    return f"jbd2 journals: {', '.join(journals) or 'none'} (for {path})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--churn", type=int, default=0, metavar="N",
                    help="files created and deleted next to the output before each write")
    ap.add_argument("--routes", default=",".join(ROUTES))
    ap.add_argument("--dir", default=None, help="where to write (default: a temporary folder)")
    args = ap.parse_args(argv)
    routes = args.routes.split(",")
    texts = [p.read_bytes() for p in sorted((ROOT / "bench" / "data").glob("*/extract-*/*.txt"))]
    items = [(f"{i:05d}.txt", texts[i % len(texts)]) for i in range(args.files)]
    results: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bs-routes-", dir=args.dir) as tmp:
        print(journal_note(tmp))
        for r in range(args.rounds):
            for route in routes:
                for procs in sorted({1, args.procs}):
                    if args.churn:
                        churn(os.path.join(tmp, f"churn-{r}-{route}-{procs}"), args.churn)
                    out = os.path.join(tmp, f"out-{r}-{route}-{procs}")
                    results.setdefault((route, procs), []).append(
                        measure(route, procs, out, items))
    print(f"{args.files} new files, {args.rounds} rounds alternated, churn {args.churn}: "
          f"median [min-max] seconds")
    for (route, procs), runs in results.items():
        walls, users, syss = zip(*runs)
        print(f"  {route:12s} {procs} proc: system {statistics.median(syss):.3f} "
              f"[{min(syss):.3f}-{max(syss):.3f}]  user {statistics.median(users):.3f}  "
              f"wall {statistics.median(walls):.3f} [{min(walls):.3f}-{max(walls):.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
