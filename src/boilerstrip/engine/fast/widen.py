r"""Rule patterns rewritten for Hyperscan so that they can only match MORE.

The compiled prefilter (``provider.py``) asks Hyperscan which lines may hold
a match of a rule's pattern; ``regex`` then confirms each one as before. A
line the rewrite misses would silently keep debris, so every step here only
widens:

* a pattern becomes *pieces*: expressions each of which matches inside any
  line (text without ``\n``) the pattern matches in, by search or full match.
  A line is a candidate when it holds every piece;
* anchors, ``\b`` and lookarounds are dropped (each matches the empty string);
* every single-character item becomes the set of characters it matches under
  any of the case and ASCII flags, found by asking ``regex`` itself; a set
  with many non-ASCII characters (``\w``, ``\d``, ``[^x]``) takes all of them;
* large bounded repeats become unbounded; a long repeat of a wide class
  (``.{5,}``, ``\S+``, ``\w*``) splits the pattern: what is on either side
  becomes a piece of its own, and the repeat itself goes. (Vectorscan 5.4.12
  drops matches of ``\S.{5,}[ \x{85}\xa0]\[video\]`` once the text before the
  space is ~47 characters long: such repeats never reach it);
* pieces lose their wide or optional ends (what is left matches inside what
  the whole matched); a pattern keeps only its rare pieces (``MIN_WEIGHT``,
  ``STRONG_WEIGHT``): a line need hold fewer of them;
* a piece keeps what must stand right before it when that is known: the
  end of the group repeated before it (``(?:\S+ [/|] ){1,3}getty`` needs
  ``[/|] getty``; with ``{0,3}``, either that or what came before the group);
* a full-match pattern of a line or section rule matches a line's content,
  the line stripped of what ``str.strip`` strips: its first piece keeps a
  line anchor (``^`` in Hyperscan's multi-line mode, then any of those
  characters), so ``ad`` or ``on `` stop matching inside every sentence.
  Such pieces answer for a line's content only (``ANCHOR``: the provider
  does not use them for other views);
* anything else (backreferences keep nothing; syntax Python's parser does not
  read as ``regex`` does, ``fullcase``) leaves the pattern to the pure engine.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

import regex

try:
    import re._constants as _c  # type: ignore[import-not-found]
except ImportError:  # Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]

from ...rules.patterns import _parse, fold

#: A repeat with more than this many occurrences allowed counts as unbounded.
LARGE_REPEAT = 10
#: A class matching at least this many ASCII characters is "wide": a long
#: repeat of it splits the pattern.
WIDE_ASCII = 60
#: A class with more non-ASCII characters than this takes all of them.
FEW_NON_ASCII = 64
#: A class of at most this many characters counts as a literal character
#: (``[kK\u212a]``): the ends of a piece are trimmed down to such characters.
LITERAL_CLASS = 6
#: A piece should hold at least this many literal letters or digits (a
#: non-ASCII symbol such as ``©`` counts for this many alone): shorter ones,
#: common words (``en``, ``der``, `` at ``), are in most lines. A pattern
#: without such a piece keeps its heaviest one of at least FALLBACK_WEIGHT.
MIN_WEIGHT = 4
FALLBACK_WEIGHT = 1
#: A piece at least this heavy (two words' worth of literal letters) is rare
#: enough alone: the lighter pieces of a pattern that has one are left out.
#: The scan reports every match of every piece, and a common word ("nicht",
#: "jetzt", "article") matches in most documents, while requiring it beside a
#: rare phrase rules out almost no line (on the bundled corpora: 40% fewer
#: match events, 1% more candidate lines for ``regex`` to confirm).
STRONG_WEIGHT = 8

#: What a line anchor counts for a piece's rarity (``MIN_WEIGHT``): a word of
#: two letters at the start of a line is about as rare as four anywhere.
ANCHOR_WEIGHT = 2

_SURROGATES = (0xD800, 0xDFFF)
_UNIVERSE_FLAGS = (0, regex.IGNORECASE, regex.ASCII, regex.IGNORECASE | regex.ASCII)


class Unsupported(Exception):
    """The pattern holds something the rewrite does not model safely."""


@dataclass(frozen=True)
class Atom:
    """A part of a piece: a Hyperscan expression, whether it can match the
    empty string, and whether it is literal-like (ends of pieces are trimmed
    down to those)."""

    expr: str
    nullable: bool
    literal: bool
    weight: int = 0  # the fewest literal-like characters a match holds


@dataclass(frozen=True)
class Split:
    """An item that cannot be joined to its neighbours: the pieces it requires
    on its own (possibly none); TAIL and HEAD, Atoms every match of it ends
    and starts with (when OPTIONAL, every match of it that is not empty: it
    may match nothing)."""

    pieces: tuple[tuple[str, int], ...]  # (expression, weight)
    tail: tuple[Atom, ...] = ()
    optional: bool = False
    head: tuple[Atom, ...] = ()


@functools.lru_cache(maxsize=1)
def anchor() -> Atom:
    """The start of a line then anything ``str.strip`` strips (not ``\\n``):
    where the content of every line starts."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1)
              if c != 10 and not _SURROGATES[0] <= c <= _SURROGATES[1] and chr(c).isspace()]
    return Atom("^" + class_expr(spaces, False) + "*", False, True, ANCHOR_WEIGHT)


