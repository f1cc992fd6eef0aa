"""Speed bench: every speed target of boilerstrip, measured in one run.

    python bench/speed.py             # the full table (a few minutes on 2 cores)
    python bench/speed.py --quick     # smaller inputs, one repeat: a smoke run
    python bench/speed.py --profile   # where the time goes (cProfile, by function)
    python bench/speed.py --digest    # hash of every output and report (before/after checks)

Rows without ``[fast]`` in their name measure the pure engine unless
``BOILERSTRIP_ENGINE`` is set (``=fast``: every row with the compiled
prefilter); the ``[fast]`` rows (1f, 4f, 8f) need ``pip install
'boilerstrip[fast]'`` and compile what they need first (not timed).

Each row prints what was measured, the figures, the ratio and the target side
by side. In-process timings are the best of ``--repeat`` runs (the least
disturbed by other processes on a shared machine); CLI timings are wall times
of whole subprocesses (rows 6 and 9: best of ``--repeat`` runs of each,
alternated). Rows 1, 2, 4, 6 and 8 also print CPU time (``process_time`` in
process; user + system of the command and its workers for the CLI rows),
which other load disturbs far less than wall time. The C4 comparison needs datatrove (``pip install
-e '.[bench]'``); without it the row says so and uses the equivalent
re-implementation in ``bench/baselines.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import math
import hashlib
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent))  # bench.baselines, bench.rule_copies, when run as a script

from boilerstrip import Cleaner  # noqa: E402
from bench.rule_copies import generated_rules, vocabulary  # noqa: E402


# ------------------------------------------------------------------ inputs

def read_texts(rendering_glob: str) -> list[str]:
    """Texts of the bundled corpora for RENDERING_GLOB (``extract-*``, ``page``)."""
    files = sorted(DATA.glob(f"*/{rendering_glob}/*.txt"))
    if not files:
        sys.exit(f"speed.py: no files under {DATA}/*/{rendering_glob}/")
    return [f.read_bytes().decode("utf-8") for f in files]


def megabytes(texts: Sequence[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of REPEAT calls of FN (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def best_times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (``time.process_time``) of REPEAT calls
    of FN (seconds). Wall times swing by 20-30% on a shared machine; CPU
    time, which other processes disturb far less, is printed beside them."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def clean_all(cleaner: Cleaner, texts: Sequence[str]) -> Callable[[], None]:
    def run() -> None:
        clean = cleaner.clean
        for t in texts:
            clean(t)
    return run


# ------------------------------------------------------------------ C4

def c4_runner(texts: Sequence[str]) -> tuple[str, Callable[[], None]]:
    """datatrove's C4QualityFilter, line rules only, on TEXTS (or our re-implementation)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        from bench.baselines import c4
        return "bench/baselines.py c4 (datatrove not installed)", lambda: [c4(t) for t in texts]
    # Document-level filters off: min_num_sentences=-1 (no sentence count),
    # lorem ipsum and curly brackets would drop the whole document.
    filt = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False,
                           filter_curly_bracket=False)

    def run() -> None:
        for i, t in enumerate(texts):
            filt.filter(Document(text=t, id=str(i)))
    import datatrove
    version = getattr(datatrove, "__version__", None)
    if version is None:
        from importlib.metadata import version as _v
        version = _v("datatrove")
    return f"datatrove {version} C4QualityFilter", run


# ------------------------------------------------------------------ CLI helpers

def cli_command() -> list[str] | None:
    exe = shutil.which("boilerstrip")
    return [exe] if exe else None


def cli_has(option: str, sub: str = "clean") -> bool:
    cmd = cli_command()
    if not cmd:
        return False
    r = subprocess.run(cmd + [sub, "--help"], capture_output=True, text=True)
    return r.returncode == 0 and option in r.stdout


