"""Normalisation: ftfy repairs of mojibake and broken characters, as recorded edits.

ftfy runs line by line (it fixes text segment by segment anyway), and only on
lines that could change: an ASCII line without an escape character cannot, and
a non-ASCII line can only change when ftfy's own mojibake detector, a C1
control character, a surrogate or an escape is present. That pre-check gives
the same output as running ftfy on every line (``tests/test_speed_safety.py``
proves it) at a fraction of the cost. Each repaired line is diffed against the
original so the report holds small replacements (``"Ã©" -> "é"``), never a
silent rewrite.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, Iterator

import ftfy
import regex
from ftfy import badness

#: ftfy options of the bundled normalisation rule: repair broken text, never
#: restyle good text (no quote uncurling, no width or ligature folding, no
#: Unicode normal form, no line-break rewriting; offsets and snippets survive).
DEFAULT_FTFY_OPTIONS: dict[str, Any] = {
    "unescape_html": False,
    "remove_terminal_escapes": True,
    "fix_encoding": True,
    "restore_byte_a0": True,
    "replace_lossy_sequences": True,
    "decode_inconsistent_utf8": True,
    "fix_c1_controls": True,
    "fix_latin_ligatures": False,
    "fix_character_width": False,
    "uncurl_quotes": False,
    "fix_line_breaks": False,
    "fix_surrogates": True,
    "remove_control_chars": False,
    "normalization": None,
}
FTFY_OPTION_NAMES = frozenset(DEFAULT_FTFY_OPTIONS)

# What can make ftfy change a non-ASCII line under the options above.
_SUSPECT = regex.compile(r"[\x80-\x9f\ud800-\udfff\x1b]")


def ftfy_config(options: dict[str, Any] | None = None) -> ftfy.TextFixerConfig:
    opts = dict(DEFAULT_FTFY_OPTIONS)
    opts.update(options or {})
    unknown = set(opts) - FTFY_OPTION_NAMES
    if unknown:
        raise ValueError(f"unknown ftfy option(s): {', '.join(sorted(unknown))}")
    if opts.get("fix_line_breaks"):
        raise ValueError("fix_line_breaks would rewrite line endings; it is not supported")
    opts["explain"] = False
    return ftfy.TextFixerConfig(**opts)


def may_need_fixing(line: str, config: ftfy.TextFixerConfig) -> bool:
    """Cheap test: False guarantees that ftfy leaves LINE unchanged under CONFIG."""
    if line.isascii():
        return "\x1b" in line
    if _touches_ordinary(config):
        return True  # options that touch ordinary characters: no shortcut
    return bool(_SUSPECT.search(line)) or badness.is_bad(line)


def _touches_ordinary(config: ftfy.TextFixerConfig) -> bool:
    return bool(config.unescape_html or config.fix_latin_ligatures
                or config.fix_character_width or config.uncurl_quotes
                or config.remove_control_chars or config.normalization)


# --------------------------------------------------------------- fast pre-check
#
# ftfy's mojibake detector (``badness.is_bad``) is one large regex alternation;
# running it over every non-ASCII line costs more than all the rules together.
# Its shape makes a much cheaper exact test possible. Every branch of that
# regex either
#   * needs one character of a small set of rare ones ("Ã", "Â", "œ", C1
#     controls: the *solo* characters), or
#   * needs two adjacent non-ASCII characters from known sets (a *pair*, like
#     "Ã" then "©"; the sets of that branch: "äß" is two characters of the
#     union of all branches' sets, yet no branch's own pair).
# So a line can only be "bad" around a solo character or a pair, found for the
# whole text by one scan of a plain regex; the detector then runs only in a
# window around each hit (a match is at most ``_BAD_WIDTH`` characters long).
# The outcome is exactly ``badness.is_bad``'s, never an approximation. Both
# the sets and the width are derived from ftfy's regex at import time; when it
# has a shape this analysis does not understand, the plain per-line test runs.

def _badness_shape() -> tuple[frozenset[str], frozenset[str], frozenset[str], int,
                             tuple[tuple[frozenset[str], frozenset[str]], ...]] | None:
    """(solo characters, first and second characters of pairs, longest match,
    each pair branch's own (first characters, second characters))."""
    try:
        import re._constants as c  # type: ignore[import-not-found]
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_constants as c  # type: ignore[no-redef]
        import sre_parse  # type: ignore[no-redef]
    pattern = badness.BADNESS_RE
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        _lo, width = parsed.getwidth()
    except Exception:
        return None
    if width >= 100:  # unbounded repeat: no window
        return None
    items = list(parsed)
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is c.BRANCH else [items]
    allowed = {c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.AT, c.CATEGORY, c.MAX_REPEAT,
               c.MIN_REPEAT}

    def understood(seq) -> bool:
        for op, av in seq:
            if op not in allowed:
                return False  # lookarounds, groups, backreferences...
            if op in (c.MAX_REPEAT, c.MIN_REPEAT) and not understood(av[2]):
                return False
        return True

    def non_ascii_set(op, av) -> frozenset[str] | None:
        """The characters of a one-character item when none is ASCII, else None."""
        out: set[str] = set()
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.IN:
            for o, a in av:
                if o is c.LITERAL:
                    out.add(chr(a))
                elif o is c.RANGE:
                    out.update(chr(x) for x in range(a[0], a[1] + 1))
                else:  # NEGATE, CATEGORY: not a finite set
                    return None
        else:
            return None
        return None if any(ch.isascii() for ch in out) else frozenset(out)

    solo: set[str] = set()
    first: set[str] = set()
    second: set[str] = set()
    pairs: list[tuple[frozenset[str], frozenset[str]]] = []
    for branch in branches:
        branch = list(branch)
        if not understood(branch):
            return None
        # items every match of the branch contains (top level, not repeated)
        sets = [non_ascii_set(op, av) for op, av in branch]
        pair = next(((sets[i], sets[i + 1]) for i in range(len(sets) - 1)
                     if sets[i] is not None and sets[i + 1] is not None), None)
        if pair is not None:
            first |= pair[0]
            second |= pair[1]
            pairs.append(pair)
            continue
        candidates = [cs for cs in sets if cs is not None]
        if not candidates:
            return None  # a branch that may match pure ASCII
        solo |= min(candidates, key=len)
    return frozenset(solo), frozenset(first), frozenset(second), width, tuple(pairs)


def _charset(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


_FULL_SHAPE = _badness_shape()
#: (solo characters, first and second characters of pairs, longest match)
_SHAPE = _FULL_SHAPE[:4] if _FULL_SHAPE is not None else None
#: each pair branch's (first characters, second characters): "äß" is two
#: characters of the sets above (German prose), yet no branch's own pair
_BRANCH_PAIRS = _FULL_SHAPE[4] if _FULL_SHAPE is not None else ()
#: two adjacent characters -> whether some branch's pair they are
_PAIR_VERDICTS: dict[str, bool] = {}


def _branch_pair(two: str) -> bool:
    """Whether TWO (two adjacent characters) is the pair of some branch of
    ftfy's detector: a match of a pair branch holds its own pair, so a pair
    of the union sets that is no branch's starts no match."""
    got = _PAIR_VERDICTS.get(two)
    if got is None:
        a, b = two
        got = any(a in firsts and b in seconds for firsts, seconds in _BRANCH_PAIRS)
        if len(_PAIR_VERDICTS) < 1 << 16:  # a bound, never reached on ordinary text
            _PAIR_VERDICTS[two] = got
    return got


if _SHAPE is not None:
    _BAD_WIDTH = _SHAPE[3]
    # ``re``, not ``regex``: its scan for a plain character class is much
    # faster. Two simple scans beat one alternation (which loses re's fast
    # character-class prefix search). The lookahead also finds overlapping pairs.
    _SOLO_RE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_SHAPE[0]))
                          + "\x80-\x9f\ud800-\udfff\x1b]")
    _PAIR_RE = re.compile(_charset(_SHAPE[1]) + "(?=" + _charset(_SHAPE[2]) + ")")


