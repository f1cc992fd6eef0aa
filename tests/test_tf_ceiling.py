"""bench/tf_ceiling.py: the ceiling arithmetic and the labels file it reads."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import tf_ceiling  # noqa: E402
from bench.quality import Corpus, DATA_DIR  # noqa: E402

# written for this test: one page, two keep and three drop snippets
LABELS = {"doc": {"with": ["The council met on Monday", "It voted for the plan"],
                  "without": ["Photo: A. Writer", "Sign up for our letter", "Read our guide"]}}
INPUT = ("Photo: A. Writer\nThe council met on Monday.\nIt voted for the plan.\n"
         "Sign up for our letter today.\nRead our guide to the town.\n")


def _kinds():
    return {"doc": {tf_ceiling.snippet_key("Photo: A. Writer"): "caption",
                    tf_ceiling.snippet_key("Sign up for our letter"): "promo",
                    tf_ceiling.snippet_key("Read our guide"): "body"}}


def test_snippet_key_ignores_whitespace_runs():
    assert tf_ceiling.snippet_key("Read  our\nguide ") == tf_ceiling.snippet_key("Read our guide")


def test_ceilings_remove_only_what_the_defaults_allow():
    output = INPUT.replace("It voted for the plan.\n", "")  # one keep snippet lost by a rule
    spans = {"doc": [(INPUT.index("It voted"), INPUT.index("Sign up"), "xx.test.rule")]}
    res = tf_ceiling.analyse(LABELS, {"doc": INPUT}, {"doc": output}, _kinds(), spans)
    assert res["drops"] == {"caption": 1, "promo": 1, "body": 1}
    assert res["lost"] == {"removed by xx.test.rule": 1}
    ids = ["doc"]
    assert tf_ceiling.f_of(res["per_doc"], ids, "now") == 2 / (2 + 3 + 1)
    # the caption stays (kept by default); promo and body go
    assert tf_ceiling.f_of(res["per_doc"], ids, "defaults") == 2 / (2 + 1 + 1)
    # the shape ceiling leaves the body prose too
    assert tf_ceiling.f_of(res["per_doc"], ids, "shape") == 2 / (2 + 2 + 1)
    assert tf_ceiling.f_of(res["per_doc"], ids, "restored") == 4 / (4 + 1)


def test_labels_file_names_known_kinds_and_real_snippets():
    kinds = tf_ceiling.load_kinds()
    assert {k for doc in kinds.values() for k in doc.values()} <= set(tf_ceiling.KINDS)
    corpus = Corpus("tf-dev", DATA_DIR)
    for doc_id, keys in kinds.items():
        known = {tf_ceiling.snippet_key(s) for s in corpus.labels[doc_id]["without"]}
        assert set(keys) <= known, doc_id
