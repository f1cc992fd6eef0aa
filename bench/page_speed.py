#!/usr/bin/env python3
"""Time per MB of the page profile against the article profile, in one run.

    python bench/page_speed.py [--repeat N]

Cleans every bench/data/*/page/*.txt with Cleaner("article") and
Cleaner("page") (interleaved, best of N rounds, after a warm-up) and prints
seconds per MB of each and their ratio. The page profile's budget is 3x the
article profile's time (issue 6).

A last row cleans generated pages of 10k, 20k and 40k similar short lines
with the page profile: the time should grow about as the lines (issue 19
item 6; a quadratic step made it 0.9 / 3.3 / 14.7 s).
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
    print_growth(cleaners["page"])
    return 0


def similar_lines_page(n_lines: int) -> str:
    """A page of N_LINES short heading-like lines that differ only by a number."""
    return "".join(f"Short heading number {i}\n" for i in range(n_lines))


def print_growth(page: boilerstrip.Cleaner, sizes=(10_000, 20_000, 40_000)) -> None:
    """Time of the page profile on pages of similar lines of SIZES lines."""
    times = []
    for n in sizes:
        text = similar_lines_page(n)
        t0 = time.perf_counter()
        page.clean(text)
        times.append(time.perf_counter() - t0)
    shown = " / ".join(f"{n // 1000}k {s:.2f} s" for n, s in zip(sizes, times))
    growth = times[-1] / times[0] if times[0] else float("inf")
    lines = sizes[-1] / sizes[0]
    print(f"similar lines: {shown}  (x{growth:.1f} for x{lines:.0f} lines; linear: about x{lines:.0f})")


if __name__ == "__main__":
    raise SystemExit(main())
