"""Where a run's output goes: the output stream (stdout, a JSONL file, or
nowhere with ``--check``) and the ``--report`` file.

Files written in place or under ``--output-dir`` are written by the workers
themselves (:mod:`boilerstrip.pipeline.files`); a JSONL output file is
:class:`boilerstrip.io.jsonl.Sink`, replaced atomically on commit. Every sink
has ``write(bytes)``, ``commit()``, ``abort()`` and ``closed`` (the reader went
away: stop quietly).
"""

from __future__ import annotations

from typing import Any



class NullSink:
    """``--check``: the cleaned output goes nowhere."""

    closed = False

    def write(self, data: bytes) -> None:
        pass

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


class StdoutSink(NullSink):
    """The output stream is stdout (an object with write, flush and closed)."""

    def __init__(self, out: Any) -> None:
        self.out = out

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return self.out.closed

    def write(self, data: bytes) -> None:
        self.out.write(data)

    def commit(self) -> None:
        self.out.flush()


class TextStream:
    """A text stream over a byte sink with ``write`` and ``flush`` (``--report -``)."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, s: str) -> int:
        self.out.write(s.encode("utf-8", "backslashreplace"))  # see open_report
        return len(s)

    def flush(self) -> None:
        self.out.flush()


class ReportSink:
    """The ``--report`` writer of a run, with the file it owns (if any)."""

    def __init__(self, writer, stream, needs_text: bool) -> None:
        self.writer = writer
        self.stream = stream
        self.needs_text = needs_text
        self.closed = False
        self.note = ""

    def add(self, rep) -> None:
        self.writer.add(rep)

    def close(self, summary: dict[str, Any]) -> str:
        """Finish the report; return what the writer wants said (e.g. the HTML size)."""
        self.closed = True
        self.writer.close(summary)
        if self.stream is not None:
            self.stream.close()
        return getattr(self.writer, "note", "")

    def abort(self) -> None:
        """The run failed: drop what the writer can drop, close the file."""
        if self.closed:
            return
        abort = getattr(self.writer, "abort", None) or getattr(
            getattr(self.writer, "writer", None), "abort", None)
        if abort is not None:
            abort()
        if self.stream is not None:  # an AtomicFile drops its temporary file
            getattr(self.stream, "abort", self.stream.close)()


def open_report(path: str, fmt: str, out: Any) -> ReportSink:
    """The report sink of ``--report PATH`` in format FMT ('-': OUT, the stdout sink)."""
    from ..reports.writers import REPORT_FORMATS

    spec = REPORT_FORMATS[fmt]
    if spec.path_based:
        return ReportSink(spec.open(path), None, spec.needs_text)
    if path == "-":
        return ReportSink(spec.open(TextStream(out)), None, spec.needs_text)
    from ..io.text import AtomicFile

    # renamed into place at the end: a failed run (disk full...) leaves no
    # half report and no temporary file, and never a truncated input
    # a lone surrogate (from a \udXXX escape in a JSONL record) can only be
    # inside a JSON string, where "\udXXX" is its exact spelling
    stream = AtomicFile(path, durable=False, errors="backslashreplace")
    return ReportSink(spec.open(stream), stream, spec.needs_text)
