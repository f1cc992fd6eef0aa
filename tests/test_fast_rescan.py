"""The fast provider's shortcuts give what the long way gives: a question
about every non-blank line skips the filter by the lines asked about
(``FastCandidates.for_rules``), and a later state's map, made from the rules
kept by line text (``_scan_lines``), is the map of a whole scan of that
text. Each is checked at every question of whole cleaning runs, on the
bundled corpora and on generated text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

pytest.importorskip("hyperscan")

from boilerstrip import Cleaner  # noqa: E402
from boilerstrip.document import Draft  # noqa: E402
from boilerstrip.engine.context import Context  # noqa: E402
from boilerstrip.engine.fast import database  # noqa: E402
from boilerstrip.engine.fast.provider import FastCandidates, FastProvider  # noqa: E402
from boilerstrip.rules.loader import bundled_rule_set  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


class Checked(FastCandidates):
    """Answers as FastCandidates does, after checking each shortcut against
    the way round it; counts what it checked (``seen``)."""

    seen: dict[str, int]

    def for_rules(self, rules, lines, view):
        got = super().for_rules(rules, lines, view)
        # a copy of LINES is not the state's list of non-blank lines: the
        # answer filtered by the lines asked about
        assert super().for_rules(rules, list(lines), view) == got
        self.seen["questions"] += 1
        self.seen["every"] += lines is self.ctx.shown() and self._map_shown()
        return got

    def _scan_lines(self):
        got = super()._scan_lines()
        # the same text, new to a provider: one scan of the whole of it
        fresh = FastCandidates(Context(Draft(self.ctx.draft.text)), None, self.owner)
        assert fresh._hits() == got
        self.seen["rescans"] += 1
        return got


class CheckedProvider(FastProvider):
    def __init__(self, accel, seen):
        super().__init__(accel, short_chars=0)
        self.seen = seen

    def __call__(self, ctx, index):
        got = Checked(ctx, index, self._for(getattr(ctx, "languages", None)))
        got.seen = self.seen
        return got


@pytest.fixture(scope="module")
def accel():
    """The accelerator of the bundled rules, compiled once (seconds), not cached."""
    return database.build(bundled_rule_set().rules, store=False)


def _counter():
    return {"questions": 0, "every": 0, "rescans": 0}


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["article", "page"])
def test_shortcuts_answer_as_the_long_way_on_the_corpora(accel, profile, full_size):
    files = sorted(DATA.glob("*/*/*.txt"))
    if not full_size:
        files = random.Random(14).sample(files, 40)
    seen = _counter()
    cleaner = Cleaner(profile=profile, candidates=CheckedProvider(accel, seen))
    for path in files:
        cleaner.clean(path.read_text("utf-8"))
    # both routes were taken, and later states were mapped from kept texts
    assert seen["every"] > 100 and seen["questions"] > seen["every"]
    assert seen["rescans"] > 10


_BITS = st.sampled_from([
    "Share this", "Related articles", "Read more", "Comments", "Reply", "Follow us on",
    "Advertisement", "All rights reserved", "Photo: A. Writer", "Subscribe now",
    "Log in to comment", "Mehr zum Thema", "Weitere Artikel", "The article goes on here.",
    " ", "  ", "\t", "\xa0", "\r", "\n", "\n\n", "|", "»", "2024", "x" * 40])


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(_BITS | st.text(max_size=5), max_size=8), min_size=1, max_size=12))
def test_shortcuts_answer_as_the_long_way_on_generated_text(accel, parts):
    # margins, blank lines of whitespace and repeated lines: what the
    # shortcuts must not lose (a blank line with a hit, a text kept by line)
    text = "\n".join("".join(p) for p in parts)
    seen = _counter()
    Cleaner(candidates=CheckedProvider(accel, seen)).clean(text)


def test_a_gate_question_splits_no_line(accel):
    # the detectors' gates ask for one rule's lines (fast/gates.py): the
    # scan answers from the text, and the lines are split when a stage
    # asks for candidates (whether the map holds blank lines is found then)
    text = "The article.\n  \nShare this\nRelated articles\n"
    got = FastProvider(accel, short_chars=0)(Context(Draft(text)), None)
    served = sorted(accel.rule_ids)
    assert any(got.lines_of(rid) for rid in served)
    assert got.ctx.draft._lines is None
    split = FastProvider(accel, short_chars=0)(Context(Draft(text)), None)
    split.ctx.draft.lines  # split before the scan, as before
    assert [got.lines_of(rid) for rid in served] == [split.lines_of(rid) for rid in served]
