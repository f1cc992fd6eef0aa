"""Fragment kinds: the first or last non-blank line, as a remain at the edge
of a text; a line alone is no edge of anything."""

from __future__ import annotations

import pytest

import boilerstrip


@pytest.mark.parametrize("text", ["x\n", "the", "  and  \n\n", "\nof\n"])
def test_a_lone_line_is_no_leading_fragment(text):
    result = boilerstrip.clean(text)
    # before: the one word was the "fragment", and the guard kept the text
    assert result.status == "cleaned" and result.removals == ()
    assert result.text == text


def test_a_lone_read_more_line_is_no_trailing_fragment():
    result = boilerstrip.clean("Continue reading …\n")
    assert result.removals == () and result.status == "cleaned"


def test_fragments_with_another_line_are_still_removed():
    lead = boilerstrip.clean("and\n\nMayor Opens the New Bridge\n\nThe bridge opened on Monday.\n")
    assert [c.rule for c in lead.removals if c.category != "whitespace"] == [
        "core.fragment.leading-lowercase-word"]
    assert lead.text.startswith("Mayor Opens")
    tail = boilerstrip.clean("The bridge opened on Monday after two years of work.\n"
                             "Continue reading …\n")
    assert [c.rule for c in tail.removals if c.category != "whitespace"] == [
        "core.fragment.trailing-read-more"]
