#!/usr/bin/env python3
"""Time per MB of the page profile against the article profile, in one run.

    python bench/page_speed.py [--repeat N]

Cleans every bench/data/*/page/*.txt with Cleaner("article") and
Cleaner("page") (interleaved, best of N rounds, after a warm-up) and prints
seconds per MB of each and their ratio. The page profile's budget is 3x the
article profile's time (issue 6).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import boilerstrip

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept (default 3)")
    args = ap.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(HERE.glob("data/*/page/*.txt"))]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    cleaners = {name: boilerstrip.Cleaner(name) for name in ("article", "page")}
    for c in cleaners.values():  # warm-up: rule compilation, page module import
        c.clean(texts[0])
    best = dict.fromkeys(cleaners, float("inf"))
    for _ in range(max(1, args.repeat)):
        for name, c in cleaners.items():
            t0 = time.perf_counter()
            for t in texts:
                c.clean(t)
            best[name] = min(best[name], time.perf_counter() - t0)
    print(f"{len(texts)} page files, {mb:.2f} MB, best of {args.repeat}")
    for name, s in best.items():
        print(f"{name:8s} {s:7.2f} s  {s / mb:6.2f} s/MB")
    ratio = best["page"] / best["article"]
    print(f"ratio page/article: {ratio:.2f}x (budget 3x){'  OVER BUDGET' if ratio > 3 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
