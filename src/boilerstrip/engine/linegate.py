"""A cheap exact test that spares the line-shape detectors most regex calls.

The comment-thread and reply-tail detectors ask of many lines whether one of
a kind's patterns matches it (a marker, a piece of reply evidence); almost
no line does, and each regex call with a time limit costs microseconds (a
fullmatch of the thread's marker alternation, tens of them). A
:class:`KindGate` rules a kind out for a line before the call from what
every match of each of its patterns holds, as the rule prefilter does
(``rules/patterns.py``):

* its literal requirements: one string of each occurs, case-folded, in any
  text the pattern matches (two-character and single-character ones count
  here: one short line is tested, not a document);
* for a match anchored at the line's start (``full``, ``start``), the
  ASCII characters such a match can begin with. For ``start`` only when no
  match of the pattern is empty: one that can match the empty string
  matches at the start of any line;
* for a match that ends at the line's end (``full``, or a pattern that
  ends with ``$``) and a pattern whose last item is a literal character
  (``Name,``: a salutation), perhaps followed by optional spaces, the ASCII
  characters such a line can end with: most lines end otherwise, and a
  pattern that fails only after trying every split of the line costs tens
  of microseconds a call.
* for a match anchored at the line's start, the strings (case-folded)
  one of which it starts with, when the pattern (or each branch of its
  first group) starts with literal text: "thanks", "great post".

Before the candidates' tests, one compiled search (the *screen*) looks for
the alternatives of all their first requirements at once: a line holding
none of them passes none (most short lines of a text).

A kind left out of ``passing(text)`` is exact: none of its patterns
matches TEXT in its mode. A kind let through only means the regex must
tell; a pattern the analyses cannot read lets its kind through on every line.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Sequence

import regex

from ..rules import patterns as _patterns
from ..rules.patterns import first_chars_for, requirements_for, short_literals_for

#: how the detector calls the pattern: on the whole line, at its start, anywhere
MODES = ("full", "start", "search")

_Reqs = tuple[tuple[str, ...], ...]  # one alternative of each tuple must occur
#: per requirement, (alternatives looked for as they are, in the fold)
_Tests = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
#: a pattern as a gate tests it: (kind, tests, last characters, prefixes)
_Entry = tuple[str, _Tests, "frozenset[str] | None", "tuple[str, ...] | None"]


def _requirements(pattern: str, flags: tuple[str, ...]) -> _Reqs | None:
    """PATTERN's literal requirements (case-folded), () when it has none,
    None when the pattern cannot be analysed."""
    reqs = requirements_for(pattern, flags)
    if reqs is None:
        return None
    out = [tuple(sorted(alts, key=lambda a: (-len(a), a))) for alts in reqs if alts]
    if not out:
        # the analysis keeps only 3-character alternatives inside a group;
        # its two-character set, or one of single characters, still holds
        short = short_literals_for(pattern, flags) or _one_of_for(pattern, flags)
        if short:
            out = [tuple(sorted(short, key=lambda a: (-len(a), a)))]
    return tuple(out)


def _one_of_for(pattern: str, flags: tuple[str, ...]) -> frozenset[str] | None:
    """Strings, single characters too, one of which occurs (case-folded) in
    any match of PATTERN; None when none is known."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    bits = (64 if "verbose" in flags else 0) | (16 if "dotall" in flags else 0)
    parsed = _patterns._parse(pattern, bits)
    return None if parsed is None else _one_of(list(parsed), sre_parse)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two requirements: longer strings, then fewer."""
    if a is None or b is None:
        return a if b is None else b
    return max(a, b, key=lambda r: (min(map(len, r)), -len(r)))


def _one_of(items: list, sp) -> frozenset[str] | None:
    """:func:`_one_of_for` of a parsed sequence."""
    repeats = tuple(op for op in (sp.MAX_REPEAT, sp.MIN_REPEAT,
                                  getattr(sp, "POSSESSIVE_REPEAT", None)) if op is not None)
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in items + [(None, None)]:  # a last item that ends the run
        if op is sp.LITERAL:
            run.append(chr(av))
            continue
        if run:
            for piece in _patterns.folded_pieces("".join(run)):
                best = _better(best, frozenset({piece}))
            run = []
        got = None
        if op is sp.SUBPATTERN:
            got = _one_of(list(av[-1]), sp)
        elif op is getattr(sp, "ATOMIC_GROUP", False):
            got = _one_of(list(av), sp)
        elif op is sp.BRANCH:
            alts = [_one_of(list(branch), sp) for branch in av[1]]
            got = None if any(a is None for a in alts) else frozenset().union(*alts)
        elif op in repeats and av[0] >= 1:
            got = _one_of(list(av[2]), sp)
        elif op is sp.IN and 0 < len(av) <= 16 and all(kind is sp.LITERAL for kind, _v in av):
            folds = [_patterns.folded_char(chr(v)) for _kind, v in av]
            got = None if None in folds else frozenset(folds)
        best = _better(best, got)
    return best


#: the ASCII characters ``\s`` may match, in ``regex`` or in Python's ``re``
_ASCII_SPACE = frozenset(c for c in map(chr, range(128))
                         if c.isspace() or regex.match(r"\s", c))


#: last characters of a pattern whose last item is a repeat, a group or a wildcard
_OPEN_ENDS = (")", "}", "*", "+", "?", ".")


@functools.lru_cache(maxsize=4096)
def last_chars_for(pattern: str, flags: tuple[str, ...], mode: str) -> frozenset[str] | None:
    r"""The ASCII characters (lower-cased) a line can end with when PATTERN,
    called in MODE, matches it; None when unknown (any last character).
    Known only when every match ends at the line's end (``full``, or the
    pattern ends with ``$`` or ``\Z``) and the pattern's last item is a
    character or a set of characters, after optional spaces (``\s*``). A
    line that ends with a non-ASCII character or a line break is never ruled
    out by this (the caller's business)."""
    # no parse (a start-up cost) where the answer is None anyway: most
    # patterns end with a repeat or a group
    if not pattern.endswith(("$", "\\Z")) and (mode != "full" or pattern.endswith(_OPEN_ENDS)):
        return None
    bits = (64 if "verbose" in flags else 0) | (16 if "dotall" in flags else 0)
    parsed = _patterns._parse(pattern, bits)
    if parsed is None or "multiline" in flags or parsed.state.flags & 8:  # re.MULTILINE
        return None  # ``$`` at every line break
    try:
        import re._constants as sc  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_constants as sc  # type: ignore[no-redef]
    items = list(parsed)
    ends = (sc.AT_END, sc.AT_END_STRING)
    if items and items[-1][0] is sc.AT and items[-1][1] in ends:
        items.pop()
    elif mode != "full":
        return None  # a match may end anywhere in the line
    out: set[str] = set()
    while items:
        op, av = items.pop()
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] == 0 \
                and list(av[2]) == [(sc.IN, [(sc.CATEGORY, sc.CATEGORY_SPACE)])]:
            out |= _ASCII_SPACE  # optional spaces: the item before may end the line
            continue
        if op is sc.LITERAL and av < 0x80:
            return frozenset(out | {chr(av).lower()})
        if op is sc.IN and av and all(k is sc.LITERAL and v < 0x80 for k, v in av):
            return frozenset(out | {chr(v).lower() for _k, v in av})
        return None
    return None  # nothing but optional spaces: it may match the empty string