# A child forked from this (large) bench process inherits its resident pages
# until it execs, and ru_maxrss counts them: measured directly, a 40 MB CLI run
# showed up as 777 MB. A small launcher process starts the command instead and
# reports its children's peak RSS, which then is the command's own.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "sys.stderr.write('\\n@@rss %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def run_measured(cmd: list[str], stdin=None, stdout=subprocess.DEVNULL,
                 ) -> tuple[float, int, int]:
    """Run CMD; return (wall seconds, exit code, peak RSS in MB of that command)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], stdin=stdin,
                          stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    err = proc.stderr.decode("utf-8", "replace")
    rss_kb = 0
    if "@@rss " in err:
        err, _, tail = err.rpartition("@@rss ")
        rss_kb = int(tail.split()[0])
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-300:]}")
    return wall, proc.returncode, rss_kb // 1024


def run_timed(cmd: list[str], stdin=None) -> tuple[float, float]:
    """Run CMD (output discarded); return (wall seconds, CPU seconds): the CPU
    is user + system time of the command and of every process it waited for
    (its workers), which other load on the machine disturbs far less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode("utf-8", "replace")
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# ------------------------------------------------------------------ the table

@dataclasses.dataclass
class Row:
    what: str
    figures: str
    ratio: str
    target: str
    ok: bool | str | None  # None: pending / not measured; "info": context, no target

    def status(self) -> str:
        return {True: "met", False: "MISSED", None: "pending", "info": "-"}[self.ok]


def print_table(rows: Sequence[Row]) -> None:
    cols = [("what", 30), ("figures", 58), ("ratio", 14), ("target", 18), ("", 7)]
    head = " | ".join(name.ljust(w) for name, w in cols)
    print(head)
    print("-+-".join("-" * w for _, w in cols))
    for r in rows:
        cells = [r.what, r.figures, r.ratio, r.target, r.status()]
        print(" | ".join(c.ljust(w) for c, (_, w) in zip(cells, cols)))


# ------------------------------------------------------------------ measurements

def row_throughput(texts, repeat, cleaner) -> tuple[Row, float, float]:
    """Row 1, and boilerstrip's wall and CPU seconds per MB (row 2's reference)."""
    mb = megabytes(texts)
    ours, ours_cpu = best_times(clean_all(cleaner, texts), repeat)
    name, c4 = c4_runner(texts)
    theirs, theirs_cpu = best_times(c4, repeat)
    ratio = theirs / ours
    row = Row("1 throughput (article)",
              f"boilerstrip {mb / ours:.1f} MB/s ({len(cleaner.rules)} rules); "
              f"{name} {mb / theirs:.1f} MB/s; {mb:.1f} MB; CPU {ours_cpu:.2f} s / "
              f"{theirs_cpu:.2f} s", f"{ratio:.2f}x C4 (CPU {theirs_cpu / ours_cpu:.2f}x)",
              ">= 1.0x (aim 2x)", ratio >= 1.0)
    return row, ours / mb, ours_cpu / mb


def engine_cleaner(engine: str, **kw) -> Cleaner:
    """A Cleaner built under ``BOILERSTRIP_ENGINE=ENGINE`` (``fast`` compiles
    the rule set's database first when it is not cached)."""
    old = os.environ.get("BOILERSTRIP_ENGINE")
    os.environ["BOILERSTRIP_ENGINE"] = engine
    try:
        return Cleaner(**kw)
    finally:
        if old is None:
            del os.environ["BOILERSTRIP_ENGINE"]
        else:
            os.environ["BOILERSTRIP_ENGINE"] = old


def row_fast_throughput(texts, repeat) -> Row:
    """Row 1 with ``[fast]``: the compiled prefilter, the pure engine and C4
    side by side, in one run."""
    mb = megabytes(texts)
    fast = engine_cleaner("fast")
    if fast.engine != "fast":
        return Row("1f throughput [fast]", "hyperscan not installed (pip install "
                   "'boilerstrip[fast]')", "-", ">= 0.6x (aim 1x)", None)
    pure = engine_cleaner("pure")
    for c in (fast, pure):
        clean_all(c, texts[:50])()  # compile what is compiled lazily
    name, c4 = c4_runner(texts)
    # alternated, best of REPEAT each: the three see the same load on a shared machine
    wall = {"fast": float("inf"), "pure": float("inf"), "c4": float("inf")}
    cpu = dict(wall)
    runs = {"fast": clean_all(fast, texts), "pure": clean_all(pure, texts), "c4": c4}
    for _ in range(repeat):
        for key, run in runs.items():
            w, c = best_times(run, 1)
            wall[key], cpu[key] = min(wall[key], w), min(cpu[key], c)
    t_fast, t_pure, t_c4 = wall["fast"], wall["pure"], wall["c4"]
    return Row("1f throughput [fast]",
               f"fast {mb / t_fast:.1f} MB/s, pure {mb / t_pure:.1f} MB/s, "
               f"{name} {mb / t_c4:.1f} MB/s; CPU {cpu['fast']:.2f} / {cpu['pure']:.2f} / "
               f"{cpu['c4']:.2f} s",
               f"{t_c4 / t_fast:.2f}x / {t_c4 / t_pure:.2f}x (CPU {cpu['c4'] / cpu['fast']:.2f}x)",
               ">= 0.6x (aim 1x)", t_c4 / t_fast >= 0.6)


