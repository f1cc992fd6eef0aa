"""Compiling rule patterns and matching them fast and safely.

What makes matching cheap and safe:

* every pattern is compiled once per process, on first use, from the
  compiled form the rule cache keeps when it has one (:func:`compiled_form`);
* each pattern gets a *required literal* set, computed from its parse tree: a
  pattern can only match a text that contains one of those strings (compared
  folded as ``regex`` matches cases: :func:`fold`), so one scan of a document
  skips most rules before any regular expression runs
  (:func:`required_literals`; two-letter ones, too common for that scan,
  still pick the lines to try: :func:`short_literals`);
* a full-match pattern can only start with certain characters
  (:func:`first_chars`), and every requirement of a pattern must be in a line
  (:meth:`RulePatterns.could_match`) before the pattern runs on it;
* what is derived from the parse trees is cached on disk with the rules
  (:func:`analyses`), so a new process parses no pattern with Python's parser;
* every regex call runs with a time limit (``regex``'s ``timeout=``): a pattern
  that backtracks catastrophically on a document is stopped and reported.
"""

from __future__ import annotations

import base64
import functools
import sys
from typing import Iterable, Sequence

import regex

from ..errors import RuleError

# ------------------------------------------------------------------ case folding
#
# Every literal shortcut (the prefilter here, the literal index, the line
# gates, the compiled prefilter's block literals) asks whether a folded
# literal is in the folded text, and must never say no where ``regex``
# (IGNORECASE, simple or full case folding) matches. ``str.casefold`` agrees
# with ``regex`` but for two kinds of characters (tests/test_folding.py
# checks every code point):
#
# * the Turkish i's: ``regex`` matches ``i`` with ``İ`` (which casefolds to
#   ``i`` and a combining dot) and ``I`` with ``ı`` (which casefolds to
#   itself). :func:`fold` drops every combining dot above and folds ``ı`` to
#   ``i``, on both sides: a literal then stays whole where it would have had
#   to be cut at every ``i``;
# * case pairs newer than Python's Unicode tables (``regex`` carries its own):
#   literals are cut at such characters (:func:`unsafe_char`), texts need
#   nothing then.

_DOT_ABOVE = "\u0307"
_DOTLESS_I = "\u0131"


def fold(text: str) -> str:
    """TEXT case-folded as the literal shortcuts compare it (literals and
    texts alike): ``str.casefold``, then no combining dot above and ``ı`` as
    ``i`` (see above). An ASCII fold is returned as it is."""
    folded = text.casefold()
    return folded if folded.isascii() else refold(folded)


def refold(folded: str) -> str:
    """:func:`fold` of a text FOLDED by ``str.casefold`` already."""
    if _DOT_ABOVE in folded:
        folded = folded.replace(_DOT_ABOVE, "")
    if _DOTLESS_I in folded:
        folded = folded.replace(_DOTLESS_I, "i")
    return folded


@functools.lru_cache(maxsize=None)
def unsafe_char(ch: str) -> bool:
    """Whether ``regex`` may match CH (in a pattern, under IGNORECASE with
    or without FULLCASE) with a character whose :func:`fold` differs from
    CH's: a literal holding CH is cut there."""
    if ch < "\x80":
        return False
    from regex import _regex as engine

    own = fold(ch)
    cp = ord(ch)
    for bits in (regex.IGNORECASE, regex.IGNORECASE | regex.FULLCASE):
        if any(fold(chr(c)) != own for c in engine.get_all_cases(bits, cp)):
            return True
    return fold(engine.fold_case(regex.IGNORECASE | regex.FULLCASE, ch)) != own


def folded_pieces(run: str) -> list[str]:
    """The non-empty folds of RUN (a pattern's literal characters) cut at
    its :func:`unsafe_char` characters: each occurs in the fold of any text
    the run matches."""
    pieces: list[str] = []
    start = 0
    for k, ch in enumerate(run):
        if ch >= "\x80" and unsafe_char(ch):
            pieces.append(run[start:k])
            start = k + 1
    pieces.append(run[start:])
    return [f for f in map(fold, pieces) if f]


def folded_prefix(run: str) -> str:
    """The fold of RUN up to its first :func:`unsafe_char` character: the
    fold of any text that starts with a match of RUN starts with it."""
    for k, ch in enumerate(run):
        if ch >= "\x80" and unsafe_char(ch):
            run = run[:k]
            break
    return fold(run)


