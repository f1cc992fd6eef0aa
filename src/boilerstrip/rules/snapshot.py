"""The bundled rules as loading makes them, shipped with the package.

The bundled rule files are part of the package, as trusted as its code, so
what loading them produces ships with them, in ``_assets/rules-snapshot.json``:
the validated rules, what the engine derives from each pattern's parse tree
(:func:`patterns.analyses`) and the ``regex`` module's compiled form of each
pattern and of each detector vocabulary (:func:`patterns.compiled_form`).
No process parses YAML or validates a bundled pattern, not even the first on
an empty cache (that took ~1.7 s). The user's own rule files go through the
user's rule cache (``cache.py``) as before.

Nothing in the snapshot is taken on trust:

* it is used only when the SHA-256 on its first line matches the rest (a
  damaged or truncated file is ignored as a whole), and when its format and
  the hash of the code that validates rules (``cache._code_hash``) are this
  code's;
* each rule file's entry is keyed by the SHA-256 of that file's bytes: an
  edited (or added) rule file is parsed and validated, and cached in the
  user's cache, as a user's file would be;
* the compiled forms are used only under the ``regex`` release and Python
  that made them (:data:`patterns.FORM_KEY`); under others the patterns
  compile from source when first used, as they did before any cache.

JSON, one rule or row a line: loading it imports and runs nothing named in
it, and a change of rules shows as a readable diff. Regenerate it after any
change of a rule file or of the validating code (a test fails until then)::

    python -m boilerstrip.rules.snapshot          # --check: exit 1 when stale
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from ..errors import RuleError
from . import cache
from .model import RuleSet

FORMAT = 1
ASSET = Path(__file__).resolve().parent.parent / "_assets" / "rules-snapshot.json"
#: What a rule file's bytes, its path and pack turn into, or None (not in the snapshot)
Lookup = Callable[[Path, bytes, str], "RuleSet | None"]

_LOCK = threading.Lock()
_MISSING: Any = object()
_READ: Any = _MISSING  # the checked snapshot (dict), or None once it failed a check


def _dump(value: Any) -> str:
    # keys in their order: that of a vocabulary's languages is its alternation's
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _rows(name: str, rows: list) -> str:
    return f'"{name}":[\n' + ",\n".join(_dump(r) for r in rows) + "]"


def _form_key(row: list) -> str:
    return _dump(row[:2])


def _old_forms() -> dict[str, list]:
    """The compiled forms of the shipped snapshot, by pattern and flags, when
    it is intact and was made under this ``regex`` release and Python."""
    from .patterns import FORM_KEY

    try:
        raw = ASSET.read_bytes()
        digest, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
            return {}
        blob = json.loads(body)
        if blob["compiled_by"] != FORM_KEY:
            return {}
        return {_form_key(row): row[2] for entry in blob["files"] for row in entry["compiled"]}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


def build(folder: Path, old_forms: dict[str, list] | None = None) -> bytes:
    """The snapshot of the rule files of FOLDER (the bundled rules folder),
    parsed and validated from their source (never from a cache).

    ``regex`` writes some sets into compiled code in an order that varies
    from process to process (same matches): a pattern's form in OLD_FORMS
    (made by the same release from the same source) is kept, so that the
    same rules give the same bytes."""
    from .loader import _decode, _pack_of, parse_rule_set, rule_files
    from .patterns import FORM_KEY

    files = []
    for f in rule_files(folder):
        data = f.read_bytes()
        pack = _pack_of(f, folder)
        found = parse_rule_set(_decode(data, str(f)), str(f), pack)
        rules = []
        for rule in found.rules:
            d = dataclasses.asdict(rule)
            del d["source"]  # where the package is installed: set when loaded
            rules.append(d)
        head = {"path": f.relative_to(folder).as_posix(), "pack": pack,
                "sha256": hashlib.sha256(data).hexdigest(),
                "warnings": [{"message": w.message, "line": w.line, "rule_id": w.rule_id}
                             for w in found.warnings]}
        files.append(_dump(head)[:-1] + ",\n" + ",\n".join((
            _rows("rules", rules), _rows("analyses", cache.analysis_rows(found.rules)),
            _rows("compiled", [[*row[:2], (old_forms or {}).get(_form_key(row), row[2])]
                               for row in cache.compiled_rows(found.rules)]),
            _rows("gates", _gate_rows(found.rules)))) + "}")
    top = {"format": FORMAT, "code": cache._code_hash(), "compiled_by": FORM_KEY}
    body = (_dump(top)[:-1] + ',"files":[\n' + ",\n".join(files) + "]}\n").encode("utf-8")
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


#: the detector kinds whose vocabularies a line gate analyses (engine/linegate.py)
GATED_KINDS = ("comment-thread", "reply-tail", "edge-block")


def _gate_rows(rules) -> list[list]:
    """What the line gates of RULES' detectors derive from their vocabularies'
    patterns (rows of ``linegate.analysed_rows``): ~0.08 s of Python's parser
    in every process otherwise, even for a one-line text."""
    from ..engine.kinds import RUNS
    from ..engine.linegate import analyses_of

    gated = [r for r in rules if r.kind in GATED_KINDS]
    if not gated:
        return []
    return analyses_of(lambda: [RUNS[r.kind].compile(r, 1.0) for r in gated])


def _read() -> dict | None:
    """The shipped snapshot when it passes every check (memoised), else None."""
    global _READ
    with _LOCK:
        if _READ is _MISSING:
            _READ = _checked()
        return _READ


def _checked() -> dict | None:
    try:
        raw = ASSET.read_bytes()
    except OSError:
        return None
    digest, _, body = raw.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        return None
    try:
        blob = json.loads(body.decode("utf-8"))
        if blob["format"] != FORMAT or blob["code"] != cache._code_hash():
            return None
        return {"compiled_by": blob["compiled_by"],
                "files": {entry["path"]: entry for entry in blob["files"]}}
    except (ValueError, KeyError, TypeError):
        return None


def lookup(folder: Path) -> Lookup | None:
    """What the snapshot holds for the rule files of FOLDER (the bundled
    rules folder, wherever the package is installed); None without a usable
    snapshot."""
    snap = _read()
    if snap is None:
        return None
    from .patterns import FORM_KEY, seed_analyses, seed_compiled

    def rule_set(path: Path, data: bytes, pack: str) -> RuleSet | None:
        try:
            entry = snap["files"].get(path.relative_to(folder).as_posix())
        except ValueError:
            return None
        if (entry is None or entry["pack"] != pack
                or entry["sha256"] != hashlib.sha256(data).hexdigest()):
            return None  # a rule file edited since: parsed as any other
        try:
            rules = tuple(cache.rule_from_dict({**d, "source": str(path)})
                          for d in entry["rules"])
            warnings = tuple(RuleError(w["message"], path=str(path), line=w["line"],
                                       rule_id=w["rule_id"]) for w in entry["warnings"])
            seed_analyses(entry["analyses"])
            if entry.get("gates"):
                from ..engine.linegate import seed_analysed

                seed_analysed(entry["gates"])
            if snap["compiled_by"] == FORM_KEY:
                seed_compiled(entry["compiled"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return RuleSet(rules, warnings)

    return rule_set


def stale_parts(shipped: bytes, fresh: bytes) -> list[str]:
    """What differs between the SHIPPED snapshot and a FRESH build, by file
    (the compiled forms only when both were made under the same ``regex``
    release and Python: they are used only then)."""
    a = json.loads(shipped.partition(b"\n")[2])
    b = json.loads(fresh.partition(b"\n")[2])
    out = [k for k in ("format", "code") if a.get(k) != b.get(k)]
    same_forms = a.get("compiled_by") == b.get("compiled_by")
    old = {e["path"]: e for e in a.get("files", [])}
    new = {e["path"]: e for e in b.get("files", [])}
    for path in sorted(old.keys() | new.keys()):
        x, y = old.get(path), new.get(path)
        if x is None or y is None:
            out.append(f"{path}: {'missing' if x is None else 'no longer a rule file'}")
            continue
        keys = {k for k in x.keys() | y.keys() if same_forms or k != "compiled"}
        out.extend(f"{path}: {k}" for k in sorted(keys) if x.get(k) != y.get(k))
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the snapshot of the bundled rules (``--check``: only say whether
    the shipped one is stale, exit 1 when it is)."""
    from .loader import bundled_rules_dir

    args = sys.argv[1:] if argv is None else argv
    fresh = build(bundled_rules_dir(), _old_forms())
    if "--check" in args:
        try:
            stale = stale_parts(ASSET.read_bytes(), fresh)
        except (OSError, ValueError) as exc:
            stale = [f"unreadable: {exc}"]
        for part in stale:
            sys.stderr.write(f"stale: {part}\n")
        return 1 if stale else 0
    tmp = ASSET.with_suffix(".tmp")
    tmp.write_bytes(fresh)
    tmp.replace(ASSET)
    sys.stderr.write(f"wrote {ASSET} ({len(fresh)} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
