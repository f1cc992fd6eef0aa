"""The ``indented-line`` rule kind: a short line set deeper than the body
text, alone between two body paragraphs, as extractors that keep the page's
nesting (readability's text, a page's text) print a picture's caption, its
credit, a byline or a date box.

Nothing in the wording gives such a line away; its indentation does. The
body's indentation is the one that holds the most words of the prose lines
(``prose_min_words`` words or more). A line is taken when

* it is indented deeper than the body, in a run of at most ``max_run``
  such lines, with a line of the body's indentation or less above and below
  it (a deeper run at the start or the end of the text is left to the edge
  rules; a longer run is a list, a quotation or a table);
* it has at most ``max_words`` words;
* it reads as neither a list item, a quotation (it opens with a bullet, a
  number, or a quotation mark), a table row (a gap of two spaces or more
  inside it), a line of code (an operator, a bracket, a prompt, a path, a
  flag, an identifier with an underscore) nor a line said again elsewhere in
  the text (a repeated label, such as an exercise's "Solution", is the
  page's own layout); and
* the body itself is indented by at least ``min_body_indent``: a text whose
  body is flush left (trafilatura's) indents only code and nested lists.

Every threshold is a param of the rule (``rules/core/caption.yml``); the
removal's detail gives the line's indentation and the body's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

import regex

from ..document import Attribution, Draft, Line, word_count
from ..rules.loader import Rule
from .context import Deletion
from .vocabulary import checked_params

#: Every param an indented-line rule accepts: (type, default).
PARAMS: dict[str, tuple[type, Any]] = {
    "prose_min_words": (int, 20),  # lines this long set the body's indentation
    "max_words": (int, 40),        # a longer line is a paragraph, not a caption
    "max_run": (int, 3),           # a longer run of deeper lines is a list or a quotation
    # a body flush left (trafilatura's text) indents nothing but code and nested
    # lists: the kind reads only texts whose body is itself indented
    "min_body_indent": (int, 1),
}

#: list bullets, numbers and opening quotation marks: a list item or a quotation
_LIST_OR_QUOTE = regex.compile(r'(?:[*+•·‣◦–—-]|\d{1,3}[.)])\s|["“”„«»‘’‚\'›‹]')
#: a gap of two spaces or more inside a line: a table row or aligned code
_GAP = regex.compile(r"\S[ \t]{2,}\S")
#: signs of a line of code or a shell command, which a caption never has:
#: operators and brackets, a prompt, a path, a command-line flag, an
#: identifier with an underscore, a call
_CODE = regex.compile(r"[=;{}<>\\$|]|&&|^[%#>]\s|(?:^|\s)[/~]\w|\s--?[a-z]|[a-z]_[a-z]"
                      r"|\w\.\w+\(|\w\(\)")


def indent_config(rule: Rule) -> tuple[int, int, int, int]:
    """RULE's (prose_min_words, max_words, max_run, min_body_indent), checked
    (raises the rule's RuleError)."""
    values = checked_params(rule.param_dict, PARAMS,
                            lambda m: rule.error(f"indented-line {m}"))
    if values["max_run"] < 1:
        raise rule.error("indented-line param 'max_run' must be at least 1")
    return (values["prose_min_words"], values["max_words"], values["max_run"],
            values["min_body_indent"])


def body_indent(indents: Sequence[int], words: Sequence[int], prose_min_words: int) -> int | None:
    """The indentation that holds the most words of the lines of at least
    PROSE_MIN_WORDS words (the smaller one on a tie); None without such a line."""
    held: Counter = Counter()
    for indent, n in zip(indents, words):
        if n >= prose_min_words:
            held[indent] += n
    if not held:
        return None
    return min(held, key=lambda i: (-held[i], i))


def indented_lines(raws: Sequence[str], contents: Sequence[str], prose_min_words: int,
                   max_words: int, max_run: int,
                   min_body_indent: int = 1) -> list[tuple[int, int, int]]:
    """(index, indentation, body's indentation) of every line the kind takes
    among the non-blank lines RAWS (as written) and CONTENTS (stripped)."""
    indents = [len(raw) - len(raw.lstrip()) for raw in raws]
    words = [word_count(c) for c in contents]
    body = body_indent(indents, words, prose_min_words)
    if body is None or body < min_body_indent:
        return []
    seen = Counter(contents)
    out = []
    i, n = 0, len(contents)
    while i < n:
        if indents[i] <= body:
            i += 1
            continue
        j = i
        while j < n and indents[j] > body:
            j += 1
        # lines i..j-1 are deeper than the body; i > 0 and j < n: body lines around them
        if 0 < i and j < n and j - i <= max_run:
            for k in range(i, j):
                c = contents[k]
                if (words[k] <= max_words and seen[c] == 1 and not _LIST_OR_QUOTE.match(c)
                        and not _GAP.search(c) and not _CODE.search(c)
                        and any(ch.isalpha() for ch in c)):
                    out.append((k, indents[k], body))
        i = j
    return out


def indented_line(rules: Sequence[tuple[Rule, tuple[int, int, int, int]]], draft: Draft,
                  shown: tuple[Sequence[Line], Sequence[str]] | None = None) -> list[Deletion]:
    """Deletions of the indented lines of DRAFT (per line, the first rule that
    takes it); RULES come with their checked params. SHOWN: DRAFT's non-blank
    lines and their contents, when the caller has them."""
    if shown is None:
        lines: Sequence[Line] = [ln for ln in draft.lines if ln.content]
        contents: Sequence[str] = [ln.content for ln in lines]
    else:
        lines, contents = shown
    text = draft.text
    raws = [text[ln.start:ln.end] for ln in lines]
    taken: dict[int, Deletion] = {}
    for rule, config in rules:
        for k, indent, body in indented_lines(raws, contents, *config):
            if k not in taken:
                ln = lines[k]
                taken[k] = (ln.start, min(ln.next, len(text)),
                            Attribution(rule.id, rule.category,
                                        f"indented {indent}, body text {body}"))
    return [taken[k] for k in sorted(taken)]
