"""The ``boilerstrip`` command line.

    boilerstrip clean [PATH...|-]      filter stdin to stdout, or clean files in place
    boilerstrip clean --jsonl [FILE|-] clean the text field of JSON Lines records
    boilerstrip explain FILE|-         show each removal in place, with its rule
    boilerstrip rules list|show|test|validate|categories

Exit codes: 0 nothing changed, 1 something changed (or would, with --check or
--diff; a rule example failed for ``rules test``), 2 usage, configuration,
rule, I/O or decoding error. Messages go to stderr, data (text, diffs,
``--report -``) to stdout.

Import time matters (``echo x | boilerstrip clean`` is a common call), so the
heavy modules are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Sequence

import click

from ..engine import DEFAULT_MAX_REMOVED_SHARE  # the package imports the engine anyway
from ..errors import BoilerstripError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ------------------------------------------------------------------ output helpers

def _use_color(flag: bool | None, stream) -> bool:
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
    """Human messages on stderr: errors always, the rest unless -q, details with -v."""

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
        self._emit(self._prefix("error") + text)

    def warning(self, text: str) -> None:
        if not self.quiet:
            self._emit(self._prefix("warning") + text)

    def note(self, text: str) -> None:
        if not self.quiet:
            self._emit(self._prefix("note") + text)

    def info(self, text: str, style: str | None = None) -> None:
        if not self.quiet:
            if style and self.color:
                text = f"{_STYLES[style]}{text}\x1b[0m"
            self._emit(text)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            self._emit(text)

    def __call__(self, kind: str, text: str) -> None:
        getattr(self, kind)(text)


def _silence_stdout() -> None:
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
            _silence_stdout()

    def flush(self) -> None:
        if self.closed:
            return
        try:
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            self.closed = True
            _silence_stdout()


class _TextToStdout:
    """A text stream over :class:`Stdout` (for ``--report -``)."""

    def __init__(self, out: Stdout) -> None:
        self.out = out

    def write(self, s: str) -> int:
        self.out.write(s.encode("utf-8"))
        return len(s)

    def flush(self) -> None:
        self.out.flush()


# ------------------------------------------------------------------ shared options

def _rule_options(f):
    """Options that choose the rules and the profile (clean, explain, rules list/show)."""
    decorators = [
        click.option("--rules", "rules", multiple=True, metavar="PATH",
                     help="Extra rule file or folder (repeatable)."),
        click.option("--no-default-rules", is_flag=True,
                     help="Do not load the bundled rules."),
        click.option("--ignore", multiple=True, metavar="ID|CATEGORY|PACK",
                     help="Do not run these rules (repeatable)."),
        click.option("--select", multiple=True, metavar="ID|CATEGORY|PACK",
                     help="Run only these rules (repeatable)."),
        click.option("--enable", multiple=True, metavar="ID|CATEGORY",
                     help="Switch on opt-in rules, e.g. 'headline' (repeatable)."),
        click.option("--profile", type=click.Choice(["article", "page"]), default="article",
                     show_default=True,
                     help="article: extracted article text; page: the text of a whole web page."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                     metavar="SECONDS", help="Time limit of one regex call (default 0.5)."),
        click.option("--max-removed-share", type=click.FloatRange(0, 1, min_open=True),
                     default=None, metavar="SHARE",
                     help="Over-cleaning guard: largest share of a document's words the "
                          "rules may remove (default: " + ", ".join(
                              f"{k} {v}" for k, v in DEFAULT_MAX_REMOVED_SHARE.items()) + ")."),
        click.option("--allow-large-removals", is_flag=True,
                     help="Turn the over-cleaning guard off."),
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


def _apply_config(ctx: click.Context, params: dict[str, Any], paths: Sequence[str],
                  msg: Messages | None = None) -> None:
    """Fill the options left at their defaults from the configuration file."""
    from .. import config as cfgmod

    explicit = params.get("config")
    path = explicit or cfgmod.find_config(paths)
    cfg = cfgmod.load_config(path, explicit=bool(explicit))
    if cfg.path is not None and msg is not None:
        msg.detail(f"config: {cfg.path}" + ("" if cfg.values else " (no [tool.boilerstrip])"))
    for key, value in cfg.values.items():
        if key not in params:
            continue
        source = ctx.get_parameter_source(key)
        if source in (click.core.ParameterSource.DEFAULT,
                      click.core.ParameterSource.DEFAULT_MAP, None):
            params[key] = tuple(value) if isinstance(value, list) else value


def _build_cleaner(p: dict[str, Any], **extra):
    from ..engine import DEFAULT_TIMEOUT, Cleaner

    return Cleaner(p["profile"], p["rules"], default_rules=not p["no_default_rules"],
                   ignore=p["ignore"], select=p["select"], enable=p["enable"],
                   timeout=p["timeout"] if p["timeout"] is not None else DEFAULT_TIMEOUT,
                   max_removed_share=p["max_removed_share"],
                   allow_large_removals=p["allow_large_removals"], **extra)


def _exits(f):
    """Make a command's return value its exit code, also under click's standalone mode
    (CliRunner, ``cli()``), and turn boilerstrip errors into one-line messages + exit 2."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            rv = f(*args, **kwargs)
        except BoilerstripError as exc:
            sys.stderr.write(f"error: {exc}\n")
            rv = 2
        click.get_current_context().exit(rv if isinstance(rv, int) else 0)

    return wrapper


