"""The cleaner's passes skip what cannot find anything new, and change nothing by it.

A stage of a kind in ``cleaner.CONTENTS_ONLY`` that found nothing is not run
again while the non-blank lines' contents are the same (the confirming pass
after a removal by an earlier stage). These tests run the cleaner with and
without that skip on every bundled corpus document and on generated text, and
hold each such kind to what the skip assumes: its verdict depends on the
non-blank contents alone, not on blank lines or margins.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.document import Draft
from boilerstrip.engine import cleaner as cleaner_module
from boilerstrip.engine.context import Context
from boilerstrip.engine.kinds import RUNS, KindRun

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"

_CLEANERS: dict[str, boilerstrip.Cleaner] = {}


def _cleaner(profile: str = "article") -> boilerstrip.Cleaner:
    if profile not in _CLEANERS:
        _CLEANERS[profile] = boilerstrip.Cleaner(profile=profile)
    return _CLEANERS[profile]


def _outcome(result) -> tuple:
    return result.text, result.changes, result.status, result.skipped, result.languages


def _counting(monkeypatch) -> dict[str, int]:
    """Count the runs of the stages of ``CONTENTS_ONLY`` kinds."""
    calls = {kind: 0 for kind in cleaner_module.CONTENTS_ONLY}
    for kind in calls:
        run = RUNS[kind]

        def stage(items, ctx, _stage=run.stage, _kind=kind):
            calls[_kind] += 1
            return _stage(items, ctx)
        monkeypatch.setitem(RUNS, kind, KindRun(run.compile, stage, run.first_pass_only,
                                                run.uses_kind))
    return calls


def _both_ways(text: str, profile: str = "article") -> tuple[tuple, tuple, int, int]:
    """The outcome of cleaning TEXT with and without the skip, and how many
    stage runs each made."""
    cleaner = _cleaner(profile)
    with pytest.MonkeyPatch.context() as m:
        calls = _counting(m)
        skipped = _outcome(cleaner.clean(text))
        with_skip = sum(calls.values())
        m.setattr(cleaner_module, "CONTENTS_ONLY", frozenset())
        for kind in calls:
            calls[kind] = 0
        plain = _outcome(cleaner.clean(text))
        without = sum(calls.values())
    return skipped, plain, with_skip, without


def _corpus(full_size: bool) -> list[tuple[Path, str]]:
    files = [(f, "article") for f in sorted(DATA.glob("*/extract-*/*.txt"))]
    if full_size:
        files += [(f, p) for f in sorted(DATA.glob("*/page/*.txt")) for p in ("article", "page")]
    return files


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_skipping_stages_changes_nothing_on_the_corpora(full_size):
    saved = 0
    files = _corpus(full_size)
    assert files
    for f, profile in files:
        skipped, plain, with_skip, without = _both_ways(f.read_bytes().decode("utf-8"), profile)
        assert skipped == plain, (f, profile)
        assert with_skip <= without
        saved += without - with_skip
    assert saved > 100  # the confirming passes did skip stages: the comparison saw some


_LINES = [
    "", "", "  ", "Share this article", "Read more:", "Advertisement",
    "The council met on Tuesday and agreed the budget after a long debate.",
    "She said the plan would be ready by the spring, the minister added.",
    "Top stories", "More from our reporters", "Photo: Jane Doe", "Comments",
    "A new bridge opens downtown", "Local team wins the final", "Why prices went up...",
    "  Sign up for our newsletter  ", "Tags: politics, economy", "Reply",
    "The same caption of the photo gallery is printed twice on this page.",
    "* The same caption of the photo gallery is printed twice on this page.",
    "March 3, 2024", "Follow us on Twitter", "x",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_LINES), min_size=1, max_size=30))
def test_skipping_stages_changes_nothing_on_generated_text(lines):
    skipped, plain, with_skip, without = _both_ways("\n".join(lines) + "\n")
    assert skipped == plain
    assert with_skip <= without


def _stage_removes(kind: str, text: str) -> list[str]:
    """The contents of the non-blank lines the stage of KIND deletes (part of) in TEXT."""
    cleaner = _cleaner()
    stages, index = cleaner._plan(cleaner.detect(""))
    items = dict(stages)[kind]
    ctx = Context(Draft(text), cleaner.options)
    ctx.candidates = cleaner._provider(ctx, index)
    dels = RUNS[kind].stage(items, ctx) or []
    lines = ctx.draft.lines
    return sorted({ln.content for a, b, _who in dels for ln in lines
                   if ln.content and ln.start < b and a < ln.next})


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([x for x in _LINES if x.strip()]), min_size=1, max_size=20),
       st.data())
def test_a_skipped_kind_decides_from_the_non_blank_contents_alone(lines, data):
    """Blank lines added anywhere and margins around lines change nothing the
    stages of ``CONTENTS_ONLY`` kinds decide (what the skip relies on)."""
    plain = "\n".join(lines) + "\n"
    spread = []
    for line in lines:
        spread += [""] * data.draw(st.integers(0, 2)) + [data.draw(st.sampled_from(
            ["", " ", "\t"])) + line + data.draw(st.sampled_from(["", " ", "\r"]))]
    varied = "\n".join(spread) + "\n" * data.draw(st.integers(0, 3))
    for kind in sorted(cleaner_module.CONTENTS_ONLY):
        assert _stage_removes(kind, plain) == _stage_removes(kind, varied), kind


def test_the_skip_is_taken_in_a_confirming_pass(monkeypatch):
    """A removal by an early stage, then nothing more: the later stages of
    ``CONTENTS_ONLY`` kinds run once, not again in the confirming pass."""
    text = ("The council met on Tuesday and agreed the budget after a long debate.\n\n"
            "Share this article\n\n"
            "She said the plan would be ready by the spring, the minister added.\n")
    calls = _counting(monkeypatch)
    result = _cleaner().clean(text)
    assert "Share this article" not in result.text
    assert calls["edge-block"] == 1 and calls["repeated-line"] == 1
    monkeypatch.setattr(cleaner_module, "CONTENTS_ONLY", frozenset())
    assert _outcome(_cleaner().clean(text)) == _outcome(result)
