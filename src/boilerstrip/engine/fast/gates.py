"""Exact document gates of the two vocabulary detectors, from the scan.

``comment-thread`` (``threads.py``) and ``reply-tail`` (``replies.py``) run
on every document and walk its lines from the end, yet find something in
one document of a hundred. Each needs a few lines whose marker or evidence
patterns match, so the compiled prefilter's database also holds their
vocabularies, as *gate rules*: rules that exist only in the database (no
stage runs them; ``database.build_table``), one per detector rule and need:

* ``<rule>@gate:record``: a comment-thread rule's record kinds (``byline``,
  ``says``, ``stamp``, ``reply``, ``date``);
* ``<rule>@gate:header``: its count-header kind;
* ``<rule>@gate:opens``: a reply-tail rule's kinds that open a tail;
* ``<rule>@gate:evidence``: all its evidence kinds.

Why the gate is exact (a skipped detector would have found nothing):

* comment-thread finds a thread in two ways. ``find_thread`` needs
  ``max(min_records, 1)`` records (``whole_text_min_records`` adds to that,
  it never replaces it); a record is a marker block holding a line of a
  STRONG kind or a date line (a name or a score next to it only confirms a
  date), and blocks never share a line: that many distinct lines with a
  record kind. ``find_headed_thread`` (on when ``min_headed_lines``) needs
  a header line. Name lines, score lines and list numbers open nothing alone;
* reply-tail needs a line of an ``opens`` kind to start at and
  ``max(min_evidence, 1)`` evidence lines from there; the evidence it counts
  is a subset of each line's raw evidence (``lone`` kinds only drop out, a
  closing's salutation only turns into a signature: ``tail_opening_kinds``);
* a line has a kind when one of the kind's patterns matches a stretch of
  its content (``str.strip``'s): for threads the whole content, the
  content after a list number or a part between separators, stripped of
  `` ,;:`` (``contexts``: ``part_start``/``part_end`` say what may stand
  around such a stretch); for reply tails the content's start (``start``,
  and ``end`` when the pattern ends with ``$``) or, for a smiley, any
  stretch. ``gate_pieces`` joins those contexts to the pattern and widens
  the whole as ``widen.py`` widens a rule (no look-around nor ``\\b``,
  every case variant, bounded repeats unbounded, wide repeats split off):
  every piece matches inside any line where the pattern matches in its
  context, so the scan names every line with a kind for its gate rule.
  Case variants through an odd character (``ſ``, ``İ``, the Kelvin sign)
  are left out of the pieces, and one more piece names every line that
  holds such a character (``ascii_folded``): the same lines, and a cheaper scan.

So a detector rule is skipped when the scan names fewer lines for a gate
rule than it needs. Where the scan cannot answer (the pure engine, a text
that does not encode, a gate rule left out of the database: a pattern the
rewrite cannot widen, or a piece Hyperscan refused), nothing is skipped.
Vectorscan's missed matches (``\\S.{5,}[ ]\\[video\\]``) come from long
repeats of wide classes, which the rewrite never hands it; a test checks
on the corpora and on generated text that every line a detector marks is
named for its gate (``tests/test_fast_gates.py``).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Sequence

from ...rules.model import Rule

#: A comment-thread rule's marker kinds one of which every record holds
#: (``threads.STRONG_KINDS`` and ``date``).
RECORD_KINDS = ("byline", "says", "stamp", "reply", "date")
#: What separates a detector rule's id from its gate's need.
SEPARATOR = "@gate:"


def gate_id(rule_id: str, need: str) -> str:
    """The id of the gate rule of detector rule RULE_ID for NEED."""
    return f"{rule_id}{SEPARATOR}{need}"


def _vocabulary(rule: Rule, kinds: Sequence[str]) -> list[str] | None:
    """Every language's patterns of RULE's ``languages`` param for KINDS, or
    None when the param is malformed (the Cleaner reports the rule)."""
    languages = rule.param_dict.get("languages")
    if not isinstance(languages, dict):
        return None
    out: list[str] = []
    for vocab in languages.values():
        if not isinstance(vocab, dict):
            return None
        for kind in kinds:
            patterns = vocab.get(kind, ())
            patterns = (patterns,) if isinstance(patterns, str) else patterns
            if not isinstance(patterns, (tuple, list)):
                return None
            out.extend(p for p in patterns if isinstance(p, str) and p)
    return out


#: A gate rule as the database holds it: (id, the pieces of each pattern).
GateRow = tuple[str, tuple[tuple[str, ...], ...]]


def _row(rule: Rule, need: str, patterns: Sequence[tuple[str, Any]]) -> list[GateRow]:
    """The gate rule of RULE's NEED from PATTERNS ((pattern, pieces or None)):
    none when a pattern cannot be widened (its lines could not be counted:
    the detector always runs) or when there is no pattern."""
    if not patterns or any(got is None for _p, got in patterns):
        return []
    return [(gate_id(rule.id, need), ascii_folded(tuple(got for _p, got in patterns)))]


#: A class of one ASCII letter's two cases and the odd characters whose
#: case folding also gives it (``ſ`` s, ``İ`` i, the Kelvin sign k): the
#: widened case variants of ``re.IGNORECASE``.
_ODD_FOLD = re.compile(r"\[([A-Za-z]{2})\\x\{(?:17f|130|212a)\}\]")
#: The odd characters themselves: a line holding one is named by this piece.
ODD_FOLD_PIECE = r"[\x{17f}\x{130}\x{212a}]"


def narrow_odd_folds(piece: str) -> str:
    """PIECE with each ``[Ss\\x{17f}]``, ``[Ii\\x{130}]`` and ``[Kk\\x{212a}]``
    narrowed to its ASCII letters (it then misses only lines holding an odd
    character, which ``ODD_FOLD_PIECE`` names)."""
    return _ODD_FOLD.sub(r"[\1]", piece)


def ascii_folded(widened: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """WIDENED with ``[Ss\\x{17f}]``, ``[Ii\\x{130}]`` and ``[Kk\\x{212a}]``
    narrowed to their ASCII letters, plus one pattern that names every line
    holding one of those odd characters. Exact: a line a piece matches
    through an odd character holds it; any other match the narrowed piece
    makes too. It pays because the odd variants keep Hyperscan from
    matching the gate words as plain literals (row 1: the base part's scan
    0.060 -> 0.051 s CPU, the same match events)."""
    narrowed = tuple(tuple(narrow_odd_folds(piece) for piece in pieces)
                     for pieces in widened)
    if narrowed == widened:
        return widened
    return narrowed + ((ODD_FOLD_PIECE,),)


def _thread_rows(rule: Rule) -> list[GateRow]:
    flags = ("ignorecase",)  # markers are compiled case-insensitively

    def widened(kinds: Sequence[str]) -> list[tuple[str, Any]]:
        return [(p, gate_pieces(p, flags, "part_start", "part_end"))
                for p in _vocabulary(rule, kinds) or ()]
    return _row(rule, "record", widened(RECORD_KINDS)) + _row(rule, "header",
                                                             widened(("header",)))


def tail_opening_kinds(opens: Any) -> tuple[str, ...]:
    """The raw evidence kinds of a line that opens a reply tail of a rule
    whose ``opens`` param is OPENS: those, and a salutation when a signature
    opens (a closing "Best," counts as a signature)."""
    from ..replies import EVIDENCE_KINDS

    # a malformed param: the Cleaner reports the rule; every kind meanwhile
    kinds = set(opens) if isinstance(opens, (list, tuple, set, frozenset)) \
        else set(EVIDENCE_KINDS)
    if "signature" in kinds:
        kinds.add("salutation")
    return tuple(k for k in EVIDENCE_KINDS if k in kinds)


def _tail_rows(rule: Rule) -> list[GateRow]:
    from ..replies import EVIDENCE_KINDS, SEARCHED_KINDS

    def widened(kinds: Sequence[str]) -> list[tuple[str, Any]]:
        out = []
        for kind in kinds:
            # matched at the content's start (searched: anywhere); flags are the patterns' own
            where = (None, None) if kind in SEARCHED_KINDS else ("start", "end")
            out += [(p, gate_pieces(p, (), *where, ends_only_at_end=True))
                    for p in _vocabulary(rule, (kind,)) or ()]
        return out
    opening = tail_opening_kinds(rule.param_dict.get("opens", EVIDENCE_KINDS))
    return _row(rule, "opens", widened(opening)) + _row(rule, "evidence",
                                                         widened(EVIDENCE_KINDS))


def gate_rows(rules: Sequence[Rule]) -> list[GateRow]:
    """The gate rules of the detector rules of RULES (module docstring), in
    RULES' order."""
    out: list[GateRow] = []
    for rule in rules:
        if rule.kind == "comment-thread":
            out += _thread_rows(rule)
        elif rule.kind == "reply-tail":
            out += _tail_rows(rule)
    return out


