"""Sentence-level cuts: a line rule's debris sentence at the start or the end
of a longer line whose rest is prose is cut out, not the whole line.

"Subscribe to our channel for more videos. We've rounded up everything new
below, from the cheapest phone to the fastest laptop." loses its first
sentence only. A ``sentence-cut`` rule (``rules/core/sentence-cut.yml``)
says which categories of line rules may cut this way and how much prose the
rest of the line must hold; its stage runs right after the line stage, with
the line rules of those categories, in their order. The sentence must match a
line rule as a whole line would (the rule's pattern and word bounds; the
position conditions are the line's); the rest must read as prose (at least
``rest_min_words`` words, ending like a sentence). The cut takes the sentence
and the spaces between it and the rest, and is recorded like an inline
removal, so the report stays lossless.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Sequence

import regex

from ..document import Attribution, word_count
from ..rules.categories import CATEGORIES
from ..rules.model import Rule
from ..rules.patterns import TimedOut, fold
from .candidates import WHOLE, may_hit
from .context import (_TERMINAL, CompiledRule, Context, Deletion, Positions, conditions_hold,
                      is_prose)
from .stages import _keys_of

#: A sentence end: closing punctuation (and closing quotes or brackets), then
#: spaces, then what starts a sentence (an upper-case letter, a digit, an
#: opening quote or bracket).
_BOUNDARY = regex.compile(r"[.!?…]+[\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?[\p{Lu}\p{Lt}\d])")

#: characters per word of an edge sentence searched for its boundary: a
#: sentence of ``max_sentence_words`` words is within that many characters
_CHARS_PER_WORD = 40

#: param -> (type, default)
PARAMS: dict[str, tuple[type, Any]] = {
    "categories": (tuple, ()),       # the line rules of these categories may cut a sentence
    "rest_min_words": (int, 12),     # the rest of the line: at least this many words ...
    "max_sentence_words": (int, 30),  # ... and the cut sentence at most this many
}


@dataclass(frozen=True)
class SentenceCut:
    """A ``sentence-cut`` rule's params, checked once."""

    rule: Rule
    categories: frozenset[str]
    rest_min_words: int
    max_sentence_words: int

    @classmethod
    def of(cls, rule: Rule) -> SentenceCut:
        raw = rule.param_dict
        unknown = sorted(set(raw) - set(PARAMS))
        if unknown:
            raise rule.error(f"unknown sentence-cut param(s): {', '.join(unknown)} "
                             f"(known: {', '.join(PARAMS)})")
        cats = raw.get("categories", ())
        if isinstance(cats, str):
            cats = (cats,)
        if not isinstance(cats, tuple) or not cats or any(c not in CATEGORIES for c in cats):
            raise rule.error("sentence-cut param 'categories' must be a non-empty list of "
                             "categories (see 'boilerstrip rules categories')")
        values = {}
        for name in ("rest_min_words", "max_sentence_words"):
            value = raw.get(name, PARAMS[name][1])
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise rule.error(f"sentence-cut param {name!r} must be a whole number >= 1")
            values[name] = value
        return cls(rule, frozenset(cats), **values)


Span = tuple[int, int]


def split_edges(content: str, window: int | None = None
                ) -> tuple[Span | None, Span | None] | None:
    """The first and the last sentence boundary of CONTENT, each as (end of the
    sentence before it, start of the sentence after it); None without one.
    With WINDOW, only the first and the last WINDOW characters are searched
    (a longer edge sentence is never cut anyway): an edge without a boundary
    in its window is None."""
    n = len(content)
    if window is None or 2 * window >= n:
        first = _BOUNDARY.search(content)
        if first is None:
            return None
        # the last of the later matches, kept while C iterates (no list of them all)
        later = deque(_BOUNDARY.finditer(content, first.end()), maxlen=1)
        return first.span(1), (later[0] if later else first).span(1)
    first = _BOUNDARY.search(content, 0, window)
    last = None
    for last in _BOUNDARY.finditer(content, n - window):
        pass
    if first is None and last is None:
        return None
    return (first.span(1) if first else None), (last.span(1) if last else None)


