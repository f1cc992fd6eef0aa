"""``boilerstrip clean``: the stdin filter, the in-place batch cleaner and the
JSONL corpus cleaner."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..errors import BoilerstripError
from ..pipeline.options import run_option_fields
from .common import (CONTEXT, Messages, Stdout, TextToStdout, apply_config, build_cleaner,
                     exits, field_options, plural, rule_options, stdin_is_tty, use_color)


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
    """
    paths: tuple[str, ...] = p["paths"]
    err_color = use_color(p["color"], sys.stderr)
    msg = Messages(p["quiet"], p["verbose"], err_color)
    apply_config(ctx, p, paths if paths and "-" not in paths else ["."], msg)
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
    cleaner = build_cleaner(p)
    from ..rules.loader import take_warnings

    for w in take_warnings():
        msg.detail(f"rule warning: {w}")
    msg.detail(f"rules: {len(cleaner.rules)} active of {len(cleaner.all_rules)} "
               f"(profile {cleaner.profile})")
    if not p["jsonl"] and not paths and stdin_is_tty():
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
        stream = TextToStdout(out)
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



def _summary_line(counts: dict[str, int], changes: int, check: bool, unit: str = "file") -> str:
    verb = "would be cleaned" if check else "cleaned"
    parts = [f"{plural(counts['cleaned'], unit)} {verb} ({plural(changes, 'removal')})",
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
        msg.info(f"{verb} {rep.file} ({plural(n, 'removal')})", "cleaned")
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
    opts = Options(write=False, diff=p["diff"], color=use_color(p["color"], sys.stdout),
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
        msg.detail(f"{verb} {name} ({plural(len(rep.changes), 'removal')})")
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
                   color=use_color(p["color"], sys.stdout),
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
    if path == "-" and stdin_is_tty():
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
