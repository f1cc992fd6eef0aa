"""Row 6 of ``bench/speed.py``: ``boilerstrip clean --jobs 2`` vs ``--jobs 1``
over N files into ``--output-dir``, on each file system, side by side.

    python bench/jobs_row.py                       # 2,000 files, 7 rounds, disk and tmpfs
    python bench/jobs_row.py --rounds 11 --fs tmpfs

Why two file systems: on the disk of the shared machine (ext4 without a
journal) a new inode costs time in proportion to the files deleted near its
folder in the last 60 s (``bench/write_routes.py``), by the previous bench run
or by anyone else, so the same code gave 1.51x-1.92x between runs. A fresh
tmpfs (``/dev/shm``) has no such state: its ratio measures what the row claims,
the parallel route. The disk figure stays beside it, since that is where a
user's files are; the file system each ran on is printed. Without a tmpfs the
tmpfs sub-row is skipped with a note.

Each run writes into a new output folder of a folder made for the row (nothing
is deleted there until the row ends); rounds alternate the sides (1, 2 then
2, 1) and the row prints the median wall time of each side, the spread of the
per-round ratios, and user / system CPU of the parent and of its workers.
It also prints the CPU on the longest path of each side, which the load of a
shared machine barely moves: all of it for one job; for two, the parent's CPU
before it forks (start-up, listing: nothing runs beside it) plus the busiest
worker's. Their ratio is what an idle machine would give, end imbalance and
parent start included (waits for the disk are not CPU and are left out).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent

#: Where a fresh tmpfs is usually mounted (Linux).
TMPFS = "/dev/shm"

# Runs the command line in this process and reports, on stderr, the CPU of the
# process itself (the parent: listing, order, summary), of the workers it
# waited for (the pool joins them before the command returns), the parent's
# CPU when it first forked (its serial start: nothing runs beside it) and each
# worker's own CPU when it ends (multiprocessing runs its finalizers then).
_WRAPPER = (
    "import os, resource, sys\n"
    "import multiprocessing.util as mpu\n"
    "def cpu():\n"
    "    r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    return r.ru_utime + r.ru_stime\n"
    "forked = []\n"
    "def before_fork():\n"
    "    if not forked:\n"
    "        forked.append(cpu())\n"
    "def worker_end():\n"
    "    sys.stderr.write('\\n@@worker %f\\n' % cpu())\n"
    "    sys.stderr.flush()\n"
    "class Mark:\n"
    "    pass\n"
    "mark = Mark()\n"
    "mpu.register_after_fork(mark, lambda _m: mpu.Finalize(None, worker_end, exitpriority=100))\n"
    "os.register_at_fork(before=before_fork)\n"
    "from boilerstrip.cli import main\n"
    "code = main()\n"
    "me = resource.getrusage(resource.RUSAGE_SELF)\n"
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write('\\n@@cpu %f %f %f %f %f\\n' % (me.ru_utime, me.ru_stime,\n"
    "                 kids.ru_utime, kids.ru_stime, forked[0] if forked else -1))\n"
    "sys.exit(code)\n"
)


@dataclasses.dataclass(frozen=True)
class Run:
    """One timed command: wall seconds, and CPU seconds of parent and workers."""

    wall: float
    parent_user: float
    parent_sys: float
    workers_user: float
    workers_sys: float
    serial: float                  # the parent's CPU before it first forked
    worker_cpu: tuple[float, ...]  # each worker's own CPU

    @property
    def critical(self) -> float:
        """CPU seconds on the longest path: the parent's serial start, then
        the busiest worker (all of it for one job, which forks none). What
        the run takes on an idle machine, whatever the load was."""
        if not self.worker_cpu:
            return self.parent_user + self.parent_sys
        return self.serial + max(self.worker_cpu)

    @property
    def user(self) -> float:
        return self.parent_user + self.workers_user

    @property
    def system(self) -> float:
        return self.parent_sys + self.workers_sys


def fs_type(path: str) -> str:
    """The type of the file system holding PATH (``/proc/self/mountinfo``:
    the longest mount point above it), or "unknown"."""
    real = os.path.realpath(path)
    best, kind = "", "unknown"
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                mount = left.split()[4].replace("\\040", " ")
                inside = real == mount or real.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best):
                    best, kind = mount, right.split()[0]
    except (OSError, IndexError):
        pass
    return kind


def tmpfs_root(path: str = TMPFS) -> str | None:
    """PATH when it is a writable tmpfs, else None (no sub-row: say why)."""
    if fs_type(path) == "tmpfs" and os.access(path, os.W_OK | os.X_OK):
        return path
    return None


def journal_note(path: str) -> str:
    """What the journal of PATH's file system is, where Linux tells (jbd2
    lists the ext4 devices that keep one)."""
    kind = fs_type(path)
    if kind.startswith("ext"):
        try:
            journals = os.listdir("/proc/fs/jbd2")
        except OSError:
            journals = []
        return f"{kind}, {'journal' if journals else 'no journal'}"
    return kind


def source_env() -> dict:
    """This environment, with this checkout's ``src`` first on the path."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), *paths]))


def run_once(cmd: Sequence[str], env: dict | None = None) -> Run:
    """Run ``boilerstrip CMD...`` through the wrapper (ENV: default
    :func:`source_env`); its wall time and CPU."""
    env = source_env() if env is None else env
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode not in (0, 1) or "@@cpu " not in err:
        raise RuntimeError(f"boilerstrip {' '.join(cmd)} exited {proc.returncode}: "
                           f"{err.strip()[-300:]}")
    figures = [float(x) for x in err.rpartition("@@cpu ")[2].split()[:5]]
    workers = tuple(float(line.split()[1]) for line in err.splitlines()
                    if line.startswith("@@worker "))
    return Run(wall, *figures[:4], max(figures[4], 0.0), workers)