@functools.lru_cache(maxsize=4096)
def prefixes_for(pattern: str, flags: tuple[str, ...]) -> tuple[str, ...] | None:
    """Strings (case-folded, as :func:`fold_text` folds) one of which every
    match of PATTERN starts with: the literal start of the pattern or of
    each branch of its first group ("thanks", "great", "nice" for a line
    that opens by thanking or praising); None when unknown."""
    if "fullcase" in flags:
        return None  # no literal is safe under full case folding (rules.patterns.requirements)
    bits = (64 if "verbose" in flags else 0) | (16 if "dotall" in flags else 0)
    parsed = _patterns._parse(pattern, bits)
    if parsed is None:
        return None
    try:
        import re._parser as sp  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse as sp  # type: ignore[no-redef]
    got = _prefixes(list(parsed), sp)
    if not got:
        return None
    folded = {_patterns.folded_prefix(p) for p in got}
    return None if "" in folded else tuple(sorted(folded))


def _prefixes(items: list, sp) -> set[str] | None:
    """:func:`prefixes_for` of a parsed sequence (not yet folded)."""
    run: list[str] = []
    for op, av in items:
        if op is sp.LITERAL:
            run.append(chr(av))
            continue
        if not run and op in (sp.ASSERT, sp.ASSERT_NOT):
            continue  # a lookaround before the first character takes none
        if not run and op is sp.AT and av in (sp.AT_BEGINNING, sp.AT_BEGINNING_STRING):
            continue
        if run:
            break
        if op is sp.SUBPATTERN:
            return _prefixes(list(av[-1]), sp)
        if op is sp.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                got = _prefixes(list(branch), sp)
                if got is None:
                    return None
                out |= got
            return out
        if op in (sp.MAX_REPEAT, sp.MIN_REPEAT) and av[0] >= 1:
            return _prefixes(list(av[2]), sp)
        return None
    return {"".join(run)} if run else None


