"""Decompressing input streams whose end is verified.

A compressed file that was cut short (an interrupted download, a full disk)
must never read as a shorter, valid input: the records after the cut would
silently be missing from the output. So every stream is read to its end
marker and checked:

* gzip: Python's ``gzip`` module checks each member's CRC and length and
  raises on a stream that ends inside a member; its exceptions (``EOFError``,
  ``BadGzipFile``, ``zlib.error``) become one :class:`InputError`;
* Zstandard: ``zstandard``'s stream reader stops quietly when the data ends
  inside a frame, so the compressed bytes are also walked frame by frame and
  block by block (:class:`ZstdFrameWalker`, the format of RFC 8878 section 3)
  and a stream that stops anywhere but at the end of a frame is refused.

Every read returns a bounded number of bytes (the decompressors never inflate
more than was asked), so a small file that inflates to gigabytes costs no more
memory than a plain one.
"""

from __future__ import annotations

import io
from typing import IO, Callable

from ..errors import ConfigError, InputError

#: Compressed bytes asked of the source at a time.
READ_SIZE = 1 << 16


class CorruptInput(InputError):
    """A compressed input is truncated or damaged (the message names it)."""


def zstd_module(name: str):
    """The ``zstandard`` module, or a :class:`ConfigError` saying how to get it."""
    try:
        import zstandard
    except ImportError:
        raise ConfigError(f"{name}: Zstandard files need the 'zstandard' package "
                          f"(pip install zstandard)") from None
    return zstandard