def stamped(rules: Sequence[Rule]) -> list[list[Any]]:
    """What of RULES the gate rules come from (for the database's stamp)."""
    return [[r.id, r.kind, repr(r.params)] for r in rules
            if r.kind in ("comment-thread", "reply-tail")]


# ------------------------------------------------------------------ the pieces

@functools.lru_cache(maxsize=None)
def _cls(source: str) -> str:
    """The widened Hyperscan class of the one-character ``regex`` item SOURCE."""
    from .widen import char_set, class_expr

    chars, all_non_ascii = char_set(source)
    return class_expr(chars, all_non_ascii)


@functools.lru_cache(maxsize=1)
def contexts() -> dict[str, str]:
    """What stands around a stretch of a line a detector matches a pattern
    against, as Hyperscan expressions (widened as ``widen.py`` widens):

    * ``part_start``/``part_end``: a comment-thread marker matches a whole
      part of a line's content: the content, the content after a list
      number (``threads._LIST_ITEM``), or a part between separators
      (``threads._SEPARATOR``) stripped of `` ,;:``;
    * ``start``/``end``: a reply-tail pattern matches at the content's start
      (and, when it ends with ``$``, up to its end)."""
    from .widen import anchor

    strip = anchor().expr[1:-1]  # what str.strip strips, but the line break
    space, digit, sep, trim = _cls(r"\s"), _cls(r"\d"), _cls("[|·•]"), _cls("[ ,;:]")
    item = f"(?:{digit}{{1,4}}{_cls('[.)]')}|{_cls('[-+*•o]')})"
    return {
        "part_start": f"(?:^{strip}*(?:{item}{space}+)?|{sep}{space}+){trim}*",
        "part_end": f"{trim}*(?:{strip}*$|{space}+{sep})",
        "start": f"^{strip}*",
        "end": f"{strip}*$",
    }


