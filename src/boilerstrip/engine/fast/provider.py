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

import re
import threading
from bisect import bisect_right
from itertools import accumulate, chain, compress, filterfalse, islice, repeat
from operator import itemgetter, ne
from typing import Callable, Sequence

from ...document import chunks_of
from ...rules.patterns import fold
from ..candidates import CONTENT, ScanCandidates, default_candidates, file_under, may_hit
from ..context import CompiledRule, Context
from ..index import LiteralIndex, trie_regex
from .database import Accelerator
from .engine import SHORT_CHARS

#: Piece sets whose rules a provider keeps (:meth:`FastProvider.rules_holding`).
HOLDING_MEMO = 1 << 16
#: A text up to this long (characters) is scanned whole in each state; a
#: longer one line by line, each distinct line once per document.
WHOLE_SCAN_CHARS = 1 << 20


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
        self._plans: dict[tuple[int, str], tuple] = {}
        self._literal_rx: dict[int, tuple] = {}
        #: piece set -> its rules (:meth:`rules_holding`); cleared, never
        #: replaced, when full: the scans hold it
        self.holding_memo: dict[frozenset[int], frozenset[str]] = {}
        self._subs: dict[Accelerator, FastProvider] = {}  # by the parts they scan

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
        # a short document does not load the database: a one-line run never
        # waits for it. Once it is loaded, short documents take it too: the
        # pure engine's literal scan grows with the rule count, one scan of a
        # short text barely does
        if len(ctx.draft.text) < self.short_chars and self._load is not None:
            return default_candidates(ctx, index)
        accel = self.accel
        if accel is None:
            return default_candidates(ctx, index)
        return FastCandidates(ctx, index, self._for(getattr(ctx, "languages", None)))

    def _for(self, languages: frozenset[str] | None) -> FastProvider:
        """The provider that scans only the database parts of the packs that
        run on a document (LANGUAGES: those; None, every pack): this one, or
        one per such set of parts (``Accelerator.for_languages``)."""
        accel = self.accel.for_languages(languages)
        if accel is self._accel:
            return self
        got = self._subs.get(accel)
        if got is None:
            got = self._subs[accel] = FastProvider(accel, short_chars=self.short_chars)
        return got

    def literal_rx(self, cr: CompiledRule):
        """One compiled regex of the case-folded literals one of which any line
        CR matches holds (``line_literals``), or None when it has none."""
        key = id(cr)
        got = self._literal_rx.get(key)
        if got is None or got[0] is not cr:
            lits = cr.pat.line_literals if cr.pat else None
            rx = None
            if lits:
                trie, emit = trie_regex(lits)
                rx = re.compile(emit(trie), re.DOTALL)
            got = self._literal_rx[key] = (cr, rx)
        return got[1]

    def rules_holding(self, pieces: frozenset[int]) -> frozenset[str]:
        """The rules one of whose patterns has all its pieces among PIECES (the
        pieces found in one line), memoised: the same few sets recur line
        after line, document after document."""
        got = self.holding_memo.get(pieces)
        if got is None:
            if len(self.holding_memo) >= HOLDING_MEMO:
                self.holding_memo.clear()  # a bound, never reached on ordinary text
            got = self.holding_memo[pieces] = _rules_holding(self.accel.table, pieces)
        return got

    def plan(self, rules: Sequence[CompiledRule], view: str = CONTENT
             ) -> tuple[dict[str, int], list, list[int], frozenset[str]]:
        """(rule id -> position of the rules the accelerator serves, the other
        rules, their positions, the served ids) for the rules of a stage
        asking in VIEW: a rule whose pieces keep a line's start is served for
        the CONTENT view only (a sentence cut matches line rules inside a line)."""
        key = (id(rules), view)
        got = self._plans.get(key)
        if got is None or got[0] is not rules:
            served = self.accel.rule_ids
            if view != CONTENT:
                served = served - self.accel.anchored_ids
            fast = {cr.rule.id: k for k, cr in enumerate(rules) if cr.rule.id in served}
            rest_at = [k for k, cr in enumerate(rules) if cr.rule.id not in fast]
            got = (rules, fast, [rules[k] for k in rest_at], rest_at, frozenset(fast))
            self._plans[key] = got  # a stage's list lives as long as its cleaner
        return got[1:]


