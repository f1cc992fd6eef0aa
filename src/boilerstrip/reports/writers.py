"""Run reports of ``boilerstrip clean --report FILE``, and the registry of their formats.

Every change is written as one *removal record*::

    {"file": ..., "rule": ..., "category": ..., "line": ..., "start": ..., "end": ...,
     "text": ..., "replacement": ..., "status": ...}           (+ "detail", "record")

``file`` is the name with any byte that is not UTF-8 written ``\\xNN``; when
that is not the exact name, ``file_bytes`` holds the exact name in base64
(see :mod:`boilerstrip.io.names`). ``start``/``end`` are code-point offsets
into the original text (half-open), ``line`` is 1-based, ``status`` is the document's status (``cleaned``, or
``guarded`` when the over-cleaning guard kept the document unchanged and the
record shows what *would* have been removed) and ``record`` is the line number
of the document in JSONL mode.

Formats are looked up in :data:`REPORT_FORMATS`. A new format is one entry:
a *writer factory* ``factory(stream) -> writer`` where the writer has
``add(file_report)`` and ``close(summary)``; or, for a format that needs the
whole run at once, a plain function wrapped by :func:`whole_run`::

    def write_xml(stream, reports: list[FileReport], summary: dict) -> None: ...
    register_report_format("xml", whole_run(write_xml), suffixes=(".xml",))

``factory`` may also be a ``"module:attribute"`` string, imported only when the
format is used (start-up time matters). ``needs_text`` asks the runner to keep
each document's original and cleaned text in :class:`FileReport`;
``path_based`` gives the factory the report's path instead of a stream (the
``html`` format writes its file atomically itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any, Callable, Protocol, Sequence

from ..io.names import name_fields, stored
from ..result import Change, Result, Skipped


@dataclass
class FileReport:
    """What happened to one document (a file, stdin, or one JSONL record).

    ``status`` is ``cleaned`` (changed, or would be with --check/--diff),
    ``unchanged``, ``guarded``, ``skipped`` or ``error``; ``message`` says why
    for the last three.
    """

    file: str
    status: str
    changes: tuple[Change, ...] = ()
    result_status: str = ""
    message: str = ""
    removed_share: float = 0.0
    skipped_rules: tuple[Skipped, ...] = ()
    record: int | None = None
    original: str | None = None
    text: str | None = None
    language: str = ""  # the document's language, as detected ("" unknown)

    @classmethod
    def from_result(cls, result: Result, name: str, limit: float, keep_text: bool = False,
                    record: int | None = None) -> FileReport:
        """The report of one cleaned document, whatever its source: NAME is the
        file (RECORD the line of a JSONL record), LIMIT the over-cleaning
        guard's share (for the message of a guarded document), KEEP_TEXT keeps
        both texts (for the HTML report). The one place that words a guard."""
        rep = cls(name, "unchanged", result.changes, result.status,
                  removed_share=result.removed_share, skipped_rules=result.skipped,
                  record=record, language=result.language)
        if keep_text:
            rep.original, rep.text = result.original, result.text
        if result.status == "guarded":
            rep.status = "guarded"
            rep.message = (f"{rep.where}: guarded: the rules would remove "
                           f"{result.removed_share:.0%} of the words (limit {limit:.0%}); "
                           f"left unchanged (--allow-large-removals to apply)")
        elif result.changed:
            rep.status = "cleaned"
        return rep

    @property
    def where(self) -> str:
        """The document in messages: the file, or ``file:line`` of a JSONL record."""
        return self.file if self.record is None else f"{self.file}:{self.record}"

    def removal_records(self) -> list[dict[str, Any]]:
        """The removal records of this document (see the module docstring)."""
        out = []
        for c in self.changes:
            d: dict[str, Any] = name_fields(self.file)
            if self.record is not None:
                d["record"] = self.record
            d.update(c.to_dict())
            d["status"] = self.result_status or "cleaned"
            out.append(d)
        return out

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {**name_fields(self.file), "status": self.status}
        if self.record is not None:
            d["record"] = self.record
        if self.message:
            d["message"] = stored(self.message)
        d["removed_share"] = round(self.removed_share, 4)
        if self.language:
            d["language"] = self.language
        d["removals"] = self.removal_records()
        if self.skipped_rules:
            d["skipped_rules"] = [s.to_dict() for s in self.skipped_rules]
        return d


class ReportWriter(Protocol):
    """What a report format's factory returns."""

    def add(self, report: FileReport) -> None: ...

    def close(self, summary: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class ReportFormat:
    """A registered report format.

    The factory gets an open text stream, or with ``path_based`` the report's
    file path (for writers that manage their own file, e.g. to write it
    atomically; such formats cannot go to stdout).
    """

    name: str
    factory: Callable[[Any], ReportWriter] | str
    suffixes: tuple[str, ...] = ()
    needs_text: bool = False
    description: str = ""
    path_based: bool = False

    def open(self, target: Any) -> ReportWriter:
        factory = self.factory
        if isinstance(factory, str):
            import importlib

            module, _, attr = factory.partition(":")
            factory = getattr(importlib.import_module(module), attr)
        return factory(target)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class JsonlWriter:
    """One removal record per line, streamed as the run goes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def add(self, report: FileReport) -> None:
        for rec in report.removal_records():
            self.stream.write(_dumps(rec) + "\n")

    def close(self, summary: dict[str, Any]) -> None:
        self.stream.flush()


class JsonWriter:
    """One JSON document: ``{"summary": {...}, "files": [{..., "removals": [...]}]}``."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.files: list[dict[str, Any]] = []

    def add(self, report: FileReport) -> None:
        self.files.append(report.to_dict())

    def close(self, summary: dict[str, Any]) -> None:
        from .. import __version__

        doc = {"tool": "boilerstrip", "version": __version__, "summary": summary,
               "files": self.files}
        self.stream.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        self.stream.flush()


class _WholeRun:
    def __init__(self, fn: Callable[[IO[str], list[FileReport], dict[str, Any]], None],
                 stream: IO[str]) -> None:
        self.fn = fn
        self.stream = stream
        self.reports: list[FileReport] = []

    def add(self, report: FileReport) -> None:
        self.reports.append(report)

    def close(self, summary: dict[str, Any]) -> None:
        self.fn(self.stream, self.reports, summary)
        self.stream.flush()


def whole_run(fn: Callable[[IO[str], list[FileReport], dict[str, Any]], None]
              ) -> Callable[[IO[str]], ReportWriter]:
    """Turn ``fn(stream, reports, summary)`` into a writer factory (collects the run)."""
    return lambda stream: _WholeRun(fn, stream)


class HtmlWriter:
    """The HTML audit page (:mod:`boilerstrip.reports.html`), fed document by document."""

    def __init__(self, path: str) -> None:
        from .html import HtmlReportWriter

        self.writer = HtmlReportWriter(path)

    def add(self, report: FileReport) -> None:
        if report.original is None:  # skipped or failed: nothing to show
            return
        self.writer.add({"file": report.file if report.record is None
                         else f"{report.file}:{report.record}",
                         "original": report.original, "text": report.text,
                         "status": report.result_status or "cleaned",
                         "changes": report.changes})

    def close(self, summary: dict[str, Any]) -> None:
        from .html import format_size

        size = self.writer.close()
        # The CLI prints this: people want to know what they are about to open.
        self.note = (f"wrote {self.writer.path} ({format_size(size)}, "
                     f"{self.writer.stats.documents:,} documents)")


#: name -> format. Add an entry (or call :func:`register_report_format`) to plug one in.
REPORT_FORMATS: dict[str, ReportFormat] = {
    "json": ReportFormat("json", JsonWriter, (".json",),
                         description="one JSON document: summary and per-file removals"),
    "jsonl": ReportFormat("jsonl", JsonlWriter, (".jsonl", ".ndjson"),
                          description="one removal record per line"),
    "html": ReportFormat("html", HtmlWriter, (".html", ".htm"), needs_text=True,
                         path_based=True,
                         description="a self-contained HTML audit page (open it in a browser)"),
}


def register_report_format(name: str, factory: Callable[[Any], ReportWriter] | str,
                           suffixes: Sequence[str] = (), needs_text: bool = False,
                           description: str = "", path_based: bool = False) -> None:
    """Register (or replace) a report format under NAME."""
    REPORT_FORMATS[name] = ReportFormat(name, factory, tuple(suffixes), needs_text, description,
                                        path_based)


def format_for_path(path: str) -> str | None:
    """The format whose suffix PATH ends with, if any."""
    low = path.lower()
    for fmt in REPORT_FORMATS.values():
        if any(low.endswith(s) for s in fmt.suffixes):
            return fmt.name
    return None