def row_python_floor(texts, repeat) -> Row:
    """What any engine written in Python pays just to look at every line and
    every word once, against the same C4 run: the context of row 1's target."""
    mb = megabytes(texts)

    def lines() -> None:
        for t in texts:
            for line in t.splitlines():
                line.strip()

    def words() -> None:
        for t in texts:
            set(t.lower().split())

    t_lines = best_time(lines, repeat)
    t_words = best_time(words, repeat)
    _, c4 = c4_runner(texts)
    t_c4 = best_time(c4, repeat)
    return Row("1b Python floor (context)",
               f"strip every line {mb / t_lines:.0f} MB/s; set of lower-cased words "
               f"{mb / t_words:.0f} MB/s; C4 {mb / t_c4:.0f} MB/s",
               f"words {t_c4 / t_words:.2f}x C4", "(no target)", "info")


def row_page(page_texts, repeat, default_s_per_mb, default_cpu_per_mb) -> Row:
    cleaner = Cleaner(profile="page")
    mb = megabytes(page_texts)
    t, cpu = best_times(clean_all(cleaner, page_texts), repeat)
    spm = t / mb
    ratio = spm / default_s_per_mb
    kinds = {r.kind for r in cleaner.rules}
    note = "" if "page-region" in kinds else " (no page-region rules yet)"
    return Row("2 page profile",
               f"{mb / t:.1f} MB/s on page renderings ({mb:.1f} MB, {len(cleaner.rules)} rules)"
               + note + f"; CPU {cpu:.2f} s",
               f"{ratio:.2f}x s/MB (CPU {cpu / mb / default_cpu_per_mb:.2f}x)", "<= 3x default",
               ratio <= 3.0)


def row_normalisation(texts, repeat, cleaner) -> list[Row]:
    plain = Cleaner(ignore=["normalisation"])
    rows = []
    ascii_texts = [t for t in texts if t.isascii()]
    for label, sample in (("clean UTF-8 corpus", texts), ("ASCII documents", ascii_texts)):
        if not sample:
            continue
        # a small sample is cleaned several times per timing (>= 2 MB), and the
        # two sides alternate: a difference of a few percent of 0.05 s is noise
        copies = max(1, math.ceil(2.0 / megabytes(sample)))
        timed = list(sample) * copies
        with_n = without = float("inf")
        for _ in range(max(repeat, 5)):
            with_n = min(with_n, best_time(clean_all(cleaner, timed), 1))
            without = min(without, best_time(clean_all(plain, timed), 1))
        extra = with_n / without - 1
        times = f" x{copies}" if copies > 1 else ""
        rows.append(Row(f"3 normalisation, {label}",
                        f"{with_n:.3f} s with vs {without:.3f} s without "
                        f"({len(sample)} docs{times}, {megabytes(sample):.1f} MB)",
                        f"{extra:+.1%}", "< 5%", extra < 0.05))
    return rows


def row_rule_count(texts, repeat, vocab) -> Row:
    from boilerstrip.engine.cleaner import _bundled_rules

    base = [r for r in _bundled_rules()]
    one = Cleaner()
    n_pattern = sum(1 for r in one.rules if r.kind in ("line", "inline", "block", "section"))
    extra1 = generated_rules(base, 1, vocab)
    extra3 = generated_rules(base, 3, vocab)
    two = Cleaner(extra_rules=extra1)
    four = Cleaner(extra_rules=extra3)
    (t1, c1), (t2, c2), (t4, c4) = (best_times(clean_all(c, texts), repeat)
                                    for c in (one, two, four))
    return Row("4 rule count",
               f"{len(one.rules)}/{len(two.rules)}/{len(four.rules)} rules "
               f"({n_pattern} pattern rules x1/x2/x4): {t1:.2f}/{t2:.2f}/{t4:.2f} s; "
               f"CPU {c1:.2f}/{c2:.2f}/{c4:.2f} s",
               f"x2 {t2 / t1:.2f}, x4 {t4 / t1:.2f} (CPU x2 {c2 / c1:.2f})", "x2 < 1.3",
               t2 / t1 < 1.3)