def _never_empty(pattern: str, flags: tuple[str, ...]) -> bool:
    """Whether every match of PATTERN is at least one character long (False
    when the pattern cannot be analysed)."""
    bits = (64 if "verbose" in flags else 0) | (16 if "dotall" in flags else 0)
    parsed = _patterns._parse(pattern, bits)  # the parse the other analyses use
    try:
        return parsed is not None and parsed.getwidth()[0] > 0
    except Exception:  # a construct Python's parser reads but cannot measure
        return False


#: (pattern, flags, mode) -> what a gate derives from the pattern's parse tree
#: (:func:`analysed`); seeded from the rules snapshot for the bundled
#: vocabularies, so that a new process parses none of them (~0.08 s)
_ANALYSED: dict[tuple[str, tuple[str, ...], str], tuple] = {}


def analysed(pattern: str, flags: tuple[str, ...], mode: str) -> tuple:
    """(requirements, first characters, last characters, prefixes) of
    PATTERN called in MODE, as :class:`KindGate` tests them; memoised."""
    key = (pattern, flags, mode)
    got = _ANALYSED.get(key)
    if got is None:
        reqs = _requirements(pattern, flags)
        firsts = None
        if mode == "full" or (mode == "start" and (reqs or _never_empty(pattern, flags))):
            firsts = first_chars_for(pattern, flags)
        got = _ANALYSED[key] = (reqs, firsts, last_chars_for(pattern, flags, mode),
                                prefixes_for(pattern, flags) if mode != "search" else None)
    return got


def _listed(value):
    return None if value is None else sorted(value)


def analysed_rows() -> list[list]:
    """Every memoised :func:`analysed` result, as sorted JSON rows for the
    rules snapshot."""
    rows = []
    for (pattern, flags, mode), (reqs, firsts, lasts, starts) in _ANALYSED.items():
        rows.append([pattern, list(flags), mode,
                     None if reqs is None else [list(alts) for alts in reqs],
                     _listed(firsts), _listed(lasts), _listed(starts)])
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def analyses_of(build) -> list[list]:
    """The rows (:func:`analysed_rows`) of what calling BUILD, which builds
    gates, analyses, all of it afresh; the memo is left as it was."""
    saved = dict(_ANALYSED)
    _ANALYSED.clear()
    try:
        build()
        return analysed_rows()
    finally:
        _ANALYSED.clear()
        _ANALYSED.update(saved)


def seed_analysed(rows) -> None:
    """Fill the memo of :func:`analysed` from :func:`analysed_rows`' rows."""
    for pattern, flags, mode, reqs, firsts, lasts, starts in rows:
        _ANALYSED.setdefault((pattern, tuple(flags), mode), (
            None if reqs is None else tuple(tuple(alts) for alts in reqs),
            None if firsts is None else frozenset(firsts),
            None if lasts is None else frozenset(lasts),
            None if starts is None else tuple(starts)))


