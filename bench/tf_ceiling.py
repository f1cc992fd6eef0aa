"""Ceiling of the tf-dev rows under the product's defaults (issue 17's closing note).

    python bench/tf_ceiling.py                         # runs `boilerstrip clean` on both renderings
    python bench/tf_ceiling.py --outputs DIR           # DIR = a `bench/quality.py --keep-outputs` folder
    python bench/tf_ceiling.py --command "python -m boilerstrip clean"

For each extractor rendering of tf-dev it lists what is left of the labels' verdicts:

* every `without` (drop) snippet still in our output, by what it is. The kinds come from
  a hand classification kept in ``tf_ceiling_labels.json`` (document id + a hash of the
  snippet, never its text); a snippet it does not know is counted as ``unclassified``.
  headline, standfirst, date, byline and caption are KEPT BY THE PRODUCT'S DEFAULT (the
  default profile never removes them), whatever the labels say.
* every `with` (keep) snippet missing from our output: absent from the extractor's own
  output already (nothing a cleaner can do), or removed by boilerstrip (which rule).

Then the F each row would reach, scored as the reference scorer does (micro TP/FP/FN):

* ``ceiling (defaults)``: every drop snippet not kept by default removed, nothing else
  changed;
* ``ceiling (shape)``: the same without the body prose the labels call debris (prose that
  reads as the article's own: removing it would fit the labels, not a layout);
* ``+ keep restored``: the defaults ceiling with every keep snippet we removed put back.

Each with the two site halves (bench/sites.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import quality, scoring, sites  # noqa: E402

LABELS_FILE = Path(__file__).resolve().parent / "tf_ceiling_labels.json"
RENDERINGS = ("extract-trafilatura", "extract-readability")
KEPT_BY_DEFAULT = ("headline", "standfirst", "date", "byline", "caption")
REMOVABLE = ("body", "bio", "promo", "teaser", "comment", "other")
SHAPE_EXCLUDED = ("body",)
#: issue 17's target F of each row
TARGETS = {"extract-trafilatura": 0.956, "extract-readability": 0.915}
KINDS = KEPT_BY_DEFAULT + REMOVABLE + ("unclassified",)


def snippet_key(snippet: str) -> str:
    """The key of a snippet in the labels file: a hash, so no corpus text is stored."""
    return hashlib.sha1(scoring.collapse_ws(snippet).encode("utf-8")).hexdigest()[:10]


def load_kinds(path: Path = LABELS_FILE) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)["labels"]


def removing_rules(report: Path) -> dict[str, list[tuple[int, int, str]]]:
    """{doc id: [(start, end, rule)]} of a JSONL report (empty when there is none)."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if not report.is_file():
        return spans
    for line in report.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if "start" in rec and "end" in rec and rec.get("rule"):
            doc_id = Path(rec.get("file") or rec.get("path") or "").stem
            spans[doc_id].append((rec["start"], rec["end"], rec["rule"]))
    return spans


def _cutting_rule(text: str, snippet: str, spans) -> str:
    """The rule whose removal overlaps the snippet's first occurrence in the input."""
    for start, end in quality.snippet_spans(text, [snippet]):
        for r_start, r_end, rule in spans:
            if r_start < end and start < r_end:
                return rule
    return "(rule not found)"


def analyse(labels: dict, inputs: dict[str, str], outputs: dict[str, str],
            kinds: dict[str, dict[str, str]], spans, site_of: dict[str, str] | None = None) -> dict:
    """Counts per kind (and the web sites they are on) and the per-document TP/FP/FN
    of today and of the ceilings."""
    drops: Counter = Counter()
    drop_sites: dict[str, set[str]] = defaultdict(set)
    lost: Counter = Counter()
    per_doc = {}
    for doc_id, item in labels.items():
        out = scoring.collapse_ws(outputs.get(doc_id, ""))
        inp = scoring.collapse_ws(inputs.get(doc_id, ""))
        tp = fn = fp = fp_default = fp_shape = restored = 0
        for s in item["with"]:
            c = scoring.collapse_ws(s)
            if c in out:
                tp += 1
                continue
            fn += 1
            if c in inp:
                restored += 1
                lost["removed by " + _cutting_rule(inputs[doc_id], s, spans.get(doc_id, []))] += 1
            else:
                lost["absent from the extractor's output"] += 1
        for s in item["without"]:
            if scoring.collapse_ws(s) not in out:
                continue
            kind = kinds.get(doc_id, {}).get(snippet_key(s), "unclassified")
            drops[kind] += 1
            drop_sites[kind].add((site_of or {}).get(doc_id, doc_id))
            fp += 1
            fp_default += kind not in REMOVABLE
            fp_shape += kind not in REMOVABLE or kind in SHAPE_EXCLUDED
        per_doc[doc_id] = (tp, fp, fn, fp_default, fp_shape, restored)
    return {"drops": drops, "drop_sites": drop_sites, "lost": lost, "per_doc": per_doc}