def write_inputs(folder: Path, texts: Sequence[str], n_files: int) -> None:
    folder.mkdir()
    for i in range(n_files):
        Path(folder, f"{i:05d}.txt").write_bytes(texts[i % len(texts)].encode("utf-8"))


def measure(base: str, texts: Sequence[str], n_files: int, rounds: int,
            jobs: Sequence[int] = (1, 2)) -> dict[int, list[Run]]:
    """Alternated rounds of ``clean --jobs J --output-dir`` for each J of JOBS
    over N_FILES new files, in a new folder under BASE."""
    runs: dict[int, list[Run]] = {j: [] for j in jobs}
    with tempfile.TemporaryDirectory(prefix="bs-jobs-", dir=base) as tmp:
        src = Path(tmp, "in")
        write_inputs(src, texts, n_files)
        env = source_env()
        # warm-up (bytecode, rule cache, page cache of the interpreter): not timed
        run_once(["clean", "--jobs", str(max(jobs)), "--exit-zero", "--output-dir",
                  str(Path(tmp, "warm")), *sorted(str(p) for p in src.iterdir())[:40]], env)
        for k in range(rounds):
            for j in (jobs if k % 2 == 0 else tuple(reversed(jobs))):
                out = Path(tmp, f"out-{j}-{k}")  # new each run: nothing deleted here meanwhile
                runs[j].append(run_once(["clean", "--jobs", str(j), "--exit-zero",
                                         "--output-dir", str(out), str(src)], env))
    return runs


@dataclasses.dataclass(frozen=True)
class Summary:
    """Row 6 figures of one file system."""

    where: str
    rounds: int
    wall: dict[int, float]         # median per side
    ratio: float                   # median wall of 1 job / of 2 jobs
    ratios: tuple[float, ...]      # per round (same round, alternated)
    cpu: dict[int, dict[str, float]]  # median user/sys of parent and workers
    critical: dict[int, float]     # median CPU on the longest path
    serial: float                  # median parent CPU before the 2-job fork

    def spread(self) -> str:
        return f"{min(self.ratios):.2f}-{max(self.ratios):.2f}"

    def cpu_text(self, j: int) -> str:
        c = self.cpu[j]
        return (f"{j} job{'s' if j > 1 else ''} user {c['user']:.2f} sys {c['sys']:.2f} "
                f"(parent {c['parent_user']:.2f}+{c['parent_sys']:.2f})")


def summarise(where: str, runs: dict[int, list[Run]]) -> Summary:
    one, two = runs[1], runs[2]
    med = statistics.median
    wall = {j: med(r.wall for r in rs) for j, rs in runs.items()}
    cpu = {j: {"user": med(r.user for r in rs), "sys": med(r.system for r in rs),
               "parent_user": med(r.parent_user for r in rs),
               "parent_sys": med(r.parent_sys for r in rs)} for j, rs in runs.items()}
    ratios = tuple(a.wall / b.wall for a, b in zip(one, two))
    critical = {j: med(r.critical for r in rs) for j, rs in runs.items()}
    return Summary(where, len(one), wall, wall[1] / wall[2], ratios, cpu, critical,
                   med(r.serial for r in two))


def describe(s: Summary, n_files: int) -> tuple[str, str]:
    """(figures, ratio) cells of the row."""
    c1 = s.cpu[1]["user"] + s.cpu[1]["sys"]
    c2 = s.cpu[2]["user"] + s.cpu[2]["sys"]
    extra = c2 / c1 - 1
    figures = (f"{n_files} files on {s.where}, median of {s.rounds} alternated: "
               f"{s.wall[1]:.2f} s (1 job), {s.wall[2]:.2f} s (2 jobs); "
               f"CPU s {s.cpu_text(1)}, {s.cpu_text(2)} ({extra:+.0%}); longest path "
               f"{s.critical[1]:.2f} s / {s.critical[2]:.2f} s (parent alone "
               f"{s.serial:.2f} s, then the busiest worker): idle "
               f"~{s.critical[1] / s.critical[2]:.2f}x")
    ratio = f"{s.ratio:.2f}x [{s.spread()}]"
    return figures, ratio


def sides(tmpfs: str | None = TMPFS) -> list[tuple[str, str | None, str]]:
    """(label, base folder or None, note) of each sub-row: the disk (the
    default temporary folder) and a fresh tmpfs, when there is one."""
    disk = tempfile.gettempdir()
    out = [("disk", disk, journal_note(disk))]
    root = tmpfs_root(tmpfs) if tmpfs else None
    out.append(("tmpfs", root, "tmpfs" if root else f"no tmpfs at {tmpfs}: skipped"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--fs", default="disk,tmpfs", help="which sub-rows (disk, tmpfs)")
    ap.add_argument("--tmpfs", default=TMPFS, help="where a tmpfs is mounted")
    args = ap.parse_args(argv)
    wanted = set(args.fs.split(","))
    os.environ.setdefault("BOILERSTRIP_ENGINE", "pure")  # as bench/speed.py's rows
    texts = [p.read_text(encoding="utf-8")
             for p in sorted((ROOT / "bench" / "data").glob("*/extract-*/*.txt"))]
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, "
          f"engine {os.environ['BOILERSTRIP_ENGINE']}")
    for label, base, note in sides(args.tmpfs):
        if label not in wanted:
            continue
        if base is None:
            print(f"{label}: {note}")
            continue
        s = summarise(f"{label} ({note})", measure(base, texts, args.files, args.rounds))
        figures, ratio = describe(s, args.files)
        print(f"{label}: {ratio}\n  {figures}\n  ratios per round: "
              f"{' '.join(f'{r:.2f}' for r in s.ratios)}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