class KindGate:
    """The patterns of each kind of a vocabulary (comment-thread markers,
    reply-tail evidence), as cheap tests (see the module docstring).

    KINDS: (kind, patterns, mode) in the detector's order. ``passing(text)``
    gives the kinds one of whose patterns may match TEXT: one call and one
    case fold per line, whatever the number of kinds. SCREENED: whether a
    screen (:func:`_screen`) looks at a line first; it pays where most
    lines hold none of the first requirements (short marker lines), not
    where most do (a comma or a colon: any line of prose)."""

    __slots__ = ("kinds", "_by_first", "_every", "_anywhere", "_screens")

    def __init__(self, kinds: Iterable[tuple[str, Sequence[str], str]],
                 flags: Sequence[str] = (), screened: bool = True) -> None:
        flags = tuple(flags)
        entries: list[tuple[str, _Tests, frozenset[str] | None, frozenset[str] | None,
                            tuple[str, ...] | None]] = []
        names = []
        for kind, patterns, mode in kinds:
            if mode not in MODES:
                raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
            names.append(kind)
            for p in patterns:
                reqs, firsts, lasts, starts = analysed(p, flags, mode)
                # unknown requirements: it may match any line
                entries.append((kind, _tests(reqs or ()), firsts, lasts, starts))
        self.kinds: tuple[str, ...] = tuple(names)
        #: every pattern's (kind, tests): for a line that starts with a
        #: non-ASCII character, or is empty
        self._every = tuple(dict.fromkeys((kind, tests, lasts, starts)
                                          for kind, tests, _f, lasts, starts in entries))
        # per ASCII first character (lower case), the (kind, tests, last
        # characters, prefixes) of the patterns a line starting with it may match
        self._by_first: dict[str, tuple[_Entry, ...]] = {
            ch: tuple(dict.fromkeys((kind, tests, lasts, starts)
                                    for kind, tests, firsts, lasts, starts in entries
                                    if firsts is None or ch in firsts))
            for ch in map(chr, range(128)) if ch == ch.lower()}
        # one requirement of each pattern, all alternatives together: a text
        # without any holds no line that one of the patterns matches
        self._anywhere: tuple[frozenset[str], frozenset[str]] | None = None
        #: per first character ("" for the rest), the screen of its candidates
        #: (see :func:`_screen`), compiled when first needed
        self._screens: dict[str, re.Pattern[str] | None | object] = (
            {} if screened else dict.fromkeys([*self._by_first, ""]))
        if all(entry[1] for entry in self._every):
            self._anywhere = (frozenset(a for entry in self._every for a in entry[1][0][0]),
                              frozenset(a for entry in self._every for a in entry[1][0][1]))

    def may_hold(self, text: str) -> bool:
        """Whether TEXT, many lines joined, may hold a line that one of the
        patterns matches (False: none of its lines is matched)."""
        if self._anywhere is None:
            return True
        raw, fold = self._anywhere
        for alt in raw:
            if alt in text:
                return True
        if fold:
            folded = fold_text(text)
            for alt in fold:
                if alt in folded:
                    return True
        return False

    def any_passing(self, text: str) -> bool:
        """Whether some kind may match TEXT (False: none does)."""
        return bool(self._kinds(text, first_only=True))

    def passing(self, text: str) -> frozenset[str]:
        """The kinds one of whose patterns may match TEXT (a stripped line or
        a part of one); a kind left out matches it with none of its patterns."""
        out = self._kinds(text, first_only=False)
        return frozenset(out) if out else _NONE

    def _kinds(self, text: str, first_only: bool) -> set[str]:
        """The kinds that may match TEXT; with FIRST_ONLY, stop at the first."""
        out: set[str] = set()
        if text and text[0] < "\x80":
            first = text[0].lower()
            candidates = self._by_first[first]
        else:
            first, candidates = "", self._every
        screen = self._screens.get(first, _UNSEEN)
        if screen is _UNSEEN:
            screen = self._screens[first] = _screen(candidates)
        folded = None
        if screen is not None:
            folded = text.casefold()  # as fold_text, inline: called for every line
            if not folded.isascii():
                folded = _patterns.refold(folded)
            if screen.search(folded) is None:
                return out  # no first requirement of any candidate holds
        # its last character, when an ASCII one other than a line break
        # (where ``$`` also matches before it): a pattern that must end
        # with another is ruled out
        last = text[-1:].lower()
        if last >= "\x80" or last == "\n":
            last = ""
        for kind, tests, lasts, starts in candidates:
            if kind in out or (last and lasts is not None and last not in lasts):
                continue
            if starts is not None:
                if folded is None:
                    folded = fold_text(text)
                if not folded.startswith(starts):
                    continue
            for raw, fold in tests:  # as _holds, inline: called for every line
                for alt in raw:
                    if alt in text:
                        break
                else:
                    if not fold:
                        break  # this requirement fails: not this pattern
                    if folded is None:
                        folded = fold_text(text)
                    for alt in fold:
                        if alt in folded:
                            break
                    else:
                        break
            else:
                out.add(kind)
                if first_only:
                    break
        return out