class _Tap(io.RawIOBase):
    """Passes the compressed bytes through, showing each chunk to SEE, and
    calls END once the source is exhausted."""

    def __init__(self, raw: IO[bytes], see: Callable[[bytes], None],
                 end: Callable[[], None]) -> None:
        self.raw = raw
        self.see = see
        self.end = end
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        if not data:
            if not self.ended:
                self.ended = True
                self.end()
            return 0
        self.see(data)
        b[:len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Read (and check) whatever the decompressor left unread."""
        buf = bytearray(READ_SIZE)
        while self.readinto(buf):
            pass


class ZstdFrameWalker:
    """Follows the frame structure of a Zstandard stream fed in chunks, without
    decompressing it, to tell whether the stream ends at a frame boundary.

    ``feed(data)`` raises :class:`ValueError` on bytes that cannot start a
    frame; ``complete`` is True when every frame seen so far is finished.
    """

    _MAGIC = 0xFD2FB528
    _SKIPPABLE = 0x184D2A50  # ... to 0x184D2A5F

    def __init__(self) -> None:
        self._need = 4            # bytes still wanted by the current step
        self._buf = bytearray()   # bytes of a header being collected
        self._step = self._magic  # what to do with them
        self._skip = 0            # payload bytes to pass over
        self.frames = 0           # frames completed
        self._checksum = False

    @property
    def complete(self) -> bool:
        """Whether the stream so far ends exactly after a frame."""
        return self._step == self._magic and not self._buf and not self._skip

    def feed(self, data: bytes) -> None:
        """Walk DATA, the next compressed bytes."""
        view = memoryview(data)
        while view:
            if self._skip:
                n = min(self._skip, len(view))
                self._skip -= n
                view = view[n:]
                if not self._skip and not self._need:
                    self._step(b"")
                continue
            n = min(self._need - len(self._buf), len(view))
            self._buf += view[:n]
            view = view[n:]
            if len(self._buf) == self._need:
                header, self._buf = bytes(self._buf), bytearray()
                self._step(header)

    def _want(self, n: int, step) -> None:
        self._need, self._step = n, step

    def _magic(self, b: bytes) -> None:
        magic = int.from_bytes(b, "little")
        if magic == self._MAGIC:
            self._want(1, self._descriptor)
        elif magic & 0xFFFFFFF0 == self._SKIPPABLE:
            self._want(4, self._skippable_size)
        else:
            raise ValueError("not a Zstandard frame")

    def _skippable_size(self, b: bytes) -> None:
        self._skip = int.from_bytes(b, "little")
        self._need, self._step = 0, self._end_frame
        if not self._skip:
            self._end_frame(b"")

    def _descriptor(self, b: bytes) -> None:
        d = b[0]
        if d & 0x08:
            raise ValueError("reserved bit set in a Zstandard frame header")
        fcs_flag, single, dict_flag = d >> 6, bool(d & 0x20), d & 0x03
        self._checksum = bool(d & 0x04)
        rest = (0 if single else 1) + (0, 1, 2, 4)[dict_flag] + \
            ((1 if single else 0), 2, 4, 8)[fcs_flag]
        if rest:
            self._want(rest, lambda _b: self._want(3, self._block))
        else:
            self._want(3, self._block)

    def _block(self, b: bytes) -> None:
        header = int.from_bytes(b, "little")
        last, kind, size = header & 1, (header >> 1) & 3, header >> 3
        if kind == 3:
            raise ValueError("reserved block type in a Zstandard frame")
        self._skip = 1 if kind == 1 else size
        after = self._after_last if last else (lambda _b: self._want(3, self._block))
        self._need, self._step = 0, after
        if not self._skip:
            after(b"")

    def _after_last(self, _b: bytes) -> None:
        if self._checksum:
            self._want(4, self._end_frame)
        else:
            self._end_frame(b"")

    def _end_frame(self, _b: bytes) -> None:
        self.frames += 1
        self._want(4, self._magic)


class _Checked(io.RawIOBase):
    """A decompressed stream whose errors are one-line :class:`CorruptInput`,
    and whose end runs CHECK_END (the last chance to refuse a cut stream)."""

    def __init__(self, inner: IO[bytes], name: str, kind: str,
                 check_end: Callable[[], None] | None = None) -> None:
        self.inner = inner
        self.name = name
        self.kind = kind
        self.check_end = check_end

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            data = self.inner.read(len(b))
            if not data and self.check_end is not None:
                check, self.check_end = self.check_end, None
                check()
        except InputError:
            raise
        except EOFError:
            raise truncated(self.name, self.kind) from None
        except Exception as exc:  # zlib.error, BadGzipFile, ZstdError...
            raise CorruptInput(f"{self.name}: damaged {self.kind} data: {_reason(exc)}"
                               ) from None
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def truncated(name: str, kind: str) -> CorruptInput:
    """The error for a compressed stream that stops before its end marker."""
    return CorruptInput(f"{name}: truncated {kind} data: the stream ends before its "
                        f"end marker (an incomplete download or copy?)")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def open_gzip(raw: IO[bytes], name: str) -> IO[bytes]:
    """The decompressed bytes of the gzip stream RAW; every member is checked."""
    import gzip

    return _Checked(gzip.GzipFile(fileobj=raw, mode="rb"), name, "gzip")


def open_zstd(raw: IO[bytes], name: str) -> IO[bytes]:
    """The decompressed bytes of the Zstandard stream RAW (any number of
    frames); a stream cut inside a frame is a :class:`CorruptInput`."""
    z = zstd_module(name)
    walker = ZstdFrameWalker()

    def see(data: bytes) -> None:
        try:
            walker.feed(data)
        except ValueError as exc:
            raise CorruptInput(f"{name}: damaged zstd data: {exc}") from None

    def end() -> None:
        if not walker.complete:
            raise truncated(name, "zstd")

    tap = _Tap(raw, see, end)
    reader = z.ZstdDecompressor().stream_reader(tap, read_size=READ_SIZE,
                                                read_across_frames=True, closefd=False)
    return _Checked(reader, name, "zstd", check_end=tap.drain)


#: Read size after a decompressor: small, so that the compressed bytes read
#: (what the progress bar shows) stay close to the records handed out.
DECOMPRESSED_READS = 1 << 16


def open_decompressed(kind: str | None, raw: IO[bytes], name: str) -> IO[bytes]:
    """RAW decompressed as KIND (``gzip``, ``zstd`` or None: as it is),
    buffered."""
    if kind == "gzip":
        return io.BufferedReader(open_gzip(raw, name), DECOMPRESSED_READS)
    if kind == "zstd":
        return io.BufferedReader(open_zstd(raw, name), DECOMPRESSED_READS)
    return raw
