"""``boilerstrip clean``: the stdin filter, the in-place batch cleaner and the
JSONL corpus cleaner.

The command checks its options, chooses the source and the sinks, and says
what happened; the run itself is :mod:`boilerstrip.pipeline.run`.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any

import click

from ..errors import BoilerstripError
from ..pipeline.options import RunOptions, run_option_fields
from ..reports.writers import FileReport
from .common import (CONTEXT, Messages, Stdout, apply_config, build_cleaner, exits,
                     field_options, options_from, plural, rule_options, stdin_is_tty,
                     use_color)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...|-]")
@field_options(run_option_fields())
@rule_options
@click.pass_context
@exits
def clean(ctx: click.Context, **p: Any) -> int:
    """Clean text: a stdin-to-stdout filter, or files and folders in place.

    \b
    With no PATH or with '-', read stdin and write the cleaned text to stdout.
    Folders are searched recursively for --include files. A changed file is
    rewritten atomically; an unchanged file is never touched.

    \b
    Exit 0 when the run went through (the filter: changed or not); 1 when a
    file was cleaned in place or something would change (--check, --diff);
    2 on an error.
    """
    paths: tuple[str, ...] = p["paths"]
    err_color = use_color(p["color"], sys.stderr)
    msg = Messages(p["quiet"], p["verbose"], err_color)
    apply_config(ctx, p, paths if paths and "-" not in paths else ["."], msg)
    run = RunOptions(**options_from(run_option_fields(), p))
    from ..pipeline.pool import cap_jobs

    jobs, too_many = cap_jobs(run.jobs)  # -j 100000 would fork until memory runs out
    if too_many:
        msg.warning(too_many)
        run = dataclasses.replace(run, jobs=jobs)
    typed = click.core.ParameterSource.COMMANDLINE
    if not run.jsonl and ctx.get_parameter_source("report_field") is not typed:
        run = dataclasses.replace(run, report_field=None)  # the config's field waits for --jsonl
    _check_clean_usage(paths, run)
    if not run.report and ctx.get_parameter_source("report_format") is not typed:
        run = dataclasses.replace(run, report_format=None)  # the config's waits for a --report
    report_format = _report_format(run)
    cleaner = build_cleaner(p)
    for w in cleaner.warnings:  # about the user's rule files only
        msg.detail(f"rule warning: {w}")
    msg.detail(f"rules: {len(cleaner.rules)} active of {len(cleaner.all_rules)} "
               f"(profile {cleaner.profile})")
    if not run.jsonl and not paths and stdin_is_tty():
        raise click.UsageError("no PATH given and stdin is a terminal: name files or "
                               "folders, or pipe text in")
    out = Stdout()
    report = None
    if run.report:
        from ..pipeline.sinks import open_report

        report = open_report(run.report, report_format, out)
    color = use_color(p["color"], sys.stdout)
    try:
        if run.jsonl:
            return _clean_jsonl(paths, run, cleaner, msg, out, report)
        if not paths or paths == ("-",):
            return _clean_stdin(run, cleaner, msg, out, report, color)
        return _clean_files(paths, run, cleaner, msg, out, report, color)
    except BaseException:
        if report is not None:
            report.abort()
        raise
    finally:
        out.flush()


def _check_clean_usage(paths: tuple[str, ...], run: RunOptions) -> None:
    """Refuse the combinations of options that make no sense (a usage error, exit 2)."""
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (stdin) cannot be mixed with other paths")
    to_stdin = not paths or paths == ("-",)
    if run.output_dir and (run.check or run.diff):
        raise click.UsageError("--output-dir cannot be combined with --check or --diff")
    if run.jsonl:
        if len(paths) > 1:
            raise click.UsageError("--jsonl takes one FILE (or '-' for stdin)")
        for opt in ("diff", "output_dir", "include", "exclude", "force_exclude"):
            if getattr(run, opt):
                raise click.UsageError(f"--{opt.replace('_', '-')} does not apply to --jsonl")
        if run.output and run.check:
            raise click.UsageError("--check writes nothing: drop -o/--output")
        text_to_stdout = not run.output and not run.check
    else:
        if run.output:
            raise click.UsageError("-o/--output is for --jsonl; use --output-dir for files")
        if run.report_field:
            raise click.UsageError("--report-field is for --jsonl")
        if to_stdin and run.output_dir:
            raise click.UsageError("--output-dir needs PATH arguments (stdin goes to stdout)")
        text_to_stdout = run.diff or (to_stdin and not run.check)
    if run.report == "-" and text_to_stdout:
        raise click.UsageError("--report - needs stdout, which already carries the "
                               "text; give the report a FILE")


def _report_format(run: RunOptions) -> str | None:
    """The --report format: named, or from the file's suffix, else json."""
    from ..reports.writers import REPORT_FORMATS, format_for_path

    if not run.report:
        if run.report_format:
            raise click.UsageError("--report-format needs --report FILE")
        return None
    fmt = run.report_format or format_for_path(run.report) or "json"
    if fmt not in REPORT_FORMATS:
        raise click.BadParameter(
            f"unknown report format {fmt!r} (available: "
            f"{', '.join(sorted(REPORT_FORMATS))})", param_hint="'--report-format'")
    if REPORT_FORMATS[fmt].path_based and run.report == "-":
        raise click.UsageError(f"the {fmt} report needs a FILE, not '-'")
    return fmt


