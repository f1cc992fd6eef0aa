#!/usr/bin/env python3
"""A stand-in for `boilerstrip clean` that follows the CLI contract the bench relies on.

    python bench/fake_boilerstrip.py [--profile P] --output-dir OUT --report R.jsonl \
        --report-format jsonl INPUT_DIR

It removes whole lines that are a few well-known share/ad labels, writes every
INPUT_DIR/*.txt cleaned to OUT under the same name, writes one JSON line per removal
({file, rule, category, start, end, text}, half-open code-point offsets into the
input), and exits 1 if it changed something, 0 if not, 2 on a usage error.
It exists to develop and test bench/quality.py without the real engine:
    python bench/quality.py --command "python bench/fake_boilerstrip.py" --by-rule
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RULES = [
    ("fake.share-line", "share", re.compile(
        r"^[ \t*+o-]*(Share|Tweet|Teilen|E-?Mail|Facebook|Twitter|WhatsApp|Print|Drucken)[ \t]*(\r?\n|$)",
        re.M | re.I)),
    ("fake.ad-label", "ads", re.compile(
        r"^[ \t]*(Advertisement|Anzeige|Werbung|Publicidad)[ \t]*(\r?\n|$)", re.M)),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="default")
    ap.add_argument("--output-dir", required=True, type=Path)
    ap.add_argument("--report", required=True, type=Path)
    ap.add_argument("--report-format", choices=["jsonl"], required=True)
    ap.add_argument("input_dir", type=Path)
    args = ap.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    changed = False
    with open(args.report, "w", encoding="utf-8") as report:
        for path in sorted(args.input_dir.glob("*.txt")):
            text = path.read_bytes().decode("utf-8")  # offsets count code points of the raw text
            spans = sorted((m.start(), m.end(), rule, cat)
                           for rule, cat, rx in RULES for m in rx.finditer(text))
            out, pos = [], 0
            for start, end, rule, cat in spans:
                if start < pos:
                    continue
                out.append(text[pos:start])
                pos = end
                report.write(json.dumps({"file": str(path), "rule": rule, "category": cat,
                                         "start": start, "end": end, "text": text[start:end]},
                                        ensure_ascii=False) + "\n")
            out.append(text[pos:])
            changed |= bool(spans)
            (args.output_dir / path.name).write_bytes("".join(out).encode("utf-8"))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
