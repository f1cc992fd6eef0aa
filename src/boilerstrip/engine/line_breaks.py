"""Line breaks of a ``\\r`` alone (old Mac), as people see them.

The engine splits lines on ``\\n`` only: a CRLF line keeps its ``\\r`` as
trailing space (stripped from the content, kept in the output), and a text
whose lines end in ``\\r`` alone is one long line to the rules.

Cleaning a CR-only text as its LF twin (each ``\\r`` swapped for ``\\n``, one
character for one, the output taken back from the original) was tried and
dropped: it breaks idempotence. A text holding both (``"A\\nA\\r0"``) is
cleaned as it is; when its removals take every ``\\n`` away, the output is
CR-only, and the next run reads it as lines and removes more. Swapping every
lone ``\\r`` fails the other way: a removal that leaves a ``\\r`` before a
``\\n`` turns two breaks into one for the next run.

What is done here: a view for people (a diff, ``explain``) shows a lone
``\\r`` followed by ``\\n``, since on a terminal a bare carriage return writes
each line over the one before.

    >>> lone_cr_shown("a\\rb\\r\\nc")
    'a\\r\\nb\\r\\nc'
"""

from __future__ import annotations

import re

_LONE_CR = re.compile(r"\r(?!\n)")


def lone_cr_shown(text: str) -> str:
    """TEXT with a ``\\n`` after each lone ``\\r``, so that a terminal starts
    a new line there (the ``\\r`` stays: the line's own ending is seen)."""
    return _LONE_CR.sub("\r\n", text) if "\r" in text else text
