"""What the commands share: messages on stderr, data on stdout, the rule options,
the configuration file and the error-to-exit-code wrapper.

Import time matters (``echo x | boilerstrip clean`` is a common call), so the
heavy modules are imported inside the functions that need them.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, Iterable, Sequence

import click

from ..errors import BoilerstripError, ConfigError
from ..io.names import shown
from ..options import Options, flag_of, key_of, option_fields
from ..pipeline import summary as _summary

plural = _summary.plural  # shared by the commands

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ------------------------------------------------------------------ output helpers

def use_color(flag: bool | None, stream) -> bool:
    """--color/--no-color win; otherwise colour on a terminal unless NO_COLOR is set."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "note": "\x1b[36m",
           "cleaned": "\x1b[32m", "guarded": "\x1b[33m"}


class Messages:
    """Human messages on stderr: errors always, the rest unless -q, details with -v.

    Every text goes through :func:`~boilerstrip.io.names.shown`: a file name
    holding a newline or an escape sequence must not forge a line of the log
    nor drive the terminal.
    """

    def __init__(self, quiet: bool = False, verbose: bool = False, color: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.color = color
        self.progress = None

    def _emit(self, line: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        try:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass

    def _prefix(self, kind: str) -> str:
        if self.color:
            return f"{_STYLES[kind]}{kind}:\x1b[0m "
        return f"{kind}: "

    def error(self, text: str) -> None:
        self._emit(self._prefix("error") + shown(text))

    def warning(self, text: str) -> None:
        if not self.quiet:
            self._emit(self._prefix("warning") + shown(text))

    def note(self, text: str) -> None:
        if not self.quiet:
            self._emit(self._prefix("note") + shown(text))

    def info(self, text: str, style: str | None = None) -> None:
        if not self.quiet:
            text = shown(text)
            if style and self.color:
                text = f"{_STYLES[style]}{text}\x1b[0m"
            self._emit(text)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            self._emit(shown(text))

    def __call__(self, kind: str, text: str) -> None:
        getattr(self, kind)(text)


def silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class Stdout:
    """Bytes to stdout; a closed pipe (``| head``) ends the output quietly."""

    def __init__(self) -> None:
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed or not data:
            return
        try:
            sys.stdout.buffer.write(data)
        except BrokenPipeError:
            self.closed = True
            silence_stdout()

    def flush(self) -> None:
        if self.closed:
            return
        try:
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            self.closed = True
            silence_stdout()


def stdin_is_tty() -> bool:
    """Whether stdin is a terminal (nobody piped text in)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


# ------------------------------------------------------------------ shared options

def click_option(f: dataclasses.Field):
    """The click option of an option field: flag, help, type and default all come
    from the field and its metadata (see :func:`boilerstrip.options.option`)."""
    m = f.metadata
    decls = ([m["short"]] if m["short"] else []) + [flag_of(f), key_of(f)]
    kw: dict[str, Any] = {"help": m["help"], "metavar": m["metavar"],
                          "show_default": m["show_default"]}
    kind = m["config"] or ("boolean" if isinstance(f.default, bool) else "string")
    if kind == "boolean":
        return click.option(*decls, is_flag=True, help=m["help"])  # --no-X or --X: off by default
    if kind == "list":
        return click.option(*decls, multiple=True, **kw)
    if m["choices"]:
        kw["type"] = click.Choice(list(m["choices"]))
    elif kind in ("integer", "number"):
        ranged = click.IntRange if kind == "integer" else click.FloatRange
        kw["type"] = ranged(**(m["bounds"] or {}))
    elif m["folder"]:
        kw["type"] = click.Path(file_okay=False)
    return click.option(*decls, default=f.default, **kw)


def field_options(fields: Iterable[dataclasses.Field]):
    """A decorator adding the click options of FIELDS, in their order."""
    def decorate(f):
        for field in reversed(list(fields)):
            f = click_option(field)(f)
        return f
    return decorate


def rule_options(f):
    """Options that choose the rules and the profile (clean, explain, mine): the
    fields of :class:`~boilerstrip.options.Options`, then the output options."""
    decorators = [
        field_options(option_fields()),
        click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                     metavar="FILE",
                     help="Configuration file (default: [tool.boilerstrip] in the nearest "
                          "pyproject.toml)."),
        click.option("--color/--no-color", "color", default=None,
                     help="Colour the output (default: on a terminal, unless NO_COLOR is set)."),
        click.option("-q", "--quiet", is_flag=True, help="Only print errors."),
        click.option("-v", "--verbose", is_flag=True, help="Say more (unchanged files, config used...)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def options_from(fields: Iterable[dataclasses.Field], p: dict[str, Any]) -> dict[str, Any]:
    """The values of FIELDS in the command's parameters P, by field name (a
    ``--no-X`` flag turns back into ``X = not flag``)."""
    values = {}
    for f in fields:
        value = p[key_of(f)]
        values[f.name] = (not value) if _negated(f) else value
    return values


def _negated(f: dataclasses.Field) -> bool:
    """Whether the field's flag switches it off (``--no-default-rules``)."""
    return f.default is True and flag_of(f).startswith("--no-")


def cleaning_options(p: dict[str, Any]) -> Options:
    """The cleaning options of a command's parameters."""
    return Options(**options_from(option_fields(), p))


def apply_config(ctx: click.Context, params: dict[str, Any], paths: Sequence[str],
                 msg: Messages | None = None) -> None:
    """Fill the options left at their defaults from the configuration file."""
    from .. import config as cfgmod

    explicit = params.get("config")
    path = explicit or cfgmod.find_config(paths)
    cfg = cfgmod.load_config(path, explicit=bool(explicit))
    if cfg.path is not None and msg is not None:
        msg.detail(f"config: {cfg.path}" + ("" if cfg.values else " (no [tool.boilerstrip])"))
    taken = ctx.meta.setdefault(_FROM_CONFIG, {})
    for key, value in cfg.values.items():
        if key not in params:
            continue
        source = ctx.get_parameter_source(key)
        if source in (click.core.ParameterSource.DEFAULT,
                      click.core.ParameterSource.DEFAULT_MAP, None):
            params[key] = tuple(value) if isinstance(value, list) else value
            taken[key] = cfg.where(key)


#: ``ctx.meta`` key: option key -> where its value came from in the configuration
_FROM_CONFIG = "boilerstrip.from_config"


def option_origin(key: str) -> str:
    """How an error about option KEY names it: the configuration file and key
    when the value came from there, else the flag (``--ignore``)."""
    ctx = click.get_current_context(silent=True)
    taken = ctx.meta.get(_FROM_CONFIG, {}) if ctx is not None else {}
    return taken.get(key) or "--" + key.replace("_", "-")


#: Set by ``main()`` when the command owns its process (a console run, not a
#: test calling it): the heap built at start-up may then be frozen.
OWN_PROCESS = False


def build_cleaner(p: dict[str, Any], **extra):
    """The Cleaner of a command's parameters (EXTRA: more keyword arguments).

    In a process of its own, what start-up built (modules, rules, compiled
    patterns: some 40,000 tracked objects that live as long as the run) is
    built with the garbage collector off and then frozen out of it: no
    collection walks it again, neither while it grows nor later, nor in
    forked workers. A one-line run spends about 0.06 s less CPU (0.22 s to
    0.16 s)."""
    from ..engine.cleaner import Cleaner

    try:
        options = cleaning_options(p)
        check_rule_paths(options.rules)
        if not OWN_PROCESS:
            cleaner = Cleaner.from_options(options, **extra)
        else:
            import gc

            gc.disable()
            try:
                cleaner = Cleaner.from_options(options, **extra)
            finally:
                gc.freeze()
                gc.enable()
    except ConfigError as exc:
        if exc.option is None:
            raise
        # where the wrong value came from: '--language: ...', 'pyproject.toml: ... language: ...'
        raise ConfigError(f"{option_origin(exc.option)}: {exc}") from None
    from ..rules.loader import check_selectors

    check_selectors(options, cleaner.all_rules, origin=option_origin)
    check_user_examples(options.rules)
    return cleaner


def check_rule_paths(paths: Sequence[str]) -> None:
    """Refuse a --rules path that would load no rule, naming the option (the
    configuration's own paths were checked where it was read)."""
    from ..config import rule_path_problem

    for path in paths:
        problem = rule_path_problem(path)
        if problem:
            raise ConfigError(f"{option_origin('rules')}: {problem}: {path}")


def check_user_examples(paths: Sequence[str]) -> None:
    """Refuse the user's rules (``--rules``, ``rules =``) when one of them
    fails its own examples: a rule that removes what it says it keeps would
    otherwise clean every file with it, silently. One line, the first
    failure; ``rules test`` shows them all with a diff. About 2 ms of CPU a
    rule (the bundled ones are tested by the test suite, not here)."""
    if not paths:
        return
    from ..errors import RuleError
    from ..rules.loader import load_rule_set
    from ..rules.selftest import check_rule

    from ..engine.candidates import default_candidates

    def pure(ctx, index):  # not the product's provider: no compiled database per rule
        return default_candidates(ctx, index)

    for rule in load_rule_set(paths, default_rules=False).rules:
        failures = check_rule(rule, pure)
        if failures:
            raise RuleError(f"{failures[0].message()} (see 'boilerstrip rules test "
                            f"{rule.source}')")


def exits(f):
    """Make a command's return value its exit code, also under click's standalone mode
    (CliRunner, ``cli()``), and turn boilerstrip errors into one-line messages + exit 2."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            rv = f(*args, **kwargs)
        except BoilerstripError as exc:
            sys.stderr.write(f"error: {shown(str(exc))}\n")
            rv = 2
        click.get_current_context().exit(rv if isinstance(rv, int) else 0)

    return wrapper

