"""The Hyperscan database of a rule set: built once, cached, loaded in ms.

The *table* says what the database holds: the distinct pieces
(``widen.py``) of the patterns of every line, section and inline rule of a
rule set (all of them, whatever the profile or selection: one database per
loaded rule set), and which pattern of which rule each piece belongs to.
Rules with a pattern the rewrite leaves out stay on the pure engine.

The pieces are compiled in *parts* (``partition``): one of the rules
without a language and of the packs that run on every document (English),
and one per other language pack. A document scans the first part and those
of the packs that run on it (``Accelerator.for_languages``): a scan costs
about as much per piece in the database as per byte, and an English
document scanned against the English rules alone costs 40% of a scan
against all eight packs; a German one scans two parts for about what one
database of their rules costs. A document whose language is unknown scans
every part (about what one database of all pieces costs). Which parts a
document scans never changes its output: a rule that runs but has no
pieces in them goes to the pure engine's literal scan (``FastProvider.plan``).

Compiling takes seconds (10-20 s for the bundled rules), loading a cached
database milliseconds. The cache entry follows the rule cache's rules
(``rules/cache.py``): a regular file owned by the user and writable by no
one else, sealed with an HMAC under the user's cache key, keyed by the
boilerstrip version, this code, the hyperscan release, the platform and a
digest of the rules. Anything wrong with it means "no database": the pure
engine runs.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import sys
import threading
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Sequence

from ...rules import cache
from ...rules.loader import Rule
from ...rules.patterns import RulePatterns

#: Kinds whose rules the database serves by their patterns: they match one
#: line at a time.
KINDS = ("line", "section", "inline")
#: Block rules match paragraphs, across lines: the database serves them by
#: their case-folded literals (``widen.folded_literal``), one of which a line
#: of any paragraph they match holds, as the pure engine's literal scan does.
BLOCK = "block"
FORMAT = 2
MAX_ENTRY_BYTES = 128 * 1024 * 1024
#: Databases kept in the cache folder (the newest): each release, code change
#: or rule set makes a new one of several MB, and nothing else removes the old.
KEEP_ENTRIES = 4


@dataclass(frozen=True)
class Table:
    """What a database holds: PIECES (Hyperscan expressions, the database's
    ids are their positions), PIECE_PATTERNS (piece -> the patterns needing
    it) and PATTERNS ((rule id, number of pieces) per pattern)."""

    pieces: tuple[str, ...]
    piece_patterns: tuple[tuple[int, ...], ...]
    patterns: tuple[tuple[str, int], ...]

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(rid for rid, _n in self.patterns)

    @property
    def anchored_ids(self) -> frozenset[str]:
        """The rules with a piece that keeps a line's start (``widen.ANCHOR``):
        served for a line's content only."""
        from .widen import ANCHOR  # the rewrite itself: needed once a database is at hand

        return frozenset(self.patterns[n][0] for k, piece in enumerate(self.pieces)
                         if ANCHOR in piece for n in self.piece_patterns[k])


def served(rules: Sequence[Rule]) -> list[Rule]:
    """The rules of RULES a database may serve by their patterns (kinds, patterns)."""
    return [r for r in rules if r.kind in KINDS and r.patterns]


def block_literals(rule: Rule) -> tuple[str, ...] | None:
    """The case-folded literals one of which a line of any paragraph block
    rule RULE matches holds (what the pure engine scans for), or None."""
    if rule.kind != BLOCK or not rule.patterns:
        return None
    return RulePatterns(rule.id, rule.patterns, (), rule.flags, rule.match == "full",
                        None).line_literals