# ------------------------------------------------------------------ the group

@click.group(context_settings=CONTEXT)
@click.version_option(package_name="boilerstrip", prog_name="boilerstrip")
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


# ------------------------------------------------------------------ clean

@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...|-]")
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 if any file would change.")
@click.option("--diff", is_flag=True,
              help="Change nothing; print a unified diff of what would change to stdout.")
@click.option("--output-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write cleaned copies under DIR (paths mirrored relative to each folder "
                   "argument) instead of rewriting the inputs.")
@click.option("--report", metavar="FILE|-",
              help="Write every removal (file, rule, category, line, offsets, text) to FILE; "
                   "'-' is stdout when the text goes elsewhere.")
@click.option("--report-format", metavar="FORMAT",
              help="json, jsonl or html (default: from the --report suffix, else json).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Files to clean inside folders (repeatable; default *.txt and *.md).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Files or folders to leave out (repeatable; added to .git, .venv, "
                   "node_modules...).")
@click.option("--force-exclude", is_flag=True,
              help="Apply --exclude to files named on the command line too (for pre-commit).")
@click.option("--stdin-filename", metavar="NAME", help="Name of stdin in messages and reports.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0 = all cores). The output does not depend on it.")
@click.option("--on-invalid-utf8", type=click.Choice(["error", "skip"]), default="error",
              show_default=True, help="What to do with a file that is not valid UTF-8.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when something changed (errors still exit 2).")
@click.option("--jsonl", is_flag=True,
              help="Input is JSON Lines (FILE or stdin; .gz/.zst by suffix): clean each "
                   "record's text field.")
@click.option("--text-field", default="text", show_default=True, metavar="NAME",
              help="JSONL: the field holding the text.")
@click.option("--report-field", default=None, metavar="NAME",
              help="JSONL: add the record's removals under this field.")
@click.option("--on-bad-record", type=click.Choice(["error", "skip"]), default="error",
              show_default=True,
              help="JSONL: stop at a malformed record or one without the text field, or skip "
                   "it (counted).")
@click.option("-o", "--output", metavar="FILE",
              help="JSONL: write records to FILE (.gz/.zst compress) instead of stdout.")