class FastCandidates:
    """Candidates of one document from the accelerator of OWNER; the rules
    it does not serve from a literal scan (few rules: no index needed).

    Each state of the text is scanned once, and the scan becomes one map,
    rule id -> the lines where one of the rule's patterns has every piece:
    a stage's question costs per rule that has a hit, not per line, and a
    stage none of whose rules has a hit anywhere (:meth:`may_hit`) is skipped
    before it looks at a single line. A text of up to ``WHOLE_SCAN_CHARS``
    characters is scanned whole, its matches put on their lines by counting
    line breaks; a longer one line by line, each distinct line once, kept by
    line text across cuts and passes (a cut does not scan it all again)."""

    def __init__(self, ctx: Context, index: LiteralIndex | None, owner: FastProvider) -> None:
        self.ctx = ctx
        self.index = index
        self.owner = owner
        self.accel = owner.accel
        self.rest = ScanCandidates(ctx, None)
        self.pure = None  # the whole pure provider, for a text that does not encode
        self._verdicts: dict[int, set] = {}
        self._rules_of: dict[str, frozenset[str]] = {}  # whole line text -> rule ids
        self._map: dict[str, list[int]] | None = None  # rule id -> lines, this state
        # whether the map's lines are all non-blank (None: not known yet)
        self._shown_only: bool | None = None
        self._whole: str | None = None  # the original text, when it was scanned whole
        self._original: set[str] | None = None  # its lines (texts), when asked for
        self._seed: dict[str, list[int]] | None = None  # its map, until _seeded
        self._orig_raws: list[str] = []  # its line texts, by line
        self._raws: tuple | None = None  # (non-blank lines, their texts), this state
        self._rest_map: dict[int, list[int]] = {}  # id(rule) -> lines, this state
        self._rest_first: dict[int, list[int]] = {}  # id(rule) -> lines of the original
        self._rest_texts: dict[int, set[str]] = {}  # id(rule) -> their texts

    def verdicts(self, rules: Sequence[CompiledRule]) -> set:
        return self._verdicts.setdefault(id(rules), set())

    def reset(self) -> None:
        # what is kept by line text depends on each line's text alone
        self._map = None
        self._shown_only = None
        self._raws = None
        self._rest_map = {}
        self.rest.reset()
        if self.pure is not None:
            self.pure.reset()

    def _fallback(self):
        """The pure provider, from now on (the text does not encode as UTF-8)."""
        if self.pure is None:
            self.pure = default_candidates(self.ctx, self.index)
        return self.pure

    def may_hit(self, rules: Sequence[CompiledRule], view: str) -> bool:
        if self.pure is not None:
            return may_hit(self.pure, rules, view)
        fast, rest, _rest_at, served = self.owner.plan(rules, view)
        hits = self._hits() if fast else {}
        if hits is None:
            return may_hit(self._fallback(), rules, view)
        if rest and any(self._rest_lines(cr) != [] for cr in rest):
            return True  # some line may hold a literal of a rule the accelerator does not serve
        return not served.isdisjoint(hits)

    def for_rules(self, rules: Sequence[CompiledRule], lines: Sequence[int],
                  view: str) -> dict[int, list[int]]:
        if self.pure is not None:
            return self.pure.for_rules(rules, lines, view)
        fast, rest, rest_at, served = self.owner.plan(rules, view)
        hits = self._hits() if fast else {}
        if hits is None:
            return self._fallback().for_rules(rules, lines, view)
        out: dict[int, list[int]] = {}
        timed_out = self.ctx.timed_out
        line_words = self.ctx.line_words  # the candidate lines' only: few
        # asked about every non-blank line (most questions), and the map holds
        # non-blank lines only: no line of it is left out for not being asked
        every = lines is self.ctx.shown() and self._map_shown()
        wanted: set[int] | None = None

        def kept(found: list[int], ceiling: int | None, mapped: bool = False) -> list[int]:
            """The lines of FOUND asked about (LINES) and within the rule's word
            ceiling (MAPPED: FOUND is from the map)."""
            nonlocal wanted
            if every and mapped:
                if ceiling is None:
                    return found[:]  # a copy: the map's lists serve later questions
                # the counts compared at C speed (no comprehension frame)
                return list(compress(found, map(ceiling.__ge__, map(line_words, found))))
            if wanted is None:
                wanted = set(lines)
            if ceiling is None:
                return [i for i in found if i in wanted]
            return [i for i in found if i in wanted and line_words(i) <= ceiling]
        if rest:
            scanned = [self._rest_lines(cr) for cr in rest]
            unserved = []
            for j, found in enumerate(scanned):
                cr = rest[j]
                if found is None and self.owner.literal_rx(cr) is None:
                    # no literal: any line asked about, whatever its length
                    # (the stage's ``when`` and position window decide)
                    if lines and cr.rule.id not in timed_out:
                        out[rest_at[j]] = list(lines)
                elif found is None:
                    unserved.append(j)
                elif found and cr.rule.id not in timed_out:
                    got = kept(found, cr.ceiling if view == CONTENT else None)
                    if got:
                        out[rest_at[j]] = got
            if unserved:  # a long text: as the pure engine does
                asked = [rest[j] for j in unserved]
                for j, got in self.rest.for_rules(asked, lines, view).items():
                    out[rest_at[unserved[j]]] = got
        for rid in (hits if len(hits) <= len(served) else served.intersection(hits)):
            k = fast.get(rid)
            if k is None or rid in timed_out:
                continue
            got = kept(hits[rid], rules[k].ceiling if view == CONTENT else None, True)
            if got:
                out[k] = got
        return out  # each list ascending: the map's are

    def _rest_lines(self, cr: CompiledRule) -> list[int] | None:
        """Ascending indices of the lines holding one of CR's literals
        (case-folded), a rule the accelerator does not serve: one regex scan
        of the folded text per state; None when CR has no literals or the
        text is long (the pure provider's scan answers)."""
        rx = self.owner.literal_rx(cr)
        text = self.ctx.draft.text
        if rx is None or len(text) > WHOLE_SCAN_CHARS:
            return None
        got = self._rest_map.get(id(cr))
        if got is not None:
            return got
        first = self._rest_first.get(id(cr))
        if first is None or self._whole is None:
            # the original (or no line texts kept): one scan of the folded text
            folded = fold(text)  # folding makes no line break
            count = folded.count
            got = []
            line = prev = 0
            for m in rx.finditer(folded):
                at = m.start()
                line += count("\n", prev, at)
                prev = at
                if not got or got[-1] != line:
                    got.append(line)
            if first is None and text is self.ctx.draft.original:
                self._rest_first[id(cr)] = got
        else:
            # a later state: lines looked up by text, the new ones searched alone
            if self._seed is not None:
                self._seeded()
            held = self._rest_texts.get(id(cr))
            if held is None:
                raws = self._orig_raws
                held = self._rest_texts[id(cr)] = {raws[i] for i in first}
            original = self._original
            shown, raws = self._state_raws()
            search = rx.search
            got = [i for i, r in zip(shown, raws)
                   if r in held or (r not in original and search(fold(r)))]
        self._rest_map[id(cr)] = got
        return got

    def lines_of(self, rule_id: str) -> list[int] | None:
        """Ascending indices of the current text's lines that rule RULE_ID
        (a detector's gate rule: fast/gates.py) may match; None when the
        accelerator does not serve it or cannot scan the text."""
        if self.pure is not None or rule_id not in self.accel.rule_ids:
            return None
        hits = self._hits()
        return None if hits is None else hits.get(rule_id, [])

    def _state_raws(self) -> tuple[list[int], list[str]]:
        """The indices of the non-blank lines of the current text (ascending)
        and their whole texts."""
        if self._raws is None:
            draft = self.ctx.draft
            shown = self.ctx.shown()  # made once per state, for the stages too
            lines = draft.lines
            # the content itself where it is the line (``line_text``, inlined:
            # a call per line costs more than the rest of this loop)
            raws = [c if e - s == len(c) else _sliced(draft, s, e)
                    for _i, s, e, _n, c in map(lines.__getitem__, shown)]
            self._raws = (shown, raws)
        return self._raws

    def _line_rules(self, lines: Sequence[int]) -> list[frozenset[str]] | None:
        """The ids of the rules one of whose patterns has every piece in each
        line of LINES (whole line text); None when the text cannot be scanned."""
        hits = self._hits()
        if hits is None:
            return None
        per_line: dict[int, set[str]] = {}
        for rid, found in hits.items():
            for i in found:
                per_line.setdefault(i, set()).add(rid)
        return [frozenset(per_line.get(i, ())) for i in lines]

    def _hits(self) -> dict[str, list[int]] | None:
        """Rule id -> ascending indices of the lines of the current text that
        rule may match (the accelerator's rules); None when the text cannot be
        scanned (lone surrogates: the pure engine's job)."""
        if self._map is None:
            draft = self.ctx.draft
            try:
                if (draft.text is draft.original and self._whole is None
                        and len(draft.text) <= WHOLE_SCAN_CHARS):
                    self._map = self._scan_whole(draft.text)
                else:
                    self._map = self._scan_lines()
                    self._shown_only = True  # made of the non-blank lines' texts
            except UnicodeEncodeError:
                return None
        return self._map

    def _map_shown(self) -> bool:
        """Whether the lines of this state's map (once made) are all non-blank
        lines (a piece may match the margin of a blank line). Found when a
        stage first asks for candidates, not at the scan: a detector's gate
        (``lines_of``) asks for no line split, so a document the gates rule
        out is never split here; the contents are looked up at C speed."""
        got = self._shown_only
        if got is None:
            if self._map is None:  # no rule asked about is served: no map made
                return False
            lines = self.ctx.draft.lines
            got = self._shown_only = all(map(_CONTENT, map(
                lines.__getitem__, chain.from_iterable(self._map.values()))))
        return got

    def _scan_whole(self, text: str) -> dict[str, list[int]]:
        """The map of TEXT, the original, from one scan of the whole of it.
        The lines of later states are looked up by their text: those of the
        original without a hit are known to have none (``_original``)."""
        data = text.encode("utf-8")
        found = self.accel.scan(data)
        self._whole = text
        self._seed = {}  # the line texts' rules, when a later state asks (_scan_lines)
        if not found:
            return {}
        found.sort(key=_END)
        # the line of each match: the line breaks between consecutive ends,
        # counted and summed at C speed (no piece matches a line break: a
        # match ends in the line it starts in)
        ends = list(map(_END, found))
        lines = list(accumulate(map(data.count, repeat(b"\n"), chain((0,), ends), ends)))
        pieces = list(map(_PIECE, found))
        n = len(found)
        # where the line changes from one match to the next, found at C speed:
        # the matches of a line are pieces[a:b] between consecutive cuts
        cuts = compress(range(1, n), map(ne, lines, islice(lines, 1, None)))
        memo = self.owner.holding_memo  # the same sets recur: looked up inline
        holding = self.owner.rules_holding
        out: dict[str, list[int]] = {}
        a = 0
        for b in chain(cuts, (n,)):
            key = frozenset(pieces[a:b])
            ids = memo.get(key)
            if ids is None:
                ids = holding(key)
            if ids:
                file_under(out, ids, lines[a])
            a = b
        self._seed = out
        return out

    def _seeded(self) -> None:
        """Record the rules of the original's lines with a hit by their text
        (from the whole scan), and the original's line texts (those without)."""
        raws = self._whole.split("\n")  # line I's text is raws[I]
        known = self._rules_of
        for rid, found_at in self._seed.items():
            for i in found_at:
                known.setdefault(raws[i], set()).add(rid)
        for r, ids in known.items():
            known[r] = frozenset(ids)
        self._original = set(raws)
        self._orig_raws = raws
        self._seed = None

    def _scan_lines(self) -> dict[str, list[int]]:
        """The map of the current text from the rules of each distinct line,
        scanning only the lines not seen before."""
        shown, raws = self._state_raws()
        if self._seed is not None:
            self._seeded()
        known = self._rules_of
        # the distinct texts neither scanned nor lines of the original (those
        # without a hit: the others are known), filtered at C speed
        new = filterfalse(known.__contains__, dict.fromkeys(raws))
        if self._original is not None:
            new = filterfalse(self._original.__contains__, new)
        new = list(new)  # before _scan adds to KNOWN
        for group in chunks_of(new):
            self._scan(group)
        # each line's rules looked up at C speed; only the lines with some
        # (few) are walked in Python
        found = list(map(known.get, raws))
        out: dict[str, list[int]] = {}
        for line, ids in zip(compress(shown, found), filter(None, found)):
            file_under(out, ids, line)
        return out

    def _scan(self, raws: list[str]) -> None:
        """Scan RAWS (distinct lines) joined by ``\\n``, and record each one's rules."""
        joined = "\n".join(raws)
        data = joined.encode("utf-8")
        if len(data) == len(joined):
            sizes = [len(r) + 1 for r in raws]
        else:
            sizes = [len(r.encode("utf-8")) + 1 for r in raws]
        starts = list(accumulate(sizes, initial=0))
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
        holding = self.owner.rules_holding
        empty: frozenset[str] = frozenset()
        for k, r in enumerate(raws):
            pieces = per_line.get(k)
            known[r] = holding(frozenset(pieces)) if pieces else empty


def _sliced(draft, start: int, end: int) -> str:
    """The text of a line with margins, one copy per draft (``line_text``)."""
    got = draft.text[start:end]
    return draft.line_texts.setdefault(got, got)


_PIECE = itemgetter(0)  # of a (piece, end offset) match
_CONTENT = itemgetter(4)  # Line.content
_END = itemgetter(1)


def _rules_holding(table, pieces: set[int]) -> frozenset[str]:
    """The rules one of whose patterns has all its pieces among PIECES."""
    count: dict[int, int] = {}
    for p in pieces:
        for n in table.piece_patterns[p]:
            count[n] = count.get(n, 0) + 1
    return frozenset(table.patterns[n][0] for n, c in count.items()
                     if c == table.patterns[n][1])
