"""The literal index: which rule literals a text holds, in a few C-speed scans.

Every rule pattern has *literals* (``rules.patterns.RulePatterns.literals``):
folded strings (``rules.patterns.fold``) one of which must occur in a line's
fold for the rule to match it. :class:`LiteralIndex` holds the literals of all the rules of a cleaner as
trie-shaped regexes, one per first character, so finding which lines hold
which literals costs a few passes over the text however many rules there
are. ``candidates.py`` turns what it finds into candidate lines per rule.
"""

from __future__ import annotations

import re
import threading
from typing import Callable, Iterable

#: Word-count ceilings of the scan texts: a rule limited to ``max_words: N``
#: only looks for its literals among the lines of the smallest ceiling >= N, so
#: most rules never scan the long prose lines that make up most of the bytes.
WORD_BUCKETS = (8, 16, 32, 64, 128)

#: Word-count tiers of the line scan (``LiteralIndex.for_lines``).
TIERS = (32, 64, 128)


def word_bucket(max_words: int | None) -> int | None:
    """The smallest ``WORD_BUCKETS`` ceiling >= MAX_WORDS (None: no ceiling)."""
    if max_words is None:
        return None
    for b in WORD_BUCKETS:
        if max_words <= b:
            return b
    return None


def trie_regex(literals: Iterable[str]) -> tuple[dict, Callable[[dict], str]]:
    """The trie of LITERALS and a function writing a trie node as a regex
    (greedy: the longest literal on a path wins, shorter ones are its prefixes)."""
    trie: dict = {}
    for lit in literals:
        node = trie
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return trie, emit


class LiteralIndex:
    """All literals of the rules as trie-shaped regexes, one per first character.

    A scan of the case-folded text finds, at every position, the longest
    literal starting there; every literal that is a prefix of it is present
    too (``closure``).

    The regex of first character ``c`` is ``c(?=(rest))``: starting with a
    plain character, ``re`` skims the text for it at C speed and only tries
    the rest of the trie where it occurs; consuming that one character, it
    still sees overlapping literals. (One alternation of the whole trie tries
    every alternative at every position: twice as slow.)

    BOUNDS: literal -> the longest line (in words) a rule looking for it can
    take, None when any line. TIERS: the word-count tiers of ``for_lines``
    (``()``: every line is scanned for every literal).
    """

    def __init__(self, literals: Iterable[str], bounds: dict[str, int | None] | None = None,
                 tiers: tuple[int, ...] = TIERS) -> None:
        lits = set(literals)
        self.closure = {lit: tuple(lit[:k] for k in range(1, len(lit) + 1) if lit[:k] in lits)
                        for lit in lits}
        self.literals = tuple(sorted(lits))
        self.max_len = max((len(lit) for lit in lits), default=0)
        self.bounds: dict[str, int | None] = {lit: None for lit in lits}
        if bounds:
            self.bounds.update((lit, b) for lit, b in bounds.items() if lit in lits)
        self.tiers = tiers
        self._split: list | None = None
        self._tiered: dict = {}
        self._lock = threading.Lock()
        #: id(stage rules) -> (rules, their literals): ``candidates.stage_literals``
        self.stage_literals: dict[int, tuple] = {}

    def tier(self, words: int) -> int | None:
        """The tier of a line of WORDS words (see ``for_lines``)."""
        for b in self.tiers:
            if words <= b:
                return b
        return None

    def for_lines(self, tier: int | None) -> LiteralIndex:
        """The index of the literals a line of tier TIER can need: lines of
        at most ``tiers[0]`` words get every literal; longer ones only the
        literals some rule may look for in a line that long. Most of a text's
        bytes are long prose lines, and most literals belong to rules limited
        to short lines (``max_words``): those are not looked for there."""
        if (not self.tiers or tier == self.tiers[0]
                or not any(b is not None for b in self.bounds.values())):
            return self
        got = self._tiered.get(tier)
        if got is None:
            keep = [lit for lit, b in self.bounds.items()
                    if b is None or (tier is not None and b >= tier)]
            got = LiteralIndex(keep, tiers=())
            got.closure = self.closure  # a longer literal's prefixes occur too, tier or not
            with self._lock:
                got = self._tiered.setdefault(tier, got)
        return got

    def split(self) -> list:
        """``(c, regex)`` per first character C of a literal: ``regex`` matches
        C at every position where a literal starts with it, and its group is
        the rest of the longest such literal."""
        if self._split is None:
            trie, emit = trie_regex(self.literals)
            pats = [(ch, re.compile(re.escape(ch) + "(?=(" + emit(sub) + "))", re.DOTALL))
                    for ch, sub in sorted(trie.items())]
            with self._lock:
                if self._split is None:
                    self._split = pats
        return self._split

    def scan(self, text: str) -> set[str]:
        """The literals occurring in TEXT (folded by the caller, as the
        literals are: ``rules.patterns.fold``)."""
        closure = self.closure
        return {p for ch, rx in self.split() for rest in set(rx.findall(text))
                for p in closure[ch + rest]}