#: What only a piece with a line anchor holds (``class_expr`` writes a ``^``
#: as ``\x{5e}``, and other anchors are dropped).
ANCHOR = "^"


@functools.lru_cache(maxsize=1)
def _non_ascii() -> str:
    """Every non-ASCII code point but the surrogates, as one string."""
    lo, hi = _SURROGATES
    return "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not lo <= c <= hi)


@functools.lru_cache(maxsize=None)
def char_set(source: str) -> tuple[frozenset[str], bool]:
    """The characters the one-character ``regex`` item SOURCE matches under
    any of the case and ASCII flags, but ``\\n``: (the ASCII ones and the
    non-ASCII ones when few, whether every non-ASCII character is in)."""
    ascii_chars = "".join(chr(c) for c in range(128) if c != 10)
    found: set[str] = set()
    wide = False
    one_char = source.startswith("\\U")  # a literal: only its case variants
    for flags in _UNIVERSE_FLAGS:
        rx = regex.compile(source, flags | regex.VERSION0)
        found.update(rx.findall(ascii_chars))
        if wide or (one_char and flags != regex.IGNORECASE):
            continue  # the other flags find no non-ASCII variant IGNORECASE does not
        n = 0
        for m in rx.finditer(_non_ascii()):
            found.add(m.group())
            n += 1
            if n > FEW_NON_ASCII:
                wide = True
                break
    if wide:
        found = {ch for ch in found if ch < "\x80"}
    return frozenset(found), wide


def class_expr(chars: Iterable[str], all_non_ascii: bool) -> str:
    """A Hyperscan (UTF-8 mode) class of CHARS, plus every non-ASCII
    character when ALL_NON_ASCII."""
    codes = sorted(ord(c) for c in chars)
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    if all_non_ascii:
        lo, hi = _SURROGATES
        ranges = [r for r in ranges if r[1] < 0x80]
        ranges += [[0x80, lo - 1], [hi + 1, sys.maxunicode]]
    parts = [_hs_char(a) if a == b else f"{_hs_char(a)}-{_hs_char(b)}" for a, b in ranges]
    if len(parts) == 1 and ranges[0][0] == ranges[0][1]:
        return parts[0]
    return "[" + "".join(parts) + "]"


def _hs_char(c: int) -> str:
    """Code point C in a Hyperscan expression (letters and digits as
    themselves: the longest expressions stay under Hyperscan's limit)."""
    ch = chr(c)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{c:x}}}"


_CATEGORY_SOURCE = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def _code(c: int) -> str:
    return f"\\U{c:08x}"