def row_fast_rule_count(texts, repeat, vocab) -> Row:
    """Row 4 with ``[fast]`` (each rule set's database compiled first, not timed)."""
    from boilerstrip.engine.cleaner import _bundled_rules

    one = engine_cleaner("fast")
    if one.engine != "fast":
        return Row("4f rule count [fast]", "hyperscan not installed", "-", "x2 < 1.3", None)
    two = engine_cleaner("fast", extra_rules=generated_rules(list(_bundled_rules()), 1, vocab))
    for c in (one, two):
        clean_all(c, texts[:50])()
    t1 = best_time(clean_all(one, texts), repeat)
    t2 = best_time(clean_all(two, texts), repeat)
    return Row("4f rule count [fast]", f"{len(one.rules)}/{len(two.rules)} rules: "
               f"{t1:.2f}/{t2:.2f} s", f"x2 {t2 / t1:.2f}", "x2 < 1.3", t2 / t1 < 1.3)


def big_document(texts, total_mb: float) -> str:
    """TEXTS joined, repeated and cut to about TOTAL_MB (UTF-8)."""
    corpus = "\n\n".join(texts)
    reps = max(1, int(total_mb * 1e6 / len(corpus.encode("utf-8"))) + 1)
    big = "\n\n".join([corpus] * reps)
    target_chars = int(len(big) * total_mb * 1e6 / len(big.encode("utf-8")))
    return big[:target_chars]


def row_doc_size(texts, repeat, cleaner, total_mb: float, pieces: int) -> Row:
    big = big_document(texts, total_mb)
    # the same text cut into PIECES documents, at line ends
    size = len(big) // pieces
    small, start = [], 0
    for _ in range(pieces - 1):
        end = big.find("\n", start + size)
        if end < 0:
            break
        small.append(big[start:end + 1])
        start = end + 1
    small.append(big[start:])
    mb = megabytes([big])
    t_big, cpu_big = best_times(lambda: cleaner.clean(big), max(1, repeat - 1))
    t_small, cpu_small = best_times(clean_all(cleaner, small), max(1, repeat - 1))
    ratio = t_big / t_small
    return Row("5 document size",
               f"one {mb:.0f} MB doc {mb / t_big:.1f} MB/s; {len(small)} docs {mb / t_small:.1f} MB/s"
               f"; CPU {cpu_big:.1f} s / {cpu_small:.1f} s",
               f"{ratio:.2f}x s/MB (CPU {cpu_big / cpu_small:.2f}x)", "<= 1.3x", ratio <= 1.3)


def row_doc_memory(texts, total_mb: float) -> Row:
    """Peak RSS of ``clean --check`` on one large document, in multiples of
    its size (issue 19: at most ~5x). The text of a document holding one
    emoji takes 4 bytes a character in Python: the input alone is ~4x."""
    target = "RSS <= 5x doc"
    if cli_command() is None:
        return Row("5b one document's memory", "boilerstrip CLI not installed", "-", target, None)
    with tempfile.TemporaryDirectory(prefix="bs-speed-") as tmp:
        path = Path(tmp, "big.txt")
        path.write_text(big_document(texts, total_mb), "utf-8")
        mb = path.stat().st_size / 1e6
        _wall, _code, floor = run_measured(cli_command() + ["clean", "--check", os.devnull])
        wall, _code, rss = run_measured(cli_command() + ["clean", "--check", str(path)])
    return Row("5b one document's memory",
               f"clean --check one {mb:.0f} MB doc: peak RSS {rss} MB in {wall:.1f} s "
               f"(an empty one: {floor} MB)", f"{rss / mb:.1f}x doc", target, rss <= 5 * mb)


