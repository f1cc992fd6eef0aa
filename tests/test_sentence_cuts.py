"""Sentence-level cuts (engine/sentences.py, rules/core/sentence-cut.yml): a
line rule's debris sentence at the start or the end of a line whose rest is
prose goes, the rest of the line stays; the report keeps what went, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.engine.sentences import _BOUNDARY, split_edges
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import bundled_rule_set

PROSE = ("The valley's two reservoirs were at their lowest level in a decade by the end of "
         "August, the water board said on Monday.")
OTHER = ("Farmers in the lower valley have been told to expect a second dry year and to plan "
         "their planting for it.")


def page(line: str) -> str:
    return OTHER + "\n\n" + line + "\n\n" + OTHER + "\n"


def sentence_cuts(result):
    return [c for c in result.removals if "sentence of the line cut" in c.detail]


@pytest.mark.parametrize("debris,where", [
    ("Subscribe to our newsletter.", "first"),
    ("Sign up for our newsletter!", "first"),
    ("Comments are closed.", "last"),
    ("Log in to leave a comment.", "first"),
])
def test_debris_sentence_is_cut_and_the_prose_stays(debris, where):
    line = f"{debris} {PROSE}" if where == "first" else f"{PROSE} {debris}"
    text = page(line)
    result = boilerstrip.clean(text)
    assert PROSE in result.text.splitlines()  # the rest of the line is kept, alone
    assert debris not in result.text
    (cut,) = sentence_cuts(result)
    assert cut.text.strip() == debris and f"{where} sentence" in cut.detail
    assert text[cut.start:cut.end] == cut.text
    assert result.restore() == text


def test_whole_debris_line_still_goes_whole():
    result = boilerstrip.clean(page("Subscribe to our newsletter."))
    assert "Subscribe" not in result.text and not sentence_cuts(result)


@pytest.mark.parametrize("line", [
    # the rest is too short to be prose on its own (11 words; a debris sentence
    # of a category that cuts: "Share this" is social-share, never cut anyway)
    "It was all free, and the council said so on Monday. Comments are closed.",
    # the debris-like words sit inside a sentence, not a sentence of their own
    "She said she would subscribe to our newsletter once the council published the "
    "figures it had promised in the spring.",
    # the rest does not end like a sentence (a list of links, a heading)
    "Comments are closed. Reservoirs Farmers Weather Drought Maps Rainfall Rivers Lakes "
    "Wells Pumps Canals Dams",
])
def test_lines_that_stay_whole(line):
    result = boilerstrip.clean(page(line))
    assert line in result.text and not sentence_cuts(result)


def test_the_lines_that_stay_whole_are_one_condition_away_from_a_cut():
    # so that each case above fails when its condition is lost
    longer = "It was all free, and the council said so again on Monday. Comments are closed."
    ended = ("Comments are closed. Reservoirs Farmers Weather Drought Maps Rainfall Rivers "
             "Lakes Wells Pumps Canals Dams.")
    for line in (longer, ended):
        assert sentence_cuts(boilerstrip.clean(page(line))), line


@pytest.mark.parametrize("line", [
    # a photo credit looks like a sentence of the article: never cut from prose
    f"Photo: Jane Doe. {PROSE}",
    # "follow him on Twitter" closes an author's note, which golds keep
    f"{PROSE} Follow us on Twitter.",
])
def test_categories_outside_the_list_never_cut(line):
    result = boilerstrip.clean(page(line))
    assert line in result.text and not sentence_cuts(result)


def test_cleaning_twice_changes_nothing():
    once = boilerstrip.clean(page(f"Subscribe to our newsletter. {PROSE} Comments are closed."))
    assert PROSE in once.text.splitlines()
    assert not boilerstrip.clean(once.text).changed


def test_split_edges():
    assert split_edges("No boundary here") is None
    s = "One. Two is here. Three"
    (a, b), (c, d) = split_edges(s)
    assert (s[:a], s[b:]) == ("One.", "Two is here. Three")
    assert (s[:c], s[d:]) == ("One. Two is here.", "Three")
    assert split_edges("e.g. lower case follows") is None


def test_sentence_cut_params_are_checked():
    (rule,) = [r for r in bundled_rule_set().rules if r.kind == "sentence-cut"]
    params = dict(rule.params)
    bad = rule.__class__(**{**rule.__dict__,
                            "params": tuple({**params, "categories": ("no-such",)}.items())})
    with pytest.raises(RuleError, match="categories"):
        boilerstrip.Cleaner(default_rules=False, extra_rules=[bad])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Yes", "no", "A", "1", ".", "!", "?", "…", "...", '"', "”",
                                 ")", "(", "«", " ", "  ", "\t", "\u00a0"]), max_size=30))
def test_split_edges_is_the_first_and_last_boundary(pieces):
    text = "".join(pieces)
    found = [m.span(1) for m in _BOUNDARY.finditer(text)]  # every boundary, in order
    assert split_edges(text) == ((found[0], found[-1]) if found else None)


def test_split_edges_in_windows_of_a_long_line():
    long = "Share this. " + "Word " * 400 + "end. Follow us."
    first, last = split_edges(long, window=60)
    assert long[:first[0]] == "Share this." and long[last[1]:] == "Follow us."
    assert split_edges("x" * 500 + ". Yes " + "y" * 500, window=60) is None
