"""Loading and validating rule files.

A rule file is YAML with one top-level key, ``rules``, holding a list of rules
(see ``docs/rules.md`` for every key). Loading is strict: unknown keys, wrong
types, duplicate ids, invalid regular expressions, too few examples and YAML
tags that would build Python objects are all a :class:`RuleError` whose one-line
message names the file, the line and the rule id.

Rule files are parsed with PyYAML's *composer* only (no constructor runs), and
the node tree is converted by hand with a budget on nodes and depth, so a rule
file can never execute anything nor blow up memory through alias expansion.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from .categories import CATEGORIES, OPT_IN_CATEGORIES
from .kinds import COMMON_KEYS, KIND_KEYS, KINDS, PATTERN_KEYS  # noqa: F401 (KINDS re-exported)
from .model import PROFILES, Conditions, Example, Rule, RuleSet, SectionSpec, tuplify
from ..errors import RuleError
FLAGS = ("ignorecase", "verbose", "dotall", "ascii", "fullcase")


class _Yaml:
    """PyYAML, imported when a rule file is first parsed: the bundled rules
    come from their snapshot and the user's from the cache, so most runs
    never parse YAML (importing it is ~0.01 s of a one-line run)."""

    def __getattr__(self, name: str) -> Any:
        import yaml as module

        globals()["yaml"] = module  # from now on the module itself
        return getattr(module, name)


yaml: Any = _Yaml()

MAX_RULE_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 20
MIN_EXAMPLES = 2

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "bool", "null", "float", "seq", "map")
}
_COMMON_KEYS = COMMON_KEYS
_PATTERN_KEYS = PATTERN_KEYS
_KIND_KEYS = KIND_KEYS  # per kind, from the kind table (rules/kinds.py)
_WHEN_INT_KEYS = ("max_words", "min_words", "max_chars", "first_lines", "last_lines",
                  "not_first_lines", "prose_min_words")
_WHEN_KEYS = set(_WHEN_INT_KEYS) | {"after_last_prose"}
_SECTION_INT_KEYS = ("max_lines", "line_max_words", "line_max_chars", "prose_min_words",
                     "min_lines", "min_words", "line_min_words", "max_subheadings",
                     "subheading_max_words", "count_words_above", "header_unseen_after")
_SECTION_BOOL_KEYS = ("stop_at_prose", "require_end", "include_header", "stop_at_headers",
                      "repeats_header", "opens_with_header")
#: What a section may say it takes below its header (``section.takes``).
_SECTION_TAKES = ("list",)


# ----------------------------------------------------------------- YAML nodes

class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_tree(node: yaml.Node, path: str, budget: _Budget, depth: int = 0,
                faults: list[RuleError] | None = None) -> None:
    """Refuse tags that build objects, too-deep nesting and alias bombs.

    With FAULTS, a disallowed tag is recorded there and the walk goes on;
    the size and depth limits always stop it.
    """
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise RuleError(f"rule file too large or alias expansion over {MAX_NODES} nodes",
                        path=path, line=_line(node))
    if depth > MAX_DEPTH:
        raise RuleError(f"nesting deeper than {MAX_DEPTH} levels", path=path, line=_line(node))
    if node.tag not in _ALLOWED_TAGS:
        fault = RuleError(f"YAML tag {node.tag!r} is not allowed in rule files", path=path,
                          line=_line(node))
        if faults is None:
            raise fault
        faults.append(fault)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _check_tree(key, path, budget, depth + 1, faults)
            _check_tree(value, path, budget, depth + 1, faults)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_tree(item, path, budget, depth + 1, faults)


#: What a check returns, when collecting faults, in place of the value it could not read.
_FAILED: Any = object()


class _Reader:
    """Typed access to YAML nodes that raises RuleError with file, line and rule id.

    Strict (the default), the first fault raises. Collecting (``rules
    validate``), each fault is recorded in ``faults`` and reading goes on, so
    that every fault of a file is reported at once. Warnings (risky
    patterns) are recorded in ``warnings`` either way.
    """

    def __init__(self, path: str, *, collect: bool = False) -> None:
        self.path = path
        self.rule_id: str | None = None
        self.faults: list[RuleError] | None = [] if collect else None
        self.warnings: list[RuleError] = []

    def fail(self, node: yaml.Node | None, message: str) -> RuleError:
        return RuleError(message, path=self.path, line=_line(node) if node is not None else None,
                         rule_id=self.rule_id)

    def fault(self, node: yaml.Node | None, message: str) -> None:
        """Report a fault: raise it when strict, record it when collecting."""
        self.record(self.fail(node, message))

    def record(self, error: RuleError) -> None:
        if self.faults is None:
            raise error
        self.faults.append(error)

    def attempt(self, check, *args, **kwargs) -> Any:
        """CHECK(*ARGS): its value, or :data:`_FAILED` once its fault is recorded."""
        try:
            return check(*args, **kwargs)
        except RuleError as exc:
            self.record(exc)
            return _FAILED

    def count(self) -> int:
        """How many faults are recorded so far (0 when strict)."""
        return len(self.faults) if self.faults is not None else 0

    def mapping(self, node: yaml.Node, what: str, allowed: set[str] | None = None,
                ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not (isinstance(key, yaml.ScalarNode) and key.tag.endswith(":str")):
                raise self.fail(key, f"keys of {what} must be strings")
            if key.value in out:
                raise self.fail(key, f"duplicate key {key.value!r} in {what}")
            if allowed is not None and key.value not in allowed:
                raise self.fail(key, f"unknown key {key.value!r} in {what} "
                                     f"(allowed: {', '.join(sorted(allowed))})")
            out[key.value] = value
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)

    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str")):
            raise self.fail(node, f"{what} must be a string")
        if not allow_empty and not node.value.strip():
            raise self.fail(node, f"{what} must not be empty")
        return node.value

    def integer(self, node: yaml.Node, what: str, *, minimum: int = 0) -> int:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":int")):
            raise self.fail(node, f"{what} must be an integer")
        try:
            value = int(node.value.replace("_", ""), 0)
        except ValueError:
            raise self.fail(node, f"{what} must be an integer") from None
        if value < minimum or value > 10**9:
            raise self.fail(node, f"{what} must be between {minimum} and 1000000000")
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool")):
            raise self.fail(node, f"{what} must be true or false")
        return node.value.lower() in ("true", "yes", "on", "y")

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            return (self.string(node, what),)
        return tuple(self.string(item, f"each item of {what}") for item in self.sequence(node, what))

    def plain(self, node: yaml.Node, what: str) -> Any:
        """A scalar, list or mapping of plain values (for ``params``)."""
        if isinstance(node, yaml.MappingNode):
            return {k: self.plain(v, f"{what}.{k}") for k, v in self.mapping(node, what).items()}
        if isinstance(node, yaml.SequenceNode):
            return tuple(self.plain(v, what) for v in node.value)
        return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag.rsplit(":", 1)[-1]
    v = node.value
    if tag == "str":
        return v
    if tag == "int":
        return int(v.replace("_", ""), 0)
    if tag == "float":
        return float(v.replace("_", ""))
    if tag == "bool":
        return v.lower() in ("true", "yes", "on", "y")
    return None


def _freeze(value: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Rule params as a tuple of (key, value) pairs (values: plain scalars,
    tuples for lists, dicts for nested mappings)."""
    return tuple((k, tuplify(v)) for k, v in value.items())