def folded_char(ch: str) -> str | None:
    """The fold of one pattern character, None when no fold is safe."""
    if ch >= "\x80" and unsafe_char(ch):
        return None
    return fold(ch) or None


_FLAG_BITS = {
    "ignorecase": regex.IGNORECASE,
    "verbose": regex.VERBOSE,
    "dotall": regex.DOTALL,
    "ascii": regex.ASCII,
    "fullcase": regex.FULLCASE,
}


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, flags: int) -> regex.Pattern[str]:
    # rules built in code skip the loader's bounds check; a pattern whose
    # compiled form the snapshot or a sealed cache entry offers passed it
    if (pattern, flags) not in _SEEDED:
        from .risk import check_bounds  # here: most short runs never need it

        too_big = check_bounds(pattern)
        if too_big:
            raise RuleError(too_big)
    return _compile_seeded(pattern, flags)


@functools.lru_cache(maxsize=256)
def compile_joined(pattern: str, flags: Iterable[str] = ()) -> regex.Pattern[str]:
    """An alternation of patterns each already bounded (a detector kind's
    vocabulary, ``engine/vocabulary.py``), compiled with FLAGS names once per
    process, from the rule cache's compiled form when it has one."""
    return _compile_seeded(pattern, flag_bits(flags))


def _compile_seeded(pattern: str, flags: int) -> regex.Pattern[str]:
    form = _SEEDED.pop((pattern, flags), None)
    if form is not None:
        got = _from_form(pattern, form)
        if got is not None:
            return got
    return regex.compile(pattern, flags | regex.VERSION0)


# ------------------------------------------------- compiled forms (rule cache)
#
# ``regex`` parses patterns with a parser written in Python: compiling the
# bundled rules takes ~0.3 s, paid again by every process (each --jobs worker,
# each pre-commit run). What that parser produces is what ``regex`` itself
# pickles (``Pattern._pickled_data``: the engine's code and group tables), and
# unpickling hands it straight to the C engine. The rule cache stores that
# form as JSON next to each rule; loading it costs ~1% of compiling.

_REGEX_C = getattr(regex, "_regex", None)
#: what a stored form is valid for: this regex release on this Python
FORM_KEY = f"{getattr(regex, '__version__', '?')}:{sys.implementation.cache_tag}"
#: (pattern, flag bits) -> stored compiled form, consumed by ``_compile``
_SEEDED: dict[tuple[str, int], list] = {}


def flag_bits(flags: Iterable[str]) -> int:
    bits = 0
    for f in flags:
        bits |= _FLAG_BITS[f]
    return bits


def compiled_form(pattern: str, flags: Iterable[str], *, joined: bool = False) -> list | None:
    """PATTERN's compiled form as JSON (None when it has no plain one); JOINED:
    an alternation of :func:`compile_joined`."""
    try:
        data = (compile_joined(pattern, tuple(flags)) if joined
                else compile_pattern(pattern, flags))._pickled_data
        (src, bits, code, group_index, index_group, named_lists, named_list_indexes,
         req_offset, req_chars, req_flags, group_count) = data
    except (AttributeError, TypeError, ValueError):
        return None
    if (src != pattern or named_lists or named_list_indexes or not isinstance(code, bytes)
            or any(not isinstance(c, int) for c in req_chars)):
        return None
    return [bits, base64.b64encode(code).decode("ascii"), sorted(group_index.items()),
            req_offset, list(req_chars), req_flags, group_count]


def _from_form(pattern: str, form: list) -> regex.Pattern[str] | None:
    try:
        bits, code, groups, req_offset, req_chars, req_flags, group_count = form
        group_index = {str(name): int(k) for name, k in groups}
        return _REGEX_C.compile(pattern, int(bits), base64.b64decode(code, validate=True),
                                group_index, {k: n for n, k in group_index.items()}, {}, [],
                                int(req_offset), tuple(int(c) for c in req_chars),
                                int(req_flags), int(group_count))
    except Exception:  # anything odd: compile from the source instead
        return None


def seed_compiled(rows: Iterable) -> None:
    """Offer compiled forms from the rule cache (rows ``[pattern, flags, form]``
    made with :func:`compiled_form` under the same :data:`FORM_KEY`)."""
    if _REGEX_C is None:
        return
    for pattern, flags, form in rows:
        _SEEDED[(pattern, flag_bits(flags))] = form


def is_seeded(pattern: str, flags: Iterable[str]) -> bool:
    """Whether the rule cache offered a compiled form of PATTERN (with FLAGS
    names) that has not been used yet."""
    return (pattern, flag_bits(flags)) in _SEEDED


