"""Where the fast engine's Hyperscan scan spends its time (issue 21).

    python bench/scan_cost.py                 # parts, callbacks, busiest pieces
    python bench/scan_cost.py --ablate de     # CPU each group of a part's pieces costs

Cleans the bundled extract documents (row 1 of ``speed.py``) once with the
fast engine, recording every buffer ``Accelerator.scan`` is given and the
parts it scans, then replays those scans alone (best of REPEAT, CPU time):
the whole scan as the engine runs it, the same without a Python callback
(the C scan's floor), each part's share, the match events per piece and
how many of them repeat a piece already found on the same line. With
``--ablate PART`` (``base`` for the part every document scans, or a pack's
language) it compiles that part again without each group of GROUP pieces
and prints what each group costs: a group far above the others holds the
pieces worth rewriting.

Needs ``boilerstrip[fast]`` and a built database (``boilerstrip rules build-fast``).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from boilerstrip import Cleaner  # noqa: E402
from boilerstrip.engine.fast import database  # noqa: E402
from bench.speed import read_texts  # noqa: E402


def record_scans(texts: Sequence[str]) -> list[tuple[database.Accelerator, bytes]]:
    """(accelerator view, buffer) of every scan the fast engine makes cleaning TEXTS."""
    os.environ["BOILERSTRIP_ENGINE"] = "fast"  # what this measures
    cleaner = Cleaner()
    cleaner.clean(texts[0] * 5)  # loads the database before recording
    seen: list[tuple[database.Accelerator, bytes]] = []
    original = database.Accelerator.scan

    def recording(self, data):
        seen.append((self, data))
        return original(self, data)

    database.Accelerator.scan = recording
    try:
        for text in texts:
            cleaner.clean(text)
    finally:
        database.Accelerator.scan = original
    return seen


def best_cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def _scratch(db):
    import hyperscan

    return hyperscan.Scratch(db)


def report(scans, repeat: int, top: int) -> None:
    table = scans[0][0].table
    scratches = {id(db): _scratch(db) for accel, _d in scans for _l, _i, db in accel.parts}

    def whole():
        for accel, data in scans:
            accel.scan(data)

    def bare(part: str | None = "*"):
        for accel, data in scans:
            for lang, _ids, db in accel.parts:
                if part == "*" or lang == part:
                    db.scan(data, match_event_handler=None, scratch=scratches[id(db)])

    nbytes = sum(len(d) for _a, d in scans)
    print(f"{len(scans)} scans, {nbytes / 1e6:.1f} MB, "
          f"{sum(len(a.parts) for a, _d in scans)} part scans")
    print(f"scan as the engine runs it {best_cpu(whole, repeat):.4f} s CPU, "
          f"without callbacks {best_cpu(bare, repeat):.4f} s")
    langs = collections.Counter(lang for a, _d in scans for lang, _i, _db in a.parts)
    for lang, n in langs.most_common():
        cost = best_cpu(lambda lang=lang: bare(lang), repeat)
        print(f"  part {lang or 'base':5s} scanned {n:5d} times  {cost:.4f} s")
    events: collections.Counter[int] = collections.Counter()
    repeats: collections.Counter[int] = collections.Counter()
    for accel, data in scans:
        on_line: set[tuple[int, int]] = set()
        for piece, end in accel.scan(data):
            events[piece] += 1
            key = (piece, data.count(b"\n", 0, end))
            if key in on_line:
                repeats[piece] += 1
            on_line.add(key)
    print(f"{sum(events.values())} match events, {sum(repeats.values())} of them "
          "a piece already found on its line")
    for piece, n in events.most_common(top):
        rules = sorted({table.patterns[k][0] for k in table.piece_patterns[piece]})
        print(f"  {n:6d} {repeats[piece]:5d}  {','.join(rules)[:60]:60s} "
              f"{table.pieces[piece][:50]}")


def ablate(scans, part: str, group: int, repeat: int) -> None:
    lang = None if part == "base" else part
    table = scans[0][0].table
    ids = next((i for a, _d in scans for l, i, _db in a.parts if l == lang), None)
    if ids is None:
        sys.exit(f"scan_cost.py: no document scanned part {part}")
    data = [d for a, d in scans if any(l == lang for l, _i, _db in a.parts)]

    def cost(keep: list[int]) -> float:
        db = database.compile_table(table, keep)
        scratch = _scratch(db)
        return best_cpu(lambda: [db.scan(d, match_event_handler=None, scratch=scratch)
                                 for d in data], repeat)

    full = cost(list(ids))
    print(f"part {part}: {len(ids)} pieces, {len(data)} documents, {full:.4f} s CPU")
    for a in range(0, len(ids), group):
        dropped = ids[a:a + group]
        saved = full - cost([k for k in ids if k not in dropped])
        rules = sorted({table.patterns[n][0] for k in dropped for n in table.piece_patterns[k]})
        print(f"  pieces {a:4d}-{a + len(dropped) - 1:4d} cost {saved:+.4f} s  "
              f"{','.join(rules)[:90]}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="replays per timing (best kept)")
    ap.add_argument("--top", type=int, default=20, help="busiest pieces shown")
    ap.add_argument("--ablate", metavar="PART", help="base, or a pack language (de, fr...)")
    ap.add_argument("--group", type=int, default=16, help="pieces per ablated group")
    args = ap.parse_args(argv)
    scans = record_scans(read_texts("extract-*"))
    if not scans:
        sys.exit("scan_cost.py: no scan recorded (is the fast database built?)")
    if args.ablate:
        ablate(scans, args.ablate, args.group, args.repeat)
    else:
        report(scans, args.repeat, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
