"""Which rule patterns can backtrack catastrophically, and which are too big to compile.

Catastrophic backtracking needs a repeated group whose body can match the
same text in more than one way: ``(a|aa)+``, ``(\\S+\\s*){1,6}``,
``(?:(?:,| and|,? and) x)*``. On a text that fails near its end the engine
tries every way, and their number multiplies with each iteration. A repeat
whose iterations split a text in one way only (``(?:\\w+\\s+){0,3}``: a word,
then the spaces after it) is not flagged, nor one of at most 3 iterations
(:data:`RISKY_ITERATIONS`): the per-call time limit covers what is left.

:func:`risky_pattern` decides on Python's parse tree of the pattern. For each
repeat it builds the Glushkov automaton of the body (one state per character
position) and looks for an iteration that can be empty, a step from the end
of an iteration into the next that the body can already take, and two paths
reading the same text through the looped body or through two iterations in a
row (a product of the automaton with itself). Characters are modelled by a
probe alphabet (ASCII plus typical letters, marks, spaces and punctuation of
other scripts): two classes overlap when they share a probe. Word boundaries,
``(?-i:...)`` and possessive and atomic forms are understood; other
lookarounds are ignored, which can only add overlaps.

:func:`check_bounds` refuses, before anything compiles them, patterns whose
counted repeats the compiler would write out into huge programs:
``(?:(?:(?:(?:a{100}){100}){100}){100})`` takes gigabytes.
"""

from __future__ import annotations

import functools
import re
import warnings as _warnings
from typing import Iterable, Sequence

try:  # Python >= 3.11
    import re._constants as _c  # type: ignore[import-not-found]
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

#: A repeat that can run this many times over an ambiguous body is flagged.
#: Each boundary between iterations that can fall in k places multiplies the
#: work by k: a repeat of at most 3 iterations costs at most the square of the
#: text's length (as ``.*x.*y`` does, which nobody flags); 4 and more cost
#: its cube and beyond, and an unbounded repeat an exponential.
RISKY_ITERATIONS = 4

#: Longest pattern a rule may have, in characters.
MAX_PATTERN_CHARS = 5_000
#: Deepest nesting of counted repeats (``{m,n}``) in one pattern.
MAX_REPEAT_NESTING = 3
#: Largest size of a pattern with its counted repeats written out (``a{100}``
#: is 100, ``(?:ab{10}){20}`` is 220): what the compiler's program grows with,
#: about half a kilobyte each (50,000: 25 MB and 0.1 s).
MAX_EXPANDED_SIZE = 50_000

# ----------------------------------------------------------------- bounds


