"""Which lines a stage looks at, for which rule: the engine's acceleration.

A stage asks one question, :meth:`DocumentCandidates.for_rules`: "for each of
these rules, which of these lines may it match?", and runs its one loop over
the answer. It also keeps, through :meth:`DocumentCandidates.verdicts`, the
lines it left alone in an earlier pass, so a later pass only looks at what
changed. Whatever the answer leaves out must be a line the rule cannot match:
the result never depends on the provider, only the time does.
``tests/reference.py`` has the brute-force provider (every line for every
rule, no verdict kept) that ``tests/test_speed_safety.py`` compares with these.

Two providers ship, chosen by the document's size alone (never by what the
same cleaner saw before):

* :class:`ScanCandidates`, for short documents: one ``str.find`` scan of the
  case-folded text per rule literal; nothing to compile, so a one-line
  ``echo x | boilerstrip clean`` starts at once;
* :class:`IndexedCandidates`, for the rest: one scan of each distinct line
  with the cleaner's :class:`~boilerstrip.engine.index.LiteralIndex`, kept
  across cuts and passes (only changed lines are scanned again); a rule
  costs per line holding one of its literals, not per document.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from ..document import CHUNK_CHARS, casefold_all, chunks_of, line_text
from .context import CompiledRule, Context, per_rule_list
from ..rules.patterns import fold
from .index import LiteralIndex

#: Views of a line a rule can be matched against: its content (stripped, the
#: rule's word ceiling applies) or the whole line with its margins (inline rules).
CONTENT = "content"
WHOLE = "whole"

#: ``IndexedCandidates`` goes rule by rule when there are this many times
#: more lines than rules to answer for, else line by line.
_FEW_RULES = 8

#: Documents shorter than this (characters) use :class:`ScanCandidates`: the
#: literal index's regexes are compiled on the first longer document.
INDEX_MIN_CHARS = 256

#: A text longer than this (characters) has its scan texts folded again for
#: each question rather than kept (see ``ScanCandidates._scan_text``).
KEEP_SCAN_CHARS = 4 * CHUNK_CHARS


class DocumentCandidates(Protocol):
    """The candidate lines of one document (see the module docstring)."""

    def for_rules(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                  view: str) -> dict[int, list[int]]:
        """Position in RULES -> the lines of LINES (ascending, non-blank) that
        rule may match in VIEW, ascending; rules without any are left out."""

    def verdicts(self, rules: Sequence[CompiledRule]) -> set:
        """The keys of the lines the stage of RULES left alone in earlier
        passes (the stage adds to it)."""

    def reset(self) -> None:
        """Forget what was derived from the text (it changed)."""

    def may_hit(self, rules: Sequence[CompiledRule], view: str) -> bool:
        """Whether any line of the document may be a candidate of one of
        RULES in VIEW (optional: False lets a stage skip the document
        before it looks at a line; when in doubt, True)."""


def may_hit(candidates: DocumentCandidates, rules: Sequence[CompiledRule], view: str) -> bool:
    """``candidates.may_hit``, True for a provider without it."""
    ask = getattr(candidates, "may_hit", None)
    return True if ask is None else ask(rules, view)


#: Builds the candidates of a document: (context, the cleaner's literal index).
CandidateProvider = Callable[[Context, "LiteralIndex | None"], DocumentCandidates]


def default_candidates(ctx: Context, index: LiteralIndex | None) -> DocumentCandidates:
    """The product provider: by the document's size only."""
    if index is None or len(ctx.draft.text) < INDEX_MIN_CHARS:
        return ScanCandidates(ctx, index)
    return IndexedCandidates(ctx, index)


#: Per rule list of a stage: (literal -> positions of the rules that require
#: it, positions of the rules without literals), by the list's identity.
_BY_RULES: dict[int, tuple] = {}


def _literal_map(rules: Sequence[CompiledRule]) -> tuple[dict[str, list[int]], tuple[int, ...]]:
    return per_rule_list(_BY_RULES, rules, _build_literal_map)


def _build_literal_map(rules: Sequence[CompiledRule]
                       ) -> tuple[dict[str, list[int]], tuple[int, ...]]:
    by_literal: dict[str, list[int]] = {}
    without = []
    for k, cr in enumerate(rules):
        if not (cr.pat and cr.pat.literals is not None):
            without.append(k)
        for lit in (cr.pat.literals or ()) if cr.pat else ():
            by_literal.setdefault(lit, []).append(k)
    return by_literal, tuple(without)


