"""``[tool.boilerstrip]`` configuration, found the way black finds its own.

Discovery starts at the common folder of the paths given on the command line
(the current folder for stdin) and walks up until a folder holds ``.git``,
``.hg`` or a ``pyproject.toml`` with a ``[tool.boilerstrip]`` table; the
``pyproject.toml`` of that folder (if any) is the configuration. ``--config
FILE`` names the file instead (a ``pyproject.toml``, or any TOML file whose
top level holds the keys).

Keys are the long option names without the dashes (``max-removed-share``;
underscores are accepted too). Paths in ``rules`` are relative to the folder of
the configuration file. Command-line flags always win over the file; a
list-valued flag (``--ignore``) replaces the file's list, it does not extend it.
Unknown keys and wrong types are errors, so a typo never goes unnoticed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import ConfigError

_LIST = "list of strings"
_STR = "string"
_BOOL = "boolean"
_INT = "integer"
_FLOAT = "number"
#: option metadata "config" -> the type named in error messages
_TYPES = {"list": _LIST, "string": _STR, "boolean": _BOOL, "integer": _INT, "number": _FLOAT}


def config_keys() -> dict[str, tuple[str, tuple[str, ...] | None]]:
    """key -> (type, allowed values or None), from the fields of
    :class:`~boilerstrip.options.Options` and
    :class:`~boilerstrip.pipeline.options.RunOptions` that have a config type.
    Keys are the command-line parameter names (``no_default_rules``)."""
    return {key: (kind, choices) for key, (kind, choices, _bounds) in _key_specs().items()}


def _key_specs() -> dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any] | None]]:
    """key -> (type, allowed values or None, bounds of a number or None)."""
    from .options import key_of, option_fields
    from .pipeline.options import run_option_fields

    return {key_of(f): (_TYPES[f.metadata["config"]], f.metadata["choices"],
                        f.metadata["bounds"])
            for f in (*option_fields(), *run_option_fields()) if f.metadata["config"]}


def _tool_table(data: dict[str, Any]) -> Any:
    """``[tool.boilerstrip]`` of a TOML document, or None; ``tool`` that is
    not a table (``tool = 3``) holds none."""
    tool = data.get("tool")
    return tool.get("boilerstrip") if isinstance(tool, dict) else None


@dataclass
class Config:
    """Settings read from a configuration file (empty when there is none)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: key -> how the file spells it (``max-removed-share``), for messages
    spelled: dict[str, str] = field(default_factory=dict)

    def where(self, key: str) -> str:
        """How an error about KEY names its origin: the file and the key as
        written there (``pyproject.toml: [tool.boilerstrip] ignore``)."""
        return f"{self.path}: [tool.boilerstrip] {self.spelled.get(key, key)}"


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ConfigError(f"{path}: reading TOML needs Python 3.11+ or the 'tomli' "
                              f"package") from None
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def find_project_root(paths: Iterable[str | os.PathLike[str]]) -> Path:
    """The folder where configuration lookup stops (black's rule).

    The common base of PATHS, walked up to the first folder holding ``.git``,
    ``.hg`` or a ``pyproject.toml`` with ``[tool.boilerstrip]``; the filesystem
    root when none does.
    """
    absolute = [Path(p).absolute() for p in paths if str(p) != "-"] or [Path.cwd()]
    try:
        base = Path(os.path.commonpath([str(p) for p in absolute]))
    except ValueError:  # different drives
        base = Path.cwd()
    if not base.is_dir():
        base = base.parent
    for folder in (base, *base.parents):
        if (folder / ".git").exists() or (folder / ".hg").is_dir():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = _load_toml(pyproject)
            except ConfigError:
                return folder  # a broken file still marks the root; reading it reports it
            if _tool_table(data) is not None:
                return folder
    return Path(base.anchor or base)


def find_config(paths: Iterable[str | os.PathLike[str]]) -> Path | None:
    """The ``pyproject.toml`` holding the configuration for PATHS, if any."""
    pyproject = find_project_root(paths) / "pyproject.toml"
    return pyproject if pyproject.is_file() else None


def load_config(path: str | os.PathLike[str] | None, explicit: bool = False) -> Config:
    """Read and validate the configuration at PATH (``None``: no configuration).

    With EXPLICIT (``--config``), a file without a ``[tool.boilerstrip]`` table
    is read from its top level; otherwise such a file holds no configuration.
    """
    if path is None:
        return Config()
    p = Path(path)
    data = _load_toml(p)
    table = _tool_table(data)
    if table is None:
        if not explicit:
            return Config(p, {})
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: [tool.boilerstrip] must be a table")
    spelled: dict[str, str] = {}
    return Config(p, _validate(table, p, spelled), spelled)