def check_bounds(pattern: str) -> str | None:
    """Why PATTERN is too big to compile safely, or None when it is within bounds.

    Works on the pattern's text (any ``regex`` syntax), without compiling it,
    in time linear in its length.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"pattern is longer than {MAX_PATTERN_CHARS} characters"
    depth, size = repeat_extent(pattern)
    if depth > MAX_REPEAT_NESTING:
        return (f"pattern nests counted repeats {depth} deep (at most "
                f"{MAX_REPEAT_NESTING}); the compiled program would be too large")
    if size > MAX_EXPANDED_SIZE:
        return (f"pattern's counted repeats expand to {size} items (at most "
                f"{MAX_EXPANDED_SIZE}); the compiled program would be too large")
    return None


_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_BRACED_ESCAPES = set("xuUNpPgk")
#: What follows "(" in a group that is not a plain capture: (?:, (?=, (?<name>, (?i)...
_GROUP_PREFIX = re.compile(r"\?(?:P?<[^>=!]*>|P?[=>]\w*\)?|<?[=!]|[:>|]|[-\w]*[:)])")


class _Extent:
    """Depth and expanded size of a group while its pattern text is scanned."""

    def __init__(self) -> None:
        self.depth = 0
        self.size = 0
        self.pending: tuple[int, int] | None = None  # the last atom: a quantifier applies to it

    def commit(self) -> None:
        if self.pending is not None:
            self.depth = max(self.depth, self.pending[0])
            self.size += self.pending[1]
            self.pending = None

    def atom(self, depth: int, size: int) -> None:
        self.commit()
        self.pending = (depth, size)


def repeat_extent(pattern: str) -> tuple[int, int]:
    """(deepest nesting of counted repeats, size with counted repeats written out).

    A counted repeat ``{m,n}`` multiplies what it repeats by ``max(m, n)``
    (by ``m`` when unbounded); ``*``, ``+`` and ``?`` are loops the compiler
    does not write out. Alternatives add up. A character the scan cannot
    place (a ``#`` of verbose mode, say) only makes the estimate larger.
    """
    stack = [_Extent()]
    i, n = 0, len(pattern)
    while i < n:
        ch, top = pattern[i], stack[-1]
        if ch == "\\":
            j = i + 2
            if i + 1 < n and pattern[i + 1] in _BRACED_ESCAPES and j < n and pattern[j] == "{":
                close = pattern.find("}", j)
                j = close + 1 if close != -1 else n
            top.atom(0, 1)
            i = j
        elif ch == "[":
            top.atom(0, 1)
            i = _skip_class(pattern, i)
        elif ch == "(" and pattern.startswith("(?#", i):
            close = pattern.find(")", i)
            i = n if close == -1 else close + 1
        elif ch == "(":
            top.commit()
            ext = _GROUP_PREFIX.match(pattern, i + 1)
            i = ext.end() if ext else i + 1
            if not (ext and ext.group(0).endswith(")")):  # (?i) sets flags, opens nothing
                stack.append(_Extent())
        elif ch == ")" and len(stack) > 1:
            top.commit()
            stack.pop()
            stack[-1].atom(top.depth, top.size)
            i += 1
        elif ch == "{" and (m := _QUANTIFIER.match(pattern, i)) and (m.group(1) or m.group(3)) \
                and top.pending is not None:
            low = int(m.group(1) or 0)
            high = int(m.group(3)) if m.group(3) else (0 if m.group(2) else low)
            depth, size = top.pending
            top.pending = (depth + 1, size * max(low, high, 1))
            i = m.end()
        else:
            if ch == "|":
                top.commit()
            elif ch not in "*+?":
                top.atom(0, 1)
            i += 1
    while len(stack) > 1:  # unclosed groups: the compiler refuses them anyway
        inner = stack.pop()
        inner.commit()
        stack[-1].atom(inner.depth, inner.size)
    stack[0].commit()
    return stack[0].depth, stack[0].size


def _skip_class(pattern: str, i: int) -> int:
    """The index just after the character class that starts at PATTERN[i] == '['."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        j += 1
    while j < n:
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if pattern.startswith("[:", j):
            close = pattern.find(":]", j + 2)
            if close != -1:
                j = close + 2
                continue
        if ch == "]":
            return j + 1
        j += 1
    return n


# ----------------------------------------------------------------- characters

_PROBES = (
    "abcdefghijklmnopqrstuvwxyz 0123456789"  # first: the examples in warnings read well
    + "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum())
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    + "\t\n\r\x0b\x0c\xa0\u2009\u200b"  # spaces, one zero-width
    + "éÉèàçÇñÑßäÄöÖüÜąĄłŁśŚżŻøØ"  # accented Latin letters
    + "αΩЖж中ー"  # other scripts
    + "\u0301"  # a combining mark
    + "’‘“”„«»–—…·•©®ⓒ€£¿¡"  # typographic punctuation and symbols
    + "٣"  # a non-ASCII digit
)
_ALL = (1 << len(_PROBES)) - 1
_PROPERTY = re.compile(r"\\[pP](?:\{[^}]*\}|\w)")
#: Cased letter properties, as ranges of the letters among the probes.
_CASED_PROPERTIES = {
    name: ranges
    for names, ranges in ((("lu", "uppercase_letter", "upper", "uppercase"),
                           "A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩЀ-Я"),
                          (("ll", "lowercase_letter", "lower", "lowercase"),
                           "a-zß-öø-ÿĀ-ſα-ωа-я"))
    for name in names
}
#: Unicode properties whose characters are all word characters (``\\w``).
WORDLIKE_PROPERTIES = {"l", "l&", "lu", "ll", "lt", "lm", "lo", "m", "mn", "mc", "me", "n", "nd",
                       "letter", "uppercase_letter", "lowercase_letter", "mark", "number",
                       "decimal_number", "alpha", "alphabetic", "alnum"}


def _mask(test) -> int:
    """The probes for which TEST(probe) holds, as a bit mask."""
    bits = 0
    for k, ch in enumerate(_PROBES):
        if test(ch):
            bits |= 1 << k
    return bits


def _variants(ch: str, fold: bool) -> set[str]:
    """CH and, when FOLD (ignorecase), its case variants."""
    if not fold:
        return {ch}
    return {v for v in (ch, ch.lower(), ch.upper(), ch.casefold()) if len(v) == 1}


@functools.lru_cache(maxsize=None)
def _literal(code: int, fold: bool) -> int:
    """Probes equal to the character CODE (in any case when FOLD)."""
    target = _variants(chr(code), fold)
    return _mask(lambda ch: bool(_variants(ch, fold) & target))


_CATEGORIES = {
    "CATEGORY_DIGIT": lambda ch: ch.isdigit(),
    "CATEGORY_NOT_DIGIT": lambda ch: not ch.isdigit(),
    "CATEGORY_SPACE": lambda ch: ch.isspace(),
    "CATEGORY_NOT_SPACE": lambda ch: not ch.isspace(),
    "CATEGORY_WORD": lambda ch: ch.isalnum() or ch == "_" or ch == "\u0301",
    "CATEGORY_NOT_WORD": lambda ch: not (ch.isalnum() or ch == "_" or ch == "\u0301"),
}


@functools.lru_cache(maxsize=None)
def _category(name: str) -> int:
    for key, test in _CATEGORIES.items():
        if name.endswith(key):
            return _mask(test)
    return _ALL


@functools.lru_cache(maxsize=None)
def _range(lo: int, hi: int, fold: bool) -> int:
    """Probes in the code point range LO..HI (in any case when FOLD)."""
    return _mask(lambda ch: any(lo <= ord(v) <= hi for v in _variants(ch, fold)))


def _class(items, fold: bool) -> int:
    """The probes a parsed character set ``[...]`` admits."""
    bits, negate = 0, False
    for kind, value in items:
        if kind is _c.NEGATE:
            negate = True
        elif kind is _c.LITERAL:
            bits |= _literal(value, fold)
        elif kind is _c.RANGE:
            lo, hi = value
            bits |= _range(lo, hi, fold)
        elif kind is _c.CATEGORY:
            bits |= _category(str(value))
        else:
            bits = _ALL
    return _ALL & ~bits if negate else bits


_WORD = _category("CATEGORY_WORD")


def _next_to(chars: int, same: bool) -> int:
    """The characters that may follow one of CHARS across ``\\b`` (across
    ``\\B`` when SAME): non-word after word characters and the reverse."""
    if not chars & ~_WORD:  # only word characters
        return _WORD if same else _ALL & ~_WORD
    if not chars & _WORD:  # only non-word characters
        return _ALL & ~_WORD if same else _WORD
    return _ALL


# ----------------------------------------------------------------- automata

class _TooBig(Exception):
    """The automaton would have too many positions to analyse quickly."""


_MAX_POSITIONS = 3000
_EXACT_COUNTS = 3  # counted repeats up to this many iterations are expanded exactly


def _merge(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    """Union of two last-position maps (position -> characters that may follow it)."""
    out = dict(a)
    for p, mask in b.items():
        out[p] = out.get(p, 0) | mask
    return out


class _Glushkov:
    """The Glushkov automaton of a regex: one state per character position.

    A fragment is ``(nullable, first, last)``: whether it matches the empty
    text, its first positions, and its last positions, each mapped to the
    characters that may follow it (all of them, except after a possessive
    repeat, which never stops before a character it could take).
    """

    def __init__(self, fold: bool) -> None:
        self.fold = fold                         # ignorecase in force
        self.chars: list[int] = []               # position -> probe mask
        self.follow: list[dict[int, int]] = []   # position -> {next position: allowed mask}
        self.atomic = 0                          # inside an atomic group: repeats are possessive

    def position(self, mask: int):
        if len(self.chars) >= _MAX_POSITIONS:
            raise _TooBig()
        self.chars.append(mask)
        self.follow.append({})
        p = len(self.chars) - 1
        return False, frozenset({p}), {p: _ALL}

    def link(self, lasts: dict[int, int], firsts: frozenset[int]) -> None:
        for p, allowed in lasts.items():
            row = self.follow[p]
            for q in firsts:
                row[q] = row.get(q, 0) | allowed

    def concat(self, parts):
        """The fragment of PARTS in a row."""
        nullable, first, last = True, frozenset(), {}
        for n2, f2, l2 in parts:
            self.link(last, f2)
            first = first | f2 if nullable else first
            last = _merge(l2, last) if n2 else l2
            nullable = nullable and n2
        return nullable, first, last

    def sequence(self, items: Sequence):
        """The fragment of parsed ITEMS in a row. A word boundary (``\\b``,
        ``\\B``) narrows what may follow the positions before it."""
        nullable, first, last = True, frozenset(), {}
        for op, av in items:
            if op is _c.AT and str(av).endswith(("AT_BOUNDARY", "AT_NON_BOUNDARY")):
                same = str(av).endswith("AT_NON_BOUNDARY")
                last = {p: mask & _next_to(self.chars[p], same) for p, mask in last.items()}
                continue
            nullable, first, last = self.concat([(nullable, first, last), self.item(op, av)])
        return nullable, first, last

    def star(self, frag):
        n, f, l = frag
        self.link(l, f)
        return True, f, l

    def repeat(self, lo: int, hi: int, sub: Sequence, possessive: bool):
        """Counted repeats of a few iterations are expanded exactly; longer or
        unbounded ones become ``x{k}x*`` with ``k = min(lo, 2)``, which is
        ambiguous exactly when the original is (two iterations suffice)."""
        unbounded = hi is _c.MAXREPEAT or hi > _EXACT_COUNTS
        fixed = min(lo, 2) if unbounded else lo
        parts = [self.sequence(sub) for _ in range(fixed)]
        if unbounded:
            parts.append(self.star(self.sequence(sub)))
        else:
            tail = None  # (x(x(x)?)?)? : optional iterations, nested so they stay unambiguous
            for _ in range(hi - lo):
                frag = self.sequence(sub)
                if tail is not None:
                    frag = self.concat([frag, tail])
                tail = (True, frag[1], frag[2])
            if tail is not None:
                parts.append(tail)
        nullable, first, last = self.concat(parts)
        if possessive or self.atomic:
            taken = 0
            for p in first:
                taken |= self.chars[p]
            last = {p: mask & ~taken for p, mask in last.items()}
        return nullable, first, last

    def item(self, op, av):
        if op is _c.LITERAL:
            return self.position(_literal(av, self.fold))
        if op is _c.NOT_LITERAL:
            return self.position(_ALL & ~_literal(av, self.fold))
        if op is _c.ANY:
            return self.position(_ALL)
        if op is _c.IN:
            return self.position(_class(av, self.fold))
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            return True, frozenset(), {}
        if op is _c.SUBPATTERN:
            _group, add, remove, items = av
            outer = self.fold
            self.fold = bool(add & re.IGNORECASE) or (outer and not remove & re.IGNORECASE)
            try:
                return self.sequence(items)
            finally:
                self.fold = outer
        if op is getattr(_c, "ATOMIC_GROUP", None):
            self.atomic += 1
            try:
                return self.sequence(av)
            finally:
                self.atomic -= 1
        if op is _c.BRANCH:
            out = (False, frozenset(), {})
            for branch in av[1]:
                n, f, l = self.sequence(branch)
                out = (out[0] or n, out[1] | f, _merge(out[2], l))
            return out
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            return self.repeat(*av, possessive=False)
        if op is getattr(_c, "POSSESSIVE_REPEAT", None):
            return self.repeat(*av, possessive=True)
        if op is _c.GROUPREF:  # the text of a group: one step that reads anything
            return self.position(_ALL)
        # conditionals and the like: any text at all
        return self.star(self.position(_ALL))

    def ambiguous(self, first: frozenset[int], last: dict[int, int]) -> str | None:
        """A text with two different accepting paths, or None when there is none.

        Walks the product of the automaton with itself: a pair of states is
        two paths reading the same text; the automaton is ambiguous when a
        pair of two different states lies between the start and a pair where
        both paths accept.
        """
        start = (-1, -1)
        chars = self.chars
        entry = {q: _ALL for q in first}

        def successors(p: int) -> dict[int, int]:
            return entry if p < 0 else self.follow[p]

        parent: dict[tuple[int, int], tuple[tuple[int, int], int]] = {start: (start, 0)}
        edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
        todo = [start]
        while todo:
            pair = todo.pop()
            succ_q = successors(pair[1])
            for p2, allowed_p in successors(pair[0]).items():
                read_p = chars[p2] & allowed_p
                for q2, allowed_q in succ_q.items():
                    both = read_p & chars[q2] & allowed_q
                    if both:
                        nxt = (p2, q2)
                        edges.setdefault(nxt, []).append(pair)
                        if nxt not in parent:
                            parent[nxt] = (pair, both)
                            todo.append(nxt)
        # walk back from the pairs where both paths accept
        onward: dict[tuple[int, int], tuple[int, int] | None] = {
            pair: None for pair in parent if pair[0] in last and pair[1] in last}
        back = list(onward)
        while back:
            pair = back.pop()
            if pair[0] != pair[1]:
                return self._text(pair, parent, onward)
            for prev in edges.get(pair, ()):
                if prev not in onward:
                    onward[prev] = pair
                    back.append(prev)
        return None

    def path_text(self, first: frozenset[int], last: dict[int, int], p: int, q: int) -> str:
        """A text that reaches position P, steps to Q and ends in an accepting position."""
        def shortest(sources: dict[int, str], goal) -> str | None:
            seen, todo = dict(sources), list(sources)
            while todo:
                at = todo.pop(0)
                if goal(at):
                    return seen[at]
                for nxt, allowed in self.follow[at].items():
                    both = self.chars[nxt] & allowed
                    if both and nxt not in seen:
                        seen[nxt] = seen[at] + _PROBES[(both & -both).bit_length() - 1]
                        todo.append(nxt)
            return None

        start = {f: _PROBES[(self.chars[f] & -self.chars[f]).bit_length() - 1] for f in first}
        head = shortest(start, lambda at: at == p) or ""
        both = self.chars[q] & self.follow[p][q]
        tail = shortest({q: _PROBES[(both & -both).bit_length() - 1]}, lambda at: at in last)
        return head + (tail or "")

    def _text(self, pair, parent, onward) -> str:
        """The text read along the start -> PAIR -> accepting path."""
        out = []
        at = pair
        while at != (-1, -1):
            at, both = parent[at]
            out.append(_PROBES[(both & -both).bit_length() - 1])
        out.reverse()
        at, nxt = pair, onward[pair]
        while nxt is not None:
            both = self.chars[nxt[0]] & self.chars[nxt[1]]
            both &= self.follow[at[0]].get(nxt[0], 0) & self.follow[at[1]].get(nxt[1], 0)
            out.append(_PROBES[(both & -both).bit_length() - 1])
            at, nxt = nxt, onward[nxt]
        return "".join(out)


def _repeats(items: Sequence, fold: bool):
    """Every repeat in a parse tree that backtracks and can run at least
    :data:`RISKY_ITERATIONS` times: ``(body, fold)``, FOLD telling whether
    ignorecase is in force there."""
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            _lo, hi, body = av
            atomic = len(body) == 1 and body[0][0] is getattr(_c, "ATOMIC_GROUP", None)
            if (hi is _c.MAXREPEAT or hi >= RISKY_ITERATIONS) and not atomic:
                # an atomic body matches in one way from where it starts:
                # only the number of iterations is left to try
                yield body, fold
            yield from _repeats(body, fold)
        elif op is getattr(_c, "POSSESSIVE_REPEAT", None):
            yield from _repeats(av[2], fold)
        elif op is _c.SUBPATTERN:
            _group, add, remove, body = av
            inner = bool(add & re.IGNORECASE) or (fold and not remove & re.IGNORECASE)
            yield from _repeats(body, inner)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            yield from _repeats(av, fold)
        elif op is _c.BRANCH:
            for branch in av[1]:
                yield from _repeats(branch, fold)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            yield from _repeats(av[1], fold)


def _ambiguous_body(body: Sequence, fold: bool) -> str | None:
    """A text that iterations of BODY can match in two ways, or None.
    FOLD: whether ignorecase is in force where the repeat stands.

    Three tests: an iteration that can match the empty text (``(a*)*``); a
    step from the end of one iteration into the next that the body itself
    can already take (``(a+)+``, ``(\\S+\\s*)*``); and, on the looped body
    and on two iterations in a row, two paths reading the same text
    (``(a|aa)+``, ``(e|mail|email)+``).
    """
    if len(body) == 1 and body[0][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
        return None  # one character per iteration: one way only
    auto = _Glushkov(fold)
    nullable, first, last = auto.sequence(body)
    if nullable and first:
        return ""  # (a*)*: an iteration can match the empty text
    for p, allowed in last.items():
        for q in first:
            if auto.follow[p].get(q, 0) & allowed & auto.chars[q]:
                return auto.path_text(first, last, p, q)
    looped = _Glushkov(fold)
    n1, f1, l1 = looped.sequence(body)
    looped.link(l1, f1)
    text = looped.ambiguous(f1, l1)
    if text is not None:
        return text
    # two iterations, each with its own positions
    _n, first, last = auto.concat([(nullable, first, last), auto.sequence(body)])
    return auto.ambiguous(first, last)


def _analysis_source(pattern: str) -> str:
    """PATTERN with ``regex``-only property escapes rewritten for Python's parser:
    letter, mark and number properties (``\\p{Lu}``) as ``\\w``, every other
    one (``\\p{P}``, ``\\P{L}``) as any character, which can only add overlaps."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            m = _PROPERTY.match(pattern, i)
            if m is None:
                out.append(pattern[i:i + 2])
                i += 2
                continue
            name = m.group(0)[2:].strip("{}").lower().replace(" ", "_")
            name = name.split("=")[-1]
            name = name[2:] if name.startswith("is") else name
            if m.group(0)[1] == "p" and name in _CASED_PROPERTIES:
                ranges = _CASED_PROPERTIES[name]
                out.append(ranges if in_class else f"[{ranges}]")
            elif m.group(0)[1] == "p" and name in WORDLIKE_PROPERTIES:
                out.append("\\w")
            else:
                out.append("\\s\\S" if in_class else "[\\s\\S]")
            i = m.end()
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _parse_for_analysis(pattern: str, verbose: bool):
    """Python's parse tree of PATTERN (see :func:`_analysis_source`), or None
    when Python's parser cannot read it."""
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            return _sre.parse(_analysis_source(pattern), re.VERBOSE if verbose else 0)
    except Exception:
        return None


#: A group followed by a repeat that can run twice or more, or a back-reference:
#: without one, every repeat is of a single character (class), never ambiguous.
_REPEATED_GROUP = re.compile(r"\)(?:[*+]|\{\d*,?\d*\})|\\[1-9]|\(\?P=|\\g<")


@functools.lru_cache(maxsize=4096)
def backtracking_risk(pattern: str, flags: tuple[str, ...] = ("ignorecase",),
                      ) -> tuple[bool | None, str]:
    """Whether PATTERN (with rule FLAGS) has a repeat whose body can match one
    text in more than one way: ``(True, text)`` with such a TEXT of two
    iterations, ``(False, "")`` when it has none, ``(None, "")`` when the
    pattern cannot be analysed."""
    verbose = "verbose" in flags or "(?x" in pattern
    if not verbose and not _REPEATED_GROUP.search(pattern):
        return False, ""  # only single characters repeat: one way each
    tree = _parse_for_analysis(pattern, verbose)
    if tree is None:
        return None, ""
    fold = "ignorecase" in flags or bool(tree.state.flags & re.IGNORECASE)
    try:
        for body, inner_fold in _repeats(list(tree), fold):
            text = _ambiguous_body(body, inner_fold)
            if text is not None:
                return True, text
    except (_TooBig, RecursionError):
        return None, ""
    return False, ""


def risky_pattern(pattern: str, flags: Iterable[str] = ("ignorecase",)) -> str | None:
    """A warning when PATTERN can backtrack catastrophically, else None.

    A pattern that cannot be analysed is not flagged: the per-call time
    limit still stops it if it runs away.
    """
    risky, text = backtracking_risk(pattern, tuple(flags))
    if not risky:
        return None
    how = (f"two of its iterations match {text!r} in more than one way" if text
           else "an iteration can match the empty text")
    return (f"pattern {pattern!r} repeats a group whose body can match the same text in "
            f"more than one way ({how}), so it may backtrack catastrophically; make the "
            "iterations unambiguous (e.g. `(?:\\w+\\s+)*`, not `(?:\\w+\\s*)*`) or use a "
            "possessive (`++`) or atomic (`(?>...)`) form")
