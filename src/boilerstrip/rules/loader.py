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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .categories import CATEGORIES, OPT_IN_CATEGORIES
from ..errors import RuleError

#: Rule kinds and what they act on. Page kinds are documented in ``docs/rules.md``.
KINDS = (
    "normalisation",     # ftfy repairs, recorded as replacements
    "page-region",       # page profile: find the article's region in a full web page
    "comment-thread",    # a run of reader comment records at the end, found by shape
    "section",           # a header line and the list-like lines below it
    "block",             # a whole blank-line-separated paragraph
    "line",              # a whole line
    "inline",            # a span inside a line
    "leading-fragment",  # the first non-blank line, when it is a cut-off remain
    "trailing-fragment", # the last non-blank line, when it is a cut-off remain
)
PROFILES = ("article", "page")
FLAGS = ("ignorecase", "verbose", "dotall", "ascii", "fullcase")

MAX_RULE_FILE_BYTES = 2_000_000
# libyaml's composer is ~15x faster than the pure-Python one; both only compose
# nodes here (no constructor runs), so they are equally safe.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000
MAX_DEPTH = 20
MIN_EXAMPLES = 2

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "bool", "null", "float", "seq", "map")
}
_COMMON_KEYS = {
    "id", "category", "kind", "description", "order", "enabled", "profiles", "examples",
    "draft", "notes",
}
_PATTERN_KEYS = {"pattern", "patterns", "unless", "flags"}
_KIND_KEYS: dict[str, set[str]] = {
    "normalisation": {"params"},
    "page-region": {"params"},
    "comment-thread": {"params"},
    "line": _PATTERN_KEYS | {"match", "when"},
    "block": _PATTERN_KEYS | {"match", "when"},
    "inline": _PATTERN_KEYS,  # spans inside a line: no line-level conditions
    "section": _PATTERN_KEYS | {"match", "when", "section"},
    "leading-fragment": _PATTERN_KEYS | {"match", "when", "remove"},
    "trailing-fragment": _PATTERN_KEYS | {"match", "when", "remove"},
}
_WHEN_INT_KEYS = ("max_words", "min_words", "max_chars", "first_lines", "last_lines",
                  "not_first_lines", "prose_min_words")
_WHEN_KEYS = set(_WHEN_INT_KEYS) | {"after_last_prose"}
_SECTION_INT_KEYS = ("max_lines", "line_max_words", "line_max_chars", "prose_min_words",
                     "min_lines", "line_min_words", "max_subheadings")
_SECTION_BOOL_KEYS = ("stop_at_prose", "require_end", "include_header", "stop_at_headers")


@dataclass(frozen=True)
class Conditions:
    """When a line/block/section-header rule may fire (all given conditions must hold).

    Word counts are whitespace-separated tokens. ``first_lines``/``last_lines``
    count non-blank lines of the text as the rule sees it (``not_first_lines``: not
    within the first N of them); ``after_last_prose``
    requires the candidate to come after the last prose paragraph (a paragraph of
    at least ``prose_min_words`` words that ends like a sentence).
    """

    max_words: int | None = None
    min_words: int | None = None
    max_chars: int | None = None
    first_lines: int | None = None
    last_lines: int | None = None
    not_first_lines: int | None = None
    after_last_prose: bool = False
    prose_min_words: int = 25


@dataclass(frozen=True)
class SectionSpec:
    """How far a ``section`` rule's region reaches below its header line."""

    max_lines: int = 40
    line_max_words: int | None = None
    line_min_words: int | None = None  # a shorter line ends the region (e.g. a subheading)
    line_max_chars: int | None = None
    stop_at_prose: bool = True
    prose_min_words: int = 20
    require_end: bool = False
    include_header: bool = True
    min_lines: int = 0
    # a line that heads another section rule's region ends this one (a tag
    # list must not swallow the header of the related list below it)
    stop_at_headers: bool = False
    # a region holding more subheadings than this (a short unpunctuated line, then
    # a prose paragraph) is the rest of the article, not a section: its header was
    # one of the article's own subheadings ("Comment" above "Briefing", "Access"...)
    max_subheadings: int | None = None


