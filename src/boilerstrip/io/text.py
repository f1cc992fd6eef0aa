"""Reading and writing text files byte-exactly.

boilerstrip reads bytes and decides itself what they are, so that a file comes
back byte for byte as it was except for the removals:

* UTF-8, with or without a byte-order mark (the BOM is kept: it is decoded as
  U+FEFF, which the engine leaves in place, and encoded back);
* line endings (LF, CRLF, CR, mixed) and the final-newline state are untouched
  because the text is decoded without newline translation;
* UTF-16/UTF-32 (recognised by their BOM) are refused with a clear message
  rather than mangled;
* a NUL byte in the first 8 KiB marks a binary file, which is skipped;
* invalid UTF-8 is an error naming the byte and its offset.

Rewrites are atomic: the new content goes to a temporary file in the same
folder, is fsync'ed, gets the original permission bits and replaces the file
with ``os.replace``, so a reader (or a crash) sees either the original or the
fully cleaned text, never a mix. Where Linux offers it (``O_TMPFILE``), the
temporary file has no name until just before the rename, so a run killed
with SIGKILL mid-batch leaves at most one stray temporary file, not a batch
of them (and the next run over that folder removes it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NoReturn, Sequence

from ..errors import InputError
from .limits import max_document_bytes, too_large

#: How much of a file is inspected for NUL bytes to call it binary (as git does).
BINARY_SNIFF_BYTES = 8192

_UTF8_BOM = b"\xef\xbb\xbf"
# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32-LE"),
    (b"\x00\x00\xfe\xff", "UTF-32-BE"),
    (b"\xff\xfe", "UTF-16-LE"),
    (b"\xfe\xff", "UTF-16-BE"),
)


class BinaryFile(InputError):
    """The bytes look like a binary file (a NUL byte near the start): skip it."""


class NotUTF8(InputError):
    """The bytes are not valid UTF-8; ``offset`` is the first bad byte."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, and what is needed to encode it back exactly."""

    text: str
    bom: bool