def build_table(rules: Sequence[Rule]) -> Table:
    """The table of RULES: a rule is in only when every pattern of it widens."""
    from .widen import folded_literal, widen

    from .gates import gate_rows

    ids: dict[str, int] = {}
    users: list[list[int]] = []
    patterns: list[tuple[str, int]] = []
    for rule in served(rules):
        # a full-match line or section rule only ever matches a line's content
        anchored = rule.kind in ("line", "section") and rule.match == "full"
        widened = [widen(p, rule.flags, anchored) for p in rule.patterns]
        if any(w is None for w in widened):
            continue
        for got in widened:
            got = [odd_folds_apart(factored(piece)) for piece in got]
            n = len(patterns)
            patterns.append((rule.id, len(got)))
            for piece in got:
                k = ids.setdefault(piece, len(ids))
                if k == len(users):
                    users.append([])
                users[k].append(n)
    for rule in rules:
        lits = block_literals(rule)
        exprs = [folded_literal(lit) for lit in lits] if lits else None
        if not exprs or any(e is None for e in exprs):
            continue  # the pure engine's literal scan answers
        exprs = [odd_folds_apart(e) for e in exprs]
        for expr in exprs:  # any one literal makes a candidate
            k = ids.setdefault(expr, len(ids))
            if k == len(users):
                users.append([])
            users[k].append(len(patterns))
            patterns.append((rule.id, 1))
    # the detectors' gate rules: lines only their gates ask about (gates.py)
    for gid, widened in gate_rows(rules):
        for got in widened:
            n = len(patterns)
            patterns.append((gid, len(got)))
            for piece in got:
                k = ids.setdefault(piece, len(ids))
                if k == len(users):
                    users.append([])
                users[k].append(n)
    return Table(tuple(ids), tuple(tuple(u) for u in users), tuple(patterns))


def odd_folds_apart(piece: str) -> str:
    """PIECE with ``[Ss\\x{17f}]``, ``[Ii\\x{130}]`` and ``[Kk\\x{212a}]``
    narrowed to their ASCII letters, or any one of those odd characters
    (``gates.ascii_folded`` for a whole pattern): a line the piece matches
    through an odd character holds it, so the scan names the same lines and
    more. It pays because the odd case variants keep Hyperscan from taking
    the words as plain literals (row 1: scan 0.118 -> 0.093 s CPU, the same
    match events)."""
    from .gates import ODD_FOLD_PIECE, narrow_odd_folds

    narrowed = narrow_odd_folds(piece)
    return piece if narrowed == piece else f"(?:{narrowed})|{ODD_FOLD_PIECE}"


def factored(piece: str) -> str:
    """PIECE, or the factor of it the scan looks for instead (it may only
    find more lines): a piece ``HEAD(?:GROUP)+`` whose head has no top-level
    alternation nor line anchor, and whose repeated group starts at a
    separator (optional white space, then a class of no letter), becomes
    ``(?:GROUP)``. Every match of the piece holds a match of the group (its
    first repeat, where the same text decides it: pieces have no
    look-around), so a line the piece finds, the group finds. It pays when
    the head is a long list of common words ("help", "about", "terms") and
    the group starts with a rare sign ("|", "/"): Hyperscan then looks for
    the sign first (a list of footer links: a fifth of the whole scan)."""
    close = _closing_parens(piece)
    if close is None or not piece.endswith(")+"):
        return piece
    start = close.get(len(piece) - 2)
    if start is None:  # an escaped paren
        return piece
    head, group = piece[:start], piece[start:-1]
    first = _FIRST_CLASS.match(group)
    if (not head or "^" in head or _top_level_bar(head) or first is None
            or not _is_separator_class(first.group(1))):
        return piece
    return group


#: a group's first item when it is a class (after its wrapping groups and an
#: optional starred class: white space) that must match; group 1: its content
_FIRST_CLASS = re.compile(r"(?:\(\?:)+(?:\[[^\]]*\]\*)?\[([^\]^][^\]]*)\](?![*?]|\{0)")
_CLASS_ITEM = re.compile(r"(\\x\{[0-9a-fA-F]+\}|[^\\])(?:-(\\x\{[0-9a-fA-F]+\}|[^\\]))?")


def _is_separator_class(content: str) -> bool:
    """Whether the class of CONTENT (``\\x{..}`` escapes, ranges) holds only
    signs: no letter nor digit, and nothing it cannot read."""
    def code(item: str) -> int:
        return int(item[3:-1], 16) if item.startswith("\\x{") else ord(item)
    at = 0
    while at < len(content):
        m = _CLASS_ITEM.match(content, at)
        if m is None:
            return False
        low = code(m.group(1))
        high = code(m.group(2)) if m.group(2) else low
        if high - low > 4096 or any(chr(c).isalnum() for c in range(low, high + 1)):
            return False
        at = m.end()
    return True


