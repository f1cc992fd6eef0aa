"""Streaming JSON Lines corpora: ``boilerstrip clean --jsonl``.

One record per line; the ``text_field`` of each record is cleaned and the
record is written back in the same place of the output, every other field
untouched: the new text (and report) is spliced into the raw line, so every
other byte of the record (numbers such as ``1e400``, duplicate keys, key order,
spacing, escapes) comes out as it went in (see records.py).

Input and output are compressed by file suffix: ``.gz`` (gzip) and ``.zst`` /
``.zstd`` (Zstandard, when the ``zstandard`` package is installed). Compressed
stdin is recognised by its magic bytes.

Memory stays flat: records are read one line at a time, each bounded in size
(the run, with its bounded worker pool, is :mod:`boilerstrip.pipeline.run`).
An output file is written to a temporary file next to it (unnamed where Linux
allows) and moved into place at the end, so a failed or killed run never leaves
a half-written output behind.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from ..errors import InputError
from ..reports.writers import FileReport
from . import records
from .compressed import DECOMPRESSED_READS, open_decompressed, zstd_module
from .limits import bounded_lines, max_document_bytes, over_limit, too_large
from .text import PendingWrite, abandon_write, begin_write, finish_write, open_binary

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _compression(path: str) -> str | None:
    low = path.lower()
    if low.endswith(".gz"):
        return "gzip"
    if low.endswith((".zst", ".zstd")):
        return "zstd"
    return None


class _Counting(io.RawIOBase):
    """Counts the (compressed) bytes read, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        # readinto1: what a pipe has now, not a wait until the buffer is full
        # (records from a slow producer go through as they come)
        read = getattr(self.raw, "readinto1", self.raw.readinto)
        n = read(b) or 0
        if self.count == 0:  # the magic bytes of compressed stdin come whole
            while 0 < n < min(4, len(b)):
                more = read(memoryview(b)[n:])
                if not more:
                    break
                n += more
        self.count += n
        return n


@dataclass
class Source:
    """An opened JSONL input."""

    name: str
    stream: IO[bytes]
    counter: _Counting
    size: int | None
    closers: list = field(default_factory=list)

    def close(self) -> None:
        for c in reversed(self.closers):
            try:
                c.close()
            except OSError:
                pass


def open_source(path: str) -> Source:
    """Open PATH (``-``: stdin) for reading, decompressing by suffix or magic bytes."""
    if path == "-":
        raw = sys.stdin.buffer
        name, size = "<stdin>", None
    else:
        name = path
        raw = open_binary(path)
        size = os.fstat(raw.fileno()).st_size
    counter = _Counting(raw)
    buffered = io.BufferedReader(counter, DECOMPRESSED_READS if _compression(path) else 1 << 20)
    kind = _compression(path) if path != "-" else None
    if path == "-":
        head = buffered.peek(4)[:4]
        if head.startswith(_GZIP_MAGIC):
            kind = "gzip"
        elif head.startswith(_ZSTD_MAGIC):
            kind = "zstd"
    closers: list = [raw] if path != "-" else []
    stream = open_decompressed(kind, buffered, name)
    closers.append(stream)
    return Source(name, stream, counter, size, closers)