def decode(data: bytes, name: str = "<stdin>") -> Decoded:
    """Decode DATA as UTF-8, keeping a BOM as a leading U+FEFF.

    Raises :class:`BinaryFile` for binary data, :class:`NotUTF8` for invalid
    UTF-8 and :class:`InputError` for UTF-16/32 text; every message is one line
    starting with NAME.
    """
    for bom, enc in _OTHER_BOMS:
        if data.startswith(bom):
            raise InputError(f"{name}: {enc} text (byte-order mark {bom.hex(' ').upper()}) "
                             f"is not supported; convert it to UTF-8 first "
                             f"(e.g. iconv -f {enc} -t UTF-8)")
    nul = data.find(b"\x00", 0, BINARY_SNIFF_BYTES)
    if nul >= 0:
        raise BinaryFile(f"{name}: skipped: binary file (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex().upper()
        raise NotUTF8(f"{name}: not valid UTF-8 (byte 0x{bad} at offset {exc.start}: "
                      f"{exc.reason})", exc.start) from None
    return Decoded(text, data.startswith(_UTF8_BOM))


def encode(text: str) -> bytes:
    """Encode TEXT back to the bytes it came from (a leading U+FEFF becomes the BOM)."""
    return text.encode("utf-8")


def open_binary(path: str | os.PathLike[str], name: str | None = None):
    """Open PATH for reading bytes, turning OS errors into one-line :class:`InputError`."""
    name = str(path) if name is None else name
    try:
        return open(path, "rb")
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder") from None
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: cannot read: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None


def read_regular(path: str | os.PathLike[str], name: str | None = None,
                 limit: int | None = None) -> bytes:
    """Read a regular file of at most LIMIT bytes (default: the limit of one
    document, :func:`~.limits.max_document_bytes`).

    A FIFO, a device (``/dev/zero``), a socket or a folder is refused, once
    it is open (``O_NONBLOCK``, so that opening a FIFO does not wait for a
    writer) and before anything is read; so is a file larger than LIMIT, found
    out without reading more than that. Errors are one-line
    :class:`InputError` naming NAME.
    """
    name = str(path) if name is None else name
    limit = max_document_bytes() if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _read_error(exc, name) from None
    if stat.S_ISDIR(os.fstat(fd).st_mode):  # before open(fd), which refuses a folder itself
        os.close(fd)
        raise InputError(f"{name}: is a folder")
    with open(fd, "rb", closefd=True) as f:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{name}: not a regular file (a FIFO, device or socket)")
            if st.st_size > limit:
                raise InputError(f"{name}: {too_large(limit)}")
            data = f.read(limit + 1)
        except OSError as exc:
            raise _read_error(exc, name) from None
    if len(data) > limit:  # grew while being read
        raise InputError(f"{name}: {too_large(limit)}")
    return data


def _read_error(exc: OSError, name: str) -> InputError:
    """The one-line error of a failed open or read."""
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{name}: is a folder")
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{name}: no such file")
    if isinstance(exc, PermissionError):
        return InputError(f"{name}: cannot read: permission denied")
    return InputError(f"{name}: cannot read: {exc.strerror or exc}")


def same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two stats show the same file with the same content stamp."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == \
        (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


#: folder -> (when listed, names of temporary files in it): a folder is listed
#: once, not once per file written to it (which made batch runs over a big
#: folder quadratic), and listed again after _STALE_TTL seconds.
_STALE: dict[str, tuple[float, list[str]]] = {}
_STALE_TTL = 60.0


def remove_stale_temps(target: Path) -> None:
    """Remove temporary files a killed run left next to TARGET (best effort)."""
    folder = target.parent
    key = os.fspath(folder)
    now = time.monotonic()
    got = _STALE.get(key)
    if got is None or now - got[0] > _STALE_TTL:
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries if e.name.endswith(_TMP_SUFFIX)]
        except OSError:
            return
        if len(_STALE) >= 10_000:  # a long-lived process writing to many folders
            _STALE.clear()
        _STALE[key] = got = (now, names)
    names = got[1]
    if not names:
        return
    prefix = _temp_prefix(target)
    for name in [n for n in names if n.startswith(prefix)]:
        with contextlib.suppress(ValueError):  # another thread may have taken it
            names.remove(name)
        with contextlib.suppress(OSError):
            (folder / name).unlink()


_TMP_SUFFIX = ".boilerstrip-tmp"
#: Most bytes of the target's name kept in a temporary file's name: with the
#: dots, the random part and the suffix it must fit a 255-byte folder entry.
_TMP_NAME_BYTES = 200


def _temp_prefix(target: Path) -> str:
    """``.NAME.`` for the temporary files of TARGET, NAME cut to
    :data:`_TMP_NAME_BYTES` bytes (a file with a 250-byte name could not be
    rewritten: its temporary name was too long)."""
    return "." + os.fsdecode(os.fsencode(target.name)[:_TMP_NAME_BYTES]) + "."


def atomic_write(path: str | os.PathLike[str], data: bytes, name: str | None = None,
                 mode: int | None = None, expect: os.stat_result | None = None,
                 sync_folder: bool = True) -> None:
    """Replace the file at PATH with DATA atomically.

    PATH must not be a symlink (resolve it first): replacing it would turn the
    link into a regular file. The permission bits of the existing file are kept
    (MODE, or 0o666 minus the umask, for a new file). On any failure the
    temporary file is removed and the original is left as it was. With EXPECT
    (the file's stat when it was read), a file deleted, rewritten or replaced
    since then is left alone and reported: its new content is not ours to clean.
    Temporary files that a killed earlier run left for PATH are removed.
    The data is on disk before the rename; with SYNC_FOLDER the rename is made
    durable too (a batch passes False and calls :func:`fsync_folder` once per
    folder at the end: a crash in between leaves the old or the new file,
    never a damaged one). A batch of many files uses :func:`start_write`,
    :func:`sync_writes` and :func:`finish_write` instead: one sync of the file
    system for the whole batch rather than one per file.
    """
    pending = start_write(path, data, name, mode, expect, sync=True)
    finish_write(pending)
    if sync_folder:
        fsync_folder(pending.target.parent)


