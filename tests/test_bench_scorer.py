"""The bench's own scorer (bench/scoring.py): hand-computed cases, the figures the
corpora document for their untouched renderings, and agreement with the shared
reference scorer (../shared/eval/score.py) when it is there."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import baselines, scoring, sites  # noqa: E402
from bench.quality import Corpus, snippet_spans  # noqa: E402

DATA = ROOT / "bench" / "data"
REFERENCE = ROOT.parent / "shared" / "eval" / "score.py"
RENDERINGS = ("page", "extract-trafilatura", "extract-readability")


# ------------------------------------------------------------------ sh181 by hand

def test_sh181_identical_texts_score_one():
    gold = {"a": "one two three four five six", "b": "x y"}
    res = scoring.score_sh181(gold, dict(gold))
    assert (res["precision"], res["recall"], res["f1"], res["accuracy"], res["empty"]) == (1, 1, 1, 1, 0)


def test_sh181_tokens_ignore_punctuation_and_spacing():
    gold = {"a": "Hello, world!  How are you?"}
    res = scoring.score_sh181(gold, {"a": "Hello world\nHow are you"})
    assert res["f1"] == 1 and res["accuracy"] == 1


def test_sh181_extra_and_missing_shingles():
    # gold tokens a b c d e -> shingles abcd, bcde (2)
    # pred tokens a b c d e f -> abcd, bcde, cdef (3): tp 2, fp 1, fn 0
    res = scoring.score_sh181({"d": "a b c d e"}, {"d": "a b c d e f"})
    assert res["precision"] == pytest.approx(2 / 3)
    assert res["recall"] == 1
    assert res["f1"] == pytest.approx(2 * (2 / 3) / (2 / 3 + 1))
    assert res["accuracy"] == 0


def test_sh181_short_text_is_one_shingle():
    assert scoring.shingles(["a", "b"]) == {("a", "b"): 1}
    assert scoring.shingles([]) == {}
    # "a b" vs "a b c": two different short shingles, nothing in common
    assert scoring.shingle_tp_fp_fn("a b", "a b c") == (0, 1, 1)


def test_sh181_shingles_are_a_multiset():
    # gold: w w w w w (5 tokens) -> shingle (w,w,w,w) twice; pred 4 w's -> once
    assert scoring.shingle_tp_fp_fn("w w w w w", "w w w w") == (1, 0, 1)


def test_sh181_empty_prediction_counts_in_recall_not_precision():
    gold = {"a": "a b c d e", "b": "p q r s t"}
    res = scoring.score_sh181(gold, {"a": "a b c d e", "b": ""})
    assert res["precision"] == 1          # only document a has output
    assert res["recall"] == 0.5           # (1 + 0) / 2
    assert res["f1"] == pytest.approx(2 / 3)
    assert res["empty"] == 1
    assert res["accuracy"] == 0.5


def test_sh181_missing_prediction_is_empty():
    res = scoring.score_sh181({"a": "a b c d"}, {})
    assert res["empty"] == 1 and res["recall"] == 0 and res["precision"] == 0


# ------------------------------------------------------------------ tf990 by hand

def test_tf990_snippet_found_after_whitespace_collapse():
    snippets = {"d": {"with": ["keep  this\ntext"], "without": ["Share on"]}}
    res = scoring.score_tf990(snippets, {"d": "  keep this \t text and more"})
    assert (res["tp"], res["fp"], res["fn"], res["tn"]) == (1, 0, 0, 1)
    assert res["precision"] == res["recall"] == res["f1"] == res["accuracy"] == 1


def test_tf990_case_and_characters_matter():
    snippets = {"d": {"with": ["Keep this"], "without": ["Share on", "Login"]}}
    res = scoring.score_tf990(snippets, {"d": "keep this. Share  on Facebook"})
    assert (res["tp"], res["fp"], res["fn"], res["tn"]) == (0, 1, 1, 1)
    assert res["precision"] == 0 and res["recall"] == 0 and res["f1"] == 0
    assert res["accuracy"] == pytest.approx(1 / 3)  # (tp 0 + tn 1) / 3 snippets


def test_tf990_micro_average_over_documents():
    snippets = {"a": {"with": ["x1", "x2"], "without": ["b1"]},
                "b": {"with": ["y1"], "without": ["c1", "c2"]}}
    # a: x1 found, x2 missing, b1 found -> tp1 fn1 fp1; b: y1 found, c1 found -> tp1 fp1 tn1
    res = scoring.score_tf990(snippets, {"a": "x1 b1", "b": "y1 c1"})
    assert (res["tp"], res["fp"], res["fn"], res["tn"]) == (2, 2, 1, 1)
    assert res["precision"] == 0.5
    assert res["recall"] == pytest.approx(2 / 3)
    assert res["f1"] == pytest.approx(4 / 7)
    assert res["accuracy"] == 0.5


def test_tf990_empty_prediction():
    res = scoring.score_tf990({"d": {"with": ["a"], "without": ["b"]}}, {"d": " \n "})
    assert res["empty"] == 1 and res["tp"] == 0 and res["tn"] == 1


# ------------------------------------------------------------------ baselines, by-rule helpers

def test_c4_line_rules():
    text = "\n".join([
        "A proper sentence with words.",              # kept
        "Too short.",                                   # < 3 words
        "No terminal punctuation here at all",          # no end mark
        "This one trails off into nothing...",          # ellipsis
        "Please enable JavaScript to view this page.",  # javascript
        "This site uses cookies to work well.",         # policy phrase
        "Code like {x} is not text here.",              # curly bracket
        "  Indented quote ends in a quote mark\"  ",   # kept, stripped
        "A cited fact is true.[12]",                    # citation removed, kept
    ])
    assert baselines.c4(text).splitlines() == [
        "A proper sentence with words.",
        "Indented quote ends in a quote mark\"",
        "A cited fact is true.",
    ]


def test_snippet_spans_map_back_to_the_raw_text():
    text = "Intro\n  keep   this\ntext  here\nShare on"
    (span,) = snippet_spans(text, ["keep this text"])
    assert text[span[0]:span[1]] == "keep   this\ntext"
    assert snippet_spans(text, ["absent"]) == []


def test_bench_runs_a_command_and_reads_its_report(tmp_path):
    """The bench end to end on one rendering with the stand-in CLI."""
    cmd = [sys.executable, str(ROOT / "bench" / "quality.py"), "--corpus", "sh181",
           "--rendering", "page", "--by-rule", "--json", "--no-baselines",
           "--command", f"{sys.executable} {ROOT / 'bench' / 'fake_boilerstrip.py'}"]
    res = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    rows = {r["system"]: r for r in res["rows"]}
    assert set(rows) == {"boilerstrip", "boilerstrip --profile page"}
    row = rows["boilerstrip"]
    assert row["status"] == "ok" and row["missing_outputs"] == 0 and row["inputs_modified"] == 0
    assert row["f1"] > 0.679  # the stand-in removes a few share/ad lines
    rules = {r["rule"]: r for r in row["by_rule"]["rules"]}
    assert rules["fake.share-line"]["hits"] > 0
    assert row["by_rule"]["problems"] == {}


# ------------------------------------------------------------------ the corpora's own figures

DOCUMENTED_F = {  # from bench/data/*/SOURCE.md
    ("sh181", "page"): 0.679, ("sh181", "extract-trafilatura"): 0.953,
    ("sh181", "extract-readability"): 0.951, ("tf-dev", "page"): 0.693,
    ("tf-dev", "extract-trafilatura"): 0.930, ("tf-dev", "extract-readability"): 0.886,
}


def _ours(corpus: str, rendering: str) -> dict:
    if corpus == "sh181":
        gold = scoring.load_gold(DATA / "sh181")
        return scoring.score_sh181(gold, scoring.read_texts(DATA / "sh181" / rendering, gold))
    snippets = scoring.load_snippets(DATA / "tf-dev")
    return scoring.score_tf990(snippets, scoring.read_texts(DATA / "tf-dev" / rendering, snippets))


@pytest.mark.parametrize("corpus,rendering", sorted(DOCUMENTED_F))
def test_untouched_renderings_score_as_documented(corpus, rendering):
    assert round(_ours(corpus, rendering)["f1"], 3) == DOCUMENTED_F[corpus, rendering]


# ------------------------------------------------------------------ agreement with the reference

@pytest.fixture(scope="module")
def reference():
    if not REFERENCE.is_file():
        pytest.skip(f"no reference scorer at {REFERENCE}")
    sys.path.insert(0, str(REFERENCE.parent))  # it imports its sibling `common`
    try:
        spec = importlib.util.spec_from_file_location("_reference_score", REFERENCE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REFERENCE.parent))
    return module


# the untouched renderings, and C4 outputs for documents emptied by a cleaner
CASES = [(r, "identity") for r in RENDERINGS] + [("extract-readability", "c4")]


@pytest.mark.parametrize("rendering,baseline", CASES)
def test_agrees_with_reference_sh181(reference, rendering, baseline):
    gold = scoring.load_gold(DATA / "sh181")
    clean = baselines.BASELINES[baseline]
    pred = {k: clean(v) for k, v in scoring.read_texts(DATA / "sh181" / rendering, gold).items()}
    ours = scoring.score_sh181(gold, pred)
    ref = reference.score_sh181(gold, pred, n_bootstrap=0)
    for key in ("precision", "recall", "f1", "accuracy"):
        assert round(ours[key], 3) == round(ref[key], 3), key
    assert ours["empty"] == ref["empty_predictions"]


@pytest.mark.parametrize("rendering,baseline", CASES)
def test_agrees_with_reference_tf_dev(reference, rendering, baseline):
    snippets = scoring.load_snippets(DATA / "tf-dev")
    clean = baselines.BASELINES[baseline]
    pred = {k: clean(v) for k, v in scoring.read_texts(DATA / "tf-dev" / rendering, snippets).items()}
    ours = scoring.score_tf990(snippets, pred)
    ref = reference.score_tf990(snippets, pred)
    for key in ("precision", "recall", "f1", "accuracy"):
        assert round(ours[key], 3) == round(ref[key], 3), key
    for key in ("tp", "fp", "fn", "tn"):
        assert ours[key] == ref[key], key
    assert ours["empty"] == ref["empty_predictions"]


DRAGNET = ROOT.parent / "shared" / "corpus" / "dragnet-dev"  # AGPLv3: read in place, never copied


@pytest.mark.parametrize("rendering,baseline", CASES)
def test_agrees_with_reference_dragnet_dev(reference, rendering, baseline):
    """dragnet-dev is scored as sh181 is: the bench's Corpus and the reference agree."""
    if not DRAGNET.is_dir():
        pytest.skip(f"no dragnet-dev corpus at {DRAGNET}")
    corpus = Corpus("dragnet-dev", DRAGNET.parent)
    clean = baselines.BASELINES[baseline]
    pred = {k: clean(v) for k, v in corpus.inputs(rendering).items()}
    ours = corpus.score(pred)
    ref = reference.score_sh181(corpus.labels, pred, n_bootstrap=0)
    for key in ("precision", "recall", "f1", "accuracy"):
        assert round(ours[key], 6) == round(ref[key], 6), key


