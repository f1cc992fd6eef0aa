"""The two benchmarks' own metrics, written from the definitions in
bench/data/sh181/SOURCE.md and bench/data/tf-dev/SOURCE.md.

sh181 (Scrapinghub article-extraction benchmark)
    Tokens are the matches of ``\\w+``. A text is the multiset of its runs of 4
    consecutive tokens (a text of 1-3 tokens is one short shingle, an empty one
    has none). Per document: tp = shingles in both, fp = only in the prediction,
    fn = only in the gold (multiset counts). precision = mean of tp/(tp+fp) over
    documents with a non-empty prediction, recall = mean of tp/(tp+fn) over
    documents with a non-empty gold, F1 = harmonic mean of the two means,
    accuracy = share of documents whose token lists equal the gold's.

tf990 (trafilatura's evaluation set; tf-dev is half of it)
    Every "with" snippet found in the output is a TP (else FN), every "without"
    snippet found is a FP (else TN). "Found" = substring after collapsing each
    whitespace run to one space and stripping, case-sensitive. Counts are summed
    over all documents: P = TP/(TP+FP), R = TP/(TP+FN), F = 2TP/(2TP+FP+FN),
    accuracy = (TP+TN)/all.

A missing prediction counts as empty output.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

SHINGLE = 4
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


# ------------------------------------------------------------------ I/O

def read_text(path: Path) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def read_texts(directory: Path, ids) -> dict[str, str]:
    """{id: text of directory/<id>.txt}; a missing file gives ''."""
    directory = Path(directory)
    out = {}
    for doc_id in ids:
        p = directory / f"{doc_id}.txt"
        out[doc_id] = read_text(p) if p.is_file() else ""
    return out


def load_gold(corpus_dir: Path) -> dict[str, str]:
    """sh181 labels: {id: gold text} from corpus_dir/gold/*.txt."""
    gold_dir = Path(corpus_dir) / "gold"
    return {p.stem: read_text(p) for p in sorted(gold_dir.glob("*.txt"))}


def load_snippets(corpus_dir: Path) -> dict[str, dict]:
    """tf990 labels: {id: {"with": [...], "without": [...]}}."""
    with open(Path(corpus_dir) / "snippets.json", encoding="utf-8") as f:
        return json.load(f)


# ------------------------------------------------------------------ sh181

def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def shingles(toks: list[str]) -> Counter:
    if len(toks) <= SHINGLE:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1))


def shingle_tp_fp_fn(gold: str, pred: str) -> tuple[int, int, int]:
    g, p = shingles(tokens(gold)), shingles(tokens(pred))
    tp = sum((g & p).values())
    return tp, sum(p.values()) - tp, sum(g.values()) - tp


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def score_sh181(gold: dict[str, str], pred: dict[str, str]) -> dict:
    """Scores of predictions {id: text} against gold {id: text} (ids of the gold)."""
    precisions, recalls, exact, empty = [], [], [], 0
    for doc_id in sorted(gold):
        g, p = gold[doc_id], pred.get(doc_id, "")
        tp, fp, fn = shingle_tp_fp_fn(g, p)
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
        gt, pt = tokens(g), tokens(p)
        exact.append(gt == pt)
        empty += not pt
    precision, recall = _mean(precisions), _mean(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"documents": len(gold), "precision": precision, "recall": recall, "f1": f1,
            "accuracy": _mean(exact), "empty": empty}


# ------------------------------------------------------------------ tf990

def collapse_ws(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def score_tf990(snippets: dict[str, dict], pred: dict[str, str]) -> dict:
    """Micro-averaged snippet scores of predictions {id: text} (ids of the snippets)."""
    tp = fp = fn = tn = empty = 0
    for doc_id in sorted(snippets):
        text = collapse_ws(pred.get(doc_id, ""))
        empty += not text
        for s in snippets[doc_id]["with"]:
            if collapse_ws(s) in text:
                tp += 1
            else:
                fn += 1
        for s in snippets[doc_id]["without"]:
            if collapse_ws(s) in text:
                fp += 1
            else:
                tn += 1
    total = tp + fp + fn + tn
    return {"documents": len(snippets),
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "f1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0,
            "accuracy": (tp + tn) / total if total else 0.0,
            "empty": empty, "tp": tp, "fp": fp, "fn": fn, "tn": tn}