def _close_report(report, summary, mode: str, msg: Messages) -> None:
    if report is not None:
        note = report.close(summary.to_dict(mode))
        if note:  # e.g. the HTML report's size
            msg.info(note)


# ------------------------------------------------------------------ what is said

def _file_message(msg: Messages, rep: FileReport, check: bool) -> None:
    """What the batch cleaner says about one file."""
    if rep.status == "cleaned":
        verb = "would clean" if check else "cleaned"
        msg.info(f"{verb} {rep.file} ({plural(len(rep.changes), 'removal')})", "cleaned")
    elif rep.status == "guarded":
        msg.info(rep.message, "guarded")
    elif rep.status == "skipped":
        msg.note(rep.message)
    elif rep.status == "error":
        msg.error(rep.message)
    else:
        msg.detail(f"unchanged {rep.file}")
    _skipped_rules(msg, rep)


def _filter_message(msg: Messages, rep: FileReport, check: bool) -> None:
    """What the stdin filter says: nothing about a cleaned text unless asked."""
    if rep.status not in ("cleaned", "unchanged"):
        return _file_message(msg, rep, check)
    verb = {"cleaned": "would clean" if check else "cleaned",
            "unchanged": "unchanged"}[rep.status]
    msg.detail(f"{verb} {rep.file} ({plural(len(rep.changes), 'removal')})")
    _skipped_rules(msg, rep)


def _record_message(msg: Messages, rep: FileReport) -> None:
    """What the JSONL cleaner says about one record: only the guarded ones, with -v."""
    if rep.status == "guarded":
        msg.detail(rep.message)
    _skipped_rules(msg, rep)


def _skipped_rules(msg: Messages, rep: FileReport) -> None:
    for s in rep.skipped_rules:
        msg.warning(f"{rep.where}: rule {s.rule} skipped: {s.reason}")


# ------------------------------------------------------------------ the three sources

def _document_options(run: RunOptions, report, color: bool, write: bool):
    from ..pipeline.clean import DocumentOptions

    return DocumentOptions(write=write, diff=run.diff, color=color,
                           on_invalid_utf8=run.on_invalid_utf8,
                           needs_text=bool(report and report.needs_text))


def _clean_stdin(run: RunOptions, cleaner, msg: Messages, out: Stdout, report,
                 color: bool) -> int:
    from ..pipeline.run import consume, stdin_outcome
    from ..pipeline.sinks import StdoutSink
    from ..pipeline.summary import RunSummary

    from ..io.limits import max_document_bytes, read_limited

    name = run.stdin_filename or "<stdin>"
    data = read_limited(sys.stdin.buffer, name, max_document_bytes())
    if run.force_exclude and run.stdin_filename:
        from ..pipeline.files import is_excluded

        if is_excluded(run.stdin_filename.replace(os.sep, "/"), run.exclude):
            msg.detail(f"{name}: excluded; passed through unchanged")
            if not run.changes_nothing:
                out.write(data)
            return 0
    opts = _document_options(run, report, color, write=False)
    outcome = stdin_outcome(data, name, cleaner, opts, emit=not run.changes_nothing)
    summary = consume([outcome], RunSummary(), sink=StdoutSink(out), report=report, say=msg,
                      announce=lambda rep: _filter_message(msg, rep, run.check))
    _close_report(report, summary, "stdin", msg)
    # A filter that ran did its job, changed or not (as black, ruff and sed do):
    # exit 1 is for --check and --diff, "would change".
    return summary.exit_code(changed_is_failure=run.changes_nothing and not run.exit_zero)


