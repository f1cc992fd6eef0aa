"""Streaming JSON Lines corpora: ``boilerstrip clean --jsonl``.

One record per line; the ``text_field`` of each record is cleaned and the
record is written back in the same place of the output, every other field
untouched. A record whose text does not change is written back byte for byte
(same key order, spacing and escapes); a changed record is re-serialised with
``json.dumps`` (key order kept).

Input and output are compressed by file suffix: ``.gz`` (gzip) and ``.zst`` /
``.zstd`` (Zstandard, when the ``zstandard`` package is installed). Compressed
stdin is recognised by its magic bytes.

Memory stays flat: records are read one line at a time (the run, with its
bounded worker pool, is :mod:`boilerstrip.pipeline.run`). An output file is written to a temporary
file next to it and moved into place at the end, so a failed run never leaves
a half-written output behind.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from ..errors import ConfigError, InputError
from ..reports.writers import FileReport
from .text import abandon_write, begin_write, finish_write, open_binary

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: Read size around a decompressor: small, so that the compressed bytes read
#: (what the progress bar shows) stay close to the records handed out.
_SMALL_READS = 1 << 16


def _zstd(path: str):
    try:
        import zstandard
    except ImportError:
        raise ConfigError(f"{path}: Zstandard files need the 'zstandard' package "
                          f"(pip install zstandard)") from None
    return zstandard


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
        n = self.raw.readinto(b)
        self.count += n or 0
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
    buffered = io.BufferedReader(counter, _SMALL_READS if _compression(path) else 1 << 20)
    kind = _compression(path) if path != "-" else None
    if path == "-":
        head = buffered.peek(4)[:4]
        if head.startswith(_GZIP_MAGIC):
            kind = "gzip"
        elif head.startswith(_ZSTD_MAGIC):
            kind = "zstd"
    closers: list = [raw] if path != "-" else []
    if kind == "gzip":
        import gzip

        stream: IO[bytes] = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"),
                                              _SMALL_READS)
    elif kind == "zstd":
        z = _zstd(path)
        reader = z.ZstdDecompressor().stream_reader(buffered, read_across_frames=True)
        stream = io.BufferedReader(reader, _SMALL_READS)
    else:
        stream = buffered
    closers.append(stream)
    return Source(name, stream, counter, size, closers)


class Sink:
    """Where cleaned records go: stdout, or a file replaced atomically on commit."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.tmp: str | None = None
        self.closers: list = []
        if path is None or path == "-":
            self.stream: IO[bytes] = sys.stdout.buffer
            return
        target = Path(path)
        # io.text's atomic write: an existing output keeps its mode, a symlink
        # is refused rather than replaced, the temporary file is unpredictable
        self.pending = begin_write(target, path)
        self.tmp = self.pending.tmp or "(unnamed)"
        raw = os.fdopen(self.pending.fd, "wb", closefd=False)
        self.raw = raw
        kind = _compression(path)
        if kind == "gzip":
            import gzip

            self.stream = gzip.GzipFile(filename=target.stem, fileobj=raw, mode="wb",
                                        compresslevel=6, mtime=0)
            self.closers = [self.stream]
        elif kind == "zstd":
            z = _zstd(path)
            self.stream = z.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
            self.closers = [self.stream]
        else:
            self.stream = io.BufferedWriter(raw, 1 << 20)  # type: ignore[arg-type]
            self.closers = [self.stream]

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        """Finish the output (move the temporary file into place)."""
        if self.tmp is None:
            self.stream.flush()
            return
        try:
            for c in self.closers:
                c.flush()
                c.close()
            if not self.raw.closed:
                self.raw.flush()
                os.fsync(self.raw.fileno())
                self.raw.close()
            self.tmp = None
            finish_write(self.pending)  # drops the temporary file itself on failure
        except OSError as exc:
            self.abort()
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def abort(self) -> None:
        """Drop a half-written output file."""
        if self.tmp is None:
            return
        for c in (*self.closers, self.raw):
            try:
                c.close()
            except Exception:
                pass
        abandon_write(self.pending)
        self.tmp = None


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class JsonlOptions:
    """How records are cleaned (picklable, sent to workers)."""

    text_field: str = "text"
    report_field: str | None = None
    name: str = "<stdin>"
    keep_text: bool = False   # put the texts in the reports (HTML report)


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
    if not line.strip():
        return Done(lineno, line)
    body = line.rstrip(b"\r\n")
    ending = line[len(body):]
    try:
        record = json.loads(body)
    except UnicodeDecodeError as exc:
        return _bad(opts.name, lineno, f"not valid UTF-8 (byte {exc.start} of the line)")
    except ValueError as exc:
        msg = getattr(exc, "msg", str(exc))
        col = getattr(exc, "colno", None)
        return _bad(opts.name, lineno, f"not valid JSON: {msg}"
                    + (f" (column {col})" if col else ""))
    if not isinstance(record, dict):
        return _bad(opts.name, lineno, f"record is a JSON {type(record).__name__}, "
                                       f"not an object")
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
    record[opts.text_field] = result.text
    if opts.report_field is not None:
        record[opts.report_field] = [{k: v for k, v in r.items() if k not in ("file", "record")}
                                     for r in rep.removal_records()]
    try:
        out = json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \\udcxx escapes: keep them escaped
        out = json.dumps(record).encode("ascii")
    return Done(lineno, out + (ending or b""), rep, changed=rep.status == "cleaned")


def numbered(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The lines of STREAM with their 1-based numbers."""
    for n, line in enumerate(stream, 1):
        yield n, line
