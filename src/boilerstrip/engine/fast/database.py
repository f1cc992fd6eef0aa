"""The Hyperscan database of a rule set: built once, cached, loaded in ms.

The *table* says what the database holds: the distinct pieces
(``widen.py``) of the patterns of every line, section and inline rule of a
rule set (all of them, whatever the profile or selection: one database per
loaded rule set), and which pattern of which rule each piece belongs to.
Rules with a pattern the rewrite leaves out stay on the pure engine.

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
import sys
import threading
from dataclasses import dataclass
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
FORMAT = 1
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
        for expr in exprs:  # any one literal makes a candidate
            k = ids.setdefault(expr, len(ids))
            if k == len(users):
                users.append([])
            users[k].append(len(patterns))
            patterns.append((rule.id, 1))
    return Table(tuple(ids), tuple(tuple(u) for u in users), tuple(patterns))


def _hs():
    import hyperscan

    return hyperscan


def _flags(hs) -> int:
    # multi-line: the ``^`` of an anchored piece (its only use) is any line's start
    return hs.HS_FLAG_UTF8 | hs.HS_FLAG_UCP | hs.HS_FLAG_MULTILINE


def compile_table(table: Table):
    """The Hyperscan block-mode database of TABLE's pieces (slow: seconds)."""
    hs = _hs()
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    n = len(table.pieces)
    db.compile(expressions=[p.encode("ascii") for p in table.pieces], ids=list(range(n)),
               elements=n, flags=[_flags(hs)] * n)
    return db


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
    for name in ("widen.py", "database.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


def stamp(rules: Sequence[Rule]) -> str:
    """What a cached database is valid for: this code, the hyperscan release,
    the platform, and the patterns of RULES the database may serve."""
    hs = _hs()
    kept = served(rules) + [r for r in rules if r.kind == BLOCK and r.patterns]
    body = json.dumps([[r.id, r.kind, r.match, list(r.patterns), list(r.flags)]
                       for r in sorted(kept, key=lambda r: r.id)], ensure_ascii=False)
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
    end offset) of every piece match in a UTF-8 buffer."""

    def __init__(self, table: Table, db) -> None:
        self.table = table
        self.db = db
        self.rule_ids = table.rule_ids
        self.anchored_ids = table.anchored_ids
        self.path: Path | None = None  # the cache entry it was stored in, if any
        self.store_error = ""  # why it could not be stored, when it could not
        self._local = threading.local()  # a scratch per thread: scans may overlap

    def scan(self, data: bytes) -> list[tuple[int, int]]:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _hs().Scratch(self.db)
        found: list[tuple[int, int]] = []
        add = found.append

        def on_match(piece: int, _start: int, end: int, _flags: int, _ctx) -> None:
            add((piece, end))

        self.db.scan(data, match_event_handler=on_match, scratch=scratch)
        return found


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
        return Accelerator(table, hs.loadb(blob, hs.HS_MODE_BLOCK))
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
            db = compile_table(table)
        except hs.error:
            table = without_rejected(table)
            db = compile_table(table)
    except (hs.error, MemoryError) as exc:
        raise BuildError(str(exc)) from None
    accel = Accelerator(table, db)
    if store:
        try:
            accel.path = save(rules, table, db)
        except (OSError, TypeError, ValueError) as exc:
            accel.store_error = str(exc) or type(exc).__name__
    return accel


def save(rules: Sequence[Rule], table: Table, db) -> Path | None:
    """Store TABLE and DB as the cache entry of RULES; its path, or None when
    the cache is off. Raises OSError (or TypeError, ValueError) when it
    cannot."""
    st = stamp(rules)
    entry = _entry(st)
    if entry is None:
        return None
    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = cache._key(entry.parent, create=True)
    head = json.dumps({"stamp": st, "table": {
        "pieces": table.pieces, "piece_patterns": table.piece_patterns,
        "patterns": table.patterns}}, ensure_ascii=True).encode("ascii")
    cache._write_atomic(entry, cache.seal(key, head + b"\n" + _hs().dumpb(db)))
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
