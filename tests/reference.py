"""Slow reference paths the product's fast paths are compared with.

Nothing here is used by the package: each piece is handed in where the
product takes a strategy (``Cleaner(candidates=...)``) or called beside the
product function it checks.
"""

from __future__ import annotations

import re
from typing import Sequence

import boilerstrip
from boilerstrip.document import Line
from boilerstrip.engine.candidates import IndexedCandidates, ScanCandidates
from boilerstrip.engine.index import LiteralIndex, trie_regex
from boilerstrip.rules.patterns import fold


class EveryLine:
    """The brute-force candidate provider: every line given is a candidate of
    every rule, and no verdict is kept from an earlier pass (every pass looks
    at every line)."""

    def __init__(self, ctx, index=None) -> None:
        self.ctx = ctx

    def for_rules(self, rules, lines, view):
        timed_out = self.ctx.timed_out
        return {k: list(lines) for k, cr in enumerate(rules)
                if cr.rule.id not in timed_out and lines}

    def verdicts(self, rules) -> set:
        return set()

    def reset(self) -> None:
        pass


def scanned(ctx, index):
    """The short-document provider, whatever the document's size."""
    return ScanCandidates(ctx, index)


def indexed(ctx, index):
    """The line literal index, whatever the document's size."""
    return IndexedCandidates(ctx, index)


_UNTIERED: dict[int, tuple[LiteralIndex, LiteralIndex]] = {}


def untiered_index(index: LiteralIndex) -> LiteralIndex:
    """INDEX without word-count tiers: every line is scanned for every literal."""
    got = _UNTIERED.get(id(index))
    if got is None or got[0] is not index:
        got = _UNTIERED[id(index)] = (index, LiteralIndex(index.literals, index.bounds, tiers=()))
    return got[1]


def untiered(ctx, index):
    """The line literal index without its word-count tiers."""
    return IndexedCandidates(ctx, untiered_index(index))


def with_candidates(cleaner: boilerstrip.Cleaner, provider) -> boilerstrip.Cleaner:
    """A cleaner with CLEANER's rules and options and PROVIDER for its candidates."""
    return boilerstrip.Cleaner(
        cleaner.profile, cleaner.rule_paths, default_rules=cleaner.default_rules,
        ignore=cleaner.ignore, select=cleaner.select, enable=cleaner.enable,
        timeout=cleaner.timeout, max_removed_share=cleaner.max_removed_share,
        allow_large_removals=cleaner.allow_large_removals, extra_rules=cleaner._extra,
        candidates=provider)


def scan_reference(index: LiteralIndex, text: str) -> set[str]:
    """``index.scan`` with one regex of the whole trie (what the split trie must equal)."""
    trie, emit = trie_regex(index.literals)
    rx = re.compile("(?=(" + emit(trie) + "))", re.DOTALL)
    return {p for lit in set(rx.findall(text)) for p in index.closure[lit]}


def split_lines_reference(text: str) -> list[Line]:
    """The plain loop ``document.split_lines`` must equal."""
    lines: list[Line] = []
    pos = 0
    n = len(text)
    index = 0
    while pos < n:
        nl = text.find("\n", pos)
        end, nxt = (n, n) if nl < 0 else (nl, nl + 1)
        lines.append(Line(index, pos, end, nxt, text[pos:end].strip()))
        index += 1
        pos = nxt
    return lines


def lines_holding(ctx, literals: Sequence[str], ceiling, view) -> list[int]:
    """The non-blank lines holding one of LITERALS in VIEW, within CEILING
    words: a substring test per line and literal (in its fold, as the
    literal shortcuts fold: ``rules.patterns.fold``)."""
    from boilerstrip.engine.candidates import CONTENT

    text = ctx.draft.text
    out = []
    words = ctx.words()
    for ln in ctx.draft.lines:
        if not ln.content:
            continue
        if view == CONTENT:
            if ceiling is not None and words[ln.index] > ceiling:
                continue
            folded = fold(ln.content)
        else:
            folded = fold(text[ln.start:ln.end])
        if any(lit in folded for lit in literals):
            out.append(ln.index)
    return out