_UNSEEN = object()


def _screen(candidates: Sequence[_Entry]):
    """One compiled search for the alternatives of the first (most selective)
    requirement of every one of CANDIDATES, in a line's fold (the unfolded
    ones are symbols and digits, which folding keeps): a line where it finds
    none passes none of them, whatever their other tests; one regex call
    instead of a Python loop over every candidate's alternatives. None when
    a candidate has no requirement (it may match any line)."""
    if not candidates or not all(entry[1] for entry in candidates):
        return None
    alts = {a for entry in candidates for a in entry[1][0][0] + entry[1][0][1]}
    return _compiled_screen(frozenset(alts))


@functools.lru_cache(maxsize=256)
def _compiled_screen(alts: frozenset[str]) -> re.Pattern[str]:
    # the longest first (where two start at one place either says the same:
    # some alternative is there), sorted: one pattern per set of alternatives
    return re.compile("|".join(re.escape(a) for a in sorted(alts, key=lambda a: (-len(a), a))))




def _tests(reqs: _Reqs) -> _Tests:
    """REQS as tests, the most selective first: per requirement, the
    alternatives looked for in the line as it is (ASCII symbols and digits,
    which case folding keeps and makes of no other character) and those
    looked for in its case fold."""
    ordered = sorted(reqs, key=lambda alts: (-min(map(len, alts)), len(alts)))
    return tuple((tuple(a for a in alts if _fold_stable(a)),
                  tuple(a for a in alts if not _fold_stable(a))) for alts in ordered)


def fold_text(text: str) -> str:
    """TEXT case-folded as the gates compare it: as every literal shortcut
    does (``rules.patterns.fold``: ``İ`` as ``i``, "İnside" holds "inside",
    and ``ı`` as ``i``, as ``regex`` matches them under IGNORECASE)."""
    return _patterns.fold(text)


def _fold_stable(s: str) -> bool:
    """Whether S is found in a text exactly where it is found in its case fold
    (tests/test_linegate.py checks what this relies on, for every character)."""
    return all(ch < "\x80" and not ch.isalpha() for ch in s)


def _holds(tests: _Tests, text: str) -> bool:
    """Whether TEXT holds an alternative of every requirement of TESTS."""
    folded = None
    for raw, fold in tests:
        for alt in raw:
            if alt in text:
                break
        else:
            if not fold:
                return False
            if folded is None:
                folded = fold_text(text)
            for alt in fold:
                if alt in folded:
                    break
            else:
                return False
    return True


_NONE: frozenset[str] = frozenset()


class OpenGate:
    """Lets every kind through: what the detectors did without a gate (the
    tests compare the two)."""

    def __init__(self, kinds: Iterable[str]) -> None:
        self.kinds = frozenset(kinds)

    def any_passing(self, text: str) -> bool:
        return bool(self.kinds)

    def may_hold(self, text: str) -> bool:
        return bool(self.kinds)

    def passing(self, text: str) -> frozenset[str]:
        return self.kinds