def _sentence_rule(cut: SentenceCut, rules: Sequence[CompiledRule], ctx: Context, ln,
                   sentence: str, pos: Positions) -> CompiledRule | None:
    """The first of RULES that takes SENTENCE (of line LN) as a whole line
    (the cheap literal test first)."""
    n = word_count(sentence)
    if n > cut.max_sentence_words:
        return None  # first: a split is cheaper than the literal tests
    folded = fold(sentence)
    maybe = [(cr, only) for cr, only in ((cr, cr.pat.matchable(folded)) for cr in rules
                                         if cr.rule.id not in ctx.timed_out) if only]
    if not maybe:
        return None
    for cr, only in maybe:
        if not conditions_hold(cr.rule, ln, ln, sentence, pos, n):
            continue
        try:
            if cr.pat.first_match(sentence, only) is not None:
                return cr
        except TimedOut:
            ctx.timeout(cr.rule.id)
    return None


def sentence_cuts(items: Sequence[tuple[SentenceCut, Sequence[CompiledRule]]],
                  ctx: Context) -> list[Deletion]:
    """The stage: for each line long enough to hold a sentence and a prose
    rest, cut its first sentence, else its last, when a line rule takes it.
    Only the lines holding a literal of one of the rules (the candidates'
    WHOLE view: no word ceiling) are looked at, each for those rules only; a
    line left whole keeps that verdict while its content and the parts of its
    position the rules see stay the same (as in the line stage)."""
    out: list[Deletion] = []
    lines = ctx.draft.lines
    text = ctx.draft.text
    pos = shown = None
    done: set[int] = set()
    for cut, rules in items:
        if not rules or not may_hit(ctx.candidates, rules, WHOLE):
            continue  # no line holds what one of its rules looks for
        if pos is None:
            shown = ctx.shown()
            pos = Positions(lines, shown)
        least = cut.rest_min_words + 1
        # the candidates first, then the word counts and verdict keys of those
        # lines only: a line no rule may take costs nothing more here (no
        # count of every line's words)
        per_rule = _long_enough(ctx.candidates.for_rules(rules, shown, WHOLE),
                                ctx.line_words, least)
        if not per_rule:
            continue
        by_line: dict[int, list[CompiledRule]] = {}
        for k in sorted(per_rule):  # each line's rules in the rules' order
            for i in per_rule[k]:
                by_line.setdefault(i, []).append(rules[k])
        keys = _keys_of(rules, sorted(by_line), shown, lines, pos)
        rejected = ctx.candidates.verdicts(rules)
        fresh = [i for i, key in keys.items() if key not in rejected]
        window = cut.max_sentence_words * _CHARS_PER_WORD
        for i in fresh:
            ln = lines[i]
            got = None
            if i not in done:
                edges = split_edges(ln.content, window)
                got = _cut(cut, by_line[i], ctx, ln, ln.content, edges, pos) if edges else None
            if got is None:
                rejected.add(keys[i])
                continue
            offset = text.find(ln.content, ln.start, ln.end)
            a, b, who = got
            out.append((offset + a, offset + b, who))
            done.add(i)
    out.sort(key=lambda t: t[0])
    return out


def _long_enough(per_rule: dict[int, list[int]], line_words, least: int
                 ) -> dict[int, list[int]]:
    """PER_RULE (rule position -> candidate lines) with only the lines of at
    least LEAST words (LINE_WORDS: a line's count), rules left without one
    dropped: what asking about those lines alone gives, with a count of the
    candidates' words only."""
    out = {}
    for k, found in per_rule.items():
        kept = [i for i in found if line_words(i) >= least]
        if kept:
            out[k] = kept
    return out


def _cut(cut: SentenceCut, rules: Sequence[CompiledRule], ctx: Context, ln, content: str,
         edges, pos: Positions) -> tuple[int, int, Attribution] | None:
    """The span of LN's CONTENT to cut (its first sentence, else its last) and
    who cuts it; None when neither goes."""
    first, last = edges
    if first is not None and content.endswith(_TERMINAL):
        cr = _sentence_rule(cut, rules, ctx, ln, content[:first[0]], pos)
        if cr is not None and is_prose(content[first[1]:], cut.rest_min_words):
            return 0, first[1], _who(cr, "first")
    if last is not None:
        cr = _sentence_rule(cut, rules, ctx, ln, content[last[1]:], pos)
        if cr is not None and is_prose(content[:last[0]], cut.rest_min_words):
            return last[0], len(content), _who(cr, "last")
    return None


def _who(cr: CompiledRule, which: str) -> Attribution:
    return Attribution(cr.rule.id, cr.rule.category,
                       f"{which} sentence of the line cut; the rest of the line is prose")
