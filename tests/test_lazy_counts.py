"""Word counts asked for a line at a time give what counting every line gives.

The stages ask for the word counts of their candidate lines only
(``Context.line_words``), and the guard for the cleaned text's total
(``Context.word_total``), so that a document the rules leave alone is never
split into words whole. These tests compare both with the full count
(``Context.words``), on every bundled corpus document and on generated text,
before and after deletions; and the non-blank lines the line-shape detectors
walk (``kinds.non_blank``) with a plain walk of the lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip.document import Attribution, Draft, word_count
from boilerstrip.engine.context import Context
from boilerstrip.engine.kinds import non_blank

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
_WHO = Attribution("test.cut", "test")


def _plain_non_blank(lines) -> tuple[list, list[str]]:
    """What ``kinds.non_blank`` gives, one line at a time."""
    shown = [ln for ln in lines if ln.content]
    return shown, [ln.content for ln in shown]


def _check(text: str, cut_every: int = 3) -> None:
    lazy, full = Context(Draft(text)), Context(Draft(text))
    assert lazy.word_total() == sum(full.words()) == word_count(text)
    n = len(lazy.draft.lines)
    assert [lazy.line_words(i) for i in range(n)] == full.words()
    assert [lazy.line_words(i) for i in reversed(range(n))] == full.words()[::-1]  # kept ones
    assert non_blank(lazy) == _plain_non_blank(lazy.draft.lines)
    # a later state: some lines deleted, the counts asked again line by line
    lines = lazy.draft.lines
    dels = [(ln.start, ln.next, _WHO) for ln in lines[::cut_every] if ln.next > ln.start]
    for ctx in (lazy, full):
        ctx.reset()
        ctx.draft.delete(dels)
    assert [lazy.line_words(i) for i in range(len(lazy.draft.lines))] == full.words()
    assert non_blank(lazy) == _plain_non_blank(lazy.draft.lines)  # built again, not the old
    assert lazy.word_total() == sum(full.words()) == word_count(lazy.draft.text)


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_counts_line_by_line_equal_the_full_count_on_the_corpora(full_size):
    files = sorted(DATA.glob("*/*/*.txt" if full_size else "*/extract-*/*.txt"))
    assert files
    for f in files if full_size else files[::4]:
        _check(f.read_bytes().decode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab \t\u00a0\u2003\x1c\r-é"), max_size=12),
                max_size=12), st.integers(1, 4))
def test_counts_line_by_line_equal_the_full_count_on_generated_text(parts, every):
    _check("\n".join(parts), every)


def test_the_total_of_a_context_that_counted_its_lines_uses_them():
    ctx = Context(Draft("one two\n\nthree four five\n"))
    assert ctx.word_total() == 5  # by one count of the text: no line counted yet
    ctx.words()
    ctx.reset()
    ctx.draft.delete([(0, 8, _WHO)])
    assert ctx.word_total() == 3 and ctx._words is not None  # from the memo of lines
