"""The engine: applies ordered rules to a text and returns a :class:`Result`.

Rules run in ascending ``(order, id)``. Consecutive rules of the same kind form
a *stage*: a stage looks at the text as the previous stage left it, and inside
a stage each line (paragraph, header...) is taken by the first rule, in order,
that matches it. So later rules always see the result of earlier stages, and
the outcome never depends on anything but the rule order.

After the stages, a tidy pass removes what the removals left behind: blank
lines piling up where text was cut out, lines emptied by inline removals,
doubled spaces. Those edits are recorded like any other (category
``whitespace``), so the report stays lossless.

The stages run again until a pass removes nothing (cleaning is idempotent).
What keeps that cheap: one scan of each distinct line (trie regexes, one per
first character; long lines only for the literals of rules taking lines that
long) records which rule literals the line holds, kept across cuts and passes
so only changed lines are scanned again; the line, section and inline stages
go line by line over the rules whose literals the line holds, so a rule costs
per line it may match, not per document; and a later pass only revisits the
lines whose verdict can have changed. ``tests/test_speed_safety.py`` checks
each shortcut against the slow path.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..document import Attribution, Draft, Line, paragraphs, word_count
from ..errors import ConfigError, RuleError
from ..rules.patterns import RulePatterns, TimedOut
from ..result import Change, Result, Skipped
from ..rules.loader import PROFILES, Rule, bundled_rules_dir, load_rules, selector_matches

#: Over-cleaning guard: the largest share of a document's words a profile may
#: remove before the document is left unchanged and reported as ``guarded``.
#: Chosen from the benchmarks (bench/quality.py prints what the guard changes).
DEFAULT_MAX_REMOVED_SHARE = {"article": 0.8, "page": 0.97}
#: Kinds whose removals the guard does not count: a comment thread is found below
#: the article body (it keeps the body above itself), so what the guard protects
#: is the text outside it, however long the thread.
GUARD_SPARES_KINDS = frozenset({"comment-thread"})
DEFAULT_TIMEOUT = 0.5  # seconds per regex call
MAX_PASSES = 4  # passes over the stages before giving up on reaching a fixed point

_TERMINAL = tuple(".!?…:;\"'”’»)]")

Deletion = tuple[int, int, Attribution]


#: Word-count ceilings of the scan texts: a rule limited to ``max_words: N``
#: only looks for its literals among the lines of the smallest ceiling >= N, so
#: most rules never scan the long prose lines that make up most of the bytes.
_WORD_BUCKETS = (8, 16, 32, 64, 128)


def _bucket(max_words: int | None) -> int | None:
    if max_words is None:
        return None
    for b in _WORD_BUCKETS:
        if max_words <= b:
            return b
    return None


#: Documents shorter than this (characters) look their literals up one by one
#: until a stage's combined regex has been compiled: a one-line ``echo x |
#: boilerstrip clean`` should not pay for compiling it.
_INDEX_MIN_CHARS = 2000

#: Later passes skip the lines whose verdict cannot have changed (see
#: ``_stage_line`` and ``_stage_inline``); the tests turn this off to compare.
KEEP_VERDICTS = True

#: Which lines hold which literal comes from one scan of the lines with the
#: trie regex, kept per line across removals (``_Context._by_literal``), not
#: from a ``str.find`` pass over the whole text per literal; the tests turn
#: this off to compare.
USE_LINE_INDEX = True

#: Long lines are only scanned for the literals a rule may look for in a
#: line that long (``_LiteralIndex.for_lines``); the tests turn this off.
USE_TIERS = True

#: A document's word count (for the removed share) is the sum of its lines'
#: counts, which the stages compute anyway, rather than a split of the whole
#: text; the tests turn this off to compare.
WORDS_FROM_LINES = True

#: ``ceiling`` of the scan text made of whole lines rather than their stripped content.
_RAW = -1

#: Word-count tiers of the line literal index (``_LiteralIndex.for_lines``).
_TIERS = (32, 64, 128)


class _LiteralIndex:
    """All literals of the rules as trie-shaped regexes, one per first character.

    A scan of the case-folded text finds, at every position, the longest
    literal starting there; every literal that is a prefix of it is present
    too (``closure``). So finding which lines hold which literals costs a few
    C-speed passes over the text however many rules there are, instead of one
    ``str.find`` pass per literal.

    The regex of first character ``c`` is ``c(?=(rest))``: starting with a
    plain character, ``re`` skims the text for it at C speed and only tries
    the rest of the trie where it occurs; consuming that one character, it
    still sees overlapping literals. One alternation of the whole trie
    (``regex``, the reference of the tests) tries every alternative at every
    position: twice as slow, and slower the more literals.
    """

    def __init__(self, literals: Iterable[str],
                 bounds: dict[str, int | None] | None = None) -> None:
        lits = set(literals)
        self.closure = {lit: tuple(lit[:k] for k in range(1, len(lit) + 1) if lit[:k] in lits)
                        for lit in lits}
        self._literals = sorted(lits)
        self.max_len = max((len(lit) for lit in lits), default=0)
        # literal -> the longest line (in words) a rule looking for it can
        # take (a ``_WORD_BUCKETS`` ceiling), None when any line
        self.bounds: dict[str, int | None] = {lit: None for lit in lits}
        if bounds:
            self.bounds.update((lit, b) for lit, b in bounds.items() if lit in lits)
        self._regex = None
        self._split: list | None = None
        self._tiers: dict = {}
        self._lock = threading.Lock()

    def tier(self, words: int) -> int | None:
        """The tier of a line of WORDS words (see ``for_lines``)."""
        for b in _TIERS:
            if words <= b:
                return b
        return None

    def for_lines(self, tier: int | None) -> "_LiteralIndex":
        """The index of the literals a line of tier TIER can need: lines of
        at most ``_TIERS[0]`` words get every literal; longer ones only the
        literals some rule may look for in a line that long. Most of a text's
        bytes are long prose lines, and most literals belong to rules limited
        to short lines (``max_words``): those are not looked for there."""
        if tier == _TIERS[0] or not any(b is not None for b in self.bounds.values()):
            return self
        got = self._tiers.get(tier)
        if got is None:
            keep = [lit for lit, b in self.bounds.items()
                    if b is None or (tier is not None and b >= tier)]
            got = _LiteralIndex(keep)
            got.closure = self.closure  # a longer literal's prefixes occur too, tier or not
            with self._lock:
                got = self._tiers.setdefault(tier, got)
        return got

    @property
    def compiled(self) -> bool:
        return self._regex is not None or self._split is not None

    def _trie(self) -> tuple[dict, Callable[[dict], str]]:
        import re

        trie: dict = {}
        for lit in self._literals:
            node = trie
            for ch in lit:
                node = node.setdefault(ch, {})
            node[""] = True

        def emit(node: dict) -> str:
            alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
            if not alts:
                return ""
            body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
            # greedy: the longest literal on the path wins, shorter ones are its prefixes
            return f"(?:{body})?" if "" in node else body

        return trie, emit

    def regex(self):
        """The whole trie as one regex (the reference for ``split``)."""
        if self._regex is None:
            import re

            trie, emit = self._trie()
            with self._lock:
                if self._regex is None:
                    self._regex = re.compile("(?=(" + emit(trie) + "))", re.DOTALL)
        return self._regex

    def split(self) -> list:
        """``(c, regex)`` per first character C of a literal: ``regex`` matches
        C at every position where a literal starts with it, and its group is
        the rest of the longest such literal."""
        if self._split is None:
            import re

            trie, emit = self._trie()
            pats = [(ch, re.compile(re.escape(ch) + "(?=(" + emit(sub) + "))", re.DOTALL))
                    for ch, sub in sorted(trie.items())]
            with self._lock:
                if self._split is None:
                    self._split = pats
        return self._split

    def scan(self, text: str) -> set[str]:
        """The literals occurring in TEXT (case-folded by the caller)."""
        closure = self.closure
        return {p for ch, rx in self.split() for rest in set(rx.findall(text))
                for p in closure[ch + rest]}

    def scan_reference(self, text: str) -> set[str]:
        """``scan`` with the single trie regex (for the tests)."""
        closure = self.closure
        return {p for lit in set(self.regex().findall(text)) for p in closure[lit]}


_BY_LITERAL: dict[tuple, dict[str, list[int]]] = {}


def _rules_by_literal(rules: Sequence[_CompiledRule]) -> dict[str, list[int]]:
    """literal -> positions (in RULES) of the rules of a stage that require it."""
    key = tuple(rules)
    by_literal = _BY_LITERAL.get(key)
    if by_literal is None:
        by_literal = {}
        for k, cr in enumerate(rules):
            for lit in (cr.pat.literals or ()) if cr.pat else ():
                by_literal.setdefault(lit, []).append(k)
        _BY_LITERAL[key] = by_literal
    return by_literal


@dataclass
class _Context:
    """Per-document scratch state shared by the stages of one ``clean`` call.

    Everything here is derived from ``draft.text`` and dropped by ``reset``
    whenever a stage changes the text.
    """

    draft: Draft
    skipped: list[Skipped]
    timed_out: set[str]
    index: _LiteralIndex | None = None  # every literal of the cleaner's rules
    folded: str | None = None
    folded_lines: list[str] | None = None
    folded_memo: dict | None = None  # line index -> case-folded content (``fold_line``)
    line_words: list[int] | None = None
    word_memo: dict = field(default_factory=dict)  # content -> word count, kept across changes
    # word count of the original text, when WORDS saw it before any change
    # (the sum of its lines' counts is ``word_count`` of the text)
    original_words: int | None = None
    # word ceiling (None: every line) -> (case-folded lines joined by "\n",
    # offset where each line starts in it); see ``lines_with``
    scans: dict | None = None
    hits: dict | None = None  # (literal, ceiling) -> line indices (memo)
    # Literals of INDEX that may occur in the text: a superset of those that
    # do, kept across removals (see ``present``); None when not computed.
    present_set: set[str] | None = None
    present_text: str | None = None  # the text PRESENT_SET was last brought up to date for
    # stage -> keys of the lines it left alone (see ``_stage_line``); kept across passes
    rejected: dict = field(default_factory=dict)
    # whole line text (ending excluded) -> the literals of INDEX in its
    # case-folded form: a function of the text alone, so kept across removals
    # and passes (only the lines a removal changed are scanned again)
    line_literals: dict = field(default_factory=dict)
    # literal -> ascending indices of the non-blank lines of the current text
    # holding it (whole line); rebuilt from LINE_LITERALS after each change
    by_literal: dict | None = None

    def fold(self) -> str:
        if self.folded is None:
            self.folded = self.draft.text.casefold()
        return self.folded

    def fold_line(self, i: int) -> str:
        """Line I's content, case-folded (folded when first asked for: later
        passes look at few lines, and must not fold the whole text again)."""
        memo = self.folded_memo
        if memo is None:
            memo = self.folded_memo = {}
        got = memo.get(i)
        if got is None:
            got = memo[i] = self.draft.lines[i].content.casefold()
        return got

    def _all_folded_lines(self) -> list[str]:
        if self.folded_lines is None:
            self.folded_lines = "\n".join(ln.content for ln in self.draft.lines
                                          ).casefold().split("\n")
        return self.folded_lines

    def words(self) -> list[int]:
        """Word count of each line (``word_count`` of its content); counted
        once per distinct content in a document (passes see the same lines)."""
        if self.line_words is None:
            memo = self.word_memo
            get = memo.get
            out = []
            for ln in self.draft.lines:
                c = ln.content
                n = get(c)
                if n is None:
                    n = memo[c] = len(c.split())
                out.append(n)
            self.line_words = out
            if self.draft.text is self.draft.original:
                self.original_words = sum(out)
        return self.line_words

    def _scan_text(self, ceiling: int | None) -> tuple[str, list[int]]:
        if self.scans is None:
            self.scans = {}
        got = self.scans.get(ceiling)
        if got is None:
            folded = self._all_folded_lines() if self.draft.lines else []
            if ceiling == _RAW:
                # whole lines, surrounding whitespace included (what inline rules see)
                text = self.draft.text
                folded = [text[ln.start:ln.end].casefold() for ln in self.draft.lines]
            elif ceiling is not None:
                words = self.words()
                folded = [f if words[i] <= ceiling else "" for i, f in enumerate(folded)]
            starts = list(accumulate([len(f) + 1 for f in folded], initial=0))
            got = self.scans[ceiling] = ("\n".join(folded), starts)
        return got

    def present(self) -> set[str] | None:
        """The literals of the cleaner's index that may occur in the text
        (case-folded), or None when the index is not worth using yet.

        The whole text is scanned once per document: one ``findall`` of the
        trie regex, in C, gives the longest literal at each position, and the
        literals that are its prefixes occur there too (``closure``). A
        removal only joins what was already there, so afterwards only the
        windows around the points where text was cut out are scanned again:
        the set stays a superset of the literals present, which is all a
        prefilter needs.
        """
        index = self.index
        if index is None or not (index.compiled or len(self.draft.text) >= _INDEX_MIN_CHARS):
            return None
        text = self.draft.text
        if self.present_set is None:
            if USE_LINE_INDEX:
                # the literals of the whole text are those of its lines (no
                # literal holds a line break): the same scan gives both
                self.present_set = self._all_literals()
            else:
                self.present_set = index.scan(text.casefold())
        elif self.present_text is not text:
            reach = index.max_len
            windows = [text[max(0, p - reach):p + reach] for p, _removed in self.draft.junctions()]
            if windows:
                self.present_set |= index.scan("\0".join(windows).casefold())
        self.present_text = text
        return self.present_set

    def lines_with(self, literals: Sequence[str], ceiling: int | None,
                   indexed: bool = True) -> list[int]:
        """Indices of the non-blank lines (of at most CEILING words) whose
        case-folded content contains one of LITERALS, ascending (CEILING
        ``_RAW``: the whole line, surrounding whitespace included).

        Literals the stage's INDEX did not find are skipped at once; for the
        others, one ``str.find`` scan of the folded text per literal (memoised
        per stage), each hit mapped to its line by bisection: no per-line loop.
        """
        lines = self.draft.lines
        present = self.present() if indexed else None  # short literals are not in the index
        if present is not None:
            literals = [lit for lit in literals if lit in present]
        found: set[int] = set()
        hits = self.hits
        if hits is None:
            hits = self.hits = {}
        scan = None
        by_literal = self._by_literal() if present is not None and USE_LINE_INDEX else None
        for lit in literals:
            key = (lit, ceiling)
            idx = hits.get(key)
            if idx is None and by_literal is not None:
                # the lines whose whole text holds LIT, from the line index:
                # its content (what is left once stripped) may still not
                idx = by_literal.get(lit, [])
                if ceiling != _RAW:
                    words = self.words() if ceiling is not None else None
                    idx = [i for i in idx
                           if (words is None or words[i] <= ceiling)
                           and (len(lines[i].content) == lines[i].end - lines[i].start
                                or lit in lines[i].content.casefold())]
                hits[key] = idx
            elif idx is None:
                if scan is None:
                    scan = self._scan_text(ceiling)
                text, starts = scan
                idx = []
                find = text.find
                p = find(lit)
                while p >= 0:
                    i = bisect_right(starts, p) - 1
                    if lines[i].content:
                        idx.append(i)
                    p = find(lit, starts[i + 1])  # the next line: one hit per line is enough
                hits[key] = idx
            found.update(idx)
        return sorted(found)

    def reset(self) -> None:
        self.folded = None
        self.folded_lines = None
        self.folded_memo = None
        self.line_words = None
        self.scans = None
        self.hits = None
        self.by_literal = None

    def _line_texts(self, blank_too: bool) -> list[str]:
        """The whole text of each line (ending excluded), each one recorded in
        LINE_LITERALS (the lines not seen before are scanned now)."""
        text = self.draft.text
        lines = self.draft.lines
        raws = [text[ln.start:ln.end] for ln in lines]
        cache = self.line_literals
        new = {r: i for i, r in enumerate(raws)
               if r not in cache and (blank_too or lines[i].content)}
        if new:
            words = self.words()
            self._scan_lines(list(new), [words[i] for i in new.values()])
        return raws

    def literals_of(self, indices: Sequence[int]) -> list[tuple[str, ...]]:
        """The literals of the index each line of INDICES holds (whole line,
        case-folded), from LINE_LITERALS (lines not seen before are scanned now)."""
        text = self.draft.text
        lines = self.draft.lines
        cache = self.line_literals
        raws = [text[lines[i].start:lines[i].end] for i in indices]
        new = {r: i for r, i in zip(raws, indices) if r not in cache}
        if new:
            words = self.words()
            self._scan_lines(list(new), [words[i] for i in new.values()])
        return [cache[r] for r in raws]

    def _all_literals(self) -> set[str]:
        """The literals of the index occurring in the text (every line)."""
        cache = self.line_literals
        found: set[str] = set()
        for r in dict.fromkeys(self._line_texts(blank_too=True)):
            found.update(cache[r])
        return found

    def _by_literal(self) -> dict[str, list[int]]:
        """literal -> ascending indices of the non-blank lines whose whole
        case-folded text (surrounding whitespace included) holds it.

        Built from LINE_LITERALS: only the lines not seen before are scanned
        (one ``finditer`` of the index's trie regex over them, joined), so a
        removal costs a scan of what it changed, not of the whole text, and
        there is no ``str.find`` pass over the text per literal.
        """
        inv = self.by_literal
        if inv is not None:
            return inv
        lines = self.draft.lines
        cache = self.line_literals
        inv = {}
        get = inv.get
        for i, r in enumerate(self._line_texts(blank_too=False)):
            if lines[i].content:
                lits = cache[r]
                for lit in lits:
                    got = get(lit)
                    if got is None:
                        inv[lit] = [i]
                    else:
                        got.append(i)
        self.by_literal = inv
        return inv

    def _scan_lines(self, raws: list[str], words: list[int]) -> None:
        """Record in LINE_LITERALS the literals of each of RAWS (distinct
        lines of WORDS words each) a rule may look for in a line that long."""
        index = self.index
        assert index is not None
        if not USE_TIERS:
            self._scan_tier(index, raws)
            return
        tiers: dict[int | None, list[str]] = {}
        tier = index.tier
        for r, w in zip(raws, words):
            tiers.setdefault(tier(w), []).append(r)
        for t, group in tiers.items():
            self._scan_tier(index.for_lines(t), group)

    def _scan_tier(self, index: _LiteralIndex, raws: list[str]) -> None:
        folded = "\n".join(raws).casefold()
        parts = folded.split("\n")
        if len(parts) != len(raws):  # pragma: no cover - casefold makes no line break
            for r in raws:
                self.line_literals[r] = tuple(index.scan(r.casefold()))
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
        cache = self.line_literals
        for k, r in enumerate(raws):
            got = found.get(k)
            cache[r] = tuple(got) if got else ()

    def verdicts(self, rules: Sequence) -> set:
        """The keys of the lines the stage of RULES left alone in earlier
        passes (``KEEP_VERDICTS`` false: always empty, for the reference
        runs of the tests)."""
        if not KEEP_VERDICTS:
            return set()
        return self.rejected.setdefault(id(rules), set())

    def forget_literals(self) -> None:
        """Drop the present-literal set (after a repair, which is not a removal)."""
        self.present_set = None
        self.present_text = None

    def timeout(self, rule_id: str) -> None:
        if rule_id not in self.timed_out:
            self.timed_out.add(rule_id)
            self.skipped.append(Skipped(rule_id, "pattern exceeded its time limit"))


def is_prose(content: str, min_words: int) -> bool:
    """A line that reads like a sentence of running text."""
    return content.endswith(_TERMINAL) and word_count(content) >= min_words


def is_subheading(line: str, max_words: int = 6) -> bool:
    """A short capitalised line of words: no digits (dates, scores), no URL, no
    closing punctuation and no comma (a "Hi Jane," salutation)."""
    return (0 < word_count(line) <= max_words and line[0].isupper()
            and not line.endswith(_TERMINAL + (",",)) and "://" not in line
            and not any(ch.isdigit() for ch in line))


def subheaded(contents: Sequence[str], prose_min_words: int) -> int:
    """How many subheadings the non-blank lines CONTENTS hold, each directly followed
    by a paragraph of PROSE_MIN_WORDS words or more (its end may be wrapped onto
    the next line); 0 unless they make at least a quarter of the lines down to the
    last of them (an article's sections alternate heading and paragraphs, the
    name lines of a thread are sparser)."""
    at = [k for k, (a, b) in enumerate(zip(contents, contents[1:]))
          if is_subheading(a) and word_count(b) >= prose_min_words]
    return len(at) if at and len(at) * 4 >= at[-1] + 2 else 0


class _CompiledRule:
    __slots__ = ("rule", "pat", "who", "ceiling", "ftfy")

    def __init__(self, rule: Rule, timeout: float | None) -> None:
        self.rule = rule
        self.ftfy = None  # a normalisation rule's ftfy config, built on first use
        self.pat = (RulePatterns(rule.id, rule.patterns, rule.unless, rule.flags,
                                 rule.match == "full", timeout) if rule.patterns else None)
        self.who = Attribution(rule.id, rule.category)
        self.ceiling = _bucket(rule.when.max_words)


# ------------------------------------------------------------------ helpers

class _Positions:
    """Rank of each non-blank line from the start and from the end, and the
    index of the last prose line (for ``after_last_prose``)."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self._rank: dict[int, int] | None = None
        self._last_prose: dict[int, int] = {}

    # computed when first needed: the fragment stages look at one line, and
    # must not walk the whole text in every pass
    @property
    def rank(self) -> dict[int, int]:
        if self._rank is None:
            self._rank = {ln.index: r for r, ln in enumerate(ln for ln in self.lines
                                                             if ln.content)}
        return self._rank

    @property
    def count(self) -> int:
        return len(self.rank)

    def last_prose(self, min_words: int) -> int:
        if min_words not in self._last_prose:
            last = -1
            for ln in reversed(self.lines):
                if ln.content and is_prose(ln.content, min_words):
                    last = ln.index
                    break
            self._last_prose[min_words] = last
        return self._last_prose[min_words]


def _conditions_hold(rule: Rule, first: Line, last: Line, content: str,
                     pos: _Positions, n_words: int | None = None) -> bool:
    """Whether RULE's ``when`` holds for CONTENT spanning lines FIRST..LAST
    (N_WORDS: ``word_count(content)`` when the caller knows it)."""
    w = rule.when
    if w.max_chars is not None and len(content) > w.max_chars:
        return False
    if w.max_words is not None or w.min_words is not None:
        n = word_count(content) if n_words is None else n_words
        if w.max_words is not None and n > w.max_words:
            return False
        if w.min_words is not None and n < w.min_words:
            return False
    if w.first_lines is not None and pos.rank.get(first.index, 0) >= w.first_lines:
        return False
    if w.not_first_lines is not None and pos.rank.get(first.index, 0) < w.not_first_lines:
        return False
    if w.last_lines is not None and pos.count - 1 - pos.rank.get(last.index, 0) >= w.last_lines:
        return False
    if w.after_last_prose and first.index <= pos.last_prose(w.prose_min_words):
        return False
    return True


def _candidates(cr: _CompiledRule, ctx: _Context) -> list[int]:
    """Indices of the non-blank lines that may match CR, ascending: those
    containing one of its literals (all when it has none), among the lines
    short enough for its ``max_words``."""
    lits = cr.pat.literals if cr.pat else None
    if lits is not None:
        return ctx.lines_with(lits, cr.ceiling)
    short = cr.pat.line_literals if cr.pat else None
    if short is not None:
        return ctx.lines_with(short, cr.ceiling, indexed=False)
    lines = ctx.draft.lines
    if cr.ceiling is None:
        return [ln.index for ln in lines if ln.content]
    words = ctx.words()
    ceiling = cr.ceiling
    return [ln.index for ln in lines if ln.content and words[ln.index] <= ceiling]


# ------------------------------------------------------------------ stages

def _present_rules(rules: Sequence[_CompiledRule], ctx: _Context) -> Sequence[_CompiledRule]:
    """The rules of a stage that can match somewhere in the text, in order.

    The document's literal scan (``_Context.present``) tells which literals
    occur; a rule all of whose literals are absent is dropped without any
    per-rule work (with ~200 rules, visiting each one per document was most
    of the time). Rules without literals are always kept.
    """
    present = ctx.present()
    if present is None:
        return rules
    by_literal = _rules_by_literal(rules)
    keep: set[int] = set()
    for lit in present:
        keep.update(by_literal.get(lit, ()))
    return [cr for k, cr in enumerate(rules) if cr.pat.literals is None or k in keep]


def _may_occur(cr: _CompiledRule, ctx: _Context) -> bool:
    """Whether CR's literals may occur in the text (True when it has none)."""
    lits = cr.pat.literals
    if lits is None:
        return True
    present = ctx.present()
    if present is None:
        return cr.pat.may_match(ctx.fold())
    return any(lit in present for lit in lits)


_POSITION_NEEDS: dict[tuple, tuple[int, int, tuple[int, ...]]] = {}


def _position_needs(rules: Sequence[_CompiledRule]) -> tuple[int, int, tuple[int, ...]]:
    """How much of a line's position the ``when`` of RULES can see: ranks from
    the start up to F, ranks from the end up to L, and the ``prose_min_words``
    of the rules that look at the last prose line."""
    key = tuple(rules)
    got = _POSITION_NEEDS.get(key)
    if got is None:
        first = last = 0
        mins: set[int] = set()
        for cr in rules:
            w = cr.rule.when
            first = max(first, w.first_lines or 0, w.not_first_lines or 0)
            last = max(last, w.last_lines or 0)
            if w.after_last_prose:
                mins.add(w.prose_min_words)
        got = _POSITION_NEEDS[key] = (first, last, tuple(sorted(mins)))
    return got


def _line_keys(rules: Sequence[_CompiledRule], lines: Sequence[Line],
               pos: _Positions) -> dict[int, tuple]:
    """For each non-blank line, everything the line stage's decision on it
    depends on: its content and the parts of its position the rules can see."""
    first, last, mins = _position_needs(rules)
    last_prose = [pos.last_prose(m) for m in mins]
    shown = [ln for ln in lines if ln.content]
    top = len(shown) - 1
    keys = {}
    if not last_prose:
        for r, ln in enumerate(shown):
            keys[ln.index] = (ln.content, r if r < first else first,
                              top - r if top - r < last else last, ())
        return keys
    for r, ln in enumerate(shown):
        i = ln.index
        keys[i] = (ln.content, r if r < first else first, top - r if top - r < last else last,
                   tuple(i <= lp for lp in last_prose))
    return keys


def _fresh_candidates(cr: _CompiledRule, ctx: _Context, fresh: Sequence[int]) -> list[int]:
    """``_candidates`` restricted to FRESH, tested line by line (for few lines)."""
    lits = cr.pat.line_literals if cr.pat else None
    ceiling = cr.ceiling
    words = ctx.words()
    return [i for i in fresh
            if (ceiling is None or words[i] <= ceiling)
            and (lits is None or any(lit in ctx.fold_line(i) for lit in lits))]


def _rules_by_line(rules: Sequence[_CompiledRule], ctx: _Context, fresh: Sequence[int],
                   few: bool) -> dict[int, set[int]] | None:
    """For each line of FRESH some rule of RULES may match, the positions (in
    RULES) of those rules: the rules holding a literal the line holds (from the
    line literal index), and the rules without literals whose candidates
    include the line. None when the literal index is not in use.

    Going line by line costs per line and per literal it holds, not per rule:
    a rule that cannot match anywhere in the document costs nothing at all.
    """
    if not USE_LINE_INDEX or ctx.present() is None:
        return None
    by_literal = _rules_by_literal(rules)
    out: dict[int, set[int]] = {}
    for i, lits in zip(fresh, ctx.literals_of(fresh)):
        ks = None
        for lit in lits:
            got = by_literal.get(lit)
            if got:
                if ks is None:
                    ks = out[i] = set(got)
                else:
                    ks.update(got)
    fresh_set = None
    for k, cr in enumerate(rules):
        if cr.pat.literals is not None or cr.rule.id in ctx.timed_out:
            continue
        if few:
            candidates = _fresh_candidates(cr, ctx, fresh)
        else:
            if fresh_set is None:
                fresh_set = set(fresh)
            candidates = [i for i in _candidates(cr, ctx) if i in fresh_set]
        for i in candidates:
            got = out.get(i)
            if got is None:
                out[i] = {k}
            else:
                got.add(k)
    return out


def _in_reach(cr: _CompiledRule, ctx: _Context, i: int, n_words: int, stripped: bool) -> bool:
    """Whether line I (of N_WORDS words), indexed as holding one of CR's
    literals, is a candidate of CR: within its word ceiling, and with the
    literal in its content, not only in the margins it was indexed with
    (STRIPPED: the line has margins)."""
    if cr.ceiling is not None and n_words > cr.ceiling:
        return False
    lits = cr.pat.literals
    if stripped and lits is not None:
        folded = ctx.fold_line(i)
        return any(lit in folded for lit in lits)
    return True


def _rule_candidates(rules: Sequence[_CompiledRule], ctx: _Context, fresh: Sequence[int],
                     few: bool) -> dict[int, list[int]] | None:
    """Position in RULES -> the lines of FRESH that rule's ``_candidates``
    holds, ascending, for the rules with any (from ``_rules_by_line``: no
    per-rule scan of the text). None when the literal index is not in use."""
    by_line = _rules_by_line(rules, ctx, fresh, few)
    if by_line is None:
        return None
    lines = ctx.draft.lines
    words = ctx.words()
    out: dict[int, list[int]] = {}
    for i in sorted(by_line):
        ln = lines[i]
        stripped = len(ln.content) != ln.end - ln.start  # the literal may be in the margins
        for k in by_line[i]:
            if not _in_reach(rules[k], ctx, i, words[i], stripped):
                continue
            got = out.get(k)
            if got is None:
                out[k] = [i]
            else:
                got.append(i)
    return out


def _take_lines(rules: Sequence[_CompiledRule], ctx: _Context, by_line: dict[int, set[int]],
                pos: _Positions) -> dict[int, Attribution]:
    """The line stage's decisions, line by line: each candidate line is taken
    by the first rule, in order, that matches it (the result of trying the
    rules one after another over their candidate lines). A rule that exceeds
    its time limit is skipped for the lines after that one, as rule by rule,
    and reported after the stage in rule order, as rule by rule."""
    lines = ctx.draft.lines
    words = ctx.words()
    timed_out = ctx.timed_out
    late: dict[int, str] = {}  # rules timed out in this stage, by position
    taken: dict[int, Attribution] = {}
    for i in sorted(by_line):
        ln = lines[i]
        content = ln.content
        stripped = len(content) != ln.end - ln.start  # the literal may be in the margins
        for k in sorted(by_line[i]):
            cr = rules[k]
            rid = cr.rule.id
            if rid in timed_out or k in late:
                continue
            if not _in_reach(cr, ctx, i, words[i], stripped):
                continue
            if not _conditions_hold(cr.rule, ln, ln, content, pos, words[i]):
                continue
            if not cr.pat.could_start(content) or not cr.pat.could_match(ctx.fold_line(i)):
                continue
            try:
                m = cr.pat.first_match(content)
            except TimedOut:
                late[k] = rid
                continue
            if m is not None:
                taken[i] = cr.who
                break
    for k in sorted(late):
        ctx.timeout(late[k])
    return taken


def _stage_line(rules: Sequence[_CompiledRule], ctx: _Context) -> list[Deletion]:
    lines = ctx.draft.lines
    pos = _Positions(lines)
    words = ctx.words()
    # A line no rule took keeps that verdict while its content and visible
    # position stay the same: the passes after the first (see Cleaner.clean)
    # only look at lines that changed, moved into view or are new.
    keys = _line_keys(rules, lines, pos)
    rejected = ctx.verdicts(rules)
    fresh = [i for i, key in keys.items() if key not in rejected]
    if not fresh:
        return []
    few = len(fresh) * 4 < len(keys)
    by_line = _rules_by_line(rules, ctx, fresh, few)
    if by_line is not None:
        taken = _take_lines(rules, ctx, by_line, pos)
        rejected.update(keys[i] for i in fresh if i not in taken)
        return [(lines[i].start, lines[i].next, who) for i, who in sorted(taken.items())]
    fresh_set = set(fresh)
    taken = {}
    for cr in _present_rules(rules, ctx):
        if cr.rule.id in ctx.timed_out:
            continue
        try:
            candidates = (_fresh_candidates(cr, ctx, fresh) if few else
                          [i for i in _candidates(cr, ctx) if i in fresh_set])
            for i in candidates:
                if i in taken:
                    continue
                ln = lines[i]
                if not _conditions_hold(cr.rule, ln, ln, ln.content, pos, words[i]):
                    continue
                if not cr.pat.could_start(ln.content) or not cr.pat.could_match(ctx.fold_line(i)):
                    continue
                if cr.pat.first_match(ln.content) is not None:
                    taken[i] = cr.who
        except TimedOut:
            ctx.timeout(cr.rule.id)
    rejected.update(keys[i] for i in fresh if i not in taken)
    return [(lines[i].start, lines[i].next, who) for i, who in sorted(taken.items())]


def _stage_block(rules: Sequence[_CompiledRule], ctx: _Context) -> list[Deletion]:
    rules = [cr for cr in rules if cr.rule.id not in ctx.timed_out and _may_occur(cr, ctx)]
    if not rules:  # none of their literals in the text: no paragraphs to build
        return []
    lines = ctx.draft.lines
    pos = _Positions(lines)
    paras = paragraphs(lines)
    starts = [a for a, _ in paras]
    texts: list[str | None] = [None] * len(paras)
    taken: dict[int, Attribution] = {}
    # a paragraph's word count is the sum of its lines' (counted once per
    # document): a rule's word bounds reject paragraphs before they are
    # joined and matched
    n_words: list[int | None] = [None] * len(paras)
    for cr in rules:
        if cr.rule.id in ctx.timed_out:
            continue
        lits = cr.pat.literals
        if lits is None:
            ks: Iterable[int] = range(len(paras))
        else:  # the paragraphs holding a line with one of its literals (none spans lines)
            ks = sorted({bisect_right(starts, i) - 1 for i in ctx.lines_with(lits, cr.ceiling)})
        when = cr.rule.when
        most, least = when.max_words, when.min_words
        line_words = ctx.words() if most is not None or least is not None else None
        try:
            for k in ks:
                if k in taken:
                    continue
                a, b = paras[k]
                n = None
                if line_words is not None:
                    n = n_words[k]
                    if n is None:
                        n = n_words[k] = sum(line_words[a:b + 1])
                    if (most is not None and n > most) or (least is not None and n < least):
                        continue
                text = texts[k]
                if text is None:
                    text = texts[k] = "\n".join(ln.content for ln in lines[a:b + 1])
                if not _conditions_hold(cr.rule, lines[a], lines[b], text, pos, n):
                    continue
                if cr.pat.first_match(text) is not None:
                    taken[k] = cr.who
        except TimedOut:
            ctx.timeout(cr.rule.id)
    return [(lines[paras[k][0]].start, lines[paras[k][1]].next, who)
            for k, who in sorted(taken.items())]


def _whole_line_candidates(rules: Sequence[_CompiledRule], ctx: _Context,
                           indices: Sequence[int]) -> dict[int, list[int]] | None:
    """Position in RULES -> the lines of INDICES (ascending) whose whole text
    holds one of that rule's literals, for the rules with literals that have
    any, from the line literal index: one pass over the lines, none per rule.
    None when the index is not in use."""
    if not USE_LINE_INDEX or ctx.present() is None:
        return None
    by_literal = _rules_by_literal(rules)
    per_rule: dict[int, list[int]] = {}
    for i, lits in zip(indices, ctx.literals_of(indices)):
        ks: set[int] = set()
        for lit in lits:
            got = by_literal.get(lit)
            if got:
                ks.update(got)
        for k in ks:
            got = per_rule.get(k)
            if got is None:
                per_rule[k] = [i]
            else:
                got.append(i)
    return per_rule


def _stage_inline(rules: Sequence[_CompiledRule], ctx: _Context) -> list[Deletion]:
    """Inline rules match inside one line at a time: the line without its
    ending is the whole subject (``^``/``$`` are its ends, lookarounds stop
    there). A rule with literals only looks at the lines that contain one."""
    text = ctx.draft.text
    lines = ctx.draft.lines
    # What an inline rule finds depends on the line's own text only: a line
    # where none found anything keeps that verdict while its text is unchanged
    # (the passes after the first look only at changed lines).
    rejected = ctx.verdicts(rules)
    subjects: dict[int, tuple[int, str]] = {}
    n_lines = 0
    for ln in lines:
        if not ln.content:
            continue
        n_lines += 1
        start, end = ln.start, ln.end
        if end > start and text[end - 1] == "\r":
            end -= 1
        subject = text[start:end]
        if subject not in rejected:
            subjects[ln.index] = (start, subject)
    if not subjects:
        return []
    few = len(subjects) * 4 < n_lines
    folded: dict[int, str] = {}
    found: list[tuple[int, int, int, Attribution]] = []
    hit_lines: set[int] = set()
    # the candidates of the rules with literals, from the line literal index:
    # one pass over the lines, none per rule
    per_rule = _whole_line_candidates(rules, ctx, list(subjects))
    for rank, cr in enumerate(rules):
        if cr.rule.id in ctx.timed_out:
            continue
        lits = cr.pat.literals
        short = cr.pat.line_literals
        if per_rule is not None and lits is not None:
            candidates = per_rule.get(rank)
            if not candidates:
                continue
        elif not _may_occur(cr, ctx):
            continue
        elif few:
            want = lits if lits is not None else short
            candidates = []
            for i, (_start, subject) in subjects.items():
                if want is not None:
                    f = folded.get(i)
                    if f is None:
                        f = folded[i] = subject.casefold()
                    if not any(lit in f for lit in want):
                        continue
                candidates.append(i)
        else:
            candidates = [i for i in (ctx.lines_with(lits, _RAW) if lits is not None
                                      else ctx.lines_with(short, _RAW, indexed=False)
                                      if short is not None else subjects)
                          if i in subjects]
        try:
            for i in candidates:
                start, subject = subjects[i]
                # every literal requirement of some pattern must be in the
                # line, or no pattern can match anywhere in it (most lines
                # holding a common literal are ruled out here, without a regex)
                f = folded.get(i)
                if f is None:
                    f = folded[i] = subject.casefold()
                if not cr.pat.could_match(f):
                    continue
                for a, b in cr.pat.spans(subject):
                    if a == b or (cr.pat.has_unless and cr.pat.vetoed(subject)):
                        continue
                    found.append((start + a, rank, start + b, cr.who))
                    hit_lines.add(i)
        except TimedOut:
            ctx.timeout(cr.rule.id)
    rejected.update(subject for i, (_start, subject) in subjects.items() if i not in hit_lines)
    found.sort(key=lambda t: (t[0], t[1]))
    out: list[Deletion] = []
    end = -1
    for a, _rank, b, who in found:
        if a >= end:
            out.append((a, b, who))
            end = b
    return out


def _stage_section(rules: Sequence[_CompiledRule], ctx: _Context) -> list[Deletion]:
    lines = ctx.draft.lines
    pos = _Positions(lines)
    words = ctx.words()
    n_lines = len(lines)
    # Whether a line heads a section of some rule (its header test: literals,
    # ``when``, pattern) depends on its content and visible position only, as
    # in the line stage: a line where no rule's header test passed keeps that
    # verdict while its key is unchanged, and later passes only try the other
    # lines as headers. A line whose header test passed is tried again in
    # every pass: its section depends on the lines below it. So does a line
    # skipped because an earlier section covered it.
    keys = _line_keys(rules, lines, pos)
    rejected = ctx.verdicts(rules)
    fresh = [i for i, key in keys.items() if key not in rejected]
    if not fresh:
        return []
    few = len(fresh) * 4 < len(keys)
    fresh_set = set(fresh)
    headed: set[int] = set()  # lines whose verdict is not a plain "no header"
    covered = [False] * n_lines
    out: list[Deletion] = []
    per_rule = _rule_candidates(rules, ctx, fresh, few)
    plan: list[tuple[_CompiledRule, list[int] | None]] = (
        [(cr, None) for cr in _present_rules(rules, ctx)] if per_rule is None
        else [(rules[k], per_rule[k]) for k in sorted(per_rule)])
    heads_memo: dict[tuple[int, str], bool] = {}

    def heads_another(j: int, own: _CompiledRule) -> bool:
        """Whether line J passes the header test of a section rule of this
        stage other than OWN (for ``stop_at_headers``)."""
        key = (j, own.rule.id)
        got = heads_memo.get(key)
        if got is None:
            got = False
            if j in fresh_set:  # a line that is not fresh heads no section
                ln = lines[j]
                for other, _ in plan:
                    if other is own or other.rule.id in ctx.timed_out:
                        continue
                    try:
                        if (_conditions_hold(other.rule, ln, ln, ln.content, pos, words[j])
                                and other.pat.could_start(ln.content)
                                and other.pat.could_match(ctx.fold_line(j))
                                and other.pat.first_match(ln.content) is not None):
                            got = True
                            headed.add(j)
                            break
                    except TimedOut:
                        ctx.timeout(other.rule.id)
            heads_memo[key] = got
        return got

    for cr, candidates in plan:
        if cr.rule.id in ctx.timed_out:
            continue
        spec = cr.rule.section
        try:
            if candidates is None:
                candidates = (_fresh_candidates(cr, ctx, fresh) if few else
                              [h for h in _candidates(cr, ctx) if h in fresh_set])
            for h in candidates:
                ln = lines[h]
                if covered[h]:
                    headed.add(h)
                    continue
                if not _conditions_hold(cr.rule, ln, ln, ln.content, pos, words[h]):
                    continue
                if not cr.pat.could_start(ln.content) or not cr.pat.could_match(ctx.fold_line(h)):
                    continue
                if cr.pat.first_match(ln.content) is None:
                    continue
                headed.add(h)
                last = ln.index
                count = 0
                reached_end = True
                # an index loop, not a slice: no copy of the rest of the text per header
                for j in range(h + 1, n_lines):
                    nxt = lines[j]
                    if not nxt.content:
                        continue
                    c = nxt.content
                    if (covered[nxt.index] or count >= spec.max_lines
                            or (spec.stop_at_prose and is_prose(c, spec.prose_min_words))
                            or (spec.line_max_words is not None
                                and words[j] > spec.line_max_words)
                            or (spec.line_min_words is not None
                                and words[j] < spec.line_min_words)
                            or (spec.line_max_chars is not None and len(c) > spec.line_max_chars)
                            or (spec.stop_at_headers and heads_another(j, cr))):
                        reached_end = False
                        break
                    count += 1
                    last = nxt.index
                if count < spec.min_lines or (spec.require_end and not reached_end):
                    continue
                if spec.max_subheadings is not None and subheaded(
                        [x.content for x in lines[h + 1:last + 1] if x.content],
                        spec.prose_min_words) > spec.max_subheadings:
                    continue  # the header sits above part of the article body
                first = ln.index if spec.include_header else ln.index + 1
                if first > last:
                    continue
                for i in range(first, last + 1):
                    covered[i] = True
                detail = f"header line {ln.index + 1}, {count} line(s) below"
                out.append((lines[first].start, lines[last].next,
                            Attribution(cr.rule.id, cr.rule.category, detail)))
        except TimedOut:
            ctx.timeout(cr.rule.id)
    rejected.update(keys[i] for i in fresh if i not in headed)
    out.sort(key=lambda d: d[0])
    return out


def _stage_fragment(rules: Sequence[_CompiledRule], ctx: _Context, leading: bool,
                    ) -> list[Deletion]:
    lines = ctx.draft.lines
    ln = next((x for x in (lines if leading else reversed(lines)) if not x.blank), None)
    if ln is None:
        return []
    folded = ln.content.casefold()  # this line only: not the whole text's folded lines
    pos = _Positions(lines)
    for cr in rules:
        if cr.rule.id in ctx.timed_out or not cr.pat.may_match(folded):
            continue
        if not _conditions_hold(cr.rule, ln, ln, ln.content, pos):
            continue
        try:
            m = cr.pat.first_match(ln.content)
        except TimedOut:
            ctx.timeout(cr.rule.id)
            continue
        if m is None:
            continue
        if cr.rule.remove == "line":
            return [(ln.start, ln.next, cr.who)]
        offset = ctx.draft.text.find(ln.content, ln.start, ln.end)
        a, b = m.span()
        return [(offset + a, offset + b, cr.who)]
    return []


def _stage_normalisation(rules: Sequence[_CompiledRule], ctx: _Context) -> None:
    from .normalise import ftfy_config, line_edits

    for cr in rules:
        config = cr.ftfy
        if config is None:  # built once per rule, not per document
            config = cr.ftfy = ftfy_config(cr.rule.param_dict)
        edits = [(a, b, new, cr.who) for a, b, new in line_edits(ctx.draft.text, config)]
        if edits:
            ctx.draft.replace(edits)
            ctx.reset()
            ctx.forget_literals()


#: Handlers of kinds implemented outside this module (the page profile).
EXTRA_KINDS: dict[str, Callable[[Sequence[Rule], Draft], list[Deletion]]] = {}

_STAGES: dict[str, Callable[[Sequence[_CompiledRule], _Context], list[Deletion]]] = {
    "line": _stage_line,
    "block": _stage_block,
    "inline": _stage_inline,
    "section": _stage_section,
    "leading-fragment": lambda rules, ctx: _stage_fragment(rules, ctx, True),
    "trailing-fragment": lambda rules, ctx: _stage_fragment(rules, ctx, False),
}


# ------------------------------------------------------------------ tidy

_TIDY_BLANK = Attribution("core.tidy.blank-lines", "whitespace")
_TIDY_EMPTIED = Attribution("core.tidy.emptied-line", "whitespace")
_TIDY_SPACES = Attribution("core.tidy.spaces", "whitespace")
_HSPACE = " \t\u00a0"


def _tidy(draft: Draft) -> None:
    """Remove the whitespace that removals left behind (recorded edits)."""
    junctions = draft.junctions()
    if not junctions:
        return
    text = draft.text
    # 1. spaces doubled or dangling around an inline removal
    dels: list[Deletion] = []
    for p, removed in junctions:
        if "\n" in removed:
            continue
        before = text[p - 1] if p > 0 else "\n"
        after = text[p] if p < len(text) else "\n"
        if before in _HSPACE and after in _HSPACE:
            e = p
            while e < len(text) and text[e] in _HSPACE:
                e += 1
            dels.append((p, e, _TIDY_SPACES))
        elif before in _HSPACE and after in "\r\n":
            s = p
            while s > 0 and text[s - 1] in _HSPACE:
                s -= 1
            if s > 0 and text[s - 1] != "\n":
                dels.append((s, p, _TIDY_SPACES))
        elif before == "\n" and after in _HSPACE:
            e = p
            while e < len(text) and text[e] in _HSPACE:
                e += 1
            dels.append((p, e, _TIDY_SPACES))
    if dels:
        draft.delete(_merge(dels))
        junctions = draft.junctions()
        text = draft.text
    # 2. lines emptied by inline removals go entirely
    lines = draft.lines
    jpos = [p for p, removed in junctions]
    inline_j = {p for p, removed in junctions if "\n" not in removed and removed.strip()}
    dels = []
    if inline_j:
        import bisect
        for ln in lines:
            if not ln.content:
                i = bisect.bisect_left(jpos, ln.start)
                if i < len(jpos) and jpos[i] <= ln.end and any(
                        q in inline_j for q in jpos[i:bisect.bisect_right(jpos, ln.end)]):
                    dels.append((ln.start, ln.next, _TIDY_EMPTIED))
    if dels:
        draft.delete(dels)
        junctions = draft.junctions()
    # 3. blank-line runs that touch a removal shrink to one (to none at either end)
    lines = draft.lines
    if not lines:
        return
    jset = sorted(p for p, _ in junctions)
    import bisect
    dels = []
    i = 0
    n = len(lines)
    first_content = next((ln.index for ln in lines if ln.content), n)
    last_content = next((ln.index for ln in reversed(lines) if ln.content), -1)
    while i < n:
        if lines[i].content:
            i += 1
            continue
        j = i
        while j < n and not lines[j].content:
            j += 1
        run = lines[i:j]
        lo, hi = run[0].start, run[-1].next
        k = bisect.bisect_left(jset, lo)
        touches = k < len(jset) and jset[k] <= hi
        if touches:
            at_edge = i < first_content or i > last_content
            keep = 0 if at_edge else 1
            if len(run) > keep:
                dels.append((run[keep].start, run[-1].next, _TIDY_BLANK))
        i = j
    if dels:
        draft.delete(dels)


def _merge(dels: list[Deletion]) -> list[Deletion]:
    dels.sort(key=lambda d: d[0])
    out: list[Deletion] = []
    for d in dels:
        if out and d[0] < out[-1][1]:
            if d[1] > out[-1][1]:
                out[-1] = (out[-1][0], d[1], out[-1][2])
        else:
            out.append(d)
    return out


# ------------------------------------------------------------------ cleaner

class Cleaner:
    """A compiled rule set, built once and reused for many texts.

    Thread-safe (``clean`` keeps no state between calls) and picklable (it
    pickles as its rules and options, and compiles again when unpickled).

    :param profile: ``"article"`` (extractor output, the default) or ``"page"``
        (the full visible text of a web page).
    :param rules: extra rule files or folders to load.
    :param default_rules: load the bundled rules.
    :param ignore: rule ids, id prefixes (``en``, ``en.newsletter``) or
        categories to disable.
    :param select: when given, only rules named by these selectors run.
    :param enable: selectors of disabled (opt-in) rules to switch on, e.g. ``headline``.
    :param timeout: time limit of one regex call, in seconds.
    :param max_removed_share: over-cleaning guard threshold (share of words);
        ``None`` uses the profile's default.
    :param allow_large_removals: turn the over-cleaning guard off.
    """

    def __init__(self, profile: str = "article", rules: Iterable[str | os.PathLike[str]] = (),
                 *, default_rules: bool = True, ignore: Iterable[str] = (),
                 select: Iterable[str] = (), enable: Iterable[str] = (),
                 timeout: float | None = DEFAULT_TIMEOUT,
                 max_removed_share: float | None = None,
                 allow_large_removals: bool = False,
                 extra_rules: Sequence[Rule] = ()) -> None:
        if profile not in PROFILES:
            raise ConfigError(f"unknown profile {profile!r} (one of: {', '.join(PROFILES)})")
        self.profile = profile
        self.rule_paths = tuple(str(p) for p in rules)
        self.default_rules = default_rules
        self.ignore = tuple(ignore)
        self.select = tuple(select)
        self.enable = tuple(enable)
        self.timeout = timeout
        share = (DEFAULT_MAX_REMOVED_SHARE[profile] if max_removed_share is None
                 else max_removed_share)
        if not 0.0 < share <= 1.0:
            raise ConfigError("max_removed_share must be in (0, 1]")
        self.max_removed_share = share
        self.allow_large_removals = allow_large_removals
        self._extra = tuple(extra_rules)
        loaded: list[Rule] = []
        if default_rules:
            loaded.extend(_bundled_rules())
        for p in self.rule_paths:
            loaded.extend(load_rules(p))
        loaded.extend(self._extra)
        from ..rules.loader import check_unique
        check_unique(loaded)
        self.all_rules: tuple[Rule, ...] = tuple(sorted(loaded, key=Rule.sort_key))
        self.rules: tuple[Rule, ...] = tuple(r for r in self.all_rules if self._active(r))
        self._spared = frozenset(r.id for r in self.rules if r.kind in GUARD_SPARES_KINDS)
        self._stages = self._build_stages()
        lits = [lit for _kind, items in self._stages for cr in items
                if isinstance(cr, _CompiledRule) and cr.pat and cr.pat.literals
                for lit in cr.pat.literals]
        # how long a line each literal is looked for in: only line and section
        # rules limit their candidates by their ``max_words`` ceiling
        bounds: dict[str, int | None] = {}
        for kind, items in self._stages:
            for cr in items:
                if not (isinstance(cr, _CompiledRule) and cr.pat and cr.pat.literals):
                    continue
                b = cr.ceiling if kind in ("line", "section") else None
                for lit in cr.pat.literals:
                    old = bounds.get(lit, 0)
                    bounds[lit] = None if (old is None or b is None) else max(old, b)
        self._index = _LiteralIndex(lits, bounds) if lits else None
        self._lock = threading.Lock()

    def _active(self, rule: Rule) -> bool:
        if self.profile not in rule.profiles:
            return False
        if any(selector_matches(s, rule) for s in self.ignore):
            return False
        if self.select and not any(selector_matches(s, rule) for s in self.select):
            return False
        return rule.enabled or any(selector_matches(s, rule) for s in self.enable + self.select
                                   if s != rule.pack)

    def _build_stages(self) -> list[tuple[str, list]]:
        stages: list[tuple[str, list]] = []
        for rule in self.rules:
            if rule.kind in EXTRA_KINDS or rule.kind in ("page-region", "comment-thread"):
                _load_extra_kinds()
                item = rule
            else:
                item = _CompiledRule(rule, self.timeout)
            if stages and stages[-1][0] == rule.kind:
                stages[-1][1].append(item)
            else:
                stages.append((rule.kind, [item]))
        for kind, items in stages:
            if kind in EXTRA_KINDS:
                validate = getattr(EXTRA_KINDS[kind], "validate", None)
                if validate:
                    for r in items:
                        validate(r)
        return stages

    def __reduce__(self):
        return (_rebuild_cleaner, (self.profile, self.rule_paths, self.default_rules,
                                   self.ignore, self.select, self.enable, self.timeout,
                                   self.max_removed_share, self.allow_large_removals,
                                   self._extra))

    # -------------------------------------------------------------- cleaning
    def clean(self, text: str) -> Result:
        """Clean TEXT and return the :class:`Result` (text plus report)."""
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}")
        bom = text.startswith("\ufeff")
        body = text[1:] if bom else text
        draft = Draft(body)
        ctx = _Context(draft, [], set(), self._index)
        # Run the stages until a pass removes nothing, so that cleaning is
        # idempotent: a removal can expose new debris to a rule that ran
        # earlier (an inline cut turns a line into a bare "Share this", a
        # removed tail makes a new last line). Most documents need one pass
        # plus a cheap confirming one; MAX_PASSES bounds the rest.
        for pass_no in range(MAX_PASSES):
            removed = False
            for kind, items in self._stages:
                if not draft.text:
                    break
                if kind == "normalisation":
                    if pass_no == 0:  # repairs are idempotent: once is enough
                        _stage_normalisation(items, ctx)
                    continue
                if kind in EXTRA_KINDS:
                    dels = EXTRA_KINDS[kind](items, draft)
                else:
                    dels = _STAGES[kind](items, ctx)
                if dels:
                    draft.delete(dels)
                    ctx.reset()
                    removed = True
            _tidy(draft)
            ctx.reset()
            if not removed:
                break
        changes = draft.changes()
        out = draft.text
        if bom:
            changes = [Change(c.start + 1, c.end + 1, c.text, c.replacement, c.rule, c.category,
                              c.line, c.detail) for c in changes]
            out = "\ufeff" + out
        share = 0.0
        if changes:  # no change: the same words
            # the lines' counts, memoised by content, which the stages mostly
            # computed already: no split of the whole text before and after
            if WORDS_FROM_LINES:
                words_out = sum(ctx.words())
                words_in = ctx.original_words
                if words_in is None:
                    words_in = word_count(body)
            else:
                words_in, words_out = word_count(body), word_count(draft.text)
            words_in -= sum(word_count(c.text) for c in changes if c.rule in self._spared)
            if words_in > 0:
                share = max(0.0, (words_in - words_out) / words_in)
        if changes and share > self.max_removed_share and not self.allow_large_removals:
            return Result(text, text, tuple(changes), "guarded", tuple(ctx.skipped),
                          self.profile, share)
        return Result(text, out, tuple(changes), "cleaned", tuple(ctx.skipped), self.profile,
                      share)


