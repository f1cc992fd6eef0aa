"""Compiling rule patterns and matching them fast and safely.

Three things make matching cheap and safe:

* every pattern is compiled once per :class:`~boilerstrip.engine.Cleaner`;
* each pattern gets a *required literal* set, computed from its parse tree: a
  pattern can only match a text that contains one of those strings (compared
  case-folded), so a plain substring test skips most rules on most documents
  before any regular expression runs;
* every regex call runs with a time limit (``regex``'s ``timeout=``): a pattern
  that backtracks catastrophically on a document is stopped and reported.
"""

from __future__ import annotations

import functools
from typing import Iterable, Sequence

import regex

_FLAG_BITS = {
    "ignorecase": regex.IGNORECASE,
    "verbose": regex.VERBOSE,
    "dotall": regex.DOTALL,
    "ascii": regex.ASCII,
    "fullcase": regex.FULLCASE,
}


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, flags: int) -> regex.Pattern[str]:
    return regex.compile(pattern, flags | regex.VERSION0)


def compile_pattern(pattern: str, flags: Iterable[str] = ("ignorecase",)) -> regex.Pattern[str]:
    """Compile PATTERN (``regex`` module syntax) with rule FLAGS names."""
    bits = 0
    for f in flags:
        bits |= _FLAG_BITS[f]
    return _compile(pattern, bits)


_NESTED_QUANTIFIER = regex.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]")


def risky_pattern(pattern: str) -> str | None:
    """A warning when PATTERN has a quantified group that itself contains a
    quantifier (``(a+)+``, ``(\\w+\\s?)*``): such patterns can backtrack
    catastrophically. ``None`` when nothing looks risky."""
    if _NESTED_QUANTIFIER.search(pattern):
        return (f"pattern {pattern!r} nests quantifiers and may backtrack catastrophically; "
                "prefer possessive (`++`) or atomic (`(?>...)`) forms")
    return None


# --------------------------------------------------------------- literals

_LITERALS: dict[tuple[str, tuple[str, ...]], frozenset[str] | None] = {}


