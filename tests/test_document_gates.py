"""Document gates: a text-level test that proves a stage cannot change THIS
document, so the stage skips its walk. Each gate is exact: the gated and the
ungated path give the same deletions (and the same cleaned text and report)
on every bundled corpus document and on generated text built to sit on the
gate's boundary; a gate made wrong on purpose is caught by the same check.

* ``edges.teaser_gate`` (``may_hold_teaser``): a start block needs a line
  ending with an ellipsis (``TEASER_CUT``), so a text holding none has none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.document import Draft
from boilerstrip.engine import edges
from boilerstrip.engine.context import TEASER_CUT

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def _edge_rules():
    rules = [r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
             if r.kind == "edge-block"]
    rules.sort(key=lambda r: r.sort_key())
    return [(r, edges.edge_config(r)) for r in rules]


EDGE_RULES = _edge_rules()


def _edge_deletions(text: str, gate) -> list:
    saved = edges.teaser_gate
    edges.teaser_gate = gate
    try:
        return edges.edge_block(EDGE_RULES, Draft(text))
    finally:
        edges.teaser_gate = saved


def _ungated(text: str) -> bool:
    return True


def _same_edges(text: str, gate=edges.may_hold_teaser) -> bool:
    return _edge_deletions(text, gate) == _edge_deletions(text, _ungated)


def _corpus_files() -> list[Path]:
    return sorted(DATA.glob("*/*/*.txt"))


def test_the_start_rule_is_gated():
    # the gate only pays (and is only exact) for rules looking at the start
    assert any("start" in cfg.ends for _rule, cfg in EDGE_RULES)


@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_teaser_gate_is_exact_on_every_corpus_document():
    files = _corpus_files()
    assert files
    differ = [f.name for f in files
              if not _same_edges(f.read_bytes().decode("utf-8"))]
    assert differ == []


_rail_line = st.sampled_from(["Ten tips for a dry cellar", "Why the ferry stopped",
                              "Our mayor on sheep farming", "Spring menus we love"])
_cut = st.sampled_from(["...", "…", "..", ". . .", "…)", ""])
_prose = st.sampled_from([
    "The council met on Tuesday evening and agreed to repair the old bridge by the end of May.",
    "Residents had asked for the work for years, and the money finally came from the region.",
    "Traffic will move to the north road while the crews replace the deck and the railings.",
])


@st.composite
def _teaser_texts(draw) -> str:
    """Texts on the gate's boundary: a rail of short lines at the top, most
    cut off with one kind of ellipsis (or with something close to one), then
    enough prose to judge it by; an ellipsis maybe only inside the body."""
    cut = draw(st.sampled_from(["...", "…"]) | _cut)  # one kind for the rail: a text may hold only "..." or only "…"
    rail = [draw(_rail_line) + (cut if draw(st.integers(0, 3)) else draw(_cut))
            for _ in range(draw(st.integers(0, 6) | st.integers(3, 6)))]
    body = [draw(_prose) for _ in range(draw(st.integers(1, 12) | st.integers(6, 12)))]
    if draw(st.integers(0, 3)) == 0:
        body.insert(draw(st.integers(0, len(body))), "And then... nothing happened at all today.")
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    return sep.join(rail + body) + draw(st.sampled_from(["", "\n"]))


@given(_teaser_texts())
def test_teaser_gate_is_exact_on_generated_rails(text):
    assert _same_edges(text)


@given(st.text(alphabet=st.sampled_from(list("ab .…\n\u00a0")), max_size=300))
def test_teaser_gate_is_exact_on_generated_signs(text):
    assert _same_edges(text)


def test_a_wrong_teaser_gate_is_caught():
    """The check has teeth: a gate that knows only one of the ellipses
    changes the deletions of a text whose rail is cut with the other."""
    assert set(TEASER_CUT) == {"...", "…"}
    rail = "\n".join(["Plant garlic in late autumn for a...", "Repair a dripping kitchen tap...",
                      "Choose a sturdy bike for town", "Bake rye bread with only four..."])
    body = "\n".join([
        "The council voted on Monday to open the old library again after a long repair, "
        "and the reading room will welcome visitors from the first week of March.",
        "Volunteers sorted the shelves during the winter and found letters that the founder "
        "wrote to the mayor about the building, which will be shown in the hall.",
        "The opening hours grow longer on weekends, and pupils of the nearby school may use "
        "the study tables every afternoon without paying any fee at all.",
        "Parents asked for a quiet corner for small children, which the staff promised to "
        "set up in the east wing before the summer holidays begin in July.",
    ])
    text = rail + "\n" + body + "\n"
    assert _edge_deletions(text, _ungated)  # the rail is found
    assert not _same_edges(text, lambda t: "…" in t)


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
@pytest.mark.parametrize("engine", ["pure", "fast"])
def test_cleaning_with_and_without_the_gates_agrees(engine, monkeypatch, full_size):
    """Whole cleans, text and report, gated and ungated (every 8th corpus
    document by default, every one under --slow)."""
    monkeypatch.setenv("BOILERSTRIP_ENGINE", engine)
    files = _corpus_files()[:: 1 if full_size else 8]
    gated = boilerstrip.Cleaner()
    ungated = boilerstrip.Cleaner()

    def report(cleaner, text):
        r = cleaner.clean(text)
        return r.text, r.changes, r.status, r.skipped, r.removed_share, r.languages

    for f in files:
        text = f.read_bytes().decode("utf-8")
        want = report(gated, text)
        monkeypatch.setattr(edges, "teaser_gate", _ungated)
        got = report(ungated, text)
        monkeypatch.setattr(edges, "teaser_gate", edges.may_hold_teaser)
        assert got == want, f.name
