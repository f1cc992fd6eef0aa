#!/usr/bin/env python3
"""`boilerstrip clean`'s bench contract through the Python API (for rule development).

    python bench/api_clean.py [--profile P] [--rules PATH] [--ignore SEL] \
        --output-dir OUT --report R.jsonl --report-format jsonl INPUT_DIR

Same outputs as the CLI's batch mode with --output-dir: lets rule writers run
bench/quality.py --command "python bench/api_clean.py" against the source tree.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import boilerstrip


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="article")
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--ignore", action="append", default=[])
    ap.add_argument("--output-dir", required=True, type=Path)
    ap.add_argument("--report", required=True, type=Path)
    ap.add_argument("--report-format", choices=["jsonl"], default="jsonl")
    ap.add_argument("input_dir", type=Path)
    args = ap.parse_args(argv)
    cleaner = boilerstrip.Cleaner(args.profile, args.rules, ignore=args.ignore)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    changed = 0
    with open(args.report, "w", encoding="utf-8") as rep:
        for f in sorted(args.input_dir.glob("*.txt")):
            text = f.read_bytes().decode("utf-8")
            res = cleaner.clean(text)
            (args.output_dir / f.name).write_bytes(res.text.encode("utf-8"))
            changed += res.changed
            for c in res.changes:
                d = c.to_dict()
                d["file"] = f.name
                d["status"] = res.status
                rep.write(json.dumps(d, ensure_ascii=False) + "\n")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
