"""The ``boilerstrip`` command group and its entry point.

    boilerstrip clean [PATH...|-]      filter stdin to stdout, or clean files in place
    boilerstrip clean --jsonl [FILE|-] clean the text field of JSON Lines records
    boilerstrip explain FILE|-         show each removal in place, with its rule
    boilerstrip rules list|show|test|validate|categories|build-fast
    boilerstrip mine PATH...           find recurring lines the rules miss

Exit codes: 0 done with nothing to flag (the stdin-to-stdout filter: also
when it changed the text), 1 a file was cleaned in place, something would
change (--check, --diff, ``explain``) or a rule example failed (``rules
test``), 2 usage, configuration, rule, I/O or decoding error. Messages go to stderr, data (text, diffs,
``--report -``) to stdout. Each command lives in the module named after it.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Sequence

import click

from ..engine.fast.engine import FastEngineWarning
from ..errors import BoilerstripError
from ..io.names import shown
from .clean import clean
from .common import CONTEXT, silence_stdout


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    """``--version``: the release and which engine a run with the bundled rules uses."""
    if not value or ctx.resilient_parsing:
        return
    from .. import __version__
    from ..engine.fast.engine import describe

    click.echo(f"boilerstrip, version {__version__}\nengine: {describe()}")
    ctx.exit(0)


class _Commands(click.Group):
    """The command group. The commands other than ``clean`` are imported when
    they run or are listed (``--help``): a one-line ``clean`` (pre-commit,
    a shell pipe) need not load them."""

    #: command name -> the module of this package that defines it
    LAZY = {"explain": "explain", "mine": "mine", "rules": "rules"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.LAZY:
            module = importlib.import_module(f"{__package__}.{self.LAZY[name]}")
            self.add_command(getattr(module, name))
        return self.commands.get(name)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_show_version, help="Show the version and the engine, and exit.")
def cli() -> None:
    """Strip boilerplate (paywall and login prompts, cookie notices, share lines,
    related-link lists...) from scraped plain text, with a lossless report of
    every removal.

    \b
    Examples:
      curl -s URL | trafilatura | boilerstrip clean > article.txt
      boilerstrip clean corpus/ --report removals.jsonl
      boilerstrip clean --check --diff corpus/
      boilerstrip clean --jsonl corpus.jsonl.gz -o clean.jsonl.gz
      boilerstrip explain article.txt
    """


cli.add_command(clean)


_python_show_warning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Our own warnings as one ``warning:`` line, not Python's two with a path."""
    if issubclass(category, FastEngineWarning):
        sys.stderr.write(f"warning: {shown(str(message))}\n")
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ARGV (default ``sys.argv[1:]``); return the exit code."""
    if argv is None:  # the console command, in a process of its own
        from . import common

        common.OWN_PROCESS = True
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    try:
        rv = cli.main(args=list(argv) if argv is not None else None, prog_name="boilerstrip",
                      standalone_mode=False)
    except click.exceptions.Exit as exc:  # pragma: no cover (click returns it)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        return 130
    except BoilerstripError as exc:
        msg = shown(str(exc))
        sys.stderr.write(f"error: {msg}\n")
        return 2
    except BrokenPipeError:
        silence_stdout()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return rv if isinstance(rv, int) else 0
