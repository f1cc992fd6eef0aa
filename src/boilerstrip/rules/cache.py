"""On-disk cache of validated rules, so that start-up does not re-parse YAML
and re-validate every pattern on each run (pre-commit calls us often).

One JSON file per rule file, named by the hash of its absolute path, holding
the SHA-256 of the file's bytes, the boilerstrip version and the validated
rules (plus what the engine derives from each pattern's parse tree: required
literals, requirement sets, first characters, and the ``regex`` module's
compiled form of each pattern and of each vocabulary alternation a detector
kind compiles, see :func:`patterns.compiled_form`). An entry
is used only when the content hash and the version match, so editing a rule
file always invalidates it.

Nothing in an entry is trusted before it is checked (SECURITY.md): the entry
must be a regular file (opened without following a link and without
blocking, so a FIFO or a link to ``/dev/zero`` is simply refused), of bounded
size, owned by the current user and writable by nobody else, and it must
carry an HMAC-SHA256 of its content under a key that only the current user
can read (``key`` in the cache folder, made on first use). Another user who
can write the folder cannot forge an entry that changes a rule; a bad entry
is ignored and rewritten, never fatal. Compiled forms are used only under the
same ``regex`` release and Python. JSON, not pickle: reading the cache never
imports or calls anything named in it.

Location: ``$BOILERSTRIP_CACHE_DIR``, else ``$XDG_CACHE_HOME/boilerstrip``,
else ``~/.cache/boilerstrip``; ``BOILERSTRIP_NO_CACHE=1`` turns it off. Any
problem with the cache (read-only home, corrupt file) silently falls back to
parsing the rule file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..errors import RuleError
from .model import Conditions, Example, Rule, RuleSet, SectionSpec, tuplify

FORMAT = 4
#: Largest cache entry read (the bundled rules' largest is under 1 MB).
MAX_ENTRY_BYTES = 32 * 1024 * 1024
_KEY_NAME = "key"
_KEY_BYTES = 32


def cache_dir() -> Path | None:
    if os.environ.get("BOILERSTRIP_NO_CACHE"):
        return None
    d = os.environ.get("BOILERSTRIP_CACHE_DIR")
    if d:
        return Path(d)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "boilerstrip"


def _version() -> str:
    from .. import __version__

    return __version__


def _entry(path: Path) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    key = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return d / f"rules-{key}.json"


_CODE_HASH: str | None = None


def _code_hash() -> str:
    """Hash of the code that validates rules: a change to it (even within one
    version, in a development checkout) invalidates every cached entry."""
    global _CODE_HASH
    if _CODE_HASH is None:
        h = hashlib.sha256()
        here = Path(__file__).resolve().parent
        # and what says which vocabularies a detector kind compiles
        for name in ("loader.py", "model.py", "cache.py", "patterns.py", "risk.py",
                     "categories.py", "../engine/vocabulary.py", "../engine/threads.py",
                     "../engine/replies.py", "../engine/edges.py", "../engine/linegate.py"):
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(name.encode())
        _CODE_HASH = h.hexdigest()[:16]
    return _CODE_HASH


def read_private(path: Path, limit: int, *, secret: bool = False) -> bytes | None:
    """The bytes of PATH if it is a regular file of at most LIMIT bytes, owned
    by the current user and writable by no one else (readable by no one else
    when SECRET); else None. Never follows a link, never blocks on a FIFO,
    never reads more than LIMIT + 1 bytes."""
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid()
                                       or st.st_mode & (0o077 if secret else 0o022)):
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return None if size > limit else b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _key(folder: Path, *, create: bool) -> bytes | None:
    """The cache folder's secret key; with CREATE, a new one replaces a
    missing or untrustworthy one. None when there is none to trust."""
    key = read_private(folder / _KEY_NAME, _KEY_BYTES, secret=True)
    if key is not None and len(key) == _KEY_BYTES:
        return key
    if not create:
        return None
    key = os.urandom(_KEY_BYTES)
    if _write_new(folder / _KEY_NAME, key):
        return key
    # another process made one between our read and our write (two runs on a
    # fresh cache): keep theirs, or every entry sealed under it would fail
    theirs = read_private(folder / _KEY_NAME, _KEY_BYTES, secret=True)
    if theirs is not None and len(theirs) == _KEY_BYTES:
        return theirs
    _write_atomic(folder / _KEY_NAME, key)  # an untrustworthy one: replaced
    return key


def _write_new(target: Path, data: bytes) -> bool:
    """Write DATA to TARGET only when it does not exist (mkstemp: 0600, then a
    hard link, which fails on an existing name); False when it exists."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        except OSError:  # no hard links on this file system: as before, last one wins
            os.replace(tmp, target)
        return True
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def seal(key: bytes, payload: bytes) -> bytes:
    """An entry as stored: the HMAC-SHA256 of PAYLOAD under KEY (hex), a
    newline, then PAYLOAD."""
    return hmac.new(key, payload, hashlib.sha256).hexdigest().encode("ascii") + b"\n" + payload