@_rule_options
@click.pass_context
@_exits
def clean(ctx: click.Context, **p: Any) -> int:
    """Clean text: a stdin-to-stdout filter, or files and folders in place.

    \b
    With no PATH or with '-', read stdin and write the cleaned text to stdout.
    Folders are searched recursively for --include files. A changed file is
    rewritten atomically; an unchanged file is never touched.
    """
    paths: tuple[str, ...] = p["paths"]
    err_color = _use_color(p["color"], sys.stderr)
    msg = Messages(p["quiet"], p["verbose"], err_color)
    _apply_config(ctx, p, paths if paths and "-" not in paths else ["."], msg)
    _check_clean_usage(p)
    from ..reports.writers import REPORT_FORMATS, format_for_path

    report_format = None
    if p["report"]:
        report_format = p["report_format"] or format_for_path(p["report"]) or "json"
        if report_format not in REPORT_FORMATS:
            raise click.BadParameter(
                f"unknown report format {report_format!r} (available: "
                f"{', '.join(sorted(REPORT_FORMATS))})", param_hint="'--report-format'")
    elif p["report_format"]:
        raise click.UsageError("--report-format needs --report FILE")
    cleaner = _build_cleaner(p)
    from ..rules.loader import take_warnings

    for w in take_warnings():
        msg.detail(f"rule warning: {w}")
    msg.detail(f"rules: {len(cleaner.rules)} active of {len(cleaner.all_rules)} "
               f"(profile {cleaner.profile})")
    if not p["jsonl"] and not paths and _stdin_is_tty():
        raise click.UsageError("no PATH given and stdin is a terminal: name files or "
                               "folders, or pipe text in")
    out = Stdout()
    report = _open_report(p["report"], report_format, out)
    if report is not None:
        report.msg = msg
    try:
        if p["jsonl"]:
            return _clean_jsonl(p, cleaner, msg, out, report)
        if not paths or paths == ("-",):
            return _clean_stdin(p, cleaner, msg, out, report)
        return _clean_files(p, cleaner, msg, out, report)
    except BaseException:
        if report is not None:
            report.abort()
        raise
    finally:
        out.flush()


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _check_clean_usage(p: dict[str, Any]) -> None:
    paths = p["paths"]
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (stdin) cannot be mixed with other paths")
    to_stdin = not paths or paths == ("-",)
    if p["output_dir"] and (p["check"] or p["diff"]):
        raise click.UsageError("--output-dir cannot be combined with --check or --diff")
    if p["jsonl"]:
        if len(paths) > 1:
            raise click.UsageError("--jsonl takes one FILE (or '-' for stdin)")
        for opt in ("diff", "output_dir", "include", "exclude", "force_exclude"):
            if p[opt]:
                raise click.UsageError(f"--{opt.replace('_', '-')} does not apply to --jsonl")
        if p["output"] and p["check"]:
            raise click.UsageError("--check writes nothing: drop -o/--output")
        text_to_stdout = not p["output"] and not p["check"]
    else:
        if p["output"]:
            raise click.UsageError("-o/--output is for --jsonl; use --output-dir for files")
        if p["report_field"]:
            raise click.UsageError("--report-field is for --jsonl")
        if to_stdin and p["output_dir"]:
            raise click.UsageError("--output-dir needs PATH arguments (stdin goes to stdout)")
        text_to_stdout = p["diff"] or (to_stdin and not p["check"])
    if p["report"] == "-" and text_to_stdout:
        raise click.UsageError("--report - needs stdout, which already carries the "
                               "text; give the report a FILE")


def _open_report(path: str | None, fmt: str | None, out: Stdout):
    if not path:
        return None
    from ..reports.writers import REPORT_FORMATS

    spec = REPORT_FORMATS[fmt]
    if spec.path_based:
        if path == "-":
            raise click.UsageError(f"the {fmt} report needs a FILE, not '-'")
        return _Report(spec.open(path), None, spec.needs_text)
    if path == "-":
        stream = _TextToStdout(out)
    else:
        try:
            stream = open(path, "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise BoilerstripError(f"{path}: cannot write the report: "
                                   f"{exc.strerror or exc}") from None
    return _Report(spec.open(stream), stream if path != "-" else None, spec.needs_text)


class _Report:
    def __init__(self, writer, stream, needs_text: bool) -> None:
        self.writer = writer
        self.stream = stream
        self.needs_text = needs_text

    def add(self, rep) -> None:
        self.writer.add(rep)

    def close(self, summary: dict[str, Any]) -> None:
        self.closed = True
        self.writer.close(summary)
        if self.stream is not None:
            self.stream.close()
        note = getattr(self.writer, "note", "")  # e.g. the HTML report's size
        if note and getattr(self, "msg", None) is not None:
            self.msg.info(note)

    def abort(self) -> None:
        """The run failed: drop what the writer can drop, close the file."""
        if getattr(self, "closed", False):
            return
        abort = getattr(self.writer, "abort", None) or getattr(
            getattr(self.writer, "writer", None), "abort", None)
        if abort is not None:
            abort()
        if self.stream is not None:
            self.stream.close()


def _summary_dict(counts: dict[str, int], stats, mode: str) -> dict[str, Any]:
    return {"mode": mode, **counts, "changes": stats.changes,
            "chars_removed": stats.chars_removed,
            "categories": dict(sorted(stats.categories.items())),
            "rules": dict(sorted(stats.rules.items()))}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary_line(counts: dict[str, int], changes: int, check: bool, unit: str = "file") -> str:
    verb = "would be cleaned" if check else "cleaned"
    parts = [f"{_plural(counts['cleaned'], unit)} {verb} ({_plural(changes, 'removal')})",
             f"{counts['unchanged']} unchanged"]
    for key, word in (("guarded", "guarded"), ("skipped", "skipped"), ("error", "error")):
        if counts.get(key):
            parts.append(f"{counts[key]} {word}" + ("s" if key == "error" and counts[key] > 1
                                                    else ""))
    return ", ".join(parts)


