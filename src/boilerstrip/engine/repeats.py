"""The ``repeated-line`` rule kind: a line that says again, word for word, what
one of the few lines just above it said.

Photo galleries and slideshows print each caption more than once (the slide,
its thumbnail, the "expand" view), and an extractor that keeps them gives the
same caption two to four times in a row, sometimes once as a list item
("* The mayor at the opening...") and once as a plain line. Nothing in the
wording gives such a copy away; its position does: an article does not say
the same sentence twice in a row. A copy is removed when

* it has at least ``min_words`` words, runs of letters and digits (short
  lines repeat for good reasons: "Pros:", "Reply", a table's header row, a
  tweet's signature line), and
* it equals, after a leading list bullet is set aside and whitespace is
  collapsed, one of the ``window`` non-blank lines above it (blank lines do
  not count); the first occurrence stays.

Repeats further apart are left alone: an interview that asks every guest the
same question, or a meal plan that repeats a recipe each day, say it again on
purpose. Every threshold is a param of the rule (``rules/core/repeated-line.yml``);
the removal's detail says how far above the line it repeats is.
"""

from __future__ import annotations

from itertools import compress, count, repeat
from operator import eq, itemgetter
from typing import Any, Sequence

import regex

from ..document import Attribution, Draft, Line
from ..rules.loader import Rule
from .context import Deletion
from .vocabulary import checked_params

#: the list bullets set aside in front of a line ("* ", "- ", "• ")
_BULLETS = "*+•·‣◦-"
_WORD = regex.compile(r"\w+")
_LAST = itemgetter(-1)  # of a line's split: its last token

#: Every param a repeated-line rule accepts: (type, default).
PARAMS: dict[str, tuple[type, Any]] = {
    "min_words": (int, 8),   # a copy this short is left alone
    "window": (int, 2),      # how many non-blank lines above are compared
}


def repeat_config(rule: Rule) -> tuple[int, int]:
    """RULE's (min_words, window), checked (raises the rule's RuleError)."""
    values = checked_params(rule.param_dict, PARAMS,
                            lambda m: rule.error(f"repeated-line {m}"))
    if values["window"] < 1:
        raise rule.error("repeated-line param 'window' must be at least 1")
    return values["min_words"], values["window"]


def _key(content: str) -> str:
    """CONTENT (stripped, non-empty) with a leading list bullet set aside and its
    whitespace collapsed."""
    if content[0] in _BULLETS and content[1:2].isspace():
        content = content[1:]
    return " ".join(content.split())


def repeated_lines(contents: Sequence[str], min_words: int, window: int) -> list[tuple[int, int]]:
    """(index, index of the line it repeats) of every line of the non-blank
    lines CONTENTS that repeats one of the WINDOW lines above it."""
    # the last whitespace-separated token is the same in a line and its key:
    # only lines whose last token is the one of a line up to WINDOW above are
    # candidates, so that almost no line pays for a key
    # (built by C-level iterators: no bytecode runs per line)
    last = list(map(_LAST, map(str.rsplit, contents, repeat(None), repeat(1))))
    candidates = sorted({i for d in range(1, window + 1)
                         for i in compress(count(d), map(eq, last, last[d:]))})
    out = []
    keys: dict[int, str] = {}  # index -> key: a line is compared as a copy and as an original
    for i in candidates:
        key = keys.get(i)
        if key is None:
            key = keys[i] = _key(contents[i])
        for j in range(i - 1, max(-1, i - 1 - window), -1):
            if last[j] != last[i]:
                continue
            other = keys.get(j)
            if other is None:
                other = keys[j] = _key(contents[j])
            if other == key:
                if len(_WORD.findall(key)) >= min_words:
                    out.append((i, j))
                break
    return out


def repeated_line(rules: Sequence[tuple[Rule, tuple[int, int]]], draft: Draft,
                  shown: tuple[Sequence[Line], Sequence[str]] | None = None) -> list[Deletion]:
    """Deletions of the repeated lines of DRAFT (per line, the first rule that
    finds it a copy); RULES come with their checked params. SHOWN: DRAFT's
    non-blank lines and their contents, when the caller has them."""
    if shown is None:
        lines: Sequence[Line] = [ln for ln in draft.lines if ln.content]
        contents: Sequence[str] = [ln.content for ln in lines]
    else:
        lines, contents = shown
    taken: dict[int, Deletion] = {}
    for rule, (min_words, window) in rules:
        for i, j in repeated_lines(contents, min_words, window):
            if i not in taken:
                ln = lines[i]
                taken[i] = (ln.start, min(ln.next, len(draft.text)),
                            Attribution(rule.id, rule.category,
                                        f"repeats the line {i - j} non-blank line(s) above"))
    return [taken[i] for i in sorted(taken)]
