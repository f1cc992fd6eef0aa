"""The cleaning options, as one frozen value (black's ``Mode``).

:class:`Options` says *what* a :class:`~boilerstrip.engine.Cleaner` does: which
rules, which profile, which limits. It is the one definition that the Python
API, pickling for worker processes, ``[tool.boilerstrip]`` in pyproject.toml,
the command-line flags and the datatrove step are all built from, so a new
option is added here once and reaches every one of them.

    >>> Options(profile="page").profile
    'page'
    >>> Options(ignore=["social-share"]).ignore
    ('social-share',)
    >>> Options(max_removed_share=0.5).removed_share_limit
    0.5
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from .errors import ConfigError
from .rules.loader import pack_language
from .rules.model import PROFILES  # a rule names the profiles it runs in

#: Time limit of one regex call, in seconds: a hostile or unlucky pattern
#: cannot stall a run, it is skipped for that document and reported.
DEFAULT_TIMEOUT = 0.5
#: The longest time limit, in seconds: the regex module counts it in a fixed-size
#: integer, and a limit past some 10**12 s (``inf``) makes every call time out at once.
MAX_TIMEOUT = 86_400

#: Over-cleaning guard: the largest share of a document's words a profile may
#: remove before the document is left unchanged and reported as ``guarded``.
#: Chosen from the benchmarks (bench/quality.py prints what the guard changes).
DEFAULT_MAX_REMOVED_SHARE = {"article": 0.8, "page": 0.97}


def option(default: Any, help: str, *, config: str | None, flag: str | None = None,
           short: str | None = None, metavar: str | None = None,
           choices: tuple[str, ...] | None = None, bounds: dict[str, Any] | None = None,
           show_default: bool = False, folder: bool = False) -> Any:
    """A field with what the command line and the config file need to know about it.

    CONFIG is its type in ``[tool.boilerstrip]`` ("list", "string", "boolean",
    "integer", "number"; None: not a configuration key); FLAG its command-line
    flag when that is not ``--NAME`` (``--no-NAME`` for a boolean that defaults
    to true), SHORT a one-letter alias; BOUNDS the allowed range of a number
    (``min``, ``max``, ``min_open``, ``max_open``); FOLDER marks a path that
    must not be a file.
    """
    meta = {"help": help, "config": config, "flag": flag, "short": short, "metavar": metavar,
            "choices": choices, "bounds": bounds, "show_default": show_default,
            "folder": folder}
    return field(default=default, metadata=meta)


def flag_of(f: dataclasses.Field) -> str:
    """The command-line flag of an option field (``--max-removed-share``)."""
    return f.metadata["flag"] or "--" + f.name.replace("_", "-")


def key_of(f: dataclasses.Field) -> str:
    """The option's name on the command line and in ``[tool.boilerstrip]``:
    its flag without dashes (``no_default_rules`` for ``default_rules``)."""
    return flag_of(f).lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Options:
    """What a cleaner does; immutable, hashable and picklable.

    Sequences are stored as tuples (lists given to the constructor are turned
    into tuples), so two equal option sets hash alike and a cache can key on them.
    """

    profile: str = option(
        "article", "article: extracted article text; page: the text of a whole web page.",
        config="string", choices=PROFILES, show_default=True)
    rules: tuple[str, ...] = option(
        (), "Extra rule file or folder (repeatable).", config="list", metavar="PATH")
    default_rules: bool = option(
        True, "Do not load the bundled rules.", config="boolean", flag="--no-default-rules")
    ignore: tuple[str, ...] = option(
        (), "Do not run these rules (repeatable).", config="list", metavar="ID|CATEGORY|PACK")
    select: tuple[str, ...] = option(
        (), "Run only these rules (repeatable).", config="list", metavar="ID|CATEGORY|PACK")
    enable: tuple[str, ...] = option(
        (), "Switch on opt-in rules, e.g. 'headline' (repeatable).", config="list",
        metavar="ID|CATEGORY")
    timeout: float = option(
        DEFAULT_TIMEOUT, f"Time limit of one regex call (default {DEFAULT_TIMEOUT}).",
        config="number", metavar="SECONDS",
        bounds={"min": 0, "min_open": True, "max": MAX_TIMEOUT})
    max_removed_share: float | None = option(
        None, "Over-cleaning guard: largest share of a document's words the rules may remove "
              "(default: " + ", ".join(f"{k} {v}" for k, v in DEFAULT_MAX_REMOVED_SHARE.items())
              + ").", config="number", metavar="SHARE",
        bounds={"min": 0, "max": 1, "min_open": True})
    allow_large_removals: bool = option(
        False, "Turn the over-cleaning guard off.", config="boolean")
    language: str = option(
        "auto", "Which language packs run: auto (those of the languages detected in the "
                "document; all of them when it is too short to tell), any (all of them), "
                "or a language code (that pack, and those auto runs everywhere: en).",
        config="string", metavar="auto|any|CODE",
        show_default=True)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata["config"] == "list":
                if isinstance(value, (str, os.PathLike)):
                    value = (value,)
                object.__setattr__(self, f.name, tuple(os.fspath(v) for v in value))
        if self.profile not in PROFILES:
            raise ConfigError(f"unknown profile {self.profile!r} (one of: {', '.join(PROFILES)})",
                              "profile")
        if self.timeout is None:
            object.__setattr__(self, "timeout", DEFAULT_TIMEOUT)
        if not (isinstance(self.timeout, (int, float)) and 0 < self.timeout <= MAX_TIMEOUT):
            raise ConfigError(f"timeout must be a number of seconds above 0 and at most "
                              f"{MAX_TIMEOUT:g}", "timeout")
        if not (self.language in ("auto", "any")
                or isinstance(self.language, str) and pack_language(self.language)):
            raise ConfigError(f"language must be auto, any or a two-letter code, "
                              f"not {self.language!r}", "language")
        share = self.max_removed_share
        if share is not None and not (isinstance(share, (int, float)) and 0.0 < share <= 1.0):
            raise ConfigError("max_removed_share must be in (0, 1]", "max_removed_share")

    @property
    def removed_share_limit(self) -> float:
        """The guard's threshold: the option, or the profile's default."""
        if self.max_removed_share is None:
            return DEFAULT_MAX_REMOVED_SHARE[self.profile]
        return self.max_removed_share

    def replace(self, **changes: Any) -> Options:
        """A copy with CHANGES applied (the options are frozen)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The option names, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_mapping(cls, values: dict[str, Any], *, ignore_unknown: bool = False) -> Options:
        """Options from a mapping of option names (unknown names raise ConfigError)."""
        known = set(cls.names())
        unknown = sorted(set(values) - known)
        if unknown and not ignore_unknown:
            raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
        return cls(**{k: v for k, v in values.items() if k in known})


def option_fields() -> Iterable[dataclasses.Field]:
    """The fields of :class:`Options` with their help, config type and flag."""
    return dataclasses.fields(Options)
