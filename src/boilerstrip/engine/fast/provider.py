"""The compiled prefilter as a candidate provider (``engine/candidates.py``).

:class:`FastCandidates` answers "which lines may this rule match?" for the
rules its database serves from one Hyperscan scan of the lines it has not
seen (kept by line text across cuts and passes): a line is a candidate of a
rule when it holds every piece of one of the rule's patterns. Everything
else (block rules, rules the rewrite left out, a document that does not
encode as UTF-8) is answered by the pure provider, which it wraps. Being a
superset of the true matches is all it must be: ``regex`` confirms each one.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Sequence

from ...document import chunks_of
from ..candidates import CONTENT, ScanCandidates, default_candidates
from ..context import CompiledRule, Context
from ..index import LiteralIndex
from .database import Accelerator

#: Documents shorter than this (characters) go to the pure engine.
SHORT_CHARS = 1024


class FastProvider:
    """The candidate provider (``Cleaner(candidates=...)``) of an accelerator:
    a :class:`FastCandidates` per document, sharing what is per rule set."""

    engine = "fast"  # what ``Cleaner.engine`` reports

    def __init__(self, accel: Accelerator | None = None,
                 load: Callable[[], Accelerator | None] | None = None,
                 short_chars: int = SHORT_CHARS) -> None:
        self._accel = accel
        self.short_chars = short_chars
        self._load = load  # loads the accelerator on first use, when not given
        self._lock = threading.Lock()
        self._plans: dict[int, tuple] = {}

    @property
    def accel(self) -> Accelerator | None:
        """The accelerator, loaded from the cache on first use (None: it failed
        the cache's checks, and the pure engine runs)."""
        if self._load is not None:
            with self._lock:
                if self._load is not None:
                    self._accel, self._load = self._load(), None
        return self._accel

    def __call__(self, ctx: Context, index: LiteralIndex | None):
        # a short document costs the pure engine little: a one-line run never
        # even loads the database
        if len(ctx.draft.text) < self.short_chars:
            return default_candidates(ctx, index)
        accel = self.accel
        if accel is None:
            return default_candidates(ctx, index)
        return FastCandidates(ctx, index, self)

    def plan(self, rules: Sequence[CompiledRule]) -> tuple[dict[str, int], list, list[int]]:
        """(rule id -> position of the rules the accelerator serves, the other
        rules, their positions) for the rules of a stage."""
        got = self._plans.get(id(rules))
        if got is None or got[0] is not rules:
            served = self.accel.rule_ids
            fast = {cr.rule.id: k for k, cr in enumerate(rules)
                    if cr.rule.kind != "block" and cr.rule.id in served}
            rest_at = [k for k, cr in enumerate(rules) if cr.rule.id not in fast]
            got = (rules, fast, [rules[k] for k in rest_at], rest_at)
            self._plans[id(rules)] = got  # a stage's list lives as long as its cleaner
        return got[1], got[2], got[3]


class FastCandidates:
    """Candidates of one document from the accelerator of OWNER; the rules
    it does not serve from a literal scan (few rules: no index needed)."""

    def __init__(self, ctx: Context, index: LiteralIndex | None, owner: FastProvider) -> None:
        self.ctx = ctx
        self.index = index
        self.owner = owner
        self.accel = owner.accel
        self.rest = ScanCandidates(ctx, None)
        self.pure = None  # the whole pure provider, for a text that does not encode
        self._verdicts: dict[int, set] = {}
        self._rules_of: dict[str, frozenset[str]] = {}  # whole line text -> rule ids

    def verdicts(self, rules: Sequence[CompiledRule]) -> set:
        return self._verdicts.setdefault(id(rules), set())

    def reset(self) -> None:
        # what is kept here depends on each line's text alone
        self.rest.reset()
        if self.pure is not None:
            self.pure.reset()

    def for_rules(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                  view: str) -> dict[int, list[int]]:
        if self.pure is not None:
            return self.pure.for_rules(rules, lines, view)
        fast, rest, rest_at = self.owner.plan(rules)
        hits = self._line_rules(lines) if fast else []
        if hits is None:
            self.pure = default_candidates(self.ctx, self.index)
            return self.pure.for_rules(rules, lines, view)
        out: dict[int, list[int]] = {}
        if rest:
            for j, got in self.rest.for_rules(rest, lines, view).items():
                out[rest_at[j]] = got
        timed_out = self.ctx.timed_out
        words = self.ctx.words() if view == CONTENT else None
        for i, ids in zip(lines, hits):
            for rid in ids:
                k = fast.get(rid)
                if k is None:
                    continue
                cr = rules[k]
                if words is not None and cr.ceiling is not None and words[i] > cr.ceiling:
                    continue
                got = out.get(k)
                if got is None:
                    out[k] = [i]
                else:
                    got.append(i)
        for k in [k for k in out if rules[k].rule.id in timed_out]:
            del out[k]
        return out  # each list ascending: LINES are

    def _line_rules(self, lines: Sequence[int]) -> list[frozenset[str]] | None:
        """The ids of the rules one of whose patterns has every piece in each
        line of LINES (whole line text); None when the text cannot be scanned."""
        text = self.ctx.draft.text
        draft_lines = self.ctx.draft.lines
        raws = [text[draft_lines[i].start:draft_lines[i].end] for i in lines]
        known = self._rules_of
        new = [r for r in dict.fromkeys(raws) if r not in known]
        for group in chunks_of(new):
            try:
                self._scan(group)
            except UnicodeEncodeError:  # lone surrogates: the pure engine's job
                return None
        return [known[r] for r in raws]

    def _scan(self, raws: list[str]) -> None:
        """Scan RAWS (distinct lines) joined by ``\\n``, and record each one's rules."""
        joined = "\n".join(raws)
        data = joined.encode("utf-8")
        if len(data) == len(joined):
            sizes = [len(r) + 1 for r in raws]
        else:
            sizes = [len(r.encode("utf-8")) + 1 for r in raws]
        starts = list(accumulate(sizes, initial=0))
        table = self.accel.table
        per_line: dict[int, set[int]] = {}
        for piece, end in self.accel.scan(data):
            # no piece matches a line break: the match ends in the line it starts in
            k = bisect_right(starts, end - 1) - 1
            got = per_line.get(k)
            if got is None:
                per_line[k] = {piece}
            else:
                got.add(piece)
        known = self._rules_of
        empty: frozenset[str] = frozenset()
        for k, r in enumerate(raws):
            pieces = per_line.get(k)
            known[r] = _rules_holding(table, pieces) if pieces else empty


def _rules_holding(table, pieces: set[int]) -> frozenset[str]:
    """The rules one of whose patterns has all its pieces among PIECES."""
    count: dict[int, int] = {}
    for p in pieces:
        for n in table.piece_patterns[p]:
            count[n] = count.get(n, 0) + 1
    return frozenset(table.patterns[n][0] for n, c in count.items()
                     if c == table.patterns[n][1])