@dataclass
class PendingWrite:
    """A temporary file holding a file's new content, not yet renamed over it.

    With UNNAMED, the file is an ``O_TMPFILE`` inode kept open on FD: it
    gets its name TMP only in :func:`finish_write`, right before the rename,
    and vanishes by itself if the process dies before that. Otherwise the
    file is named TMP from the start (platforms or file systems without
    ``O_TMPFILE``, or callers that need a path), and FD is open while it is
    being written, or None.

    FRESH: an unnamed file whose target did not exist when the write began.
    It is linked under the target's name directly, a link that fails if the
    target has appeared since (it is then replaced as any other, data synced
    first), so it never replaces a file: nothing is lost if a crash leaves
    it short, and its data may reach the disk after its link (the caller
    syncs it later: :func:`sync_data`).
    """

    tmp: str
    target: Path
    name: str
    mode: int
    expect: os.stat_result | None
    fd: int | None = None
    unnamed: bool = False
    fresh: bool = False


def start_write(path: str | os.PathLike[str], data: bytes, name: str | None = None,
                mode: int | None = None, expect: os.stat_result | None = None,
                sync: bool = True) -> PendingWrite:
    """The first half of :func:`atomic_write`: check PATH and write DATA to a
    temporary file beside it (on disk already with SYNC; without, the caller
    must call :func:`sync_writes` before :func:`finish_write`)."""
    pending = begin_write(path, name, mode, expect)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(pending.fd, view):]
        if sync:
            os.fsync(pending.fd)
    except BaseException as exc:
        _abandon(pending, exc)
    return pending


def begin_write(path: str | os.PathLike[str], name: str | None = None,
                mode: int | None = None, expect: os.stat_result | None = None,
                named: bool = False) -> PendingWrite:
    """Check PATH and open a new temporary file beside it, to be renamed over
    PATH by :func:`finish_write` (or dropped by :func:`abandon_write`).

    The returned PENDING's ``fd`` is open for writing. The file is created
    ``O_EXCL``, never through a symlink, mode 0600 until the rename, under a
    random name (or none at all, ``O_TMPFILE``, unless NAMED: a caller that
    must hand a path to another library, such as SQLite, asks for a name), so
    another user who can write the folder can neither guess it nor redirect
    the write. An existing PATH must be a regular file and not a symlink; its
    permission bits are kept (MODE, or 0o666 minus the umask, for a new file).
    """
    name = str(path) if name is None else name
    target = Path(path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{name}: cannot write: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise InputError(f"{name}: not rewritten: it is a symlink")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{name}: not rewritten: not a regular file")
        mode = stat.S_IMODE(st.st_mode)
    elif mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    if expect is not None and (st is None or not same_file_state(st, expect)):
        raise _changed(name)
    folder = target.parent
    remove_stale_temps(target)
    try:
        fd = None if named else _unnamed_temp(folder)
        if fd is not None:
            return PendingWrite("", target, name, mode, expect, fd, unnamed=True,
                                fresh=st is None)
        # mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW, 0600, a random name
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(target),
                                    suffix=_TMP_SUFFIX)
        return PendingWrite(tmp, target, name, mode, expect, fd)
    except PermissionError:
        raise InputError(f"{name}: cannot write: permission denied on folder "
                         f"{str(folder) or '.'} (the temporary file goes next to the file)"
                         ) from None
    except FileNotFoundError:
        raise InputError(f"{name}: cannot write: folder {str(folder) or '.'} does not exist"
                         ) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot write: {exc.strerror or exc}") from None