def rules_by_literal(rules: Sequence[CompiledRule]) -> dict[str, list[int]]:
    """literal -> positions (in RULES) of the rules of a stage that require it."""
    return _literal_map(rules)[0]


def without_literals(rules: Sequence[CompiledRule]) -> tuple[int, ...]:
    """Positions (in RULES) of the rules without literals, which may match any
    line: what a question about RULES answers beyond the rules a literal
    points to."""
    return _literal_map(rules)[1]


def stage_literals(rules: Sequence[CompiledRule], index: LiteralIndex) -> frozenset[str] | None:
    """Every literal of RULES (the ``literals`` of their patterns); None when
    one of them has none (it may match any line). Kept on INDEX, the
    cleaner's: it lives as long as the stages do."""
    memo = index.stage_literals
    got = memo.get(id(rules))
    if got is None or got[0] is not rules:
        lits: set[str] | None = set()
        for cr in rules:
            if cr.pat is None or cr.pat.literals is None:
                lits = None
                break
            lits.update(cr.pat.literals)
        got = memo[id(rules)] = (rules, None if lits is None else frozenset(lits))
    return got[1]


class ScanCandidates:
    """Candidates from one ``str.find`` scan of the case-folded text per
    literal (memoised per document state), each hit mapped to its line by
    bisection: no per-line loop, nothing compiled. When a stage asks about
    few lines (later passes), each line is tested on its own instead."""

    def __init__(self, ctx: Context, index: LiteralIndex | None = None) -> None:
        self.ctx = ctx
        self.index = index
        self._present: set[str] | None = None  # literals of INDEX in the text
        self._rejected: dict = {}  # stage -> verdict keys, kept across passes
        self._hits: dict = {}  # (literal, ceiling or view) -> line indices
        self._scans: dict = {}  # (ceiling, view) -> the scan text's chunks (a short text)
        self._whole: dict[int, str] = {}  # line index -> whole line, case-folded
        self._nonblank: int | None = None
        self._folded_text: str | None = None  # the whole text, case-folded (short texts)

    def verdicts(self, rules: Sequence[CompiledRule]) -> set:
        return self._rejected.setdefault(id(rules), set())

    def reset(self) -> None:
        self._present = None
        self._hits = {}
        self._scans = {}
        self._whole = {}
        self._nonblank = None
        self._folded_text = None

    def may_hit(self, rules: Sequence[CompiledRule], view: str) -> bool:
        """Whether one of the literals of RULES is in the case-folded text (a
        rule without literals may match any line); True for a long text."""
        if any(cr.pat is None or cr.pat.line_literals is None for cr in rules):
            return True
        text = self.ctx.draft.text
        if len(text) > CHUNK_CHARS:
            return True  # not folded whole: the stage's own scan decides
        if self._folded_text is None:
            self._folded_text = fold(text)
        folded = self._folded_text
        return any(lit in folded for cr in rules for lit in cr.pat.line_literals)

    def for_rules(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                  view: str) -> dict[int, list[int]]:
        few = len(lines) * 4 < self._count_nonblank()
        timed_out = self.ctx.timed_out
        maybe = self._rules_present(rules)
        out: dict[int, list[int]] = {}
        # the rules one of whose literals is in the text, and those without
        # any: the others cannot match (no loop over every rule)
        asked = (range(len(rules)) if maybe is None
                 else sorted(maybe.union(without_literals(rules))))
        for k in asked:
            cr = rules[k]
            if cr.rule.id in timed_out:
                continue
            got = self._rule_lines(cr, lines, view, few)
            if got:
                out[k] = got
        return out

    def _rules_present(self, rules: Sequence[CompiledRule]) -> set[int] | None:
        """Positions (in RULES) of the rules one of whose literals occurs in
        the text: one C-speed ``in`` test per literal of the index, per
        state of the text (a short text; most rules then cost nothing)."""
        if self.index is None:
            return None
        if self._present is None:
            folded = fold(self.ctx.draft.text)
            self._present = {lit for lit in self.index.literals if lit in folded}
        by_literal = rules_by_literal(rules)
        maybe: set[int] = set()
        for lit in self._present:
            got = by_literal.get(lit)
            if got:
                maybe.update(got)
        return maybe

    def _count_nonblank(self) -> int:
        if self._nonblank is None:
            self._nonblank = len(self.ctx.shown())
        return self._nonblank

    def _rule_lines(self, cr: CompiledRule, lines: Sequence[int], view: str,
                    few: bool) -> list[int]:
        """The lines of LINES holding one of CR's literals in VIEW (its two-
        letter ones when it has no other; every line when it has none),
        within its word ceiling in the CONTENT view."""
        want = cr.pat.line_literals if cr.pat else None
        ceiling = cr.ceiling if view == CONTENT else None
        words = self.ctx.words() if ceiling is not None else None
        if want is None:  # every line within the ceiling: one tight loop
            return list(lines) if words is None else [i for i in lines if words[i] <= ceiling]
        if few:
            return [i for i in lines
                    if (words is None or words[i] <= ceiling)
                    and any(lit in self._folded(i, view) for lit in want)]
        wanted = set(lines)
        return [i for i in self.lines_with(want, ceiling, view, indexed=False) if i in wanted]

    def _folded(self, i: int, view: str) -> str:
        if view == CONTENT:
            return self.ctx.fold_line(i)
        got = self._whole.get(i)
        if got is None:
            ln = self.ctx.draft.lines[i]
            got = self._whole[i] = fold(self.ctx.draft.text[ln.start:ln.end])
        return got

    def lines_with(self, literals: Sequence[str], ceiling: int | None, view: str,
                   indexed: bool = True) -> list[int]:
        """Indices of the non-blank lines (of at most CEILING words) holding
        one of LITERALS in VIEW, ascending. (INDEXED: whether LITERALS are in
        the cleaner's index; here every literal is found by ``str.find``.)"""
        hits = self._hits
        missing = [lit for lit in literals if (lit, ceiling, view) not in hits]
        if missing:
            self._find(missing, ceiling, view)
        found: set[int] = set()
        for lit in literals:
            found.update(hits[lit, ceiling, view])
        return sorted(found)

    def _find(self, literals: list[str], ceiling: int | None, view: str) -> None:
        """Record the non-blank lines holding each of LITERALS in the scan
        text of (CEILING, VIEW), all of them in one walk over its chunks."""
        lines = self.ctx.draft.lines
        found: dict[str, list[int]] = {lit: [] for lit in literals}
        for chunk in self._scan_text(ceiling, view):
            text = chunk[1]
            for lit, idx in found.items():
                if lit in text:  # most are not there: one C-speed test, nothing else
                    idx.extend(i for i in lines_holding((chunk,), lit) if lines[i].content)
        for lit, idx in found.items():
            self._hits[lit, ceiling, view] = idx

    def _scan_text(self, ceiling: int | None, view: str) -> Iterable[ScanChunk]:
        """The case-folded lines in VIEW (those over CEILING words emptied),
        as :func:`scan_chunks`: kept for a short text (asked again for other
        literals), folded afresh a chunk at a time for a long one (its folded
        copy would cost up to 4 bytes a character, for a few questions a
        state of the text)."""
        key = (ceiling, view)
        got = self._scans.get(key)
        if got is not None:
            return got
        draft = self.ctx.draft
        # folded line by line as the chunks are built: never a whole copy
        if view == WHOLE:
            text = draft.text
            folded = (fold(text[ln.start:ln.end]) for ln in draft.lines)
        elif ceiling is None:
            folded = casefold_all(ln.content for ln in draft.lines)
        else:  # a line over the ceiling is emptied before it is folded
            folded = casefold_all(ln.content if w <= ceiling else ""
                                  for ln, w in zip(draft.lines, self.ctx.words()))
        if len(draft.text) > KEEP_SCAN_CHARS:
            return iter_scan_chunks(folded)
        got = self._scans[key] = scan_chunks(folded)
        return got