def _progress(msg: Messages, quiet: bool, total_items: int, total_bytes: int | None,
              unit: str):
    """A progress bar on a terminal (it is cleared before each message)."""
    from ..pipeline.progress import Progress, stderr_is_tty

    if quiet or not stderr_is_tty():
        return None
    msg.progress = Progress(sys.stderr, total_items, total_bytes, unit=unit)
    return msg.progress


def _clean_files(paths: tuple[str, ...], run: RunOptions, cleaner, msg: Messages,
                 out: Stdout, report, color: bool) -> int:
    import time

    from ..pipeline.files import Task, collect
    from ..pipeline.run import consume, file_outcomes
    from ..pipeline.sinks import StdoutSink
    from ..pipeline.summary import RunSummary

    t0 = time.perf_counter()
    items, notes = collect(paths, run.globs, run.exclude, run.force_exclude, run.output_dir)
    for n in notes:
        msg.detail(n)
    _refuse_input_as_report(run.report, items)
    tasks = [t for t in items if isinstance(t, Task)]
    opts = _document_options(run, report, color,
                             write=not (run.changes_nothing or run.output_dir))
    check = run.changes_nothing
    progress = None
    if len(tasks) > 1:
        progress = _progress(msg, msg.quiet, len(tasks), sum(t.size for t in tasks), "files")
    try:
        summary = consume(file_outcomes(items, cleaner, opts, run.jobs), RunSummary(),
                          sink=StdoutSink(out), report=report, say=msg, progress=progress,
                          announce=lambda rep: _file_message(msg, rep, check))
    finally:
        if progress is not None:
            progress.clear()
            msg.progress = None
    _close_report(report, summary, "check" if check else "files", msg)
    if not summary.stopped:
        msg.info(summary.line(check) if items else "no files to clean")
        msg.detail(f"done in {time.perf_counter() - t0:.2f} s")
    return summary.exit_code(changed_is_failure=not run.exit_zero)


def _refuse_input_as_report(report: str | None, items) -> None:
    """A report path that is one of the inputs would replace it: refuse."""
    from ..pipeline.files import input_named_by

    clash = input_named_by(report, items) if report and report != "-" else None
    if clash is not None:
        raise BoilerstripError(f"{report}: --report names the input {clash}; nothing done")


def _clean_jsonl(paths: tuple[str, ...], run: RunOptions, cleaner, msg: Messages,
                 out: Stdout, report) -> int:
    from ..io import jsonl
    from ..pipeline.run import consume, record_outcomes
    from ..pipeline.sinks import NullSink, StdoutSink
    from ..pipeline.summary import RunSummary

    path = paths[0] if paths else "-"
    if path == "-" and stdin_is_tty():
        raise click.UsageError("--jsonl: no FILE given and stdin is a terminal")
    from ..pipeline.files import same_file

    for opt in ("report", "output"):
        target = getattr(run, opt)
        if path != "-" and target and target != "-" and same_file(target, path):
            raise BoilerstripError(f"{target}: --{opt} names the input {path}; nothing done")
    source = jsonl.open_source(path)
    name = (run.stdin_filename or source.name) if path == "-" else source.name
    if run.check:
        sink: Any = NullSink()
    elif run.output and run.output != "-":
        sink = jsonl.Sink(run.output)
    else:
        sink = StdoutSink(out)
    opts = jsonl.JsonlOptions(run.text_field, run.report_field, name,
                              bool(report and report.needs_text))
    progress = _progress(msg, msg.quiet, 0, source.size, "records")
    ok = False
    try:
        summary = consume(record_outcomes(source, cleaner, opts, run.jobs), RunSummary(),
                          sink=sink, report=report, say=msg, progress=progress,
                          announce=lambda rep: _record_message(msg, rep),
                          skip_bad_records=run.on_bad_record == "skip")
        if not summary.counts["error"]:
            sink.commit()
            ok = True
    finally:
        if not ok:
            sink.abort()
        source.close()
        if progress is not None:
            progress.clear()
            msg.progress = None
    _close_report(report, summary, "jsonl", msg)
    if summary.stopped:
        return summary.exit_code(changed_is_failure=not run.exit_zero)
    if summary.counts["error"]:
        msg.error(f"{name}: stopped at the first bad record (--on-bad-record skip to skip "
                  f"such records); " + ("no output written" if run.output else
                                        "the output is incomplete"))
    msg.info(summary.line(run.check, "record"))
    return summary.exit_code(changed_is_failure=not run.exit_zero)