def _exit_code(counts: dict[str, int], exit_zero: bool) -> int:
    if counts.get("error"):
        return 2
    if counts.get("cleaned") and not exit_zero:
        return 1
    return 0


def _file_message(msg: Messages, rep, check: bool, n: int) -> None:
    if rep.status == "cleaned":
        verb = "would clean" if check else "cleaned"
        msg.info(f"{verb} {rep.file} ({_plural(n, 'removal')})", "cleaned")
    elif rep.status == "guarded":
        msg.info(rep.message, "guarded")
    elif rep.status == "skipped":
        msg.note(rep.message)
    elif rep.status == "error":
        msg.error(rep.message)
    else:
        msg.detail(f"unchanged {rep.file}")
    for s in rep.skipped_rules:
        msg.warning(f"{rep.file}: rule {s.rule} skipped: {s.reason}")


def _clean_stdin(p, cleaner, msg: Messages, out: Stdout, report) -> int:
    from ..result import RunStats
    from ..pipeline.files import Options, _matches, clean_bytes

    name = p["stdin_filename"] or "<stdin>"
    data = sys.stdin.buffer.read()
    if p["force_exclude"] and p["stdin_filename"]:
        from ..pipeline.files import DEFAULT_EXCLUDE

        if _matches(DEFAULT_EXCLUDE + tuple(p["exclude"]),
                    p["stdin_filename"].replace(os.sep, "/").lstrip("./")):
            msg.detail(f"{name}: excluded; passed through unchanged")
            if not (p["check"] or p["diff"]):
                out.write(data)
            return 0
    opts = Options(write=False, diff=p["diff"], color=_use_color(p["color"], sys.stdout),
                   on_invalid_utf8=p["on_invalid_utf8"],
                   needs_text=bool(report and report.needs_text))
    c = clean_bytes(data, name, cleaner, opts)
    rep = c.report
    if p["diff"]:
        out.write(c.diff.encode("utf-8"))
    elif not p["check"]:
        if rep.status in ("skipped", "guarded", "unchanged", "cleaned"):
            out.write(c.data if c.data is not None else data)
    counts = {"cleaned": 0, "unchanged": 0, "guarded": 0, "skipped": 0, "error": 0}
    counts[rep.status] += 1
    if rep.status in ("cleaned", "unchanged"):  # a filter says nothing unless asked
        verb = {"cleaned": "would clean" if p["check"] else "cleaned",
                "unchanged": "unchanged"}[rep.status]
        msg.detail(f"{verb} {name} ({_plural(len(rep.changes), 'removal')})")
        for s in rep.skipped_rules:
            msg.warning(f"{name}: rule {s.rule} skipped: {s.reason}")
    else:
        _file_message(msg, rep, p["check"], len(rep.changes))
    stats = c.stats or RunStats()
    if report is not None:
        report.add(rep)
        report.close(_summary_dict(counts, stats, "stdin"))
    return _exit_code(counts, p["exit_zero"])