#: A stretch of a scan text: the index of its first line, its lines joined by
#: ``\n``, and the offset where each starts (plus one past the end).
ScanChunk = tuple[int, str, list[int]]


def scan_chunks(lines: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> list[ScanChunk]:
    """LINES (strings without ``\n``) joined by ``\n``, in chunks of whole
    lines of about CHUNK_CHARS characters. One string of a whole document
    takes 4 bytes a character as soon as one line holds an emoji; a chunk is
    as compact as its own characters. (A literal is never looked for across
    lines: the ones searched here hold no line break.)"""
    return list(iter_scan_chunks(lines, chunk_chars))


def iter_scan_chunks(lines: Iterable[str], chunk_chars: int = CHUNK_CHARS
                     ) -> Iterator[ScanChunk]:
    """:func:`scan_chunks`, one chunk at a time (the empty text: one empty chunk)."""
    group: list[str] = []
    first = size = 0
    made = False
    for line in lines:
        group.append(line)
        size += len(line) + 1
        if size >= chunk_chars:
            yield _chunk(group, first)
            made = True
            first += len(group)
            group, size = [], 0
    if group or not made:
        yield _chunk(group, first)


def _chunk(group: list[str], first: int) -> ScanChunk:
    return first, "\n".join(group), list(accumulate([len(x) + 1 for x in group], initial=0))


def lines_holding(chunks: Sequence[ScanChunk], lit: str) -> list[int]:
    """Indices of the lines of CHUNKS holding LIT, ascending, each once."""
    out: list[int] = []
    for first, text, starts in chunks:
        find = text.find
        p = find(lit)
        while p >= 0:
            k = bisect_right(starts, p) - 1
            out.append(first + k)
            p = find(lit, starts[k + 1])  # the next line: one hit per line is enough
    return out


class IndexedCandidates(ScanCandidates):
    """Candidates from the line literal index: the literals of the cleaner's
    :class:`LiteralIndex` each distinct line holds (whole line, case-folded),
    found by one scan of the lines not seen before and kept across removals
    and passes (a function of the line's text alone); rules are then found
    line by line from the literals each line holds. Rules without indexed
    literals are answered as :class:`ScanCandidates` answers them."""

    def __init__(self, ctx: Context, index: LiteralIndex) -> None:
        super().__init__(ctx, index)
        # whole line text (ending excluded) -> the literals of INDEX it holds
        self._line_literals: dict[str, tuple[str, ...]] = {}
        # literal -> ascending indices of the non-blank lines holding it
        self._by_literal: dict[str, list[int]] | None = None

    def reset(self) -> None:
        super().reset()
        self._by_literal = None

    def may_hit(self, rules: Sequence[CompiledRule], view: str) -> bool:
        """Whether a line holds a literal of one of RULES (from the document's
        literal -> lines map, which the stages' questions build anyway)."""
        lits = stage_literals(rules, self.index)
        if lits is None:
            return True
        inv = self._lines_by_literal()
        return any(lit in inv for lit in lits)

    def for_rules(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                  view: str) -> dict[int, list[int]]:
        if len(rules) * _FEW_RULES < len(lines):
            out = self._by_rule(rules, lines, view)
        else:
            out = self._by_line(rules, lines, view)
        timed_out = self.ctx.timed_out
        few = None
        for k in without_literals(rules):
            cr = rules[k]
            if cr.rule.id in timed_out:
                continue
            if few is None:
                few = len(lines) * 4 < self._count_nonblank()
            got = self._rule_lines(cr, lines, view, few)
            if got:
                out[k] = got
        return out

    def _by_rule(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                 view: str) -> dict[int, list[int]]:
        """The candidates of the rules with literals, rule by rule from the
        document's literal -> lines map (few rules, many lines: the block and
        inline stages)."""
        by_literal = self._lines_by_literal()
        wanted = set(lines)
        draft_lines = self.ctx.draft.lines
        words = self.ctx.words() if view == CONTENT else None
        out: dict[int, list[int]] = {}
        for k, cr in enumerate(rules):
            lits = cr.pat.literals if cr.pat else None
            if lits is None:
                continue
            found: set[int] = set()
            for lit in lits:
                found.update(by_literal.get(lit, ()))
            got = []
            for i in sorted(found & wanted):
                if words is not None:
                    ln = draft_lines[i]
                    if not self._in_reach(cr, i, words[i], len(ln.content) != ln.end - ln.start):
                        continue
                got.append(i)
            if got:
                out[k] = got
        return out

    def _by_line(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                 view: str) -> dict[int, list[int]]:
        """The candidates of the rules with literals, line by line from the
        literals each line holds (many rules: the line and section stages)."""
        by_literal = rules_by_literal(rules)
        out: dict[int, list[int]] = {}
        draft_lines = self.ctx.draft.lines
        words = self.ctx.words() if view == CONTENT else None
        for i, lits in zip(lines, self.literals_of(lines)):
            ks: set[int] = set()
            for lit in lits:
                got = by_literal.get(lit)
                if got:
                    ks.update(got)
            if not ks:
                continue
            ln = draft_lines[i]
            stripped = len(ln.content) != ln.end - ln.start  # the literal may be in the margins
            for k in ks:
                if words is not None and not self._in_reach(rules[k], i, words[i], stripped):
                    continue
                got = out.get(k)
                if got is None:
                    out[k] = [i]
                else:
                    got.append(i)
        return out  # each list ascending: LINES are

    def _in_reach(self, cr: CompiledRule, i: int, n_words: int, stripped: bool) -> bool:
        """Whether line I (of N_WORDS words), indexed as holding one of CR's
        literals, is a candidate of CR: within its word ceiling, and with the
        literal in its content, not only in the margins it was indexed with
        (STRIPPED: the line has margins)."""
        if cr.ceiling is not None and n_words > cr.ceiling:
            return False
        if stripped:
            folded = self.ctx.fold_line(i)
            return any(lit in folded for lit in cr.pat.literals)
        return True

    def lines_with(self, literals: Sequence[str], ceiling: int | None, view: str,
                   indexed: bool = True) -> list[int]:
        if not indexed:
            return super().lines_with(literals, ceiling, view)
        lines = self.ctx.draft.lines
        by_literal = self._lines_by_literal()
        words = self.ctx.words() if view == CONTENT and ceiling is not None else None
        found: set[int] = set()
        for lit in literals:
            key = (lit, ceiling, view)
            idx = self._hits.get(key)
            if idx is None:
                # the lines whose whole text holds LIT: their content (what
                # is left once stripped) may still not
                idx = by_literal.get(lit, [])
                if view == CONTENT:
                    idx = [i for i in idx
                           if (words is None or words[i] <= ceiling)
                           and (len(lines[i].content) == lines[i].end - lines[i].start
                                or lit in fold(lines[i].content))]
                self._hits[key] = idx
            found.update(idx)
        return sorted(found)

    def literals_of(self, indices: Sequence[int]) -> list[tuple[str, ...]]:
        """The literals of the index each line of INDICES holds (whole line,
        case-folded); lines not seen before are scanned now."""
        text = self.ctx.draft.text
        lines = self.ctx.draft.lines
        cache = self._line_literals
        same = self.ctx.draft.line_texts
        raws = [line_text(text, lines[i], lines[i].end, same) for i in indices]
        new = {r: i for r, i in zip(raws, indices) if r not in cache}
        if new:
            words = self.ctx.words()
            self._scan_lines(list(new), [words[i] for i in new.values()])
        return [cache[r] for r in raws]

    def _lines_by_literal(self) -> dict[str, list[int]]:
        """literal -> ascending indices of the non-blank lines whose whole
        case-folded text holds it (only the lines not seen before are scanned)."""
        inv = self._by_literal
        if inv is not None:
            return inv
        lines = self.ctx.draft.lines
        shown = [ln.index for ln in lines if ln.content]
        inv: dict[str, list[int]] = {}
        for i, lits in zip(shown, self.literals_of(shown)):
            file_under(inv, lits, i)
        self._by_literal = inv
        return inv

    def _scan_lines(self, raws: list[str], words: list[int]) -> None:
        """Record the literals of each of RAWS (distinct lines of WORDS words
        each) a rule may look for in a line that long."""
        tiers: dict[int | None, list[str]] = {}
        tier = self.index.tier
        for r, w in zip(raws, words):
            tiers.setdefault(tier(w), []).append(r)
        for t, group in tiers.items():
            self._scan_tier(self.index.for_lines(t), group)

    def _scan_tier(self, index: LiteralIndex, raws: list[str]) -> None:
        """Record the literals of INDEX each of RAWS holds, scanning them
        joined a chunk at a time (the folded copy of a whole document, with
        ``casefold``'s own buffer, would cost many times its size)."""
        for group in chunks_of(raws):
            self._scan_chunk(index, group)

    def _scan_chunk(self, index: LiteralIndex, raws: list[str]) -> None:
        folded = fold("\n".join(raws))
        parts = folded.split("\n")
        cache = self._line_literals
        if len(parts) != len(raws):  # pragma: no cover - casefold makes no line break
            for r in raws:
                cache[r] = tuple(index.scan(fold(r)))
            return
        starts = list(accumulate([len(f) + 1 for f in parts], initial=0))
        closure = index.closure
        found: dict[int, set[str]] = {}
        for ch, rx in index.split():
            for m in rx.finditer(folded):
                k = bisect_right(starts, m.start()) - 1
                got = found.get(k)
                if got is None:
                    got = found[k] = set()
                got.update(closure[ch + m.group(1)])
        for k, r in enumerate(raws):
            got = found.get(k)
            cache[r] = tuple(got) if got else ()


def file_under(table: dict, keys, index: int) -> None:
    """Append INDEX to TABLE's list of each of KEYS (a list started for a new
    key): how a map from rule ids or literals to ascending line indices is
    built, one line at a time."""
    get = table.get
    for key in keys:
        got = get(key)
        if got is None:
            table[key] = [index]
        else:
            got.append(index)