def gate_pieces(pattern: str, flags: Sequence[str], start: str | None = None,
                end: str | None = None, ends_only_at_end: bool = False
                ) -> tuple[str, ...] | None:
    """The Hyperscan pieces of PATTERN for a gate rule: ``widen.py``'s, with
    what stands before every match of it (START, a ``contexts()`` name) and
    after it (END; with ENDS_ONLY_AT_END, only when the pattern itself ends
    with ``$``) joined to its ends, so that a piece next to them keeps a
    line's start or end. A piece that holds one of them is rare whatever
    its words: beside it, only the pieces rare on their own are kept (a
    common word costs the scan a match in most lines). None when the
    pattern cannot be widened."""
    from .widen import MIN_WEIGHT, Atom, Unsupported, _tokens, pieces
    from ...rules.patterns import _parse

    if "fullcase" in flags:
        return None
    parsed = _parse(pattern, (64 if "verbose" in flags else 0))
    if parsed is None:
        return None
    items = list(parsed)
    around = contexts()
    try:
        tokens = _tokens(items)
    except (Unsupported, RecursionError):
        return None
    joined = []
    if start:
        joined.append(around[start])
        tokens = [Atom(around[start], False, True)] + tokens
    if end and (not ends_only_at_end or _ends_with_dollar(items)):
        joined.append(around[end])
        tokens = tokens + [Atom(around[end], False, True)]
    try:
        got = [(e, w) for e, w in pieces(tokens) if e not in joined]
    except (Unsupported, RecursionError):
        return None
    held = [e for e, _w in got if any(j in e for j in joined)]
    kept = held + [e for e, w in got if w >= MIN_WEIGHT and e not in held]
    if not kept and got:
        # the heaviest, however light: a gate rule must count every line (a
        # stretch of signs such as ":)" or "| 3/4/" is rare all the same)
        kept = [max(got, key=lambda p: (p[1], len(p[0])))[0]]
    return tuple(kept) or None


def _ends_with_dollar(items: list) -> bool:
    """Whether a parsed pattern's last item is an end anchor (``$``, ``\\Z``)."""
    try:
        import re._constants as _c  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_constants as _c  # type: ignore[no-redef]
    return bool(items) and items[-1][0] is _c.AT and items[-1][1] in (_c.AT_END,
                                                                      _c.AT_END_STRING)


def _lines(candidates: Any, rule_id: str, need: str) -> int | None:
    """How many lines of the current text the scan names for the gate rule
    of RULE_ID's NEED; None when it cannot tell (no gate: run the detector)."""
    ask = getattr(candidates, "lines_of", None)
    if ask is None:
        return None
    found = ask(gate_id(rule_id, need))
    return None if found is None else len(found)


def _at_least(candidates: Any, rule_id: str, need: str, count: int) -> bool:
    """Whether the gate of RULE_ID's NEED lets the text through: the scan
    names COUNT lines or more, or cannot tell."""
    got = _lines(candidates, rule_id, need)
    return got is None or got >= count


def thread_may_fire(item: Any, candidates: Any) -> bool:
    """Whether comment-thread rule ITEM (a ``CompiledThread``) may find a
    thread in the text CANDIDATES answer for (False: it finds none)."""
    cfg, rid = item.cfg, item.rule.id
    if cfg.min_headed_lines and _at_least(candidates, rid, "header", 1):
        return True
    return _at_least(candidates, rid, "record", max(cfg.min_records, 1))


def tail_may_fire(item: Any, candidates: Any) -> bool:
    """Whether reply-tail rule ITEM (a ``CompiledReplyTail``) may find a tail
    in the text CANDIDATES answer for (False: it finds none): a line that
    opens it and ``min_evidence`` evidence lines."""
    rid = item.rule.id
    return (_at_least(candidates, rid, "opens", 1)
            and _at_least(candidates, rid, "evidence", max(item.cfg.min_evidence, 1)))