def item_source(op, av) -> str:
    """The ``regex`` source of a one-character parse item."""
    if op is _c.LITERAL:
        return _code(av)
    if op is _c.NOT_LITERAL:
        return f"[^{_code(av)}]"
    if op is _c.ANY:
        return "(?s:.)"
    if op is _c.IN:
        parts = []
        for kind, val in av:
            if kind is _c.NEGATE:
                parts.append("^")
            elif kind is _c.LITERAL:
                parts.append(_code(val))
            elif kind is _c.RANGE:
                parts.append(f"{_code(val[0])}-{_code(val[1])}")
            elif kind is _c.CATEGORY and str(val) in _CATEGORY_SOURCE:
                parts.append(_CATEGORY_SOURCE[str(val)])
            else:
                raise Unsupported(f"class item {kind}")
        return "[" + "".join(parts) + "]"
    raise Unsupported(str(op))


def char_atom(op, av) -> tuple[Atom, bool]:
    """A one-character item as an Atom, and whether its class is wide."""
    chars, all_non_ascii = char_set(item_source(op, av))
    if not chars and not all_non_ascii:
        raise Unsupported("a character only a line break matches")
    literal = not all_non_ascii and len(chars) <= LITERAL_CLASS
    wide = len(chars) >= WIDE_ASCII
    weight = _weight(min(chars)) if literal else 0
    return Atom(class_expr(chars, all_non_ascii), False, literal, weight), wide


def _weight(ch: str) -> int:
    """How much a literal character CH adds to a piece's rarity: a letter or
    digit 1, a non-ASCII symbol MIN_WEIGHT, anything else (spaces,
    punctuation) nothing."""
    cat = unicodedata.category(ch)
    if cat[0] in "LN":
        return 1
    return MIN_WEIGHT if cat[0] == "S" and not ch.isascii() else 0


def _repeat(lo: int, hi: int) -> str:
    if hi == _c.MAXREPEAT or hi > LARGE_REPEAT:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
    if lo == hi:
        return "" if lo == 1 else f"{{{lo}}}"
    return "?" if (lo, hi) == (0, 1) else f"{{{lo},{hi}}}"