def f_of(per_doc: dict, ids, variant: str) -> float:
    tp = fp = fn = 0
    for doc_id in ids:
        d_tp, d_fp, d_fn, fp_default, fp_shape, restored = per_doc[doc_id]
        if variant == "now":
            tp, fp, fn = tp + d_tp, fp + d_fp, fn + d_fn
        elif variant == "defaults":
            tp, fp, fn = tp + d_tp, fp + fp_default, fn + d_fn
        elif variant == "shape":
            tp, fp, fn = tp + d_tp, fp + fp_shape, fn + d_fn
        else:  # defaults ceiling + every keep snippet we removed put back
            tp, fp, fn = tp + d_tp + restored, fp + fp_default, fn + d_fn - restored
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def run_clean(command: str, in_dir: Path, out_dir: Path, report: Path) -> None:
    argv = quality.cli_argv(command, None, out_dir, report, in_dir)
    subprocess.run(argv, check=False, capture_output=True, stdin=subprocess.DEVNULL)


def render(rendering: str, res: dict, halves) -> list[str]:
    per_doc = res["per_doc"]
    every = sorted(per_doc)
    lines = [f"== tf-dev / {rendering}",
             f"drop snippets left in our output: {sum(res['drops'].values())}  (snippets, web sites)"]
    for kind in KINDS:
        if res["drops"][kind]:
            note = "  (kept by product default)" if kind in KEPT_BY_DEFAULT else ""
            lines.append(f"  {kind:<14}{res['drops'][kind]:>5}{len(res['drop_sites'][kind]):>5}{note}")
    lines.append(f"keep snippets missing from our output: {sum(res['lost'].values())}")
    for why, n in res["lost"].most_common():
        lines.append(f"  {n:>5}  {why}")
    tp, fp, fn = (sum(d[k] for d in per_doc.values()) for k in range(3))
    target = TARGETS.get(rendering)
    if target:
        fp_allowed = int(2 * tp / target - 2 * tp - fn)  # largest FP with F >= target
        lines.append(f"target F {target}: {max(0, fp - fp_allowed)} of the {fp} drop snippets must go "
                     f"(no keep snippet lost)")
    lines.append(f"{'F':<28}{'all':>7}{'half 0':>8}{'half 1':>8}")
    for name, variant in (("now", "now"), ("ceiling (defaults)", "defaults"),
                          ("ceiling (shape)", "shape"), ("+ keep restored", "restored")):
        row = [f_of(per_doc, ids, variant) for ids in (every, *halves)]
        lines.append(f"{name:<28}" + "".join(f"{x:>8.4f}" for x in row))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outputs", type=Path, help="a `bench/quality.py --keep-outputs` folder")
    ap.add_argument("--command", default=quality.DEFAULT_COMMAND,
                    help="what stands for `boilerstrip clean` when --outputs is not given")
    args = ap.parse_args(argv)
    corpus = quality.Corpus("tf-dev", quality.DATA_DIR)
    kinds = load_kinds()
    halves = sites.halves(corpus.sites)
    print(__doc__.split("\n\n")[0])
    with tempfile.TemporaryDirectory(prefix="tf-ceiling-") as tmp:
        for rendering in RENDERINGS:
            inputs = corpus.inputs(rendering)
            if args.outputs:
                out_dir = args.outputs / "tf-dev" / rendering / "boilerstrip"
                report = out_dir.with_name("boilerstrip.report.jsonl")
            else:
                out_dir, report = Path(tmp) / rendering, Path(tmp) / f"{rendering}.jsonl"
                out_dir.mkdir()
                run_clean(args.command, corpus.root / rendering, out_dir, report)
            outputs = scoring.read_texts(out_dir, corpus.ids)
            res = analyse(corpus.labels, inputs, outputs, kinds, removing_rules(report), corpus.sites)
            print("\n".join(render(rendering, res, halves)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