def _bare_chars(piece: str) -> tuple[list[tuple[int, str]], bool]:
    """The characters of PIECE that are neither escaped nor inside a class,
    with their offsets, and whether every class it opens is closed: what
    groups and alternations are made of."""
    bare: list[tuple[int, str]] = []
    k, in_class = 0, False
    while k < len(piece):
        c = piece[k]
        if c == "\\":
            k += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        else:
            bare.append((k, c))
        k += 1
    return bare, not in_class


def _closing_parens(piece: str) -> dict[int, int] | None:
    """Closing paren offset -> its opening one in PIECE (escapes and classes
    skipped), or None when they do not balance."""
    bare, closed = _bare_chars(piece)
    opened: list[int] = []
    pairs: dict[int, int] = {}
    for k, c in bare:
        if c == "(":
            opened.append(k)
        elif c == ")":
            if not opened:
                return None
            pairs[k] = opened.pop()
    return None if opened or not closed else pairs


def _top_level_bar(part: str) -> bool:
    """Whether PART (balanced) has a ``|`` outside every group."""
    depth = 0
    for _k, c in _bare_chars(part)[0]:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
    return False


def partition(table: Table, rules: Sequence[Rule]) -> list[tuple[str | None, tuple[int, ...]]]:
    """The parts of TABLE's pieces (module docstring): first the pieces of
    the rules without a language and of the packs that run whatever a
    document's language (the detector's ``everywhere`` packs and those of
    languages it has no list for), then one part per other pack language
    (a piece two packs use is in both). One part of everything when RULES
    have no language detector (every document runs every pack)."""
    from ...errors import RuleError
    from ..language import detector_of

    language_of = {r.id: r.language for r in rules}
    packs = {lang for lang in language_of.values() if lang}
    try:
        detector = detector_of(rules)
    except RuleError:  # a broken language rule: the Cleaner reports it
        detector = None
    if detector is None or not packs:
        return [(None, tuple(range(len(table.pieces))))]
    always = detector.everywhere | (packs - set(detector.codes))
    base: list[int] = []
    by_pack: dict[str, list[int]] = {}
    for k, users in enumerate(table.piece_patterns):
        langs = {language_of.get(table.patterns[n][0]) or "" for n in users}
        if langs & (always | {""}):
            base.append(k)
            continue
        for lang in sorted(langs):
            by_pack.setdefault(lang, []).append(k)
    parts: list[tuple[str | None, tuple[int, ...]]] = [(None, tuple(base))]
    return parts + [(lang, tuple(ids)) for lang, ids in sorted(by_pack.items())]


def _hs():
    import hyperscan

    return hyperscan


def _flags(hs) -> int:
    # multi-line: the ``^`` of an anchored piece (its only use) is any line's start
    return hs.HS_FLAG_UTF8 | hs.HS_FLAG_UCP | hs.HS_FLAG_MULTILINE


def compile_table(table: Table, ids: Sequence[int] | None = None):
    """The Hyperscan block-mode database of TABLE's pieces, or of those of
    IDS (a part), their ids their positions in TABLE (slow: seconds)."""
    hs = _hs()
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    ids = list(range(len(table.pieces))) if ids is None else list(ids)
    db.compile(expressions=[table.pieces[k].encode("ascii") for k in ids], ids=ids,
               elements=len(ids), flags=[_flags(hs)] * len(ids))
    return db


def compile_parts(table: Table, parts: Sequence[tuple[str | None, tuple[int, ...]]]
                  ) -> list[tuple[str | None, tuple[int, ...], object]]:
    """(language, piece ids, database) of each part of PARTS that holds a
    piece (a table without pieces: Hyperscan's error, as for an empty database)."""
    return [(lang, ids, compile_table(table, ids)) for lang, ids in parts if ids] or [
        (None, (), compile_table(table))]


def without_rejected(table: Table) -> Table:
    """TABLE without the rules of any piece Hyperscan refuses to compile."""
    hs = _hs()
    bad: set[str] = set()
    for k, piece in enumerate(table.pieces):
        try:
            hs.Database(mode=hs.HS_MODE_BLOCK).compile(
                expressions=[piece.encode("ascii")], ids=[0], elements=1, flags=[_flags(hs)])
        except hs.error:
            bad.update(table.patterns[n][0] for n in table.piece_patterns[k])
    if not bad:
        return table
    rules = {rid for rid, _n in table.patterns} - bad
    return _restricted(table, rules)