def compile_pattern(pattern: str, flags: Iterable[str] = ("ignorecase",)) -> regex.Pattern[str]:
    """Compile PATTERN (``regex`` module syntax) with rule FLAGS names."""
    return _compile(pattern, flag_bits(flags))


# --------------------------------------------------------------- literals

_Key = tuple[str, tuple[str, ...]]
_LITERALS: dict[_Key, frozenset[str] | None] = {}
_REQUIREMENTS: dict[_Key, tuple[frozenset[str], ...] | None] = {}
_FIRST: dict[_Key, frozenset[str] | None] = {}
_SHORT: dict[_Key, frozenset[str] | None] = {}


def literals_for(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """:func:`required_literals`, memoised (and seeded from the rule cache)."""
    key = (pattern, tuple(flags))
    if key not in _LITERALS:
        _LITERALS[key] = required_literals(pattern, key[1])
    return _LITERALS[key]


def requirements_for(pattern: str, flags: Iterable[str] = ()) -> tuple[frozenset[str], ...] | None:
    """:func:`requirements`, memoised (and seeded from the rule cache)."""
    key = (pattern, tuple(flags))
    if key not in _REQUIREMENTS:
        _REQUIREMENTS[key] = requirements(pattern, key[1])
    return _REQUIREMENTS[key]


def first_chars_for(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """:func:`first_chars`, memoised (and seeded from the rule cache)."""
    key = (pattern, tuple(flags))
    if key not in _FIRST:
        _FIRST[key] = first_chars(pattern, key[1])
    return _FIRST[key]


def short_literals_for(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """:func:`short_literals`, memoised (and seeded from the rule cache)."""
    key = (pattern, tuple(flags))
    if key not in _SHORT:
        _SHORT[key] = short_literals(pattern, key[1])
    return _SHORT[key]


def _sets(value):
    return None if value is None else sorted(value)


def analyses(pattern: str, flags: Iterable[str]) -> list:
    """Everything the engine derives from PATTERN's parse tree, as JSON for
    the rule cache: ``[pattern, flags, literals, requirements, first, short]``
    (each ``None`` or lists of strings), so that a new process parses no
    pattern with Python's parser."""
    flags = tuple(flags)
    reqs = requirements_for(pattern, flags)
    return [pattern, list(flags), _sets(literals_for(pattern, flags)),
            None if reqs is None else [sorted(r) for r in reqs],
            _sets(first_chars_for(pattern, flags)), _sets(short_literals_for(pattern, flags))]


def seed_analyses(entries: Iterable) -> None:
    """Fill the memos from the on-disk rule cache (rows made by :func:`analyses`)."""
    for pattern, flags, lits, reqs, first, short in entries:
        key = (pattern, tuple(flags))
        _LITERALS[key] = None if lits is None else frozenset(lits)
        _REQUIREMENTS[key] = None if reqs is None else tuple(frozenset(r) for r in reqs)
        _FIRST[key] = None if first is None else frozenset(first)
        _SHORT[key] = None if short is None else frozenset(short)


def required_literals(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """Strings of which at least one occurs (case-folded) in any text PATTERN matches.

    Returns ``None`` when no useful requirement can be proven (the caller must
    then run the pattern on everything). Uses Python's own regex parser; a
    pattern that only the ``regex`` module understands simply gets ``None``.
    """
    reqs = requirements(pattern, flags)
    return None if reqs is None else _best(list(reqs))


def short_literals(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """Like :func:`required_literals`, but two-character strings count: too
    common to be looked up in a whole document (``"ap"`` of ``AP``), still
    worth testing line by line for a pattern that has nothing better."""
    reqs = requirements(pattern, flags, short=True)
    return None if reqs is None else _best(list(reqs), short=True)


def requirements(pattern: str, flags: Iterable[str] = (),
                 short: bool = False) -> tuple[frozenset[str], ...] | None:
    """Every requirement PATTERN's matches meet: sets of strings, one of each
    set occurs (case-folded) in any text the pattern matches. ``None`` when
    the pattern cannot be analysed (nothing is then known)."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    bits = 0
    flags = tuple(flags)
    if "fullcase" in flags:
        # ``regex``'s full case folding knows characters Python's tables do
        # not (a letter folding to "ss"): no literal is safe to require
        return None
    if "verbose" in flags:
        bits |= 64  # re.VERBOSE
    if "dotall" in flags:
        bits |= 16  # re.DOTALL
    parsed = _parse(pattern, bits)
    if parsed is None:
        return None
    return tuple(r for r in _requirements(list(parsed), sre_parse, short) if r)


#: Unicode properties that, for the analyses here, can stand in for ``\w``:
#: letters, marks and numbers are word characters, and a ``\w`` contributes
#: no literal and only word characters as a first character (a superset of
#: what the property admits among ASCII characters, which is all we use).
_WORDLIKE_PROPERTIES = {"l", "lu", "ll", "lt", "lm", "lo", "m", "mn", "mc", "me", "n", "nd",
                        "letter", "uppercase_letter", "lowercase_letter", "mark", "number",
                        "decimal_number", "alpha", "alphabetic", "alnum"}
_PROPERTY = r"\\(?:(?P<prop>p)(?:\{(?P<name>[^}]*)\}|(?P<short>\w))|.)"


def _python_syntax(pattern: str) -> str | None:
    r"""PATTERN with the ``regex``-only property escapes Python's parser rejects
    (``\p{Lu}``, ``\p{L}``...) replaced by ``\w``, or None when it has one that
    ``\w`` does not cover (``\P{...}``, ``\p{P}``...)."""
    if "\\p" not in pattern and "\\P" not in pattern:
        return pattern
    out = []
    last = 0
    for m in regex.finditer(_PROPERTY, pattern, regex.DOTALL):  # compiled when first used
        if m.group(0) in ("\\P",) or m.group(0).startswith("\\P"):
            return None
        if m.group("prop"):
            name = (m.group("name") or m.group("short") or "").lower().replace(" ", "_")
            if name.startswith("is"):
                name = name[2:]
            if name not in _WORDLIKE_PROPERTIES:
                return None
            out.append(pattern[last:m.start()])
            out.append("\\w")
            last = m.end()
    out.append(pattern[last:])
    return "".join(out)


def _parse(pattern: str, bits: int):
    """Python's parse tree of PATTERN, or None when Python's parser cannot
    read it the way the ``regex`` module does."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    import warnings

    source = _python_syntax(pattern)
    if source is None:
        return None
    try:
        with warnings.catch_warnings():
            # A FutureWarning ("possible nested set") means Python's parser reads
            # the pattern differently from the regex module: give up, stay safe.
            warnings.simplefilter("error")
            return sre_parse.parse(source, bits)
    except Exception:
        return None


# --------------------------------------------------------------- first characters

_ASCII = frozenset(chr(i) for i in range(128))
_ASCII_WORD = frozenset(c for c in _ASCII if c.isalnum() or c == "_")
_ASCII_DIGIT = frozenset("0123456789")
_ASCII_SPACE = frozenset(" \t\n\r\f\v")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


class _Unknown(Exception):
    """The pattern uses something the first-character analysis does not model."""


def _folded(ch: str) -> set[str]:
    """CH and its case variants, each case-folded to one character (only the
    ASCII ones matter: ``K`` the Kelvin sign folds to ``k``, ``ſ`` to ``s``)."""
    variants = {ch, ch.lower(), ch.upper()}
    variants.update(chr(c) for c in _all_cases(ch))
    return {v.casefold()[:1] for v in variants if v}


@functools.lru_cache(maxsize=None)
def _all_cases(ch: str) -> tuple[int, ...]:
    """The characters ``regex`` matches CH with under IGNORECASE."""
    from regex import _regex as engine

    return tuple(engine.get_all_cases(regex.IGNORECASE, ord(ch)))


def first_chars(pattern: str, flags: Iterable[str] = ()) -> frozenset[str] | None:
    """The ASCII characters (case-folded) a non-empty match of PATTERN can start with.

    A line whose first character is ASCII and not in the set cannot be
    matched by PATTERN from its start (``fullmatch``), whatever the case
    flags: case variants are always included. ``None`` when every ASCII
    character is possible or the pattern cannot be analysed. Lookarounds are
    ignored (they can only narrow the set) and non-ASCII first characters are
    never ruled out, so the test errs only towards trying the pattern.
    """
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    flags = tuple(flags)
    bits = (64 if "verbose" in flags else 0) | (16 if "dotall" in flags else 0)
    parsed = _parse(pattern, bits)
    if parsed is None:
        return None
    try:
        chars, _nullable = _first(list(parsed), sre_parse)
    except _Unknown:
        return None
    folded = frozenset(ch.casefold()[:1] for ch in chars) & _ASCII
    # a set holding every letter rules out almost no line: not worth a test
    return None if folded >= _LOWER else folded


def _first(items: Sequence, sp) -> tuple[set[str], bool]:
    """First characters of a parsed sequence, and whether it can match empty."""
    acc: set[str] = set()
    for op, av in items:
        chars, nullable = _first_item(op, av, sp)
        acc |= chars
        if not nullable:
            return acc, False
    return acc, True


def _first_item(op, av, sp) -> tuple[set[str], bool]:
    c = sp
    if op is c.LITERAL:
        return _folded(chr(av)), False
    if op in (c.NOT_LITERAL, c.ANY):
        return set(_ASCII), False
    if op is c.IN:
        out: set[str] = set()
        for kind, val in av:
            if kind is c.NEGATE:
                return set(_ASCII), False
            if kind is c.LITERAL:
                out |= _folded(chr(val))
            elif kind is c.RANGE:
                lo, hi = val
                if hi - lo > 512:
                    return set(_ASCII), False
                for code in range(lo, hi + 1):
                    out |= _folded(chr(code))
            elif kind is c.CATEGORY:
                name = str(val)
                if name.endswith("CATEGORY_DIGIT"):
                    out |= _ASCII_DIGIT
                elif name.endswith("CATEGORY_WORD"):
                    out |= _ASCII_WORD
                elif name.endswith("CATEGORY_SPACE"):
                    out |= _ASCII_SPACE
                else:
                    return set(_ASCII), False
            else:
                raise _Unknown(kind)
        return out, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True
    if op is c.SUBPATTERN:
        return _first(list(av[-1]), sp)
    if getattr(c, "ATOMIC_GROUP", None) is not None and op is c.ATOMIC_GROUP:
        return _first(list(av), sp)
    if op is c.BRANCH:
        out, nullable = set(), False
        for branch in av[1]:
            chars, n = _first(list(branch), sp)
            out |= chars
            nullable = nullable or n
        return out, nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
        lo, _hi, sub = av
        chars, n = _first(list(sub), sp)
        return chars, lo == 0 or n
    raise _Unknown(op)


def _selective(s: str, short: bool = False) -> bool:
    """A literal worth looking for: 3+ characters (2+ when SHORT), or symbols
    only (``©``, ``®``)."""
    if len(s) >= (2 if short else 3):
        return True
    import unicodedata

    return all(not ch.isascii() and unicodedata.category(ch).startswith("S") for ch in s)


def _best(reqs: list[frozenset[str]], short: bool = False) -> frozenset[str] | None:
    good = [r for r in reqs if r and all(_selective(s, short) for s in r)]
    if not good:
        return None
    return max(good, key=lambda r: (min(len(s) for s in r), -len(r)))


def _requirements(items: Sequence, sp, short: bool = False) -> list[frozenset[str]]:
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
            reqs.extend(frozenset({piece}) for piece in folded_pieces("".join(run)))
            run.clear()

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is SUBPATTERN:
            reqs.extend(_requirements(list(av[-1]), sp, short))
        elif ATOMIC_GROUP is not None and op is ATOMIC_GROUP:
            reqs.extend(_requirements(list(av), sp, short))
        elif op is BRANCH:
            alts = []
            for branch in av[1]:
                b = _best(_requirements(list(branch), sp, short), short)
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
                reqs.extend(_requirements(list(sub), sp, short))
        elif op is c.IN and 0 < len(av) <= 8 and all(kind is LITERAL for kind, _v in av):
            # a small set of single characters, such as (?:©|ⓒ): one of them occurs
            got = [folded_char(chr(v)) for _kind, v in av]
            if None not in got:
                reqs.append(frozenset(got))
    flush()
    return reqs


class TimedOut(Exception):
    """A pattern exceeded its time limit on the current document."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(rule_id)
        self.rule_id = rule_id


def _holds(requirements: tuple[tuple[str, ...], ...], folded: str) -> bool:
    """Whether FOLDED holds one alternative of each of a pattern's literal
    REQUIREMENTS (none: it may match anything)."""
    for alts in requirements:
        for alt in alts:
            if alt in folded:
                break
        else:
            return False  # this requirement fails: the pattern cannot match
    return True


class RulePatterns:
    """The compiled patterns of one rule, with prefilter and time limit.

    ``matches(text)`` is the rule's test on one candidate (a stripped line, a
    paragraph, a header): it honours ``match`` (full or search) and ``unless``.
    """

    __slots__ = ("rule_id", "_sources", "_flags", "_patterns", "_unless", "full", "literals",
                 "timeout", "has_unless", "_requires", "_starts", "_short")

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
        if any(ch in lit for lit in lits for ch in "\n\r\0"):
            lits = set()  # the literal scans work line by line and join windows with NUL
        self.literals: tuple[str, ...] | None = tuple(sorted(lits)) if lits else None
        self._requires: tuple | None = None
        self._starts: frozenset[str] | None | bool = False  # False: not computed yet
        self._short: tuple[str, ...] | None | bool = False  # likewise

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

    def _pattern_requirements(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Per pattern, its literal requirements (each a tuple of alternatives,
        the longest, most selective, first); () for a pattern without any."""
        reqs = self._requires
        if reqs is None:
            per = []
            for p in self._sources[0]:
                r = requirements_for(p, self._flags)
                per.append(tuple(sorted((tuple(sorted(alts)) for alts in r),
                                        key=lambda a: -min(map(len, a)))) if r else ())
            reqs = self._requires = tuple(per)
        return reqs

    def matchable(self, folded: str) -> tuple[int, ...]:
        """Positions of the patterns that may match a candidate whose case-fold
        is FOLDED: each holds every literal requirement of its pattern (exact:
        a pattern left out cannot match). Empty: no pattern can.

        A regex call with a time limit costs microseconds, a substring test
        tens of nanoseconds: this spares most calls on lines that merely
        contain a common literal, and the calls of a rule's other patterns
        on a line that holds what only one of them needs.
        """
        return tuple([k for k, reqs in enumerate(self._pattern_requirements())
                      if _holds(reqs, folded)])

    def could_match(self, folded: str) -> bool:
        """Exact cheap test on one case-folded candidate: False means no
        pattern can match it (:meth:`matchable`)."""
        for reqs in self._pattern_requirements():
            if _holds(reqs, folded):
                return True
        return False

    @property
    def line_literals(self) -> tuple[str, ...] | None:
        """Strings one of which any matched line contains (case-folded): the
        literals, or for a pattern without any, its two-character ones
        (:func:`short_literals`); None when nothing is known."""
        if self.literals is not None:
            return self.literals
        short = self._short
        if short is False:
            lits: set[str] = set()
            for p in self._sources[0]:
                req = short_literals_for(p, self._flags)
                if req is None:
                    lits = set()
                    break
                lits |= req
            if any(ch in lit for lit in lits for ch in "\n\r\0"):
                lits = set()
            short = self._short = tuple(sorted(lits)) if lits else None
        return short

    def could_start(self, text: str) -> bool:
        """Exact cheap test for a full match on TEXT: False when TEXT starts
        with an ASCII character none of the patterns can start with (see
        :func:`first_chars`). Most prose lines that merely contain a rule's
        literal are ruled out here, before any regex call."""
        starts = self._starts
        if starts is False:
            starts = None
            if self.full:
                sets = [first_chars_for(p, self._flags) for p in self._sources[0]]
                if all(x is not None for x in sets):
                    starts = frozenset().union(*sets)
            self._starts = starts
        if starts is None or not text:
            return True
        ch = text[0]
        return ch >= "\x80" or ch.lower() in starts

    def may_match(self, folded: str) -> bool:
        """Cheap prefilter on case-folded text: False means no pattern can match."""
        lits = self.literals
        if lits is None:
            return True
        for lit in lits:
            if lit in folded:
                return True
        return False

    def first_match(self, text: str, only: Sequence[int] | None = None
                    ) -> regex.Match[str] | None:
        """The first pattern match on TEXT (full or search), unless an ``unless``
        matches. ONLY: the positions of the patterns to try, the others being
        known not to match (:meth:`matchable`)."""
        if self.full and not self.could_start(text):
            return None
        patterns = self.patterns
        try:
            for p in (patterns if only is None else [patterns[k] for k in only]):
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

    def spans(self, text: str, only: Sequence[int] | None = None) -> list[tuple[int, int]]:
        """Spans of the non-overlapping matches of each pattern in TEXT, pattern
        by pattern (ONLY: the positions of the patterns that may match)."""
        out: list[tuple[int, int]] = []
        timeout = self.timeout
        patterns = self.patterns
        try:
            for p in (patterns if only is None else [patterns[k] for k in only]):
                for m in p.finditer(text, timeout=timeout):
                    out.append(m.span())
        except TimeoutError:
            raise TimedOut(self.rule_id) from None
        return out

    def vetoed(self, text: str) -> bool:
        try:
            return any(u.search(text, timeout=self.timeout) for u in self.unless)
        except TimeoutError:
            raise TimedOut(self.rule_id) from None