# ------------------------------------------------------------------ split halves by site

def test_site_of_a_url_is_its_host_without_www():
    assert sites.host_of("https://www.Example.com/a/b?c") == "example.com"
    assert sites.host_of("http://news.example.org") == "news.example.org"
    assert sites.host_of("") == ""


def test_half_of_a_site_is_stable_and_both_halves_occur():
    assert sites.half_of("example.com") == sites.half_of("example.com")
    assert {sites.half_of(f"site{i}.test") for i in range(20)} == {0, 1}


def test_pages_sharing_long_lines_form_one_site():
    menu = ["Home of the Valley Gazette newspaper", "Subscribe to the Valley Gazette today",
            "Copyright Valley Gazette Media Group"]
    other = ["Welcome to the Harbour Times weblog", "All rights reserved by Harbour Times",
             "Harbour Times contact and imprint page"]
    pages = {"3": "\n".join(menu + ["A story about a bridge opening downtown."]),
             "1": "\n".join(menu + ["A story about the harvest festival."]),
             "2": "\n".join(other + ["Notes on sailing in rough weather."]),
             "4": "\n".join(menu[:2] + ["Only two lines shared with the Gazette pages."])}
    assert sites.sites_by_shared_lines(pages) == {"1": "1", "3": "1", "2": "2", "4": "4"}


def test_halves_never_split_a_site():
    site_of = {"a": "x.test", "b": "x.test", "c": "y.test", "d": "z.test", "e": "y.test"}
    first, second = sites.halves(site_of)
    assert sorted(first + second) == sorted(site_of)
    for doc_ids in (first, second):
        for doc_id in doc_ids:
            mates = {d for d, s in site_of.items() if s == site_of[doc_id]}
            assert mates <= set(doc_ids)


def test_bench_prints_both_halves(tmp_path):
    cmd = [sys.executable, str(ROOT / "bench" / "quality.py"), "--corpus", "sh181",
           "--rendering", "extract-readability", "--no-baselines",
           "--command", f"{sys.executable} {ROOT / 'bench' / 'fake_boilerstrip.py'}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    counts = [int(line.split("(")[1].split()[0]) for line in out.splitlines()
              if line.lstrip().startswith("half ")]
    assert len(counts) == 2 and sum(counts) == 181 and min(counts) > 0
