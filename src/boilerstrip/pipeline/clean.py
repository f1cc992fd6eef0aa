"""One document's bytes in, its cleaned bytes and its report out.

:func:`clean_bytes` is the cleaning step of every text document (a file, or
stdin); a JSONL record goes through :func:`boilerstrip.io.jsonl.clean_record`.
Both word their report through :meth:`FileReport.from_result`, so a guarded
document reads the same whatever its source.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import InputError
from ..io.names import diff_label
from ..io.text import BinaryFile, NotUTF8, decode, encode
from ..reports.writers import FileReport


@dataclass(frozen=True)
class DocumentOptions:
    """What every worker needs to clean a text document (picklable)."""

    write: bool = True           # rewrite changed files in place
    diff: bool = False           # compute a unified diff
    color: bool = False          # colour the diff
    on_invalid_utf8: str = "error"
    needs_text: bool = False     # keep original/cleaned text in the report


@dataclass
class Cleaned:
    """The outcome of cleaning one document's bytes."""

    report: FileReport
    data: bytes | None = None    # bytes to write/emit (None: nothing to write)
    changed: bool = False
    diff: str = ""


@dataclass
class Outcome:
    """One document done, as the run sees it: its report, what goes to the
    output stream, and what the progress bar and the final sync need."""

    report: FileReport | None
    data: bytes | None = None    # for the output stream (stdin text, a JSONL line)
    diff: str = ""
    size: int = 0                # input bytes, for the progress bar
    written: str | None = None   # folder of a file written (its rename is made durable at the end)
    unsynced: bool = False       # a new file linked before its data reached the disk (see sync_data)
    error: str = ""              # a bad JSONL record: why


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their own endings (only CR, LF and CRLF end a line, as in files)."""
    return _LINES.findall(text)


def unified_diff(before: str, after: str, name: str, color: bool = False) -> str:
    """A unified diff of BEFORE and AFTER (``git apply``-able, colour optional)."""
    label = name.lstrip("/")
    out = []
    # a name with a newline or bytes that are not UTF-8 is quoted as git does
    for line in difflib.unified_diff(split_lines(before), split_lines(after),
                                     fromfile=diff_label(f"a/{label}"),
                                     tofile=diff_label(f"b/{label}"), n=3):
        eol = line[len(line.rstrip("\r\n")):]
        body = line[:len(line) - len(eol)]
        if color:
            style = ("\x1b[1m" if line.startswith(("+++", "---")) else
                     "\x1b[36m" if line.startswith("@@") else
                     "\x1b[32m" if line.startswith("+") else
                     "\x1b[31m" if line.startswith("-") else "")
            if style:
                body = f"{style}{body}\x1b[0m"
        if not eol:
            eol = "\n\\ No newline at end of file\n"
        elif eol == "\r":  # an old Mac line break: a terminal would write over the line
            eol = "\r\n"
        out.append(body + eol)
    return "".join(out)


def clean_bytes(data: bytes | list[bytes], display: str, cleaner,
                opts: DocumentOptions) -> Cleaned:
    """Decode, clean and re-encode one document. Never raises on bad input.

    DATA: the bytes, or a list of them that this empties, handed over by a
    caller that keeps no other reference: the bytes then go once decoded,
    and the text is handed to the cleaner (:meth:`Cleaner.clean_handed`),
    so that a large document is not held three times while it is cleaned."""
    if isinstance(data, list):
        data = data.pop()
    try:
        handed = [decode(data, display).text]
    except BinaryFile as exc:
        return Cleaned(FileReport(display, "skipped", message=str(exc)))
    except NotUTF8 as exc:
        if opts.on_invalid_utf8 == "skip":
            return Cleaned(FileReport(display, "skipped", message=f"{exc}; skipped"))
        return Cleaned(FileReport(display, "error", message=str(exc)))
    except InputError as exc:
        return Cleaned(FileReport(display, "error", message=str(exc)))
    del data
    result = cleaner.clean_handed(handed)
    rep = FileReport.from_result(result, display, cleaner.max_removed_share, opts.needs_text)
    # the text's bytes: those read, when it is unchanged (or guarded); a
    # "cleaned" report is a changed text (UTF-8 is one-to-one)
    new = encode(result.text)
    if rep.status != "cleaned":
        return Cleaned(rep, new, False)
    diff = unified_diff(result.original, result.text, display, opts.color) if opts.diff else ""
    return Cleaned(rep, new, True, diff)
