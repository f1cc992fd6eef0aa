"""How much a document-level gate could spare each vocabulary detector.

For the comment-thread, reply-tail and sentence-cut stages, over the bundled
documents of one rendering (``extract-*`` by default: row 1 of speed.py),
prints how many documents the stage runs on, how many it removes something
from, how many hold the line evidence it needs (the floor of any exact gate)
how many a literal screen of the whole text lets through and how many the
fast engine's scan gate (``engine/fast/gates.py``: all of them under the
pure engine) lets through, with the stage's CPU time on first sight of the
documents (fresh memos).

    python bench/detector_gates.py [--rendering extract-*]

Counts only: no text of any document is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import read_texts  # noqa: E402

from boilerstrip import Cleaner  # noqa: E402
from boilerstrip.engine import kinds, replies, threads  # noqa: E402
from boilerstrip.engine.candidates import WHOLE, may_hit  # noqa: E402
from boilerstrip.engine.fast import gates  # noqa: E402

#: marker kinds of which a thread needs min_records lines (a date counts only
#: beside a name or a score, but it is still a line of its own)
RECORD_KINDS = frozenset(gates.RECORD_KINDS)


def _thread_evidence(items, ctx, seen: Counter) -> None:
    """Count what an exact gate of the comment-thread stage could know."""
    text = ctx.draft.text
    short = [ln.content for ln in ctx.draft.lines if ln.content]
    for item in items:
        cfg = item.cfg
        seen["thread: literal screen of the text passes"] += cfg.gate.may_hold(text)
        marks = [threads.line_marks(c, cfg) for c in short]
        records = sum(bool(m & RECORD_KINDS) for m in marks)
        headed = any("header" in m for m in marks) and cfg.min_headed_lines > 0
        seen["thread: >= min_records record lines, or a header"] += (
            records >= max(cfg.min_records, 1) or headed)
        # the fast engine's gate (engine/fast/gates.py); the pure engine's lets all through
        seen["thread: the scan's gate lets through"] += gates.thread_may_fire(item, ctx.candidates)


def _reply_evidence(items, ctx, seen: Counter) -> None:
    """Count what an exact gate of the reply-tail stage could know."""
    short = [ln.content for ln in ctx.draft.lines if ln.content]
    for item in items:
        cfg = item.cfg
        evidence = [replies.line_evidence(c, cfg) for c in short]
        seen["reply: a line of an opening kind"] += any(e & cfg.opens for e in evidence)
        seen["reply: a line of an opening kind, >= min_evidence evidence lines"] += (
            any(e & cfg.opens for e in evidence)
            and sum(map(bool, evidence)) >= max(cfg.min_evidence, 1))
        seen["reply: the scan's gate lets through"] += gates.tail_may_fire(item, ctx.candidates)
        tail = evidence[-(cfg.max_tail_lines + 1):]
        seen["reply: evidence in the last max_tail_lines + 1 lines"] += any(tail)


def _sentence_evidence(items, ctx, seen: Counter) -> None:
    for _cut, rules in items:
        seen["sentence-cut: a line holds a literal of its rules"] += bool(
            rules and may_hit(ctx.candidates, rules, WHOLE))


EVIDENCE = {"comment-thread": _thread_evidence, "reply-tail": _reply_evidence,
            "sentence-cut": _sentence_evidence}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rendering", default="extract-*", help="rendering glob (default extract-*)")
    args = ap.parse_args(argv)
    texts = read_texts(args.rendering)
    seen: Counter = Counter()
    cpu: Counter = Counter()
    first_pass: set[int] = set()
    stages = {kind: kinds.RUNS[kind].stage for kind in EVIDENCE}

    def wrapped(kind):
        def stage(items, ctx):
            t0 = time.process_time()
            got = stages[kind](items, ctx)
            cpu[kind] += time.process_time() - t0
            seen[f"{kind}: runs"] += 1
            seen[f"{kind}: removes something"] += bool(got)
            if (kind, id(ctx)) not in first_pass:  # once per document
                first_pass.add((kind, id(ctx)))
                EVIDENCE[kind](items, ctx, seen)
            return got
        return stage

    for kind in EVIDENCE:
        object.__setattr__(kinds.RUNS[kind], "stage", wrapped(kind))
    try:
        cleaner = Cleaner()
        for text in texts:
            cleaner.clean(text)
            first_pass.clear()
    finally:
        for kind, stage in stages.items():
            object.__setattr__(kinds.RUNS[kind], "stage", stage)
    print(f"{len(texts)} documents of {args.rendering}; stage calls count every pass")
    for key in sorted(seen):
        print(f"  {seen[key]:6d}  {key}")
    print("CPU of the stages (s, evidence counting excluded):")
    for kind in EVIDENCE:
        print(f"  {cpu[kind]:6.3f}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