def _clean_files(p, cleaner, msg: Messages, out: Stdout, report) -> int:
    import time

    from ..result import RunStats
    from ..pipeline.files import DEFAULT_INCLUDE, Options, Progress, Task, collect, run, stderr_is_tty

    t0 = time.perf_counter()
    include = p["include"] or DEFAULT_INCLUDE
    items, notes = collect(p["paths"], include, p["exclude"], p["force_exclude"],
                           p["output_dir"])
    for n in notes:
        msg.detail(n)
    tasks = [t for t in items if isinstance(t, Task)]
    opts = Options(write=not (p["check"] or p["diff"] or p["output_dir"]), diff=p["diff"],
                   color=_use_color(p["color"], sys.stdout),
                   on_invalid_utf8=p["on_invalid_utf8"],
                   needs_text=bool(report and report.needs_text))
    counts = {"cleaned": 0, "unchanged": 0, "guarded": 0, "skipped": 0, "error": 0}
    stats = RunStats()
    check = p["check"] or p["diff"]
    stopped = False
    if len(tasks) > 1 and not p["quiet"] and stderr_is_tty():
        msg.progress = Progress(sys.stderr, len(tasks), sum(t.size for t in tasks))
    try:
        for outcome in run(items, cleaner, opts, p["jobs"]):
            rep = outcome.report
            counts[rep.status] += 1
            if outcome.stats is not None:
                stats.merge([outcome.stats])
            _file_message(msg, rep, check, len(rep.changes))
            if outcome.diff:
                out.write(outcome.diff.encode("utf-8"))
                if out.closed:  # `--diff | head`: nobody reads the rest
                    stopped = True
                    break
            if report is not None:
                report.add(rep)
            if msg.progress is not None:
                msg.progress.update(1, outcome.size)
    finally:
        if msg.progress is not None:
            msg.progress.clear()
            msg.progress = None
    if report is not None:
        report.close(_summary_dict(counts, stats, "check" if check else "files"))
    if stopped:
        return _exit_code(counts, p["exit_zero"])
    if not items:
        msg.info("no files to clean")
    else:
        msg.info(_summary_line(counts, stats.changes, check))
    msg.detail(f"done in {time.perf_counter() - t0:.2f} s")
    return _exit_code(counts, p["exit_zero"])


def _clean_jsonl(p, cleaner, msg: Messages, out: Stdout, report) -> int:
    from ..io import jsonl
    from ..pipeline.files import Progress, cpu_count, stderr_is_tty

    path = p["paths"][0] if p["paths"] else "-"
    if path == "-" and _stdin_is_tty():
        raise click.UsageError("--jsonl: no FILE given and stdin is a terminal")
    source = jsonl.open_source(path)
    name = (p["stdin_filename"] or source.name) if path == "-" else source.name
    if p["check"]:
        sink: Any = _NullSink()
    elif p["output"] and p["output"] != "-":
        sink = jsonl.Sink(p["output"])
    else:
        sink = _StdoutSink(out)
    opts = jsonl.JsonlOptions(p["text_field"], p["report_field"], name,
                              bool(report and report.needs_text))
    jobs = cpu_count() if p["jobs"] == 0 else p["jobs"]
    progress = None
    if not p["quiet"] and stderr_is_tty():
        progress = Progress(sys.stderr, 0, source.size, unit="records")
        msg.progress = progress
    ok = False
    try:
        summary = jsonl.run(source, sink, cleaner, opts, jobs, p["on_bad_record"], msg,
                            report.add if report is not None else None, progress)
        if not summary.errors:
            sink.commit()
            ok = True
    finally:
        if not ok:
            sink.abort()
        source.close()
        if progress is not None:
            progress.clear()
            msg.progress = None
    counts = {"cleaned": summary.cleaned, "unchanged": summary.unchanged,
              "guarded": summary.guarded, "skipped": summary.skipped, "error": summary.errors}
    if report is not None:
        report.close(_summary_dict(counts, summary.stats, "jsonl"))
    if summary.stopped:
        return _exit_code(counts, p["exit_zero"])
    line = _summary_line(counts, summary.stats.changes, p["check"], "record")
    if summary.errors:
        msg.error(f"{name}: stopped at the first bad record (--on-bad-record skip to skip "
                  f"such records); " + ("no output written" if p["output"] else
                                        "the output is incomplete"))
    msg.info(line)
    return _exit_code(counts, p["exit_zero"])


class _NullSink:
    def write(self, data: bytes) -> None:
        pass

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _StdoutSink(_NullSink):
    def __init__(self, out: Stdout) -> None:
        self.out = out

    @property
    def closed(self) -> bool:
        return self.out.closed

    def write(self, data: bytes) -> None:
        self.out.write(data)

    def commit(self) -> None:
        self.out.flush()


# ------------------------------------------------------------------ explain

@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="FILE...|-")
@click.option("--show-whitespace", is_flag=True,
              help="Also mark the blank lines and spaces the tidy pass removes.")