def row_jobs(texts, n_files: int, repeat: int = 1) -> list[Row]:
    """Row 6 on the disk and on a fresh tmpfs, side by side (bench/jobs_row.py:
    the disk's cost of a new file follows its recent deletions; a tmpfs has
    none). 2 x REPEAT + 1 rounds, alternated; the ratio is of the medians."""
    what, target = "6 batch --jobs 2 vs 1", ">= 1.7x"
    if not cli_has("--jobs"):
        return [Row(what, "boilerstrip clean --jobs not available yet", "-", target, None)]
    from bench import jobs_row

    rows = []
    for label, base, note in jobs_row.sides():
        name = f"{what}{'' if label == 'disk' else ' [' + label + ']'}"
        if base is None:
            rows.append(Row(name, note, "-", target, None))
            continue
        s = jobs_row.summarise(f"{label} ({note})",
                               jobs_row.measure(base, texts, n_files, 2 * repeat + 1))
        rows.append(Row(name, *jobs_row.describe(s, n_files), target, s.ratio >= 1.7))
    return rows


def row_jsonl(texts, size_mb: float, cleaner) -> Row:
    if not cli_has("--jsonl"):
        return Row("7 JSONL stream", "boilerstrip clean --jsonl not available yet", "-",
                   "RSS<300MB, >=85%", None)
    cmd = cli_command()
    with tempfile.TemporaryDirectory(prefix="bs-speed-") as tmp:
        path = Path(tmp, "in.jsonl")
        written = 0
        i = 0
        with open(path, "w", encoding="utf-8") as f:
            while written < size_mb * 1e6:
                line = json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False)
                f.write(line + "\n")
                written += len(line.encode("utf-8")) + 1
                i += 1
        # in-memory reference: the same texts cleaned in this process
        sample = [texts[j % len(texts)] for j in range(i)]
        mb = megabytes(sample)
        t_mem = best_time(clean_all(cleaner, sample), 1)
        wall, _code, rss = run_measured(cmd + ["clean", "--jsonl", "--exit-zero", str(path)])
    file_mb = written / 1e6
    ratio = t_mem / wall
    ok = rss < 300 and ratio >= 0.85
    return Row("7 JSONL stream",
               f"{file_mb:.0f} MB file, {i} records: CLI {mb / wall:.1f} MB/s of text, "
               f"peak RSS {rss} MB; in-memory {mb / t_mem:.1f} MB/s",
               f"{ratio:.0%} of API", "RSS<300MB, >=85%", ok)


def row_oversized_record(record_mb: int = 200) -> Row:
    """One JSONL record far over the document size limit, in a small gzip: the
    reader must stop at the limit (peak RSS bounded by it), not hold the line."""
    target = "RSS<3x limit"
    if not cli_has("--jsonl"):
        return Row("7b JSONL record > limit", "clean --jsonl not available yet", "-", target, None)
    import zlib

    from boilerstrip.io.limits import max_document_bytes

    limit_mb = max_document_bytes() >> 20
    with tempfile.TemporaryDirectory(prefix="bs-speed-") as tmp:
        path = Path(tmp, "bomb.jsonl.gz")
        pack = zlib.compressobj(9, zlib.DEFLATED, 31)
        with open(path, "wb") as f:
            f.write(pack.compress(b'{"text": "'))
            for _ in range(record_mb):
                f.write(pack.compress(b"a" * (1 << 20)))
            f.write(pack.compress(b'"}\n') + pack.flush())
        gz_mb = path.stat().st_size / 1e6
        wall, _code, rss = run_measured(cli_command() + [
            "clean", "--jsonl", "--on-bad-record", "skip", "--exit-zero", str(path)])
    return Row("7b JSONL record > limit",
               f"one {record_mb} MB record in a {gz_mb:.1f} MB gzip, limit {limit_mb} MB: "
               f"skipped in {wall:.1f} s, peak RSS {rss} MB",
               f"{rss / limit_mb:.1f}x limit", target, rss < 3 * limit_mb)


def package_bytecode() -> None:
    """Write the package's bytecode, as installing a wheel does. Where
    PYTHONDONTWRITEBYTECODE is set (this project's build machine sets it), an
    editable install would otherwise compile about 50 modules from source on
    every start (~0.08 s) that no installed copy pays."""
    import compileall

    import boilerstrip

    compileall.compile_dir(str(Path(boilerstrip.__file__).parent), quiet=1)