def _restricted(table: Table, keep: set[str]) -> Table:
    ids: dict[str, int] = {}
    users: list[list[int]] = []
    patterns: list[tuple[str, int]] = []
    old_pieces: dict[int, list[str]] = {}
    for k, pats in enumerate(table.piece_patterns):
        for n in pats:
            old_pieces.setdefault(n, []).append(table.pieces[k])
    for n, (rid, count) in enumerate(table.patterns):
        if rid not in keep:
            continue
        m = len(patterns)
        patterns.append((rid, count))
        for piece in old_pieces.get(n, ()):
            k = ids.setdefault(piece, len(ids))
            if k == len(users):
                users.append([])
            users[k].append(m)
    return Table(tuple(ids), tuple(tuple(u) for u in users), tuple(patterns))


# ------------------------------------------------------------------ the cache

def _code_hash() -> str:
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("widen.py", "database.py", "gates.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


def stamp(rules: Sequence[Rule]) -> str:
    """What a cached database is valid for: this code, the hyperscan release,
    the platform, and the patterns (and pack languages) of RULES the
    database may serve."""
    hs = _hs()
    from .gates import stamped

    kept = served(rules) + [r for r in rules if r.kind == BLOCK and r.patterns]
    kept += [r for r in rules if r.kind == "language"]  # the parts follow its packs
    body = json.dumps([[r.id, r.kind, r.match, list(r.patterns), list(r.flags), r.language]
                       for r in sorted(kept, key=lambda r: r.id)] + stamped(rules),
                      ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return (f"{FORMAT}:{cache._version()}:{_code_hash()}:{hs.__version__}:"
            f"{sys.platform}-{platform.machine()}:{digest}")


def _entry(stamp_: str) -> Path | None:
    d = cache.cache_dir()
    if d is None:
        return None
    return d / f"fast-{hashlib.sha256(stamp_.encode()).hexdigest()[:32]}.hsdb"


class Accelerator:
    """A loaded database and its table: :meth:`scan` gives the (piece,
    end offset) of every piece match in a UTF-8 buffer, from every part of
    the database; :meth:`for_languages`, the same from the parts a document
    of some languages needs."""

    def __init__(self, table: Table, parts: Sequence[tuple[str | None, tuple[int, ...], object]],
                 whole: bool = True) -> None:
        self.table = table
        self.parts = tuple(parts)  # (pack language or None, piece ids, database)
        #: the rules it serves: all of the table's, or (a view of some parts:
        #: not WHOLE) those whose every piece is in them; the others go to the
        #: pure engine's literal scan, should such a rule ever run
        self.rule_ids = table.rule_ids if whole else _rules_within(
            table, {k for _lang, ids, _db in self.parts for k in ids})
        self.anchored_ids = table.anchored_ids
        self.path: Path | None = None  # the cache entry it was stored in, if any
        self.store_error = ""  # why it could not be stored, when it could not
        self._local = threading.local()  # scratches per thread: scans may overlap
        self._packs = frozenset(lang for lang, _ids, _db in self.parts if lang is not None)
        self._views: dict[frozenset[str], Accelerator] = {}

    def for_languages(self, languages: frozenset[str] | None) -> Accelerator:
        """The accelerator of the parts a document on which the packs of
        LANGUAGES run (None: every pack) needs: the first part and those
        of these packs (the same table: the same piece ids)."""
        if languages is None or not self._packs:
            return self
        need = languages & self._packs
        if need == self._packs:
            return self
        got = self._views.get(need)
        if got is None:
            got = Accelerator(self.table, [part for part in self.parts
                                           if part[0] is None or part[0] in need], whole=False)
            self._views[need] = got  # one per set of packs met: a handful
        return got

    def scan(self, data: bytes) -> list[tuple[int, int]]:
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            hs = _hs()
            scratches = self._local.scratches = [hs.Scratch(db) for _l, _i, db in self.parts]
        found: list[tuple[int, int]] = []
        add = found.append

        def on_match(piece: int, _start: int, end: int, _flags: int, _ctx) -> None:
            add((piece, end))

        for (_lang, _ids, db), scratch in zip(self.parts, scratches):
            db.scan(data, match_event_handler=on_match, scratch=scratch)
        return found  # by part, each part's in order of their ends


def _rules_within(table: Table, pieces: set[int]) -> frozenset[str]:
    """The rules of TABLE every piece of which is among PIECES."""
    out = set(table.rule_ids)
    for k, users in enumerate(table.piece_patterns):
        if k not in pieces:
            out.difference_update(table.patterns[n][0] for n in users)
    return frozenset(out)


def is_cached(rules: Sequence[Rule]) -> bool:
    """Whether a cache entry for RULES exists (:func:`load` still checks it)."""
    try:
        entry = _entry(stamp(rules))
    except ImportError:
        return False
    return entry is not None and entry.is_file()


def load(rules: Sequence[Rule]) -> Accelerator | None:
    """The cached accelerator of RULES, or None (no entry, or one that fails
    any check)."""
    try:
        hs = _hs()
        st = stamp(rules)
    except ImportError:
        return None
    entry = _entry(st)
    if entry is None:
        return None
    key = cache._key(entry.parent, create=False)
    raw = cache.read_private(entry, MAX_ENTRY_BYTES) if key is not None else None
    payload = cache.unseal(key, raw) if raw is not None else None
    if payload is None:
        return None
    head, _, blob = payload.partition(b"\n")
    try:
        meta = json.loads(head.decode("utf-8"))
        if meta.get("stamp") != st:
            return None
        t = meta["table"]
        table = Table(tuple(t["pieces"]), tuple(tuple(u) for u in t["piece_patterns"]),
                      tuple((rid, int(n)) for rid, n in t["patterns"]))
        parts = [(lang if lang is None else str(lang), tuple(int(k) for k in ids))
                 for lang, ids in meta["parts"]]
        sizes = [int(n) for n in meta["sizes"]]
        if len(sizes) != len(parts) or sum(sizes) != len(blob):
            return None
        ends = list(accumulate(sizes, initial=0))
        return Accelerator(table, [(lang, ids, hs.loadb(blob[a:b], hs.HS_MODE_BLOCK))
                                   for (lang, ids), a, b in zip(parts, ends, ends[1:])])
    except (ValueError, KeyError, TypeError, hs.error):
        return None


class BuildError(Exception):
    """Hyperscan could not compile the database (even without the rules it refused)."""


def build(rules: Sequence[Rule], store: bool = True) -> Accelerator:
    """Compile the accelerator of RULES (seconds) and, with STORE, cache it
    (best effort). Raises BuildError when Hyperscan fails."""
    hs = _hs()
    table = build_table(rules)
    try:
        try:
            parts = compile_parts(table, partition(table, rules))
        except hs.error:
            table = without_rejected(table)
            parts = compile_parts(table, partition(table, rules))
    except (hs.error, MemoryError) as exc:
        raise BuildError(str(exc)) from None
    accel = Accelerator(table, parts)
    if store:
        try:
            accel.path = save(rules, accel)
        except (OSError, TypeError, ValueError) as exc:
            accel.store_error = str(exc) or type(exc).__name__
    return accel


def save(rules: Sequence[Rule], accel: Accelerator) -> Path | None:
    """Store ACCEL (its table and the databases of its parts) as the cache
    entry of RULES; its path, or None when the cache is off. Raises OSError
    (or TypeError, ValueError) when it cannot."""
    st = stamp(rules)
    entry = _entry(st)
    if entry is None:
        return None
    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = cache._key(entry.parent, create=True)
    hs = _hs()
    blobs = [hs.dumpb(db) for _lang, _ids, db in accel.parts]
    table = accel.table
    head = json.dumps({"stamp": st, "table": {
        "pieces": table.pieces, "piece_patterns": table.piece_patterns,
        "patterns": table.patterns}, "parts": [[lang, ids] for lang, ids, _db in accel.parts],
        "sizes": [len(b) for b in blobs]}, ensure_ascii=True).encode("ascii")
    cache._write_atomic(entry, cache.seal(key, head + b"\n" + b"".join(blobs)))
    prune(entry.parent, keep=entry)
    return entry


def prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP_ENTRIES newest databases of FOLDER (KEEP among
    them); best effort."""
    try:
        found = sorted(folder.glob("fast-*.hsdb"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
    except OSError:
        return
    old = [p for p in found if p != keep][KEEP_ENTRIES - 1:]
    for path in old:
        try:
            path.unlink()
        except OSError:
            pass