@click.option("--summary-only", is_flag=True, help="Print only the per-category summary.")
@click.option("--stdin-filename", metavar="NAME", help="Name of stdin in the output.")
@_rule_options
@click.pass_context
@_exits
def explain(ctx: click.Context, **p: Any) -> int:
    """Show each removal in place, with its rule id and category, then a summary.

    Reads FILE (or stdin with '-' or no FILE). Exit 0 when nothing would be
    removed, 1 otherwise, 2 on error.
    """
    from ..errors import InputError
    from ..reports.explain import render, summary
    from ..io.text import decode, read_bytes

    paths = p["paths"] or ("-",)
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (stdin) cannot be mixed with other files")
    msg = Messages(p["quiet"], p["verbose"], _use_color(p["color"], sys.stderr))
    _apply_config(ctx, p, [x for x in paths if x != "-"] or ["."], msg)
    cleaner = _build_cleaner(p)
    color = _use_color(p["color"], sys.stdout)
    out = Stdout()
    status = 0
    for path in paths:
        name = (p["stdin_filename"] or "<stdin>") if path == "-" else path
        try:
            if path == "-":
                if _stdin_is_tty() and not p["paths"]:
                    raise click.UsageError("no FILE given and stdin is a terminal")
                data = sys.stdin.buffer.read()
            else:
                data = read_bytes(path)
            text = decode(data, name).text
        except InputError as exc:
            msg.error(str(exc))
            status = 2
            continue
        result = cleaner.clean(text)
        if len(paths) > 1:
            head = f"==> {name} <=="
            out.write(((f"\x1b[1m{head}\x1b[0m" if color else head) + "\n").encode())
        if not p["summary_only"]:
            body = render(result, color, p["show_whitespace"])
            if body and not body.endswith("\n"):
                body += "\n"
            out.write(body.encode("utf-8"))
            out.write(b"\n" if body.strip() else b"")
        out.write(summary(result, name if len(paths) > 1 else "", color).encode("utf-8"))
        if result.changes and status == 0:
            status = 1
    out.flush()
    return status


# ------------------------------------------------------------------ rules

@cli.group(context_settings=CONTEXT)
def rules() -> None:
    """List, show, test and validate rules."""


def _load_for_listing(ctx, p: dict[str, Any]):
    msg = Messages(p.get("quiet", False), p.get("verbose", False), False)
    _apply_config(ctx, p, ["."], msg)
    from ..engine.cleaner import _bundled_rules
    from ..rules.loader import check_unique, load_rules

    loaded = [] if p["no_default_rules"] else list(_bundled_rules())
    for path in p["rules"]:
        loaded.extend(load_rules(path))
    check_unique(loaded)
    return loaded


def _listing_options(f):
    for d in reversed([
        click.option("--rules", "rules", multiple=True, metavar="PATH",
                     help="Also load the rules of this file or folder (repeatable)."),
        click.option("--no-default-rules", is_flag=True, help="Leave the bundled rules out."),
        click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                     metavar="FILE", help="Configuration file."),
    ]):
        f = d(f)
    return f


@rules.command("list", context_settings=CONTEXT)
@click.option("--pack", multiple=True,
              help="Only rules of this pack: folder or first part of the id (repeatable).")
@click.option("--category", multiple=True, help="Only rules of this category (repeatable).")
@click.option("--kind", multiple=True, help="Only rules of this kind (repeatable).")
@click.option("--profile", type=click.Choice(["article", "page"]), default=None,
              help="Only rules that run in this profile.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_listing_options
@click.pass_context
@_exits
def rules_list(ctx: click.Context, **p: Any) -> int:
    """List rules: id, category, kind, pack (opt-in rules are marked)."""
    rules_ = sorted(_load_for_listing(ctx, p), key=lambda r: r.sort_key())
    sel = [r for r in rules_
           if (not p["pack"] or r.pack in p["pack"] or r.id.split(".")[0] in p["pack"])
           and (not p["category"] or r.category in p["category"])
           and (not p["kind"] or r.kind in p["kind"])
           and (not p["profile"] or p["profile"] in r.profiles)]
    out = Stdout()
    if p["fmt"] == "json":
        import json

        data = [{"id": r.id, "category": r.category, "kind": r.kind, "pack": r.pack,
                 "order": r.order, "enabled": r.enabled, "profiles": list(r.profiles),
                 "description": r.description, "source": r.source, "line": r.line}
                for r in sel]
        out.write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        out.flush()
        return 0
    rows = [("ID", "CATEGORY", "KIND", "PACK", "ORDER", "")] + [
        (r.id, r.category, r.kind, r.pack, str(r.order), "" if r.enabled else "opt-in")
        for r in sel]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + ("  " + row[5] if row[5]
                                                                      else "")
             for row in rows]
    out.write(("\n".join(x.rstrip() for x in lines) + "\n").encode("utf-8"))
    out.flush()
    if not p.get("quiet"):
        sys.stderr.write(f"{_plural(len(sel), 'rule')}\n")
    return 0