def _tokens(items: Sequence) -> list:
    """The Atoms and Splits of a parsed sequence."""
    out = []
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            out.append(char_atom(op, av)[0])
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            out.append(Atom("", True, False))  # matches empty: dropping it widens
        elif op is _c.SUBPATTERN:
            out.append(_group(_tokens(list(av[-1]))))
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out.append(_group(_tokens(list(av))))
        elif op is _c.BRANCH:
            out.append(_branch([_tokens(list(b)) for b in av[1]]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            out.append(_repeated(*av))
        elif op in (_c.GROUPREF, getattr(_c, "GROUPREF_EXISTS", None)):
            out.append(Split(()))  # whatever it matches, nothing is required of it
        else:
            raise Unsupported(str(op))
    return out


def _group(tokens: list) -> Atom | Split:
    """A group: one Atom when its parts join, else the pieces it requires."""
    if all(isinstance(t, Atom) for t in tokens):
        body = "".join(t.expr for t in tokens)
        return Atom(f"(?:{body})" if body else "", all(t.nullable for t in tokens),
                    any(t.literal for t in tokens) and not all(t.nullable for t in tokens),
                    sum(t.weight for t in tokens))
    return Split(pieces(tokens), _tail(tokens), head=_head(tokens))


def _head(tokens: list) -> tuple[Atom, ...]:
    """The Atoms every match of TOKENS (which hold a Split) starts with."""
    k = 0
    while k < len(tokens) and isinstance(tokens[k], Atom):
        k += 1
    if k == 0:
        first = tokens[0]
        return first.head if not first.optional else ()
    return tuple(tokens[:k])


def _tail(tokens: list) -> tuple[Atom, ...]:
    """The Atoms every match of TOKENS (which hold a Split) ends with."""
    k = len(tokens)
    while k and isinstance(tokens[k - 1], Atom):
        k -= 1
    if k == len(tokens):
        last = tokens[-1]
        return last.tail if not last.optional else ()
    return tuple(tokens[k:])


def _branch(branches: list[list]) -> Atom | Split:
    """An alternation: an Atom when every branch joins, else the alternation
    of one piece per branch (nothing when a branch requires none)."""
    groups = [_group(b) for b in branches]
    if all(isinstance(g, Atom) for g in groups):
        return Atom("(?:" + "|".join(g.expr for g in groups) + ")",
                    any(g.nullable for g in groups), all(g.literal for g in groups),
                    min(g.weight for g in groups))
    heads = [(g,) if isinstance(g, Atom) else g.head if not g.optional else ()
             for g in groups]
    head: tuple[Atom, ...] = ()
    if all(heads):
        head = (Atom("(?:" + "|".join("".join(t.expr for t in h) for h in heads) + ")",
                     any(all(t.nullable for t in h) for h in heads),
                     all(any(t.literal for t in h) for h in heads),
                     min(sum(t.weight for t in h) for h in heads)),)
    best = []
    for b in branches:
        got = pieces(b)
        if not got:
            return Split((), head=head)
        best.append(max(got, key=lambda p: p[1]))
    return Split((("(?:" + "|".join(e for e, _w in best) + ")", min(w for _e, w in best)),),
                 head=head)


def _repeated(lo: int, hi: int, sub) -> Atom | Split:
    items = list(sub)
    if len(items) == 1 and items[0][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
        atom, wide = char_atom(*items[0])
        if wide and (hi == _c.MAXREPEAT or hi > LARGE_REPEAT):
            return Split(())  # a long run of almost anything: split here
    else:
        inner = _group(_tokens(items))
        if isinstance(inner, Split):
            # its last repetition ends right before what follows
            return inner if lo >= 1 else Split((), inner.tail, optional=True)
        atom = inner
    if not atom.expr:
        return atom
    expr = atom.expr if len(items) == 1 and atom.expr.startswith("[") else f"(?:{atom.expr})"
    return Atom(expr + _repeat(lo, hi), lo == 0 or atom.nullable, atom.literal and lo >= 1,
                atom.weight * lo)


def pieces(tokens: list) -> tuple[tuple[str, int], ...]:
    """The pieces required by a sequence of tokens, with their weights: each
    run of Atoms between Splits, without its non-literal or optional ends,
    plus the Splits' own. A run after a Split starts with the Split's tail
    (after an optional one: its tail or the end of the run before it)."""
    out: list[tuple[str, int]] = []
    run: list[Atom] = []
    context = [anchor()]  # what may only stand before a piece: alone, in every line

    def flush() -> None:
        a, b = 0, len(run)
        while a < b and (run[a].nullable or not run[a].literal):
            a += 1
        while b > a and (run[b - 1].nullable or not run[b - 1].literal):
            b -= 1
        if a < b and not all(t in context for t in run[a:b]):
            out.append(("".join(t.expr for t in run[a:b]), sum(t.weight for t in run[a:b])))
        run.clear()

    for t in tokens:
        if isinstance(t, Atom):
            run.append(t)
            continue
        before = _suffix(run)
        if run and not t.optional:
            run.extend(t.head)  # what it starts with follows the run
        flush()
        out.extend(t.pieces)
        tail = _suffix(list(t.tail))
        if not t.optional:
            run.extend(tail)
        elif tail and before:
            e1, e2 = ("".join(x.expr for x in part) for part in (before, tail))
            either = Atom(f"(?:{e1}|{e2})", False, True,
                          min(sum(x.weight for x in part) for part in (before, tail)))
            context.append(either)
            run.append(either)
    flush()
    return tuple(dict.fromkeys(out))


def _suffix(atoms: list[Atom]) -> list[Atom]:
    """ATOMS from the first literal-like one that cannot be empty: what every
    match of ATOMS ends with (none when nothing is left)."""
    a = 0
    while a < len(atoms) and (atoms[a].nullable or not atoms[a].literal):
        a += 1
    return atoms[a:]


def widen(pattern: str, flags: Sequence[str] = (), anchored: bool = False
          ) -> tuple[str, ...] | None:
    """The Hyperscan pieces of PATTERN (module docstring), or None when it
    stays on the pure engine. ANCHORED: PATTERN is only ever matched whole
    against a line's content (a full-match line or section rule), and its
    pieces may keep that line's start."""
    if "fullcase" in flags:
        return None  # one character may match two: not modelled
    parsed = _parse(pattern, (64 if "verbose" in flags else 0))
    if parsed is None:
        return None
    try:
        tokens = _tokens(list(parsed))
        got = pieces(tokens)
        if anchored and got and max(w for _e, w in got) < MIN_WEIGHT:
            # only a short, common piece: keep the line's start (an anchor
            # costs the scan more than a rare piece would)
            got = pieces([anchor()] + tokens)
    except (Unsupported, RecursionError):
        return None
    # a piece too short to be rare is left out: the others still must be there
    # (and beside a rare one, a common one: it costs matches, rules out little)
    kept = tuple(e for e, w in got if w >= STRONG_WEIGHT) or tuple(
        e for e, w in got if w >= MIN_WEIGHT)
    if not kept and got:
        expr, w = max(got, key=lambda p: (p[1], len(p[0])))
        kept = (expr,) if w >= FALLBACK_WEIGHT else ()
    return kept or None


# ------------------------------------------------------------------ folded literals

@functools.lru_cache(maxsize=1)
def _fold_tables() -> tuple[dict[str, list[str]], tuple[tuple[str, str], ...]]:
    """(folded character -> the characters :func:`fold` maps to it alone,
    the characters it maps to two or more: (character, its fold)). ``İ``
    and ``ı`` fold to ``i`` as ``regex`` matches them; a combining dot
    above folds to nothing, and no literal holds one."""
    single: dict[str, list[str]] = {}
    multi = []
    lo, hi = _SURROGATES
    for c in range(sys.maxunicode + 1):
        if lo <= c <= hi or c == 10:
            continue
        ch = chr(c)
        cf = fold(ch)
        if not cf:
            continue
        if len(cf) == 1:
            single.setdefault(cf, []).append(ch)
        else:
            multi.append((ch, cf))
    return single, tuple(multi)


def folded_literal(lit: str) -> str | None:
    """A Hyperscan expression that matches in every text holding a run of
    characters whose :func:`fold` is LIT (a block rule's literal), or None
    when no text can hold it (a combining dot above folds to nothing and no
    literal holds one: ``regex`` finds a literal's characters side by side).

    Each character of LIT comes from a character that folds to it alone, or
    from part of one that folds to several (``ß`` -> ``ss``, ``ﬁ`` -> ``fi``:
    the first and the last such character may stick out of LIT); every
    character is asked, so no way of spelling LIT is left out."""
    single, multi = _fold_tables()
    n = len(lit)

    @functools.lru_cache(maxsize=None)
    def rest(i: int) -> str | None:
        """Texts whose casefold starts with LIT[i:] (may go on)."""
        if i == n:
            return ""
        alts = []
        chars = single.get(lit[i])
        after = rest(i + 1) if chars else None
        if chars and after is not None:
            alts.append(class_expr(chars, False) + after)
        for ch, cf in multi:
            if len(cf) <= n - i and lit.startswith(cf, i):
                after = rest(i + len(cf))
                if after is not None:
                    alts.append(class_expr(ch, False) + after)
            elif len(cf) > n - i and cf.startswith(lit[i:]):
                alts.append(class_expr(ch, False))
        if not alts:
            return None
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    alts = [rest(0)]
    for ch, cf in multi:  # a character whose casefold ends inside LIT, or holds it
        if lit in cf:
            alts.append(class_expr(ch, False))
            continue
        for j in range(1, len(cf)):
            if lit.startswith(cf[j:]):
                after = rest(len(cf) - j)
                if after is not None:
                    alts.append(class_expr(ch, False) + after)
    got = [a for a in dict.fromkeys(alts) if a is not None]
    if not got:
        return None
    return got[0] if len(got) == 1 else "(?:" + "|".join(got) + ")"