def unseal(key: bytes, raw: bytes) -> bytes | None:
    """The payload of a stored entry RAW, or None when its HMAC does not check out."""
    mac, _, payload = raw.partition(b"\n")
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode("ascii")
    return payload if hmac.compare_digest(mac, expected) else None


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _stamp(data: bytes, pack: str) -> str:
    return f"{FORMAT}:{_version()}:{_code_hash()}:{pack}:{hashlib.sha256(data).hexdigest()}"


def get(path: Path, data: bytes, pack: str) -> RuleSet | None:
    """The cached rules (and warnings) of PATH if its content DATA is unchanged
    and the entry passes every check, else None."""
    entry = _entry(path)
    if entry is None:
        return None
    key = _key(entry.parent, create=False)
    raw = read_private(entry, MAX_ENTRY_BYTES) if key is not None else None
    if raw is None:
        return None
    payload = unseal(key, raw)
    if payload is None:
        return None  # damaged, or written by someone without the key
    try:
        blob = json.loads(payload.decode("utf-8", "surrogatepass"))
        if blob.get("stamp") != _stamp(data, pack) or blob.get("source") != str(path):
            return None
        from .patterns import FORM_KEY, seed_analyses, seed_compiled

        rules = tuple(rule_from_dict(d) for d in blob["rules"])
        # the load-time warnings (risky patterns) come back with the rules
        warnings = tuple(RuleError(w["message"], path=w["path"], line=w["line"],
                                   rule_id=w["rule_id"]) for w in blob.get("warnings", []))
        seed_analyses(blob.get("analyses", []))
        if blob.get("compiled_by") == FORM_KEY:
            seed_compiled(blob.get("compiled", []))
        return RuleSet(rules, warnings)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def put(path: Path, data: bytes, pack: str, rule_set: RuleSet) -> None:
    """Store RULE_SET (the rules of PATH and the warnings their loading raised;
    best effort: errors are ignored). Replaces whatever the entry was."""
    entry = _entry(path)
    if entry is None:
        return
    rules, warnings = rule_set.rules, rule_set.warnings
    try:
        from .patterns import FORM_KEY

        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = _key(entry.parent, create=True)
        blob: dict[str, Any] = {
            "stamp": _stamp(data, pack), "source": str(path),
            "rules": [dataclasses.asdict(r) for r in rules],
            "analyses": analysis_rows(rules),
            "compiled_by": FORM_KEY, "compiled": compiled_rows(rules),
            "warnings": [{"message": w.message, "path": w.path, "line": w.line,
                          "rule_id": w.rule_id} for w in warnings]}
        payload = json.dumps(blob, ensure_ascii=False).encode("utf-8", "surrogatepass")
        _write_atomic(entry, seal(key, payload))
    except (OSError, TypeError, ValueError):
        pass


def analysis_rows(rules) -> list[list]:
    """What the engine derives from the parse tree of each pattern of RULES
    (rows of :func:`patterns.analyses`)."""
    from .patterns import analyses

    return [analyses(p, r.flags) for r in rules for p in r.patterns]


def compiled_rows(rules) -> list[list]:
    """``[pattern, flags, form]`` of every pattern of RULES and of their
    detector vocabularies that has a compiled form (:data:`patterns.FORM_KEY`)."""
    from .patterns import compiled_form

    forms = [[p, list(r.flags), form] for r in rules for p in r.patterns + r.unless
             if (form := compiled_form(p, r.flags)) is not None]
    return forms + _derived_forms(rules)


def _derived_forms(rules) -> list[list]:
    """Rows of the compiled vocabularies of RULES' detector kinds (comment
    threads, reply tails: one alternation per marker kind, the largest part of
    a Cleaner's build when compiled from source)."""
    from ..engine.vocabulary import derived_patterns
    from .patterns import compiled_form

    return [[p, list(names), form] for p, names in derived_patterns(rules)
            if (form := compiled_form(p, names, joined=True)) is not None]


def rule_from_dict(d: dict[str, Any]) -> Rule:
    """The Rule a cache entry stored with ``dataclasses.asdict``."""
    d = dict(d)
    d["when"] = Conditions(**d["when"])
    d["section"] = SectionSpec(**d["section"]) if d.get("section") else None
    d["remove_examples"] = tuple(Example(**e) for e in d["remove_examples"])
    d["keep_examples"] = tuple(Example(**e) for e in d["keep_examples"])
    d["params"] = tuple((k, tuplify(v)) for k, v in d["params"])
    for key in ("patterns", "unless", "flags", "profiles"):
        d[key] = tuple(d[key])
    return Rule(**d)