def _rebuild_cleaner(profile, rule_paths, default_rules, ignore, select, enable, timeout,
                     share, allow, extra) -> Cleaner:
    return Cleaner(profile, rule_paths, default_rules=default_rules, ignore=ignore,
                   select=select, enable=enable, timeout=timeout, max_removed_share=share,
                   allow_large_removals=allow, extra_rules=extra)


_BUNDLED: tuple[Rule, ...] | None = None
_BUNDLED_LOCK = threading.Lock()


def _bundled_rules() -> tuple[Rule, ...]:
    """The bundled rules, loaded once per process."""
    global _BUNDLED
    with _BUNDLED_LOCK:
        if _BUNDLED is None:
            d = bundled_rules_dir()
            if not d.is_dir():
                raise RuleError("bundled rules folder is missing", path=str(d))
            _BUNDLED = tuple(load_rules(d))
        return _BUNDLED


def _load_extra_kinds() -> None:
    if "page-region" not in EXTRA_KINDS:
        try:
            from . import page_region as page  # noqa: F401  (registers its kinds)
        except ImportError as exc:  # pragma: no cover
            raise RuleError(f"page-region rules need the page module: {exc}") from None
    if "comment-thread" not in EXTRA_KINDS:
        from .threads import comment_thread

        EXTRA_KINDS["comment-thread"] = comment_thread


def clean(text: str, **options) -> Result:
    """Clean TEXT with a :class:`Cleaner` built from OPTIONS (cached per options).

    For many texts, build one :class:`Cleaner` and call its ``clean``.
    """
    key = repr(sorted(options.items()))
    cleaner = _CLEANERS.get(key)
    if cleaner is None:
        cleaner = Cleaner(**options)
        _CLEANERS[key] = cleaner
    return cleaner.clean(text)


_CLEANERS: dict[str, Cleaner] = {}