def row_startup(runs: int) -> Row:
    cmd = cli_command()
    if not cmd:
        return Row("8 start-up", "boilerstrip CLI not installed", "-", "<= 0.3 s", None)
    package_bytecode()
    run_timed(cmd + ["clean"], stdin=subprocess.DEVNULL)  # warm the rule cache
    times, cpus = [], []
    for _ in range(runs):
        wall, cpu = _one_line(cmd)
        times.append(wall)
        cpus.append(cpu)
    med = statistics.median(times)
    return Row("8 start-up", f"echo x | boilerstrip clean: median of {runs} "
               f"{med:.3f} s (min {min(times):.3f}); CPU {statistics.median(cpus):.3f} s",
               f"{med / 0.3:.2f}x budget", "<= 0.3 s", med <= 0.3)


def _one_line(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``echo x | CMD clean``."""
    r, w = os.pipe()
    os.write(w, b"x\n")
    os.close(w)
    try:
        return run_timed(cmd + ["clean"], stdin=r)
    finally:
        os.close(r)


def row_fast_startup(runs: int) -> Row:
    """Row 8 with ``[fast]`` installed: a cold cache (an empty cache folder per
    run: no rules cached, no database, so the pure engine runs and nothing is
    compiled) and a warm one (rules and database cached: the fast engine)."""
    cmd = cli_command()
    if not cmd:
        return Row("8f start-up [fast]", "boilerstrip CLI not installed", "-", "<= 0.3 s", None)
    package_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        warm = os.path.join(tmp, "warm")
        env = dict(os.environ, BOILERSTRIP_CACHE_DIR=warm, BOILERSTRIP_ENGINE="auto")
        built = subprocess.run(cmd + ["rules", "build-fast", "-q"], env=env,
                               capture_output=True)
        if built.returncode != 0:
            return Row("8f start-up [fast]", "no database: " + built.stderr.decode()[-80:],
                       "-", "<= 0.3 s", None)
        times: dict[str, list[float]] = {"cold": [], "warm": []}
        cpus: dict[str, list[float]] = {"cold": [], "warm": []}
        env_keys = ("BOILERSTRIP_CACHE_DIR", "BOILERSTRIP_ENGINE")
        for k in range(runs):
            for kind in ("cold", "warm"):
                folder = warm if kind == "warm" else os.path.join(tmp, f"cold{k}")
                saved = {k: os.environ.get(k) for k in env_keys}
                os.environ.update(BOILERSTRIP_CACHE_DIR=folder, BOILERSTRIP_ENGINE="auto")
                try:
                    wall, cpu = _one_line(cmd)
                finally:
                    for key, old in saved.items():
                        if old is None:
                            os.environ.pop(key, None)
                        else:
                            os.environ[key] = old
                times[kind].append(wall)
                cpus[kind].append(cpu)
    cold, hot = statistics.median(times["cold"]), statistics.median(times["warm"])
    return Row("8f start-up [fast]", f"echo x | boilerstrip clean: median of {runs}, "
               f"cold cache {cold:.3f} s, warm (rules and database cached) {hot:.3f} s; "
               f"CPU {statistics.median(cpus['cold']):.3f} / "
               f"{statistics.median(cpus['warm']):.3f} s",
               f"{max(cold, hot) / 0.3:.2f}x budget", "<= 0.3 s", max(cold, hot) <= 0.3)


_DATATROVE_RUN = """
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from boilerstrip.integrations.datatrove import BoilerstripCleaner
src, out, logs = sys.argv[1:4]
LocalPipelineExecutor(pipeline=[
    JsonlReader(src, compression=None, doc_progress=False),
    BoilerstripCleaner(report="summary"),
    JsonlWriter(out, compression=None),
], tasks=2, workers=2, logging_dir=logs).run()
"""


def _pipelines(texts, n_docs: int, cmd: list[str], tmp: str) -> tuple[float, float]:
    """Wall times of the CLI (--jsonl --jobs 2) and of the datatrove pipeline
    (2 tasks, 2 workers) on the same N_DOCS records."""
    tmp = tempfile.mkdtemp(dir=tmp)  # a folder per call: the row repeats them
    src = Path(tmp, f"in{n_docs}")
    src.mkdir()
    # two shards, one per datatrove task
    for k in range(2):
        with open(src / f"shard{k}.jsonl", "w", encoding="utf-8") as f:
            for i in range(k, n_docs, 2):
                f.write(json.dumps({"id": str(i), "text": texts[i % len(texts)]},
                                   ensure_ascii=False) + "\n")
    both = Path(tmp, f"all{n_docs}.jsonl")
    with open(both, "w", encoding="utf-8") as f:
        for k in range(2):
            f.write((src / f"shard{k}.jsonl").read_text(encoding="utf-8"))
    t_cli = run_measured(cmd + ["clean", "--jsonl", "--jobs", "2", "--exit-zero",
                                "-o", str(Path(tmp, f"cli{n_docs}.jsonl")), str(both)])[0]
    t_dt = run_measured([sys.executable, "-c", _DATATROVE_RUN, str(src),
                         str(Path(tmp, f"dt{n_docs}")), str(Path(tmp, f"logs{n_docs}"))])[0]
    return t_cli, t_dt


def row_datatrove(texts, n_docs: int, repeat: int) -> Row:
    """Documents per second through a datatrove pipeline (2 tasks, 2 workers)
    vs. `boilerstrip clean --jsonl --jobs 2` on the same records.

    Both are run on N and 3N documents: the difference is the throughput at
    scale (start-up, imports and worker spawning cancel out), which is what
    the target is about; the totals at 3N are printed too. Each of the four
    wall times is the best of REPEAT runs, alternated: a difference of two
    single runs swung from -0% to +29% between runs of the bench.
    """
    what = "9 datatrove step"
    cmd = cli_command()
    if importlib.util.find_spec("datatrove") is None:
        return Row(what, "datatrove not installed (pip install -e '.[bench]')", "-",
                   "overhead < 20%", None)
    if not cmd:
        return Row(what, "boilerstrip CLI not installed", "-", "overhead < 20%", None)
    best: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="bs-speed-") as tmp:
        for _ in range(max(1, repeat)):
            for n in (n_docs, 3 * n_docs):
                for side, t in zip(("cli", "dt"), _pipelines(texts, n, cmd, tmp)):
                    best[side, n] = min(t, best.get((side, n), t))
    cli1, dt1 = best["cli", n_docs], best["dt", n_docs]
    cli3, dt3 = best["cli", 3 * n_docs], best["dt", 3 * n_docs]
    extra = 2 * n_docs
    cli_rate, dt_rate = extra / max(cli3 - cli1, 1e-9), extra / max(dt3 - dt1, 1e-9)
    overhead = cli_rate / dt_rate - 1
    total = dt3 / cli3 - 1
    return Row(what, f"{3 * n_docs} documents, best of {repeat}: datatrove 2 workers "
               f"{dt_rate:.0f} docs/s at scale "
               f"({3 * n_docs / dt3:.0f} with start-up), CLI --jsonl --jobs 2 {cli_rate:.0f} "
               f"({3 * n_docs / cli3:.0f}); with start-up {total:+.0%}",
               f"{overhead:+.0%}", "overhead < 20%", overhead < 0.20)


# ------------------------------------------------------------------ profile / digest

def profile(texts: Sequence[str], top: int) -> None:
    import cProfile
    import pstats

    cleaner = Cleaner()
    clean_all(cleaner, texts)()  # steady state: patterns compiled, analyses memoised
    prof = cProfile.Profile()
    prof.enable()
    clean_all(cleaner, texts)()
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout)
    print(f"cProfile of Cleaner().clean over {len(texts)} documents "
          f"({megabytes(texts):.1f} MB); the profiler itself slows pure-Python code most.\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def digest() -> None:
    """SHA-256 of every output and report of the corpora (both profiles)."""
    for profile_name, glob in (("article", "extract-*"), ("article", "page"),
                               ("page", "page")):
        cleaner = Cleaner(profile=profile_name)
        h = hashlib.sha256()
        files = sorted(DATA.glob(f"*/{glob}/*.txt"))
        for f in files:
            r = cleaner.clean(f.read_bytes().decode("utf-8"))
            h.update(f.name.encode() + b"\0" + r.text.encode("utf-8", "surrogatepass") + b"\0")
            for c in r.changes:
                h.update(repr((c.start, c.end, c.text, c.replacement, c.rule, c.category,
                               c.line, c.detail)).encode("utf-8", "surrogatepass"))
            h.update(repr((r.status, r.skipped)).encode())
        print(f"{profile_name:8s} {glob:10s} {len(files):5d} files  {h.hexdigest()}")


# ------------------------------------------------------------------ main

def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small inputs, one repeat")
    ap.add_argument("--profile", action="store_true", help="print a cProfile breakdown instead")
    ap.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    ap.add_argument("--digest", action="store_true",
                    help="print a hash of every output and report, then exit")
    ap.add_argument("--repeat", type=int, default=None, help="timing repeats (default 3)")
    ap.add_argument("--jsonl-mb", type=float, default=None,
                    help="size of the generated JSONL file (default 200; 1000 = the 1 GB target)")
    ap.add_argument("--full", action="store_true", help="JSONL file of 1 GB")
    ap.add_argument("--only", default="", help="comma-separated row numbers to run (e.g. 1,4)")
    args = ap.parse_args(argv)

    if args.digest:
        digest()  # under BOILERSTRIP_ENGINE as set: run it with =pure and with =fast
        return 0
    # the rows measure the pure engine unless BOILERSTRIP_ENGINE says otherwise
    # (=fast: every row with the compiled prefilter); the [fast] rows set their own
    os.environ.setdefault("BOILERSTRIP_ENGINE", "pure")
    texts = read_texts("extract-*")
    if args.profile:
        profile(texts, args.top)
        return 0
    quick = args.quick
    repeat = args.repeat or (1 if quick else 3)
    only = {int(x) for x in args.only.split(",") if x.strip()} or set(range(1, 10))
    page_texts = read_texts("page")
    if quick:
        random.Random(0).shuffle(texts)
        texts = texts[:300]
        page_texts = page_texts[:150]
    jsonl_mb = args.jsonl_mb or (1000 if args.full else 20 if quick else 200)

    print(f"boilerstrip speed bench: {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores ({platform.machine()}), "
          f"load average {os.getloadavg()[0]:.1f}; best of {repeat} "
          f"{'(quick)' if quick else ''}", flush=True)
    # rows without [fast] measure the pure engine, whatever the cache holds
    cleaner = engine_cleaner("pure")
    cleaner.clean(texts[0])  # compile what is compiled lazily
    rows: list[Row] = []
    default_spm = default_cpu = None

    def step(label: str) -> None:
        print(f"  measuring {label}...", file=sys.stderr, flush=True)

    if only & {1, 2}:
        step("1 throughput")
        row, default_spm, default_cpu = row_throughput(texts, repeat, cleaner)
        rows.append(row)
        if 1 in only:
            rows.append(row_python_floor(texts, repeat))
            step("1f throughput [fast]")
            rows.append(row_fast_throughput(texts, repeat))
    if 2 in only:
        step("2 page profile")
        rows.append(row_page(page_texts, repeat, default_spm, default_cpu))
    if 3 in only:
        step("3 normalisation")
        rows.extend(row_normalisation(texts, repeat, cleaner))
    if 4 in only:
        step("4 rule count")
        vocab = vocabulary(texts)
        rows.append(row_rule_count(texts, repeat, vocab))
        step("4f rule count [fast]")
        rows.append(row_fast_rule_count(texts, repeat, vocab))
    if 5 in only:
        step("5 document size")
        rows.append(row_doc_size(texts, repeat, cleaner, 2 if quick else 20,
                                 2000 if quick else 20000))
        rows.append(row_doc_memory(texts, 2 if quick else 20))
    if 6 in only:
        step("6 batch --jobs")
        rows.extend(row_jobs(texts, 2000, repeat))
    if 7 in only:
        step("7 JSONL")
        rows.append(row_jsonl(texts, jsonl_mb, cleaner))
        rows.append(row_oversized_record())
    if 8 in only:
        step("8 start-up")
        rows.append(row_startup(10))
        step("8f start-up [fast]")
        rows.append(row_fast_startup(10))
    if 9 in only:
        step("9 datatrove step")
        rows.append(row_datatrove(texts, 400 if quick else 2000, repeat))
    print()
    print_table([r for r in rows if int(r.what.split()[0].rstrip("bf")) in only])
    return 0


if __name__ == "__main__":
    sys.exit(main())
