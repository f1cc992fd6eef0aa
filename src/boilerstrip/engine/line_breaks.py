"""Old Mac line breaks (``\\r`` alone), cleaned as the ``\\n`` they stand for.

The engine splits lines on ``\\n`` only: a CRLF line keeps its ``\\r`` as
trailing space (stripped from the content, kept in the output), but a text
whose lines end in ``\\r`` alone would be one long line, on which no line
rule fires. A text that holds ``\\r`` and no ``\\n`` at all is cleaned as the
same text with each ``\\r`` turned into ``\\n``. That swaps one character for
one, so every offset stays valid: the output and each change's text are then
taken from the original, which comes back with its own line breaks, and the
report's line numbers count its ``\\r``.

A text that also holds a ``\\n`` is cleaned as it is, its lines split on
``\\n``: a ``\\r`` there is a stray (``\\r\\r\\n`` of a twice-converted file,
a progress line of a log): read as a break it would add blank lines, and a
removal that brings a ``\\r`` next to a ``\\n`` would turn two breaks into one
for the next run, so that cleaning again could change the text.

    >>> lf_for_cr("a\\rb\\r")
    'a\\nb\\n'
    >>> lf_for_cr("a\\r\\nb\\rc\\n") is None
    True

A view for people (a diff, ``explain``) shows a lone ``\\r`` followed by
``\\n`` (:func:`lone_cr_shown`): on a terminal a bare carriage return
would write each line over the one before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..result import Change, apply_changes

_LONE_CR = re.compile(r"\r(?!\n)")


def lf_for_cr(text: str) -> str | None:
    """TEXT with each ``\\r`` turned into ``\\n`` when its line breaks are
    ``\\r`` alone (it holds no ``\\n``); None otherwise (LF and CRLF texts,
    the usual case: one C-speed scan)."""
    if "\r" not in text or "\n" in text:
        return None
    return text.replace("\r", "\n")


def lone_cr_shown(text: str) -> str:
    """TEXT with a ``\\n`` after each lone ``\\r``, so that a terminal starts
    a new line there (the ``\\r`` stays: the line's own ending is seen)."""
    return _LONE_CR.sub("\r\n", text) if "\r" in text else text


def with_original_breaks(original: str, changes: Sequence[Change]) -> tuple[list[Change], str]:
    """The CHANGES made to the swapped text, as changes of ORIGINAL (the same
    offsets, the removed text with its own line breaks), and the output they
    make of ORIGINAL. Replacements hold no line break (normalisation repairs
    a line at a time), so they stay as they are."""
    back = [replace(c, text=original[c.start:c.end]) for c in changes]
    return back, apply_changes(original, back)