@rules.command("show", context_settings=CONTEXT)
@click.argument("rule_id", metavar="ID")
@_listing_options
@click.pass_context
@_exits
def rules_show(ctx: click.Context, rule_id: str, **p: Any) -> int:
    """Show one rule: what it matches, where it is defined, and its examples."""
    import dataclasses
    import difflib

    rules_ = {r.id: r for r in _load_for_listing(ctx, p)}
    rule = rules_.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(rules_), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BoilerstripError(f"no rule {rule_id!r}{hint}; `boilerstrip rules list` lists them")
    lines = [f"{rule.id}", f"  category:    {rule.category}", f"  kind:        {rule.kind}",
             f"  order:       {rule.order}", f"  pack:        {rule.pack}",
             f"  enabled:     {'yes' if rule.enabled else 'no (opt-in: --enable ' + rule.id + ')'}",
             f"  profiles:    {', '.join(rule.profiles)}",
             f"  defined at:  {rule.source}" + (f":{rule.line}" if rule.line else ""),
             f"  description: {rule.description}"]
    if rule.patterns:
        lines.append(f"  match:       {rule.match}   flags: {', '.join(rule.flags) or '(none)'}")
        lines.append("  patterns:")
        lines += [f"    {x}" for x in rule.patterns]
    if rule.unless:
        lines.append("  unless:")
        lines += [f"    {x}" for x in rule.unless]
    when = {k: v for k, v in dataclasses.asdict(rule.when).items()
            if v not in (None, False) and not (k == "prose_min_words" and v == 25)}
    if when:
        lines.append("  when:        " + ", ".join(f"{k}={v}" for k, v in when.items()))
    if rule.section is not None:
        lines.append("  section:     " + ", ".join(
            f"{k}={v}" for k, v in dataclasses.asdict(rule.section).items() if v is not None))
    if rule.kind in ("leading-fragment", "trailing-fragment"):
        lines.append(f"  remove:      {rule.remove}")
    if rule.params:
        lines.append("  params:      " + ", ".join(f"{k}={v!r}" for k, v in rule.params))
    if rule.remove_examples:
        lines.append("  examples, removed:")
        for ex in rule.remove_examples:
            lines.append(f"    - {ex.text!r}")
            if ex.output is not None:
                lines.append(f"      -> {ex.output!r}")
    if rule.keep_examples:
        lines.append("  examples, kept:")
        lines += [f"    - {ex.text!r}" for ex in rule.keep_examples]
    out = Stdout()
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    return 0


@rules.command("test", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--select", multiple=True, metavar="ID|CATEGORY|PACK",
              help="Test only these rules (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only print failures.")
@click.pass_context
@_exits
def rules_test(ctx: click.Context, paths: tuple[str, ...], select: tuple[str, ...],
               quiet: bool) -> int:
    """Run the examples of the bundled rules, or of the rules in PATH.

    Exit 1 if an example fails (each failure is shown with a diff), 2 if a
    rule file is invalid.
    """
    from ..engine.cleaner import _bundled_rules
    from ..rules.loader import check_unique, load_rules, selector_matches
    from ..rules.selftest import check_rule

    loaded = []
    if paths:
        for path in paths:
            loaded.extend(load_rules(path))
        check_unique(loaded)
    else:
        loaded = list(_bundled_rules())
    if select:
        loaded = [r for r in loaded if any(selector_matches(s, r) for s in select)]
    out = Stdout()
    failed_rules = 0
    failures = 0
    examples = 0
    for rule in sorted(loaded, key=lambda r: r.sort_key()):
        examples += len(rule.remove_examples) + len(rule.keep_examples)
        fails = check_rule(rule)
        if fails:
            failed_rules += 1
            failures += len(fails)
        for f in fails:
            out.write(("FAIL " + f.message() + "\n" + _failure_diff(f) + "\n").encode("utf-8"))
    out.flush()
    if not quiet or failures:
        if failures:
            sys.stderr.write(f"{failures} of {_plural(examples, 'example')} failed "
                             f"({failed_rules} of {_plural(len(loaded), 'rule')})\n")
        else:
            sys.stderr.write(f"{_plural(len(loaded), 'rule')}, {_plural(examples, 'example')}: "
                             f"all passed\n")
    return 1 if failures else 0