#: Each character the scans below look for, but ESC, is non-ASCII, and a
#: pair is two adjacent ones. So a text without ESC is first scanned with its
#: ASCII runs replaced by a line break, which neither scan looks for: a
#: fraction of the text, and most texts have no hit there (the tests compare
#: the lines selected with the per-line test's, on the corpora and on
#: generated mojibake).
_COMPACT = _SHAPE is not None and not any(
    ch.isascii() for ch in _SHAPE[0] | _SHAPE[1] | _SHAPE[2])
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def _compact_hits(text: str) -> list[int]:
    """Ascending offsets in TEXT (no ESC in it) of the solo characters and of
    the first characters of the pairs: which solos and pairs occur is read
    from the text's non-ASCII characters alone (an ASCII run, turned into a
    line break, neither is nor separates one), then each of those few strings
    is found in TEXT by ``str.find``, which skims much faster than a regex."""
    compact = _ASCII_RUNS.sub("\n", text)
    found = {m.group() for m in _SOLO_RE.finditer(compact)}
    found.update(two for two in {compact[m.start():m.start() + 2]
                                 for m in _PAIR_RE.finditer(compact)} if _branch_pair(two))
    hits: list[int] = []
    find = text.find
    for s in found:
        q = find(s)
        while q >= 0:
            hits.append(q)
            q = find(s, q + 1)  # pairs may overlap ("äää")
    # a solo character may also start a pair: each offset once
    return sorted(set(hits)) if len(found) > 1 else hits


