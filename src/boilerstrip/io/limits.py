"""The largest document boilerstrip reads, and reading no further than that.

Cleaning needs a whole document in memory (several times its size while the
engine works on it), so one document has a size limit: a file, stdin, or one
JSONL record over it is refused with a one-line error (with ``--on-bad-record
skip``, a JSONL record is skipped and counted). Reading stops at the limit, so
a 4 MB gzip that inflates to one 4 GB line costs the limit, not 4 GB.

The limit is :data:`DEFAULT_MAX_DOCUMENT_MB` MB, generous for any article or
page; ``$BOILERSTRIP_MAX_DOCUMENT_MB`` sets another.
"""

from __future__ import annotations

import os
from typing import IO, Iterator

from ..errors import ConfigError, InputError

DEFAULT_MAX_DOCUMENT_MB = 64
ENV_VAR = "BOILERSTRIP_MAX_DOCUMENT_MB"


def max_document_bytes() -> int:
    """The size limit of one document in bytes (from the environment, else
    the default)."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return DEFAULT_MAX_DOCUMENT_MB << 20
    try:
        mb = float(value)
    except ValueError:
        mb = -1.0
    if not mb > 0:
        raise ConfigError(f"${ENV_VAR}: expected a positive number of megabytes, "
                          f"got {value!r}")
    return int(mb * (1 << 20))


def too_large(limit: int) -> str:
    """Why a document (or record) over LIMIT bytes is refused, for a message."""
    return (f"larger than the {limit / (1 << 20):g} MB limit of one document "
            f"(${ENV_VAR} sets another)")


def read_limited(stream: IO[bytes], name: str, limit: int) -> bytes:
    """All of STREAM, or an :class:`InputError` as soon as it passes LIMIT
    bytes (never more than LIMIT + 1 bytes are held)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: {too_large(limit)}")
    return data


class BoundedLines:
    """The lines of STREAM with their 1-based numbers, each cut to at most
    LIMIT + 2 bytes: a line whose content (without its line ending) is over
    LIMIT bytes comes out cut and without its ending, so that the caller sees
    it is too long (:func:`over_limit`), and the rest of it is read past,
    never held. ``start`` is the offset in STREAM of the line last given."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.start = 0

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        n, end = 0, 0
        while True:
            line = self.stream.readline(self.limit + 2)
            if not line:
                return
            n += 1
            self.start, end = end, end + len(line)
            if len(line) == self.limit + 2 and not line.endswith(b"\n"):
                while True:
                    rest = self.stream.readline(1 << 20)
                    end += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
            yield n, line


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes]]:
    """The numbered lines of STREAM, each cut to LIMIT + 2 bytes (see
    :class:`BoundedLines`)."""
    return iter(BoundedLines(stream, limit))


def over_limit(line: bytes, limit: int) -> bool:
    """Whether LINE (from :func:`bounded_lines`) holds more than LIMIT bytes
    of content."""
    return len(line) > limit and len(line.rstrip(b"\r\n")) > limit