def _validate(table: dict[str, Any], path: Path, spelled: dict[str, str]) -> dict[str, Any]:
    """The values of TABLE by key; SPELLED gets each key's spelling in the file."""
    out: dict[str, Any] = {}
    keys = _key_specs()
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in keys:
            known = ", ".join(k.replace("_", "-") for k in keys)
            raise ConfigError(f"{path}: [tool.boilerstrip]: unknown key {raw_key!r} "
                              f"(known keys: {known})")
        if key in spelled:  # TOML allows both spellings; which one wins would be a guess
            raise ConfigError(f"{path}: [tool.boilerstrip]: {raw_key!r} and "
                              f"{spelled[key]!r} are the same key")
        spelled[key] = raw_key
        kind, choices, bounds = keys[key]
        where = f"{path}: [tool.boilerstrip] {raw_key}"
        if kind == _LIST:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: expected a {_LIST}")
        elif kind == _BOOL:
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: expected true or false")
        elif kind == _INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{where}: expected an {_INT}")
        elif kind == _FLOAT:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}: expected a {_FLOAT}")
            value = float(value)
        elif not isinstance(value, str):
            raise ConfigError(f"{where}: expected a {_STR}")
        if choices is not None and value not in choices:
            raise ConfigError(f"{where}: {value!r} is not one of {', '.join(choices)}")
        if bounds and not _within(value, bounds):
            raise ConfigError(f"{where}: {value!r} is out of range ({_range_text(bounds)})")
        _check_value(key, value, where)
        if key == "rules":
            # Relative rule paths are relative to the configuration file.
            value = [str((path.parent / v)) if not os.path.isabs(v) else v for v in value]
            _inside_project(value, path, where)
            _rule_paths_exist(table[raw_key] if isinstance(table[raw_key], list)
                              else [table[raw_key]], value, where)
        out[key] = value
    return out


def _within(value: float, bounds: dict[str, Any]) -> bool:
    """Whether VALUE lies in BOUNDS (the option's ``min``/``max``, open or closed);
    NaN lies nowhere."""
    low, high = bounds.get("min"), bounds.get("max")
    if value != value:  # NaN
        return False
    if low is not None and (value <= low if bounds.get("min_open") else value < low):
        return False
    return not (high is not None and (value >= high if bounds.get("max_open") else value > high))


def _range_text(bounds: dict[str, Any]) -> str:
    parts = []
    if bounds.get("min") is not None:
        parts.append(f"{'above' if bounds.get('min_open') else 'at least'} {bounds['min']}")
    if bounds.get("max") is not None:
        parts.append(f"{'below' if bounds.get('max_open') else 'at most'} {bounds['max']}")
    return " and ".join(parts)


def _check_value(key: str, value: Any, where: str) -> None:
    """The checks a value gets beyond its type and range, done here so that
    the error names the file and key: a cleaning option as the cleaner checks
    it (``language``), a report format as the report writer knows them."""
    from .options import Options

    if key in Options.names():
        try:
            Options(**{key: value})
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    elif key == "report_format":
        from .reports.writers import REPORT_FORMATS

        if value not in REPORT_FORMATS:
            raise ConfigError(f"{where}: {value!r} is not one of "
                              f"{', '.join(sorted(REPORT_FORMATS))}")


def _rule_paths_exist(written: list[str], resolved: list[str], where: str) -> None:
    """Refuse a rule path that leads nowhere here, where the error can name the
    file and the key (the loader only knows the path)."""
    for shown_path, rule_path in zip(written, resolved):
        problem = rule_path_problem(rule_path)
        if problem:
            raise ConfigError(f"{where}: {problem}: {shown_path}")


def rule_path_problem(path: str) -> str | None:
    """Why PATH, given as rules, would load no rule (None: it would): it
    does not exist, or it is a folder without a rule file, which would run
    as if the user's rules were there and found nothing to do."""
    if not os.path.exists(path):
        return "no such rule file or folder"
    if os.path.isdir(path):
        from .rules.loader import rule_files

        if not rule_files(path):
            return "no rule file (*.yml, *.yaml) in the folder"
    return None


def _inside_project(rule_paths: list[str], config: Path, where: str) -> None:
    """Refuse rule paths of a configuration file that lead out of its folder.

    A configuration comes with a checkout, which may be someone else's: its
    rule paths must not make a run read ``~/.ssh/id_rsa`` and echo a line of
    it in a rule error (in a CI log). A rule file elsewhere is named with
    ``--rules`` on the command line.
    """
    root = Path(os.path.realpath(config.parent))
    for rule_path in rule_paths:
        real = Path(os.path.realpath(rule_path))
        if real != root and root not in real.parents:
            raise ConfigError(f"{where}: {rule_path} is outside the folder of {config.name} "
                              f"({root}); a rule file elsewhere goes in --rules")