#: Whether unnamed temporary files can work here: O_TMPFILE (Linux 3.11+) and
#: /proc/self/fd to give them a name (linkat with AT_EMPTY_PATH would need
#: CAP_DAC_READ_SEARCH). A file system without O_TMPFILE says so at once, so
#: each folder is simply tried.
_TMPFILE_OK = [hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")]


def _unnamed_temp(folder: Path) -> int | None:
    """An fd open for writing on a new unnamed file in FOLDER, or None where
    the platform or the folder's file system cannot make one."""
    if not _TMPFILE_OK[0]:
        return None
    try:
        return os.open(folder if str(folder) else ".",
                       os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None  # this file system (or kernel) has no O_TMPFILE
        raise


_PROC_FDS: dict[int, int] = {}


def _proc_fds() -> int:
    """This process's fd on /proc/self/fd (one per pid: a forked worker must
    not use its parent's)."""
    pid = os.getpid()
    fd = _PROC_FDS.get(pid)
    if fd is None:
        for old in _PROC_FDS.values():  # the parent's, inherited by fork
            with contextlib.suppress(OSError):
                os.close(old)
        _PROC_FDS.clear()
        fd = _PROC_FDS[pid] = os.open("/proc/self/fd",
                                      os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    return fd


def _give_name(pending: PendingWrite) -> None:
    """Link PENDING's unnamed file into its folder under a fresh temporary
    name (then renamed over the target)."""
    prefix = _temp_prefix(pending.target)
    for _ in range(100):
        tmp = os.path.join(pending.target.parent,
                           prefix + os.urandom(6).hex() + _TMP_SUFFIX)
        try:
            # (a plain os.link of "/proc/self/fd/N" would link the magic
            # symlink itself, across devices: linkat with a dir fd follows it)
            os.link(str(pending.fd), tmp, src_dir_fd=_proc_fds(), follow_symlinks=True)
        except FileExistsError:
            continue
        pending.tmp = tmp
        return
    raise FileExistsError(errno.EEXIST, "no free temporary file name")


def _link_new(pending: PendingWrite) -> bool:
    """Link PENDING's unnamed file under its target's name, unless the
    target exists (False)."""
    try:
        os.link(str(pending.fd), pending.target, src_dir_fd=_proc_fds(), follow_symlinks=True)
    except FileExistsError:
        return False
    return True


def sync_data(folders: Iterable[str | os.PathLike[str]]) -> None:
    """Put on disk whatever was written to the file systems of FOLDERS (one
    ``syncfs`` each, else ``os.sync``): the data of the fresh files a run
    linked without syncing them first (best effort, as :func:`fsync_folder`)."""
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    done: set[int] = set()
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            dev = os.fstat(fd).st_dev
            if dev not in done:
                done.add(dev)
                syncfs(fd)
        finally:
            os.close(fd)


def sync_writes(pending: Sequence[PendingWrite]) -> None:
    """Put the data of PENDING's temporary files on disk, all at once: one
    ``syncfs`` per file system where the platform has it (Linux), else one
    ``fsync`` per file. Raises :class:`InputError`; the caller then abandons
    every one of them (which of them reached the disk is unknown)."""
    if not pending:
        return
    # syncfs flushes everything dirty on the file system: worth it for a
    # batch, not for a file or two
    syncfs = _syncfs() if len(pending) >= 4 else None
    try:
        if syncfs is None:
            for p in pending:
                with _open_fd(p) as fd:
                    os.fsync(fd)
            return
        done: set[int] = set()
        for p in pending:
            with _open_fd(p) as fd:
                dev = os.fstat(fd).st_dev
                if dev not in done:
                    if syncfs(fd) != 0:
                        import ctypes

                        err = ctypes.get_errno()
                        raise OSError(err, os.strerror(err))
                    done.add(dev)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _open_fd(pending: PendingWrite):
    """An fd on PENDING's temporary file: its own while it is unnamed, else
    one opened (and closed) for the occasion."""
    if pending.fd is not None:
        yield pending.fd
        return
    fd = os.open(pending.tmp, os.O_RDONLY)
    try:
        yield fd
    finally:
        os.close(fd)


def finish_write(pending: PendingWrite) -> None:
    """The second half of :func:`atomic_write`: the temporary file's mode, a
    last look at the target (EXPECT) and the rename. On failure the temporary
    file is removed and the target left as it was."""
    try:
        if pending.fd is not None:  # created 0600
            os.fchmod(pending.fd, pending.mode)
        else:
            os.chmod(pending.tmp, pending.mode)
        if pending.expect is not None:  # last look, as close to the rename as we can get
            try:
                now = os.lstat(pending.target)
            except FileNotFoundError:
                raise _changed(pending.name) from None
            if not same_file_state(now, pending.expect):
                raise _changed(pending.name)
        if pending.fresh:
            if _link_new(pending):
                return
            os.fsync(pending.fd)  # the target appeared meanwhile: replaced, data first
            pending.fresh = False
        if pending.unnamed:
            _give_name(pending)
        os.replace(pending.tmp, pending.target)
        pending.tmp = ""
    except BaseException as exc:
        _abandon(pending, exc)
    finally:
        _close(pending)


class AtomicFile:
    """A file written piece by piece that appears under PATH only on :meth:`commit`.

    A text stream (``write``, ``flush``) for report writers: the content goes
    to a temporary file from :func:`begin_write` (unpredictable name, never
    through a symlink) and is renamed over PATH when complete, so a failed run
    leaves PATH as it was. Any OS error (disk full...) drops the temporary
    file and raises a one-line :class:`InputError` naming PATH. With NAMED,
    the temporary file has a path (``self.pending.tmp``) from the start.
    Without DURABLE the data is not fsync'ed before the rename: for files a
    rerun rebuilds (reports), where a power cut may then leave an empty file
    but never a mix of two runs. ERRORS is the text encoding's error handler.
    """

    def __init__(self, path: str | os.PathLike[str], name: str | None = None,
                 named: bool = False, durable: bool = True, errors: str = "strict") -> None:
        self.pending = begin_write(path, name, named=named)
        self.name = self.pending.name
        self.durable = durable
        self._stream = open(self.pending.fd, "w", encoding="utf-8", errors=errors,
                            newline="\n", closefd=False)

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self._fail(exc)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self._fail(exc)

    def commit(self) -> int:
        """Put the content on disk and rename it over PATH; return its size."""
        if self._stream.closed:
            raise InputError(f"{self.name}: cannot write: already closed")
        try:
            self._stream.close()  # flushes
            if self.durable:
                os.fsync(self.pending.fd)
            size = os.fstat(self.pending.fd).st_size
        except OSError as exc:
            self._fail(exc)
        finish_write(self.pending)
        if self.durable:
            fsync_folder(self.pending.target.parent)
        return size

    close = commit

    def abort(self) -> None:
        """Drop the temporary file: PATH stays as it was."""
        with contextlib.suppress(OSError, ValueError):
            self._stream.close()
        abandon_write(self.pending)

    def _fail(self, exc: OSError) -> NoReturn:
        with contextlib.suppress(OSError, ValueError):
            self._stream.close()  # may fail again on its buffer: the fd goes anyway
        _abandon(self.pending, exc)


def abandon_write(pending: PendingWrite) -> None:
    """Remove PENDING's temporary file: the target stays as it was."""
    _close(pending)  # an unnamed file disappears with its last fd
    if pending.tmp:
        with contextlib.suppress(OSError):
            os.unlink(pending.tmp)
        pending.tmp = ""


def _close(pending: PendingWrite) -> None:
    if pending.fd is not None:
        with contextlib.suppress(OSError):
            os.close(pending.fd)
        pending.fd = None


def _abandon(pending: PendingWrite, exc: BaseException) -> NoReturn:
    abandon_write(pending)
    if isinstance(exc, OSError):
        raise InputError(f"{pending.name}: cannot write: {exc.strerror or exc}") from None
    raise exc


def _changed(name: str) -> InputError:
    return InputError(f"{name}: not rewritten: it changed while being cleaned "
                      f"(left as it is)")


_SYNCFS: list = []


def _syncfs():
    """libc's ``syncfs`` (Linux), or None."""
    if not _SYNCFS:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                fn = ctypes.CDLL(None, use_errno=True).syncfs
                fn.argtypes = [ctypes.c_int]
                fn.restype = ctypes.c_int
            except (OSError, AttributeError):
                fn = None
        _SYNCFS.append(fn)
    return _SYNCFS[0]


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the rename durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def inside(path: Path, root: Path) -> bool:
    """Whether PATH (resolved) lies inside ROOT (resolved)."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