@dataclass(frozen=True)
class Example:
    """One example of a rule: ``text`` and, optionally, the exact expected ``output``."""

    text: str
    output: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """One validated rule. Immutable and picklable."""

    id: str
    category: str
    kind: str
    description: str
    order: int
    patterns: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    flags: tuple[str, ...] = ("ignorecase",)
    match: str = "full"
    when: Conditions = field(default_factory=Conditions)
    section: SectionSpec | None = None
    remove: str = "line"
    params: tuple[tuple[str, Any], ...] = ()
    remove_examples: tuple[Example, ...] = ()
    keep_examples: tuple[Example, ...] = ()
    enabled: bool = True
    profiles: tuple[str, ...] = PROFILES
    pack: str = ""
    source: str = ""
    line: int | None = None

    @property
    def param_dict(self) -> dict[str, Any]:
        return dict(self.params)

    def sort_key(self) -> tuple[int, str]:
        """Rules run in ascending ``order``; ties are broken by id."""
        return (self.order, self.id)

    def error(self, message: str, line: int | None = None) -> RuleError:
        return RuleError(message, path=self.source or None, line=line or self.line, rule_id=self.id)


# ----------------------------------------------------------------- YAML nodes

class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_tree(node: yaml.Node, path: str, budget: _Budget, depth: int = 0) -> None:
    """Refuse tags that build objects, too-deep nesting and alias bombs."""
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise RuleError(f"rule file too large or alias expansion over {MAX_NODES} nodes",
                        path=path, line=_line(node))
    if depth > MAX_DEPTH:
        raise RuleError(f"nesting deeper than {MAX_DEPTH} levels", path=path, line=_line(node))
    if node.tag not in _ALLOWED_TAGS:
        raise RuleError(f"YAML tag {node.tag!r} is not allowed in rule files", path=path,
                        line=_line(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _check_tree(key, path, budget, depth + 1)
            _check_tree(value, path, budget, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_tree(item, path, budget, depth + 1)


class _Reader:
    """Typed access to YAML nodes that raises RuleError with file, line and rule id."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rule_id: str | None = None

    def fail(self, node: yaml.Node | None, message: str) -> RuleError:
        return RuleError(message, path=self.path, line=_line(node) if node is not None else None,
                         rule_id=self.rule_id)

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
    return tuple((k, _tuplify(v)) for k, v in value.items())


def _tuplify(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_tuplify(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuplify(v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------- rules

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def _parse_rule(r: _Reader, node: yaml.Node, pack: str) -> Rule:
    r.rule_id = None
    if isinstance(node, yaml.MappingNode):  # name the rule in errors found before its id
        r.rule_id = next((v.value for k, v in node.value if isinstance(k, yaml.ScalarNode)
                          and k.value == "id" and isinstance(v, yaml.ScalarNode)), None)
    raw = r.mapping(node, "a rule")
    if "id" not in raw:
        raise r.fail(node, "rule has no 'id'")
    rule_id = r.string(raw["id"], "id")
    r.rule_id = rule_id
    if (set(rule_id) - _ID_CHARS or "." not in rule_id or rule_id.startswith(".")
            or rule_id.endswith(".") or ".." in rule_id):
        raise r.fail(raw["id"], "id must be dotted lowercase words, e.g. 'en.newsletter-signup'")
    for key in ("kind", "category", "description", "order"):
        if key not in raw:
            raise r.fail(node, f"rule has no {key!r}")
    kind = r.string(raw["kind"], "kind")
    if kind not in _KIND_KEYS:
        raise r.fail(raw["kind"], f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    allowed = _COMMON_KEYS | _KIND_KEYS[kind]
    for key_node, _ in node.value:
        if key_node.value not in allowed:
            raise r.fail(key_node, f"unknown key {key_node.value!r} for a {kind} rule "
                                   f"(allowed: {', '.join(sorted(allowed))})")
    if "draft" in raw and r.boolean(raw["draft"], "draft"):
        raise r.fail(raw["draft"], "draft rule: review it, complete its keep examples "
                                   "and remove 'draft: true'")
    category = r.string(raw["category"], "category")
    if category not in CATEGORIES:
        raise r.fail(raw["category"], f"unknown category {category!r} "
                                      f"(see 'boilerstrip rules categories')")
    kw: dict[str, Any] = dict(
        id=rule_id, kind=kind, category=category, pack=pack,
        description=r.string(raw["description"], "description"),
        order=r.integer(raw["order"], "order"),
        source=r.path, line=_line(node),
        enabled=(r.boolean(raw["enabled"], "enabled") if "enabled" in raw
                 else category not in OPT_IN_CATEGORIES),
    )
    if "profiles" in raw:
        profiles = r.strings(raw["profiles"], "profiles")
        bad = [p for p in profiles if p not in PROFILES]
        if bad or not profiles:
            raise r.fail(raw["profiles"], f"profiles must be some of {', '.join(PROFILES)}")
        kw["profiles"] = tuple(profiles)
    elif kind == "page-region":
        kw["profiles"] = ("page",)

    if _PATTERN_KEYS & _KIND_KEYS[kind]:
        if ("pattern" in raw) == ("patterns" in raw):
            raise r.fail(node, "give exactly one of 'pattern' or 'patterns'")
        pnode = raw.get("pattern") or raw["patterns"]
        kw["patterns"] = r.strings(pnode, "pattern")
        if not kw["patterns"]:
            raise r.fail(pnode, "pattern list is empty")
        if "unless" in raw:
            kw["unless"] = r.strings(raw["unless"], "unless")
        if "flags" in raw:
            flags = tuple(f.lower() for f in r.strings(raw["flags"], "flags")) \
                if isinstance(raw["flags"], yaml.SequenceNode) or raw["flags"].value else ()
            bad = [f for f in flags if f not in FLAGS]
            if bad:
                raise r.fail(raw["flags"], f"unknown flag {bad[0]!r} (one of: {', '.join(FLAGS)})")
            kw["flags"] = flags
        _check_patterns(r, raw, kw)
    if "match" in raw:
        match = r.string(raw["match"], "match")
        if match not in ("full", "search"):
            raise r.fail(raw["match"], "match must be 'full' or 'search'")
        kw["match"] = match
    elif kind == "inline":
        kw["match"] = "search"
    if "remove" in raw:
        remove = r.string(raw["remove"], "remove")
        if remove not in ("line", "match"):
            raise r.fail(raw["remove"], "remove must be 'line' or 'match'")
        kw["remove"] = remove
    if "when" in raw:
        w = r.mapping(raw["when"], "when", _WHEN_KEYS)
        cond: dict[str, Any] = {k: r.integer(w[k], f"when.{k}") for k in _WHEN_INT_KEYS if k in w}
        if "after_last_prose" in w:
            cond["after_last_prose"] = r.boolean(w["after_last_prose"], "when.after_last_prose")
        kw["when"] = Conditions(**cond)
    if kind == "section":
        s = r.mapping(raw["section"], "section",
                      set(_SECTION_INT_KEYS) | set(_SECTION_BOOL_KEYS)) if "section" in raw else {}
        spec: dict[str, Any] = {k: r.integer(s[k], f"section.{k}") for k in _SECTION_INT_KEYS
                                if k in s}
        spec.update({k: r.boolean(s[k], f"section.{k}") for k in _SECTION_BOOL_KEYS if k in s})
        kw["section"] = SectionSpec(**spec)
    if "params" in raw:
        params = r.plain(raw["params"], "params")
        if not isinstance(params, dict):
            raise r.fail(raw["params"], "params must be a mapping")
        if kind == "normalisation":  # fail here, not in the middle of a clean() call
            from ..engine.normalise import ftfy_config

            try:
                ftfy_config(params)
            except (ValueError, TypeError) as exc:
                raise r.fail(raw["params"], f"invalid params: {exc}") from None
        kw["params"] = _freeze(params)

    if "examples" not in raw:
        raise r.fail(node, f"rule has no examples (at least {MIN_EXAMPLES} to remove "
                           f"and {MIN_EXAMPLES} to keep)")
    ex = r.mapping(raw["examples"], "examples", {"remove", "keep"})
    kw["remove_examples"] = _examples(r, ex.get("remove"), "examples.remove", raw["examples"])
    kw["keep_examples"] = _examples(r, ex.get("keep"), "examples.keep", raw["examples"])
    return Rule(**kw)


def _examples(r: _Reader, node: yaml.Node | None, what: str, parent: yaml.Node,
              ) -> tuple[Example, ...]:
    items = r.sequence(node, what) if node is not None else []
    out = []
    for item in items:
        if isinstance(item, yaml.MappingNode):
            m = r.mapping(item, f"an item of {what}", {"text", "output"})
            if "text" not in m:
                raise r.fail(item, f"an item of {what} has no 'text'")
            out.append(Example(r.string(m["text"], "text"),
                               r.string(m["output"], "output", allow_empty=True)
                               if "output" in m else None, _line(item)))
        else:
            out.append(Example(r.string(item, f"an item of {what}"), None, _line(item)))
    if len(out) < MIN_EXAMPLES:
        raise r.fail(node if node is not None else parent,
                     f"{what} needs at least {MIN_EXAMPLES} examples (has {len(out)})")
    return tuple(out)


def _check_patterns(r: _Reader, raw: dict[str, yaml.Node], kw: dict[str, Any]) -> None:
    from .patterns import compile_pattern, risky_pattern  # local: keeps import light

    for key in ("pattern", "patterns", "unless"):
        if key not in raw:
            continue
        nodes = [raw[key]] if isinstance(raw[key], yaml.ScalarNode) else raw[key].value
        for pnode in nodes:
            try:
                compile_pattern(pnode.value, kw.get("flags", ("ignorecase",)))
            except Exception as exc:  # regex.error, ValueError, OverflowError...
                raise r.fail(pnode, f"invalid regex {pnode.value!r}: {exc}") from None
            warning = risky_pattern(pnode.value)
            if warning:
                _WARNINGS.append(RuleError(warning, path=r.path, line=_line(pnode),
                                           rule_id=r.rule_id))


#: Non-fatal findings of the last load (nested quantifiers...), for ``rules validate``.
_WARNINGS: list[RuleError] = []


def take_warnings() -> list[RuleError]:
    """Return and clear the warnings collected while loading rule files."""
    out = list(_WARNINGS)
    _WARNINGS.clear()
    return out


# ----------------------------------------------------------------- files

def parse_rule_text(text: str, path: str = "<string>", pack: str = "") -> list[Rule]:
    """Parse the YAML text of one rule file into validated rules."""
    if len(text) > MAX_RULE_FILE_BYTES:
        raise RuleError(f"rule file larger than {MAX_RULE_FILE_BYTES} bytes", path=path)
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise RuleError(f"invalid YAML: {msg}", path=path, line=line) from None
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
    _check_tree(root, path, _Budget())
    reader = _Reader(path)
    top = reader.mapping(root, "the rule file", {"rules"})
    if "rules" not in top:
        raise RuleError("the rule file has no 'rules' list", path=path, line=_line(root))
    rules = [_parse_rule(reader, n, pack) for n in reader.sequence(top["rules"], "rules")]
    check_unique(rules)
    return rules


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


def load_rules(path: str | os.PathLike[str], *, cache: bool = True) -> list[Rule]:
    """Load and validate every rule of a rule file or a folder of rule files.

    Raises :class:`RuleError` on the first problem found. Rules are returned in
    file order; the engine sorts them by ``(order, id)``. With CACHE, validated
    rules are kept on disk (see :mod:`boilerstrip.rules.cache`) keyed by each
    file's content, so a changed file is always parsed and validated again.
    """
    from . import cache as rulecache

    p = Path(path)
    root = p if p.is_dir() else None
    rules: list[Rule] = []
    for f in rule_files(p):
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise RuleError(f"cannot read rule file: {exc.strerror}", path=str(f)) from None
        pack = _pack_of(f, root)
        cached = rulecache.get(f, data, pack) if cache else None
        if cached is not None:
            rules.extend(cached)
            continue
        if len(data) > MAX_RULE_FILE_BYTES:
            raise RuleError(f"rule file larger than {MAX_RULE_FILE_BYTES} bytes", path=str(f))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RuleError(f"rule file is not UTF-8 (byte {exc.start})", path=str(f)) from None
        before = len(_WARNINGS)
        parsed = parse_rule_text(text, str(f), pack)
        if cache:
            rulecache.put(f, data, pack, parsed, _WARNINGS[before:])
        rules.extend(parsed)
    check_unique(rules)
    return rules


def check_unique(rules: Iterable[Rule]) -> None:
    """Raise RuleError when two rules share an id."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            raise rule.error(f"duplicate rule id (first defined at {first.source}:{first.line})")
        seen[rule.id] = rule


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
