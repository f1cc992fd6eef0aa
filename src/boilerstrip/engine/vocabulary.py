"""The params of the detector kinds (``comment-thread``, ``reply-tail``,
``edge-block``): their names and numbers (:func:`checked_params`), and the
per-language pattern vocabularies: a ``languages`` param maps each language
code to a mapping of kind (a marker or an evidence kind) -> patterns, and a
detector runs one alternation per kind, of every language's patterns.

These steps are shared so that the kinds check their params, and name what
is wrong with them, the same way.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable, Mapping, Sequence

import regex

from ..errors import RuleError
from ..rules.model import Rule
from ..rules.patterns import compile_joined, is_seeded

#: builds the error raised for a malformed param from its message
Fail = Callable[[str], RuleError]


def checked_params(raw: Mapping[str, Any], params: Mapping[str, tuple[type, Any]],
                   fail: Fail) -> dict[str, Any]:
    """RAW's value of every param of PARAMS (name -> (type, default)), the
    default where RAW has none. Raises FAIL(message) for a name PARAMS does not
    know, an ``int`` param that is not a non-negative integer and a ``float``
    param that is not a share between 0 and 1 (given back as a float); values
    of other types are the kind's own to check."""
    unknown = sorted(set(raw) - set(params))
    if unknown:
        raise fail(f"unknown param(s): {', '.join(unknown)} (known: {', '.join(params)})")
    values: dict[str, Any] = {}
    for name, (typ, default) in params.items():
        value = raw.get(name, default)
        if typ is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise fail(f"param {name!r} must be a non-negative integer, not {value!r}")
        if typ is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0 <= value <= 1:
                raise fail(f"param {name!r} must be a share between 0 and 1, not {value!r}")
            value = float(value)
        values[name] = value
    return values


def patterns_by_kind(languages: Any, kinds: Sequence[str], noun: str,
                     fail: Fail) -> dict[str, list[str]]:
    """Every language's patterns of LANGUAGES gathered per kind, in KINDS'
    order (NOUN names the kinds in messages: "marker", "evidence"). Raises
    FAIL(message) for anything but a non-empty mapping of language code ->
    {kind of KINDS -> pattern or list of patterns}."""
    if not isinstance(languages, dict) or not languages:
        raise fail(f"param 'languages' must map language codes to {noun} vocabularies")
    by_kind: dict[str, list[str]] = {k: [] for k in kinds}
    for lang, vocab in languages.items():
        if not isinstance(vocab, dict):
            raise fail(f"vocabulary of {lang!r} must map {noun} kinds to pattern lists")
        for kind, patterns in vocab.items():
            if kind not in by_kind:
                raise fail(f"unknown {noun} kind {kind!r} in {lang!r} "
                           f"(one of: {', '.join(kinds)})")
            if isinstance(patterns, str):
                patterns = (patterns,)
            if not isinstance(patterns, tuple) or not all(isinstance(p, str) and p
                                                          for p in patterns):
                raise fail(f"{lang}.{kind} must be a list of patterns")
            by_kind[kind].extend(patterns)
    return by_kind


def compile_alternation(kind: str, patterns: Sequence[str], flags: int, fail: Fail):
    """One alternation of PATTERNS (of KIND, for messages) compiled with FLAGS
    (``regex.IGNORECASE`` or not; version 0 always).

    Each pattern is bounded before anything is compiled (a hostile rule file
    must not take the machine's memory); the patterns are compiled one by one
    only when the alternation fails, to name the one at fault (compiling
    each of them every time doubled a short run's start-up). The alternation
    is compiled once per process, from its form in the rule cache when the
    cache has it (:func:`derived_patterns` says which to keep there)."""
    names = ("ignorecase",) if flags & regex.IGNORECASE else ()
    joined = "|".join(f"(?:{p})" for p in patterns)
    # bounded already: compiled in this process, or its form in a sealed cache
    # entry (written only after its parts passed this check, by this code)
    if joined not in _BOUNDED and not is_seeded(joined, names):
        from ..rules.risk import check_bounds

        for p in patterns:
            too_big = check_bounds(p)
            if too_big:
                raise fail(f"{kind} pattern {p!r}: {too_big}")
    try:
        compiled = compile_joined(joined, names)
    except regex.error as joined_error:
        for p in patterns:
            try:
                regex.compile(p, flags)
            except regex.error as exc:
                raise fail(f"{kind} pattern {p!r} is invalid: {exc}") from None
        raise fail(f"{kind} patterns are invalid together: {joined_error}") from None
    _BOUNDED.add(joined)
    rows = getattr(_RECORDING, "rows", None)
    if rows is not None:
        rows.append((joined, names))
    return compiled


#: the kinds whose rules compile vocabularies when a Cleaner is built
VOCABULARY_KINDS = ("comment-thread", "reply-tail", "edge-block")
_RECORDING = threading.local()
#: alternations whose parts passed the bounds check in this process
_BOUNDED: set[str] = set()


def derived_patterns(rules: Iterable[Rule]) -> list[tuple[str, tuple[str, ...]]]:
    """(alternation, flag names) of every vocabulary the rules of RULES of
    :data:`VOCABULARY_KINDS` compile, found by compiling them as a Cleaner
    does (memoised: the Cleaner built next compiles nothing again), for the
    rule cache to keep their compiled forms. A rule with a fault gives none
    (the Cleaner reports it)."""
    from .kinds import RUNS

    out: list[tuple[str, tuple[str, ...]]] = []
    for rule in rules:
        if rule.kind not in VOCABULARY_KINDS:
            continue
        _RECORDING.rows = rows = []
        try:
            RUNS[rule.kind].compile(rule, 0.5)
        except RuleError:
            rows.clear()
        finally:
            _RECORDING.rows = None
        out.extend(rows)
    return out