class Sink:
    """Where cleaned records go: stdout, or a file replaced atomically on commit.

    The file is written to a temporary file beside it, made as io/text.py's
    in-place rewrites make theirs (:func:`~.text.begin_write`): unnamed where
    Linux allows, so a run killed with SIGKILL leaves nothing behind.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.pending: PendingWrite | None = None
        self.closers: list = []
        if path is None or path == "-":
            self.stream: IO[bytes] = sys.stdout.buffer
            return
        target = Path(path)
        # io.text's atomic write: an existing output keeps its mode, a symlink
        # is refused rather than replaced, the temporary file is unpredictable
        # (unnamed where Linux allows: a run killed with SIGKILL leaves nothing)
        self.pending = begin_write(target, path)
        # the fd belongs to the PendingWrite (finish_write closes it)
        raw = os.fdopen(self.pending.fd, "wb", closefd=False)
        self.raw = raw
        kind = _compression(path)
        if kind == "gzip":
            import gzip

            self.stream = gzip.GzipFile(filename=target.stem, fileobj=raw, mode="wb",
                                        compresslevel=6, mtime=0)
            self.closers = [self.stream]
        elif kind == "zstd":
            z = zstd_module(path)
            self.stream = z.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
            self.closers = [self.stream]
        else:
            self.stream = io.BufferedWriter(raw, 1 << 20)  # type: ignore[arg-type]
            self.closers = [self.stream]

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as exc:  # disk full, file too large: drop the partial output
            self.abort()
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def commit(self) -> None:
        """Finish the output (move the temporary file into place)."""
        if self.pending is None:
            self.stream.flush()
            return
        try:
            for c in self.closers:  # a compressor writes its end marker on close
                c.flush() if isinstance(c, io.BufferedWriter) else c.close()
            self.raw.flush()
            os.fsync(self.raw.fileno())  # the data is on disk before the rename
            for c in (*self.closers, self.raw):
                c.close()
        except OSError as exc:
            self.abort()
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        pending, self.pending = self.pending, None
        finish_write(pending)  # mode, name, rename; on failure: InputError, nothing left

    def abort(self) -> None:
        """Drop a half-written output file."""
        if self.pending is None:
            return
        for c in (*self.closers, self.raw):
            try:
                c.close()
            except Exception:
                pass
        abandon_write(self.pending)
        self.pending = None


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class JsonlOptions:
    """How records are cleaned (picklable, sent to workers)."""

    text_field: str = "text"
    report_field: str | None = None
    name: str = "<stdin>"
    keep_text: bool = False   # put the texts in the reports (HTML report)
    max_record_bytes: int = field(default_factory=max_document_bytes)


@dataclass
class Done:
    """One record processed: the line to write (None: drop it) and its outcome."""

    lineno: int
    line: bytes | None
    report: FileReport | None = None
    error: str = ""
    changed: bool = False


def _bad(name: str, lineno: int, what: str) -> Done:
    return Done(lineno, None, error=f"{name}:{lineno}: {what}")


def clean_record(line: bytes, lineno: int, cleaner, opts: JsonlOptions) -> Done:
    """Clean one JSONL line. Blank lines pass through; bad records come back as errors."""
    if over_limit(line, opts.max_record_bytes):  # even blank: it comes cut
        return _bad(opts.name, lineno, f"record {too_large(opts.max_record_bytes)}")
    if not line.strip():
        return Done(lineno, line)
    body = line.rstrip(b"\r\n")
    ending = line[len(body):]
    try:
        record, doc = records.parse_object(body)
    except records.BadRecord as exc:
        return _bad(opts.name, lineno, str(exc))
    if opts.text_field not in record:
        return _bad(opts.name, lineno, f"record has no {opts.text_field!r} field "
                                       f"(see --text-field)")
    text = record[opts.text_field]
    if not isinstance(text, str):
        kind = "null" if text is None else type(text).__name__
        return _bad(opts.name, lineno, f"field {opts.text_field!r} is {kind}, not a string")
    result = cleaner.clean(text)
    rep = FileReport.from_result(result, opts.name, cleaner.max_removed_share, opts.keep_text,
                                 record=lineno)
    if rep.status != "cleaned" and opts.report_field is None:
        return Done(lineno, line, rep)
    # only these values change: every other byte of the line is kept (records.py)
    new_values = {}
    if result.text != text:
        new_values[opts.text_field] = records.json_value(result.text)
    if opts.report_field is not None:
        new_values[opts.report_field] = records.json_value(
            [{k: v for k, v in r.items() if k not in ("file", "record")}
             for r in rep.removal_records()])
    out = records.splice(body, doc, new_values)
    return Done(lineno, out + (ending or b""), rep, changed=rep.status == "cleaned")


def numbered(stream: IO[bytes], limit: int | None = None) -> Iterator[tuple[int, bytes]]:
    """The lines of STREAM with their 1-based numbers; a line over LIMIT bytes
    (default: the document limit) comes out cut (see limits.bounded_lines)."""
    return bounded_lines(stream, max_document_bytes() if limit is None else limit)
