#!/usr/bin/env python3
"""Count the most frequent boilerplate ("non-gold") lines in the corpora's renderings.

    python bench/debris_survey.py [--top 30] [--out bench/debris-survey.md]

Lines are whitespace-collapsed and stripped; in the `page` rendering inscriptis'
list bullets are dropped first. Counts are numbers of documents (a line repeated
inside one document counts once). A line is debris in a document when:
  sh181 (all tables): the gold does not hold it, by the bench's by-rule criterion -
        a line of >= 4 tokens with at most 50% of its 4-shingles in the gold, or a
        1-3 token line that is not a whole gold line;
  tf-dev, "confirmed" (extractor table): it overlaps a `without` snippet of the
        document and no `with` snippet - the labels say it is boilerplate;
  tf-dev, "loose" (page table): it overlaps no `with` snippet. tf-dev has no full
        gold, so this also counts content the snippets don't cover (subheadings
        such as "Fazit"); it is only used for the page rendering, where the
        frequent lines are navigation.
The third table lists the tf-dev `without` snippets still found in the extractor
outputs: the false positives that cost the extractors F there.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scoring  # noqa: E402
from bench.quality import DATA_DIR, Corpus, _Judge  # noqa: E402

_BULLET = re.compile(r"^(?:[*+o-] )+")
EXTRACTS = ("extract-trafilatura", "extract-readability")


def lines_with_spans(text: str):
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = " ".join(raw.split())
        yield _BULLET.sub("", line), pos, pos + len(raw.rstrip("\r\n"))
        pos += len(raw)


def survey(corpus: Corpus, rendering: str, tf_mode: str) -> Counter:
    """Documents in which each line is debris (see the module docstring)."""
    debris = Counter()
    for doc_id, text in corpus.inputs(rendering).items():
        judge = _Judge(corpus, doc_id, text)
        seen = set()
        for line, start, end in lines_with_spans(text):
            if not scoring.tokens(line):
                continue
            judged, wrong, right = judge(start, end, text[start:end])
            if corpus.name == "sh181":
                is_debris = judged and not wrong
            elif tf_mode == "confirmed":
                is_debris = right and not wrong
            else:
                is_debris = not wrong
            if is_debris:
                seen.add(line)
        debris.update(seen)
    return debris


def _cell(line: str) -> str:
    shown = line if len(line) <= 90 else line[:87] + "..."
    return "`" + shown.replace("|", "\\|").replace("`", "'") + "`"


def line_table(corpora: dict, renderings, tf_mode: str, top: int) -> list[str]:
    per = {(c, r): survey(corpora[c], r, tf_mode) for c in corpora for r in renderings}
    total = Counter()
    for debris in per.values():
        total.update(debris)
    cols = [f"{c} {r.replace('extract-', '')}" for c, r in per]
    out = ["| # | line | docs | " + " | ".join(cols) + " |",
           "|---:|---|---:|" + "---:|" * len(cols)]
    for i, (line, n) in enumerate(total.most_common(top), 1):
        out.append(f"| {i} | {_cell(line)} | {n} | " + " | ".join(str(per[k][line]) for k in per) + " |")
    return out


def surviving_snippets(corpus: Corpus, top: int) -> list[str]:
    """`without` snippets found in the extractor outputs, by number of documents."""
    found = {r: Counter() for r in EXTRACTS}
    for r in EXTRACTS:
        for doc_id, text in corpus.inputs(r).items():
            flat = scoring.collapse_ws(text)
            for s in set(corpus.labels[doc_id]["without"]):
                if scoring.collapse_ws(s) in flat:
                    found[r][scoring.collapse_ws(s)] += 1
    total = found[EXTRACTS[0]] + found[EXTRACTS[1]]
    out = [f"{sum(total.values())} surviving snippets ({sum(found[EXTRACTS[0]].values())} in "
           f"trafilatura's output, {sum(found[EXTRACTS[1]].values())} in readability's), "
           f"{len(total)} distinct; the {min(top, len(total))} most frequent:", "",
           "| # | `without` snippet | docs | trafilatura | readability |", "|---:|---|---:|---:|---:|"]
    for i, (s, n) in enumerate(total.most_common(top), 1):
        out.append(f"| {i} | {_cell(s)} | {n} | {found[EXTRACTS[0]][s]} | {found[EXTRACTS[1]][s]} |")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--out", type=Path, help="write markdown here (default: stdout)")
    args = ap.parse_args(argv)
    corpora = {name: Corpus(name, DATA_DIR) for name in ("sh181", "tf-dev")}
    doc = ["# Debris survey: the most frequent non-gold lines", "",
           "Made by `python bench/debris_survey.py --out bench/debris-survey.md`; the exact "
           "definitions are in that script's docstring. Counts are documents (per corpus and "
           "rendering; `docs` is their sum). sh181 lines count when the gold does not hold them; "
           "tf-dev has no full gold, only snippets, so in the extractor table a tf-dev line counts "
           "only when it overlaps a `without` snippet (confirmed boilerplate), and in the page "
           "table when it overlaps no `with` snippet (loose: subheadings the snippets don't cover "
           "count too). In `page`, inscriptis list bullets are dropped before counting.", "",
           "Frequent lines are where rules pay off, but a rule for one of them must not fire on the "
           "same words in running text, and tf-dev's held-out half has other web sites: prefer "
           "phrasings that recur across sites over what one site prints.", "",
           f"## 1. Extractor outputs (extract-trafilatura, extract-readability): top {args.top}", ""]
    doc += line_table(corpora, EXTRACTS, "confirmed", args.top)
    doc += ["", "## 2. tf-dev: `without` snippets still in the extractor outputs", ""]
    doc += surviving_snippets(corpora["tf-dev"], args.top)
    doc += ["", f"## 3. Full-page text (`page`): top {args.top}", ""]
    doc += line_table(corpora, ("page",), "loose", args.top)
    text = "\n".join(doc) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