# ----------------------------------------------------------------- rules

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def _parse_rule(r: _Reader, node: yaml.Node, pack: str, language: str = "") -> Rule | None:
    """The validated rule of NODE; None when faults were recorded (collecting).
    LANGUAGE is its file's (or pack's), unless the rule names its own."""
    r.rule_id = None
    if isinstance(node, yaml.MappingNode):  # name the rule in errors found before its id
        r.rule_id = next((v.value for k, v in node.value if isinstance(k, yaml.ScalarNode)
                          and k.value == "id" and isinstance(v, yaml.ScalarNode)), None)
    raw = r.attempt(r.mapping, node, "a rule")
    if raw is _FAILED:
        return None
    before = r.count()
    kw: dict[str, Any] = dict(pack=pack, source=r.path, line=_line(node), language=language)
    if "id" not in raw:
        r.fault(node, "rule has no 'id'")
    else:
        rule_id = r.attempt(r.string, raw["id"], "id")
        if rule_id is not _FAILED:
            r.rule_id = kw["id"] = rule_id
            if (set(rule_id) - _ID_CHARS or "." not in rule_id or rule_id.startswith(".")
                    or rule_id.endswith(".") or ".." in rule_id):
                r.fault(raw["id"], "id must be dotted lowercase words, e.g. 'en.newsletter-signup'")
    for key in ("kind", "category", "description", "order"):
        if key not in raw:
            r.fault(node, f"rule has no {key!r}")
    kind = r.attempt(r.string, raw["kind"], "kind") if "kind" in raw else _FAILED
    if kind is not _FAILED and kind not in _KIND_KEYS:
        r.fault(raw["kind"], f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
        kind = _FAILED
    kw["kind"] = kind
    # with an unknown kind, a key is unknown only when no kind allows it
    allowed = _COMMON_KEYS | (_KIND_KEYS[kind] if kind is not _FAILED
                              else set().union(*_KIND_KEYS.values()))
    for key_node, _ in node.value:
        if key_node.value not in allowed:
            what = f"a {kind} rule" if kind is not _FAILED else "a rule"
            r.fault(key_node, f"unknown key {key_node.value!r} for {what} "
                              f"(allowed: {', '.join(sorted(allowed))})")
    if "draft" in raw and r.attempt(r.boolean, raw["draft"], "draft") is True:
        r.fault(raw["draft"], "draft rule: review it, complete its keep examples "
                              "and remove 'draft: true'")
    category = r.attempt(r.string, raw["category"], "category") if "category" in raw else _FAILED
    if category is not _FAILED and category not in CATEGORIES:
        r.fault(raw["category"], f"unknown category {category!r} "
                                 f"(see 'boilerstrip rules categories')")
    kw["category"] = category
    if "language" in raw:
        kw["language"] = r.attempt(_language, r, raw["language"])
    if "description" in raw:
        kw["description"] = r.attempt(r.string, raw["description"], "description")
    if "order" in raw:
        kw["order"] = r.attempt(r.integer, raw["order"], "order")
    kw["enabled"] = (r.attempt(r.boolean, raw["enabled"], "enabled") if "enabled" in raw
                     else category not in OPT_IN_CATEGORIES)
    if "profiles" in raw:
        profiles = r.attempt(r.strings, raw["profiles"], "profiles")
        if profiles is not _FAILED:
            if not profiles or any(p not in PROFILES for p in profiles):
                r.fault(raw["profiles"], f"profiles must be some of {', '.join(PROFILES)}")
            kw["profiles"] = tuple(profiles)
    elif kind == "page-region":
        kw["profiles"] = ("page",)
    if kind is not _FAILED:
        _parse_kind_keys(r, raw, node, kind, kw)
    _parse_examples(r, raw, node, kw)
    if r.count() > before or _FAILED in kw.values():
        return None
    return Rule(**kw)


def _parse_kind_keys(r: _Reader, raw: dict[str, yaml.Node], node: yaml.Node, kind: str,
                     kw: dict[str, Any]) -> None:
    """The keys whose meaning depends on the rule's KIND (patterns, conditions...)."""
    if _PATTERN_KEYS & _KIND_KEYS[kind]:
        _parse_patterns(r, raw, node, kw)
    if "match" in raw:
        match = r.attempt(r.string, raw["match"], "match")
        if match is not _FAILED and match not in ("full", "search"):
            r.fault(raw["match"], "match must be 'full' or 'search'")
        kw["match"] = match
    elif kind == "inline":
        kw["match"] = "search"
    if "remove" in raw:
        remove = r.attempt(r.string, raw["remove"], "remove")
        if remove is not _FAILED and remove not in ("line", "match"):
            r.fault(raw["remove"], "remove must be 'line' or 'match'")
        kw["remove"] = remove
    if "when" in raw:
        kw["when"] = r.attempt(_conditions, r, raw["when"])
    if kind == "section":
        kw["section"] = r.attempt(_section, r, raw.get("section"))
    if "params" in raw:
        kw["params"] = r.attempt(_params, r, raw["params"], kind)


def _conditions(r: _Reader, node: yaml.Node) -> Conditions:
    w = r.mapping(node, "when", _WHEN_KEYS)
    cond: dict[str, Any] = {k: r.integer(w[k], f"when.{k}") for k in _WHEN_INT_KEYS if k in w}
    if "after_last_prose" in w:
        cond["after_last_prose"] = r.boolean(w["after_last_prose"], "when.after_last_prose")
    return Conditions(**cond)


def _section(r: _Reader, node: yaml.Node | None) -> SectionSpec:
    s = r.mapping(node, "section",
                  set(_SECTION_INT_KEYS) | set(_SECTION_BOOL_KEYS) | {"takes"}) \
        if node is not None else {}
    spec: dict[str, Any] = {k: r.integer(s[k], f"section.{k}") for k in _SECTION_INT_KEYS
                            if k in s}
    spec.update({k: r.boolean(s[k], f"section.{k}") for k in _SECTION_BOOL_KEYS if k in s})
    if "takes" in s:
        takes = r.string(s["takes"], "section.takes")
        if takes not in _SECTION_TAKES:
            raise r.fail(s["takes"], f"section.takes must be one of: {', '.join(_SECTION_TAKES)}")
        if "line_max_words" not in spec:  # a list item's length is the list's own limit
            raise r.fail(s["takes"], "section.takes: list needs section.line_max_words")
        spec["takes"] = takes
    if "subheading_max_words" in spec and spec.get("takes") != "list":
        raise r.fail(s["subheading_max_words"],
                     "section.subheading_max_words needs section.takes: list")
    return SectionSpec(**spec)


def _params(r: _Reader, node: yaml.Node, kind: str) -> tuple[tuple[str, Any], ...]:
    params = r.plain(node, "params")
    if not isinstance(params, dict):
        raise r.fail(node, "params must be a mapping")
    if kind == "normalisation":  # fail here, not in the middle of a clean() call
        from ..engine.normalise import ftfy_config

        try:
            ftfy_config(params)
        except (ValueError, TypeError) as exc:
            raise r.fail(node, f"invalid params: {exc}") from None
    return _freeze(params)


def _parse_examples(r: _Reader, raw: dict[str, yaml.Node], node: yaml.Node,
                    kw: dict[str, Any]) -> None:
    if "examples" not in raw:
        r.fault(node, f"rule has no examples (at least {MIN_EXAMPLES} to remove "
                      f"and {MIN_EXAMPLES} to keep)")
        kw["remove_examples"] = _FAILED
        return
    ex = r.attempt(r.mapping, raw["examples"], "examples", {"remove", "keep"})
    if ex is _FAILED:
        kw["remove_examples"] = _FAILED
        return
    for key in ("remove", "keep"):
        kw[f"{key}_examples"] = r.attempt(_examples, r, ex.get(key), f"examples.{key}",
                                          raw["examples"])


def _parse_patterns(r: _Reader, raw: dict[str, yaml.Node], node: yaml.Node,
                    kw: dict[str, Any]) -> None:
    """``pattern``/``patterns``, ``unless`` and ``flags``: read, compiled, checked."""
    if ("pattern" in raw) == ("patterns" in raw):
        r.fault(node, "give exactly one of 'pattern' or 'patterns'")
        kw["patterns"] = _FAILED
    else:
        pnode = raw.get("pattern") or raw["patterns"]
        kw["patterns"] = r.attempt(r.strings, pnode, "pattern")
        if kw["patterns"] == ():
            r.fault(pnode, "pattern list is empty")
    if "unless" in raw:
        kw["unless"] = r.attempt(r.strings, raw["unless"], "unless")
    if "flags" in raw:
        fnode = raw["flags"]
        flags = (r.attempt(r.strings, fnode, "flags")
                 if isinstance(fnode, yaml.SequenceNode) or fnode.value else ())
        if flags is not _FAILED:
            flags = tuple(f.lower() for f in flags)
            bad = [f for f in flags if f not in FLAGS]
            if bad:
                r.fault(fnode, f"unknown flag {bad[0]!r} (one of: {', '.join(FLAGS)})")
                flags = _FAILED
        kw["flags"] = flags
    if kw.get("flags") is not _FAILED:
        _check_patterns(r, raw, kw.get("flags", ("ignorecase",)))


def _examples(r: _Reader, node: yaml.Node | None, what: str, parent: yaml.Node,
              ) -> tuple[Example, ...]:
    items = r.sequence(node, what) if node is not None else []
    out = []
    for item in items:
        if isinstance(item, yaml.MappingNode):
            m = r.mapping(item, f"an item of {what}", {"text", "output", "language"})
            if "text" not in m:
                raise r.fail(item, f"an item of {what} has no 'text'")
            out.append(Example(r.string(m["text"], "text"),
                               r.string(m["output"], "output", allow_empty=True)
                               if "output" in m else None, _line(item),
                               _language(r, m["language"]) if "language" in m else ""))
        else:
            out.append(Example(r.string(item, f"an item of {what}"), None, _line(item)))
    if len(out) < MIN_EXAMPLES:
        raise r.fail(node if node is not None else parent,
                     f"{what} needs at least {MIN_EXAMPLES} examples (has {len(out)})")
    return tuple(out)


def _check_patterns(r: _Reader, raw: dict[str, yaml.Node], flags: tuple[str, ...]) -> None:
    """Each pattern is bounded, then compiled; a risky one is a warning."""
    from .patterns import compile_pattern  # local: keeps import light
    from .risk import check_bounds, risky_pattern

    for key in ("pattern", "patterns", "unless"):
        if key not in raw:
            continue
        nodes = [raw[key]] if isinstance(raw[key], yaml.ScalarNode) else raw[key].value
        for pnode in nodes:
            if not (isinstance(pnode, yaml.ScalarNode) and pnode.tag.endswith(":str")):
                continue  # reported by the string check
            too_big = check_bounds(pnode.value)  # before compiling: that could take gigabytes
            if too_big:
                r.fault(pnode, too_big)
                continue
            try:
                compile_pattern(pnode.value, flags)
            except Exception as exc:  # regex.error, ValueError, OverflowError...
                r.fault(pnode, f"invalid regex {pnode.value!r}: {exc}")
                continue
            warning = risky_pattern(pnode.value, flags)
            if warning:
                r.warnings.append(r.fail(pnode, warning))


# ----------------------------------------------------------------- files

def _compose(text: str, path: str) -> yaml.Node:
    """The YAML node tree of TEXT (composed only: no constructor runs)."""
    if len(text) > MAX_RULE_FILE_BYTES:
        raise RuleError(f"rule file larger than {MAX_RULE_FILE_BYTES} bytes", path=path)
    try:
        # libyaml's composer is ~15x faster than the pure-Python one; both only
        # compose nodes here (no constructor runs), so they are equally safe
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise RuleError(f"invalid YAML: {msg}", path=path, line=line) from None
    except yaml.reader.ReaderError as exc:  # a control character: named by its line
        line = text.count("\n", 0, exc.position) + 1
        raise RuleError(f"invalid YAML: control character #x{exc.character:04x} is not "
                        f"allowed", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise RuleError(f"invalid YAML: {exc}", path=path) from None
    except RecursionError:
        raise RuleError("invalid YAML: nesting too deep", path=path) from None
    except UnicodeError as exc:  # libyaml cannot encode a lone surrogate
        line = text.count("\n", 0, getattr(exc, "start", 0)) + 1
        raise RuleError("invalid YAML: not valid Unicode (lone surrogate)", path=path,
                        line=line) from None
    if root is None:
        raise RuleError("empty rule file (expected a mapping with a 'rules' list)", path=path,
                        line=1)
    return root


def _parse(text: str, reader: _Reader, pack: str) -> list[Rule]:
    """The valid rules of TEXT; faults are raised or recorded by READER."""
    path = reader.path
    root = _compose(text, path)
    _check_tree(root, path, _Budget(), faults=reader.faults)
    top = reader.mapping(root, "the rule file", {"rules", "language"})
    if "rules" not in top:
        raise RuleError("the rule file has no 'rules' list", path=path, line=_line(root))
    language = pack_language(pack)
    if "language" in top:
        language = reader.attempt(_language, reader, top["language"])
        if language is _FAILED:
            return []
    parsed = [_parse_rule(reader, n, pack, language)
              for n in reader.sequence(top["rules"], "rules")]
    return [rule for rule in parsed if rule is not None]


def pack_language(pack: str) -> str:
    """The language of a pack named after an ISO 639-1 code (``de``, ``en``...);
    "" (any language) for other packs (``core``, ``page``, ``my-rules``)."""
    return pack if len(pack) == 2 and pack.isascii() and pack.isalpha() and pack.islower() \
        else ""


def _language(r: _Reader, node: yaml.Node) -> str:
    """A rule file's ``language:``: an ISO 639-1 code, or ``any``."""
    value = r.string(node, "language")
    if value == "any":
        return ""
    if not pack_language(value):
        raise r.fail(node, "language must be a two-letter ISO 639-1 code (en, de...) or 'any'")
    return value


def parse_rule_set(text: str, path: str = "<string>", pack: str = "") -> RuleSet:
    """The validated rules of one rule file's YAML TEXT, with their warnings.

    Strict: the first fault is a :class:`RuleError`.
    """
    reader = _Reader(path)
    rules = _parse(text, reader, pack)
    check_unique(rules)
    return RuleSet(tuple(rules), tuple(reader.warnings))


def parse_rule_text(text: str, path: str = "<string>", pack: str = "") -> list[Rule]:
    """Parse the YAML text of one rule file into validated rules."""
    return list(parse_rule_set(text, path, pack).rules)


def _decode(data: bytes, path: str) -> str:
    if len(data) > MAX_RULE_FILE_BYTES:
        raise RuleError(f"rule file larger than {MAX_RULE_FILE_BYTES} bytes", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError(f"rule file is not UTF-8 (byte {exc.start})", path=path) from None


def _read_bytes(f: Path) -> bytes:
    try:
        return f.read_bytes()
    except OSError as exc:
        raise RuleError(f"cannot read rule file: {exc.strerror}", path=str(f)) from None


def _pack_of(path: Path, root: Path | None) -> str:
    if root is not None and path.parent != root:
        try:
            return path.parent.relative_to(root).parts[0]
        except ValueError:
            pass
    return path.parent.name


def rule_files(path: str | os.PathLike[str]) -> list[Path]:
    """The rule files of a file or a folder (``*.yml``/``*.yaml``, recursively, sorted)."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.suffix in (".yml", ".yaml") and f.is_file())
    if p.is_file():
        return [p]
    raise RuleError("no such rule file or folder", path=str(p))


def read_rule_set(path: str | os.PathLike[str], *, cache: bool = True,
                  shipped: Callable[[Path, bytes, str], RuleSet | None] | None = None,
                  ) -> RuleSet:
    """Every rule of a rule file or a folder of rule files, with their warnings.

    Strict: raises :class:`RuleError` on the first problem found. Rules come
    in file order; the engine sorts them by ``(order, id)``. With CACHE,
    validated rules are kept on disk (see :mod:`boilerstrip.rules.cache`)
    keyed by each file's content, so a changed file is always parsed and
    validated again. SHIPPED (the bundled rules' snapshot, ``snapshot.py``)
    answers first for the files it holds unchanged.
    """
    from . import cache as rulecache

    p = Path(path)
    root = p if p.is_dir() else None
    out = RuleSet()
    for f in rule_files(p):
        data = _read_bytes(f)
        pack = _pack_of(f, root)
        found = shipped(f, data, pack) if shipped is not None else None
        if found is None and cache:
            found = rulecache.get(f, data, pack)
        if found is None:
            found = parse_rule_set(_decode(data, str(f)), str(f), pack)
            if cache:
                rulecache.put(f, data, pack, found)
        out += found
    check_unique(out.rules)
    return out


def load_rules(path: str | os.PathLike[str], *, cache: bool = True) -> list[Rule]:
    """Load and validate every rule of a rule file or a folder of rule files
    (:func:`read_rule_set` without the warnings)."""
    return list(read_rule_set(path, cache=cache).rules)


_BUNDLED: RuleSet | None = None
_BUNDLED_LOCK = threading.Lock()


def bundled_rule_set() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _BUNDLED
    with _BUNDLED_LOCK:
        if _BUNDLED is None:
            d = bundled_rules_dir()
            if not d.is_dir():
                raise RuleError("bundled rules folder is missing", path=str(d))
            from .snapshot import lookup

            _BUNDLED = read_rule_set(d, shipped=lookup(d))
        return _BUNDLED


def load_rule_set(paths: Iterable[str | os.PathLike[str]] = (), *, default_rules: bool = True,
                  cache: bool = True) -> RuleSet:
    """The rules a cleaner runs: the bundled ones (with DEFAULT_RULES) and
    those of the rule files or folders PATHS, ids unique across all of them.

    The warnings are those of PATHS only: the bundled rules are checked when
    they are written (``boilerstrip rules validate`` shows theirs).
    """
    out = RuleSet(bundled_rule_set().rules) if default_rules else RuleSet()
    for path in paths:
        out += read_rule_set(path, cache=cache)
    check_unique(out.rules)
    return out


@dataclass(frozen=True)
class Validation:
    """What ``rules validate`` found: the valid rules, every fault, every warning."""

    rules: tuple[Rule, ...]
    faults: tuple[RuleError, ...]
    warnings: tuple[RuleError, ...]
    files: int


def validate_rule_files(paths: Iterable[str | os.PathLike[str]]) -> Validation:
    """Check every rule file of PATHS and report every fault, not only the first.

    A file that cannot be read or parsed as YAML is one fault; inside a file,
    every rule is checked and each of its faults reported (unknown keys,
    missing ones, broken regexes...); duplicate ids are reported across all
    files. Valid files go through the rule cache as :func:`read_rule_set`
    does.
    """
    from . import cache as rulecache

    rules: list[Rule] = []
    faults: list[RuleError] = []
    warnings: list[RuleError] = []
    files = 0
    for path in paths:
        try:
            found = rule_files(path)
        except RuleError as exc:
            faults.append(exc)
            continue
        root = Path(path) if Path(path).is_dir() else None
        for f in found:
            files += 1
            try:
                data = _read_bytes(f)
                text = _decode(data, str(f))
            except RuleError as exc:
                faults.append(exc)
                continue
            pack = _pack_of(f, root)
            cached = rulecache.get(f, data, pack)
            one = (Validation(cached.rules, (), cached.warnings, 1) if cached is not None
                   else validate_rule_text(text, str(f), pack))
            rules.extend(one.rules)
            warnings.extend(one.warnings)
            faults.extend(one.faults)
            if cached is None and not one.faults:
                rulecache.put(f, data, pack, RuleSet(one.rules, one.warnings))
    reported = {str(f) for f in faults}  # a file's own duplicates are in already
    faults.extend(f for f in _unique_faults(rules) if str(f) not in reported)
    return Validation(tuple(rules), tuple(faults), tuple(warnings), files)


def validate_rule_text(text: str, path: str = "<string>", pack: str = "") -> Validation:
    """Every fault of one rule file's YAML TEXT (see :func:`validate_rule_files`);
    the first is the one strict loading raises."""
    reader = _Reader(path, collect=True)
    try:
        rules = _parse(text, reader, pack)
    except RuleError as exc:  # the file as a whole: YAML, size, shape
        reader.record(exc)
        rules = []
    faults = [*(reader.faults or ()), *_unique_faults(rules)]
    return Validation(tuple(rules), tuple(faults), tuple(reader.warnings), 1)


def _unique_faults(rules: Iterable[Rule]) -> list[RuleError]:
    """One fault per rule whose id an earlier rule already has."""
    seen: dict[str, Rule] = {}
    out = []
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            out.append(rule.error(f"duplicate rule id (first defined at "
                                  f"{first.source}:{first.line})"))
        else:
            seen[rule.id] = rule
    return out


def check_unique(rules: Iterable[Rule]) -> None:
    """Raise RuleError when two rules share an id."""
    for fault in _unique_faults(rules):
        raise fault


def bundled_rules_dir() -> Path:
    """The folder of the rules shipped with boilerstrip.

    In an installed package they live in ``boilerstrip/_rules``; in a source
    checkout (editable install) they are the top-level ``rules/`` folder.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "_rules"
    if installed.is_dir():
        return installed
    return package.parent.parent / "rules"


def selector_matches(selector: str, rule: Rule) -> bool:
    """Whether ``--ignore``/``--select`` value SELECTOR names RULE.

    A selector is a category, a rule id, or a dotted id prefix (``en`` or
    ``en.newsletter``) that names a pack or a group of rules.
    """
    return (selector == rule.category or selector == rule.id
            or rule.id.startswith(selector + ".") or selector == rule.pack)


def check_selectors(options: Any, rules: Iterable[Rule],
                    origin: Callable[[str], str] = str) -> None:
    """Refuse an ignore, select or enable value of OPTIONS that names nothing
    in RULES (all the rules loaded): a typo would silently leave a rule
    running, or (select) run none. ORIGIN names an option in the message (the
    command line: its flag or the configuration file and key)."""
    from ..errors import ConfigError

    rules = tuple(rules)
    for name in ("ignore", "select", "enable"):
        unknown = unknown_selectors(getattr(options, name), rules)
        if unknown:
            raise ConfigError(f"{origin(name)}: no rule, category or pack is named "
                              f"{', '.join(map(repr, unknown))} (see 'boilerstrip rules "
                              f"categories' and 'boilerstrip rules list')")


def unknown_selectors(selectors: Iterable[str], rules: Iterable[Rule]) -> list[str]:
    """The SELECTORS that name no category (of the vocabulary, used or not)
    and no rule, id prefix or pack of RULES: a typo in ``--ignore`` would
    otherwise leave the rule running, and one in ``--select`` run nothing."""
    wanted = [s for s in selectors if s not in CATEGORIES]
    if not wanted:
        return []
    known: set[str] = set()
    for rule in rules:
        known.add(rule.pack)
        parts = rule.id.split(".")
        known.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return [s for s in wanted if s not in known]