def _lines_to_fix(text: str, config: ftfy.TextFixerConfig) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the lines of TEXT that ``may_need_fixing`` selects."""
    if _SHAPE is None or _touches_ordinary(config):
        pos = 0
        n = len(text)
        while pos <= n:
            nl = text.find("\n", pos)
            end = n if nl < 0 else nl
            if end > pos and may_need_fixing(text[pos:end], config):
                yield pos, end
            if nl < 0:
                break
            pos = nl + 1
        return
    if text.isascii() and "\x1b" not in text:
        return
    if _COMPACT and "\x1b" not in text:
        hits = _compact_hits(text)
        if not hits:
            return
    else:
        hits = [m.start() for m in _SOLO_RE.finditer(text)]
        hits.extend(q for q in (m.start() for m in _PAIR_RE.finditer(text))
                    if _branch_pair(text[q:q + 2]))
        hits.sort()
    line_end = -1  # end of the line last looked at
    selected = False
    is_bad_at = badness.BADNESS_RE.search
    for q in hits:
        if q > line_end:
            start = text.rfind("\n", 0, q) + 1
            nl = text.find("\n", q)
            line_end = len(text) if nl < 0 else nl
            line = text[start:line_end]
            selected = False
        elif selected:
            continue
        ch = text[q]
        k = q - start
        # C1 controls, surrogates and escapes are fixed even where not "bad"
        if (ch == "\x1b" or "\x80" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff"
                or is_bad_at(line, max(0, k - _BAD_WIDTH), k + _BAD_WIDTH + 1)):
            selected = True
            yield start, line_end


def fix_line(line: str, config: ftfy.TextFixerConfig) -> str:
    """ftfy's repair of one line (no line ending inside)."""
    return ftfy.fix_text(line, config)


def line_edits(text: str, config: ftfy.TextFixerConfig,
               ) -> Iterator[tuple[int, int, str]]:
    """Replacements ``(start, end, new)`` that ftfy makes to TEXT, line by line."""
    for start, end in _lines_to_fix(text, config):
        line = text[start:end]
        fixed = fix_line(line, config)
        if fixed != line:
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
                    None, line, fixed, autojunk=False).get_opcodes():
                if tag != "equal":
                    yield start + i1, start + i2, fixed[j1:j2]