def literals_for(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """:func:`required_literals`, memoised (and seeded from the rule cache)."""
    key = (pattern, tuple(flags))
    if key not in _LITERALS:
        _LITERALS[key] = required_literals(pattern, key[1])
    return _LITERALS[key]


def seed_literals(entries: Iterable) -> None:
    """Fill the memo from the on-disk rule cache: ``[pattern, flags, literals|None]``."""
    for pattern, flags, lits in entries:
        _LITERALS[(pattern, tuple(flags))] = None if lits is None else frozenset(lits)


def required_literals(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """Strings of which at least one occurs (case-folded) in any text PATTERN matches.

    Returns ``None`` when no useful requirement can be proven (the caller must
    then run the pattern on everything). Uses Python's own regex parser; a
    pattern that only the ``regex`` module understands simply gets ``None``.
    """
    reqs = requirements(pattern, flags)
    return None if reqs is None else _best(list(reqs))


def requirements(pattern: str, flags: Iterable[str] = ()) -> tuple[frozenset[str], ...] | None:
    """Every requirement PATTERN's matches meet: sets of strings, one of each
    set occurs (case-folded) in any text the pattern matches. ``None`` when
    the pattern cannot be analysed (nothing is then known)."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    bits = 0
    flags = tuple(flags)
    if "verbose" in flags:
        bits |= 64  # re.VERBOSE
    if "dotall" in flags:
        bits |= 16  # re.DOTALL
    import warnings

    try:
        with warnings.catch_warnings():
            # A FutureWarning ("possible nested set") means Python's parser reads
            # the pattern differently from the regex module: give up, stay safe.
            warnings.simplefilter("error")
            parsed = sre_parse.parse(pattern, bits)
    except Exception:
        return None
    return tuple(r for r in _requirements(list(parsed), sre_parse) if r)


def _best(reqs: list[frozenset[str]]) -> frozenset[str] | None:
    good = [r for r in reqs if r and min(len(s) for s in r) >= 3]
    if not good:
        return None
    return max(good, key=lambda r: (min(len(s) for s in r), -len(r)))


def _requirements(items: Sequence, sp) -> list[frozenset[str]]:
    """Requirements of a sequence of parsed items: each a set of alternatives."""
    c = sp  # the constants live on the parser module's namespace
    LITERAL, SUBPATTERN, BRANCH = c.LITERAL, c.SUBPATTERN, c.BRANCH
    MAX_REPEAT, MIN_REPEAT = c.MAX_REPEAT, c.MIN_REPEAT
    POSSESSIVE_REPEAT = getattr(c, "POSSESSIVE_REPEAT", None)
    ATOMIC_GROUP = getattr(c, "ATOMIC_GROUP", None)
    reqs: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            reqs.append(frozenset({"".join(run).casefold()}))
            run.clear()

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is SUBPATTERN:
            reqs.extend(_requirements(list(av[-1]), sp))
        elif ATOMIC_GROUP is not None and op is ATOMIC_GROUP:
            reqs.extend(_requirements(list(av), sp))
        elif op is BRANCH:
            alts = []
            for branch in av[1]:
                b = _best(_requirements(list(branch), sp))
                if b is None:
                    alts = None
                    break
                alts.extend(b)
            if alts:
                reqs.append(frozenset(alts))
        elif op in (MAX_REPEAT, MIN_REPEAT) or (POSSESSIVE_REPEAT is not None
                                                and op is POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            if lo >= 1:
                reqs.extend(_requirements(list(sub), sp))
    flush()
    return reqs


class TimedOut(Exception):
    """A pattern exceeded its time limit on the current document."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(rule_id)
        self.rule_id = rule_id


class RulePatterns:
    """The compiled patterns of one rule, with prefilter and time limit.

    ``matches(text)`` is the rule's test on one candidate (a stripped line, a
    paragraph, a header): it honours ``match`` (full or search) and ``unless``.
    """

    __slots__ = ("rule_id", "_sources", "_flags", "_patterns", "_unless", "full", "literals",
                 "timeout", "has_unless", "_requires")

    def __init__(self, rule_id: str, patterns: Sequence[str], unless: Sequence[str],
                 flags: Sequence[str], full: bool, timeout: float | None) -> None:
        self.rule_id = rule_id
        self._sources = (tuple(patterns), tuple(unless))
        self._flags = tuple(flags)
        self._patterns: tuple[regex.Pattern[str], ...] | None = None
        self._unless: tuple[regex.Pattern[str], ...] | None = None
        self.has_unless = bool(unless)
        self.full = full
        self.timeout = timeout
        lits: set[str] = set()
        for p in patterns:
            req = literals_for(p, flags)
            if req is None:
                lits = set()
                break
            lits |= req
        self.literals: tuple[str, ...] | None = tuple(sorted(lits)) if lits else None
        self._requires: tuple | None = None

    # Patterns compile on first use: most rules never pass the literal
    # prefilter on a given run, so a short run never pays for compiling them.
    @property
    def patterns(self) -> tuple[regex.Pattern[str], ...]:
        if self._patterns is None:
            self._patterns = tuple(compile_pattern(p, self._flags) for p in self._sources[0])
        return self._patterns

    @property
    def unless(self) -> tuple[regex.Pattern[str], ...]:
        if self._unless is None:
            self._unless = tuple(compile_pattern(p, self._flags) for p in self._sources[1])
        return self._unless

    def could_match(self, folded: str) -> bool:
        """Exact cheap test on one case-folded candidate: False means no
        pattern can match it, because each pattern has a literal requirement
        (all of them, not only the one the prefilter used) that it fails.

        A regex call with a time limit costs microseconds, a substring test
        tens of nanoseconds: this spares most calls on lines that merely
        contain a common literal.
        """
        reqs = self._requires
        if reqs is None:
            # per pattern: its requirements, longest alternatives first (most selective)
            per = []
            for p in self._sources[0]:
                r = requirements(p, self._flags)
                if not r:
                    per = None
                    break
                per.append(tuple(sorted((tuple(sorted(alts)) for alts in r),
                                        key=lambda a: -min(map(len, a)))))
            reqs = self._requires = tuple(per) if per else ()
        if not reqs:
            return True
        for pattern_reqs in reqs:
            for alts in pattern_reqs:
                for alt in alts:
                    if alt in folded:
                        break
                else:
                    break  # this requirement fails: the pattern cannot match
            else:
                return True
        return False

    def may_match(self, folded: str) -> bool:
        """Cheap prefilter on case-folded text: False means no pattern can match."""
        lits = self.literals
        if lits is None:
            return True
        for lit in lits:
            if lit in folded:
                return True
        return False

    def first_match(self, text: str) -> regex.Match[str] | None:
        """The first pattern match on TEXT (full or search), unless an ``unless`` matches."""
        try:
            for p in self.patterns:
                m = (p.fullmatch(text, timeout=self.timeout) if self.full
                     else p.search(text, timeout=self.timeout))
                if m is not None:
                    for u in self.unless:
                        if u.search(text, timeout=self.timeout):
                            return None
                    return m
        except TimeoutError:
            raise TimedOut(self.rule_id) from None
        return None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        """All non-overlapping matches of every pattern in TEXT[pos:endpos]."""
        try:
            for p in self.patterns:
                yield from p.finditer(text, pos, endpos if endpos is not None else len(text),
                                      timeout=self.timeout)
        except TimeoutError:
            raise TimedOut(self.rule_id) from None

    def vetoed(self, text: str) -> bool:
        try:
            return any(u.search(text, timeout=self.timeout) for u in self.unless)
        except TimeoutError:
            raise TimedOut(self.rule_id) from None