def _failure_diff(f) -> str:
    import difflib

    from ..pipeline.files import split_lines

    if f.expected == "removed":
        return "  the text came back unchanged:\n" + "".join(
            f"    | {ln}" if ln.endswith("\n") else f"    | {ln}\n"
            for ln in split_lines(f.got) or [""])
    expected = f.example.text if f.expected == "kept" else f.expected
    label = "kept text" if f.expected == "kept" else "expected"
    diff = difflib.unified_diff(split_lines(expected), split_lines(f.got),
                                fromfile=label, tofile="got", n=2)
    out = []
    for ln in diff:
        if not ln.endswith("\n"):
            ln += "\n\\ No newline at end of file\n"
        out.append("    " + ln.replace("\n", "\n    ", ln.count("\n") - 1))
    return "".join(out)


@rules.command("validate", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@_exits
def rules_validate(paths: tuple[str, ...], quiet: bool) -> int:
    """Check rule files (no text needed): exit 2 with 'file:line: rule-id: message'.

    Without PATH, validates the bundled rules. Every file is checked, so all
    the problems show up at once.
    """
    from ..engine.cleaner import Cleaner, _bundled_rules
    from ..errors import RuleError
    from ..rules.loader import bundled_rules_dir, load_rules, rule_files, take_warnings

    take_warnings()
    targets = paths or (str(bundled_rules_dir()),)
    errors = 0
    loaded = []
    files = 0
    for path in targets:
        try:
            fl = rule_files(path)
        except RuleError as exc:
            sys.stderr.write(f"{exc}\n")
            errors += 1
            continue
        for f in fl:
            files += 1
            try:
                loaded.extend(load_rules(f))
            except RuleError as exc:
                sys.stderr.write(f"{exc}\n")
                errors += 1
    seen: dict[str, Any] = {}
    for r in loaded:
        if r.id in seen:
            first = seen[r.id]
            dup = r.error(f"duplicate rule id (first defined at {first.source}:{first.line})")
            sys.stderr.write(f"{dup}\n")
            errors += 1
        seen[r.id] = r
    if not errors and loaded:
        try:  # compiles every pattern and runs the kind-specific checks
            Cleaner(default_rules=False, extra_rules=loaded, enable=[r.id for r in loaded],
                    profile="article")
            page_rules = [r for r in loaded if "page" in r.profiles]
            if page_rules:
                Cleaner(profile="page", default_rules=False, extra_rules=page_rules,
                        enable=[r.id for r in page_rules])
        except RuleError as exc:
            sys.stderr.write(f"{exc}\n")
            errors += 1
    if paths:
        bundled = {r.id for r in _bundled_rules()}
        for r in loaded:
            if r.id in bundled and not r.source.startswith(str(bundled_rules_dir())):
                warn = r.error("same id as a bundled rule: use it with --no-default-rules "
                               "or rename it")
                sys.stderr.write(f"warning: {warn}\n")
    for w in take_warnings():
        sys.stderr.write(f"warning: {w}\n")
    if errors:
        sys.stderr.write(f"{_plural(errors, 'error')} in {_plural(files, 'file')}\n")
        return 2
    if not quiet:
        sys.stderr.write(f"ok: {_plural(len(loaded), 'rule')} in {_plural(files, 'file')}\n")
    return 0


@rules.command("categories", context_settings=CONTEXT)
@_exits
def rules_categories() -> int:
    """List the rule categories (for --ignore/--select/--enable) with the bundled rule counts."""
    from collections import Counter

    from ..rules.categories import CATEGORIES, OPT_IN_CATEGORIES
    from ..engine.cleaner import _bundled_rules

    counts = Counter(r.category for r in _bundled_rules())
    width = max(len(c) for c in CATEGORIES)
    lines = []
    for cat, desc in CATEGORIES.items():
        tag = "  (opt-in)" if cat in OPT_IN_CATEGORIES else ""
        lines.append(f"{cat.ljust(width)}  {counts.get(cat, 0):>3}  {desc}{tag}")
    out = Stdout()
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    return 0


# ------------------------------------------------------------------ entry point

# ------------------------------------------------------------------ mine

# Defined in minecli.py (it uses the helpers above, hence the late import).
from .mine import mine as _mine_command  # noqa: E402

cli.add_command(_mine_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ARGV (default ``sys.argv[1:]``); return the exit code."""
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
        msg = str(exc)
        sys.stderr.write(f"error: {msg}\n")
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return rv if isinstance(rv, int) else 0
