"""On-disk cache of validated rules, so that start-up does not re-parse YAML
and re-validate every pattern on each run (pre-commit calls us often).

One JSON file per rule file, named by the hash of its absolute path, holding
the SHA-256 of the file's bytes, the boilerstrip version and the validated
rules (plus what the engine derives from each pattern's parse tree: required
literals, requirement sets, first characters, and the ``regex`` module's
compiled form of each pattern, see :func:`matching.compiled_form`). A cache
entry is used only when the content hash and the version match, so editing a
rule file always invalidates it; compiled forms are used only under the same
``regex`` release and Python, only from a file the current user owns and
alone can write, and only when their SHA-256 checks out.
JSON, not pickle: reading the cache never imports or calls anything named in
it. The cache is trusted like the code (SECURITY.md): compiled forms go to
the regex engine as its own pickles do.
Location: ``$BOILERSTRIP_CACHE_DIR``, else ``$XDG_CACHE_HOME/boilerstrip``,
else ``~/.cache/boilerstrip``; ``BOILERSTRIP_NO_CACHE=1`` turns it off. Any
problem with the cache (read-only home, corrupt file) silently falls back to
parsing the rule file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import RuleError
from .model import Conditions, Example, Rule, RuleSet, SectionSpec, tuplify

FORMAT = 3


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
        for name in ("loader.py", "model.py", "cache.py", "patterns.py", "risk.py",
                     "categories.py"):
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(name.encode())
        _CODE_HASH = h.hexdigest()[:16]
    return _CODE_HASH


def _owned(fd: int) -> bool:
    """Whether the open cache file FD belongs to the current user and only
    they can write it (always true where there are no owners to check)."""
    if not hasattr(os, "geteuid"):
        return True
    st = os.fstat(fd)
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _stamp(data: bytes, pack: str) -> str:
    return f"{FORMAT}:{_version()}:{_code_hash()}:{pack}:{hashlib.sha256(data).hexdigest()}"


def get(path: Path, data: bytes, pack: str) -> RuleSet | None:
    """The cached rules (and warnings) of PATH if its content DATA is unchanged, else None."""
    entry = _entry(path)
    if entry is None:
        return None
    try:
        with open(entry, encoding="utf-8") as fh:
            blob = json.load(fh)
            own = _owned(fh.fileno())
        if blob.get("stamp") != _stamp(data, pack) or blob.get("source") != str(path):
            return None
        from .patterns import FORM_KEY, seed_analyses, seed_compiled

        rules = [_rule_from_dict(d) for d in blob["rules"]]
        seed_analyses(blob.get("analyses", []))
        forms = blob.get("compiled")
        if (own and blob.get("compiled_by") == FORM_KEY and isinstance(forms, str)
                and hashlib.sha256(forms.encode("utf-8")).hexdigest()
                == blob.get("compiled_sha256")):
            # checked first: the regex engine trusts compiled code, and a
            # damaged one can make it loop or match wrongly
            seed_compiled(json.loads(forms))
        # the load-time warnings (risky patterns) come back with the rules
        warnings = tuple(RuleError(w["message"], path=w["path"], line=w["line"],
                                   rule_id=w["rule_id"]) for w in blob.get("warnings", []))
        return RuleSet(tuple(rules), warnings)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def put(path: Path, data: bytes, pack: str, rule_set: RuleSet) -> None:
    """Store RULE_SET (the rules of PATH and the warnings their loading raised;
    best effort: errors are ignored)."""
    entry = _entry(path)
    if entry is None:
        return
    rules, warnings = rule_set.rules, rule_set.warnings
    try:
        from .patterns import FORM_KEY, analyses, compiled_form

        rows = [analyses(p, r.flags) for r in rules for p in r.patterns]
        forms = json.dumps([[p, list(r.flags), form] for r in rules for p in r.patterns + r.unless
                            if (form := compiled_form(p, r.flags)) is not None],
                           ensure_ascii=False, separators=(",", ":"))
        blob = {"stamp": _stamp(data, pack), "source": str(path),
                "rules": [dataclasses.asdict(r) for r in rules], "analyses": rows,
                "compiled_by": FORM_KEY, "compiled": forms,
                "compiled_sha256": hashlib.sha256(forms.encode("utf-8")).hexdigest(),
                "warnings": [{"message": w.message, "path": w.path, "line": w.line,
                              "rule_id": w.rule_id} for w in warnings]}
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(blob, fh, ensure_ascii=False)
            os.replace(tmp, entry)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, TypeError, ValueError):
        pass


def _rule_from_dict(d: dict[str, Any]) -> Rule:
    d = dict(d)
    d["when"] = Conditions(**d["when"])
    d["section"] = SectionSpec(**d["section"]) if d.get("section") else None
    d["remove_examples"] = tuple(Example(**e) for e in d["remove_examples"])
    d["keep_examples"] = tuple(Example(**e) for e in d["keep_examples"])
    d["params"] = tuple((k, tuplify(v)) for k, v in d["params"])
    for key in ("patterns", "unless", "flags", "profiles"):
        d[key] = tuple(d[key])
    return Rule(**d)
