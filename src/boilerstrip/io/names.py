"""File names as they are shown and stored.

A file name is any bytes but ``/`` and NUL: it may hold a newline, an escape
sequence or bytes that are not UTF-8 (Python hands those over as lone
surrogates, ``os.fsdecode``). Such a name must neither crash a run (a lone
surrogate cannot be written as UTF-8) nor forge a line of its log or move the
terminal's cursor. So:

* :func:`shown` is the name in a message: undecodable bytes as ``\\xNN``,
  control characters (and line or paragraph separators, bidi overrides) as
  Python-style escapes, everything else as it is;
* :func:`stored` is the name in a JSON report's ``file`` field: undecodable
  bytes as ``\\xNN`` (the rest is left to JSON, which escapes control
  characters itself), and :func:`name_fields` adds ``file_bytes``, the exact
  name as base64, when ``file`` is not the name exactly;
* :func:`diff_label` quotes a name for a diff header as git does.
"""

from __future__ import annotations

import base64
import re

# C0 and C1 controls, DEL, line/paragraph separators and the bidi controls
# that can make a name display as another ("trojan source")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def raw_bytes(name: str) -> bytes:
    """The bytes of NAME on disk (``os.fsencode`` for UTF-8 file systems)."""
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return name.encode("utf-8", "surrogatepass")


def stored(name: str) -> str:
    """NAME with every byte that is not UTF-8 written ``\\xNN`` (encodable as UTF-8)."""
    if not _SURROGATE.search(name):
        return name
    return raw_bytes(name).decode("utf-8", "backslashreplace")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


def shown(text: str) -> str:
    """TEXT (a name, or a message that holds names) safe to print on one line."""
    return _UNSAFE.sub(_escape, stored(text))


def name_fields(name: str, key: str = "file") -> dict[str, str]:
    """``{KEY: stored(NAME)}``, plus ``KEY_bytes`` (base64 of the exact name)
    when the stored form is not the name itself."""
    out = {key: stored(name)}
    if out[key] != name:
        out[f"{key}_bytes"] = base64.b64encode(raw_bytes(name)).decode("ascii")
    return out


def diff_label(label: str) -> str:
    """LABEL as a diff header names it: as it is, or in double quotes with
    C escapes (octal for bytes that are not printable ASCII) when it holds a
    control character, a quote, a backslash or bytes that are not UTF-8, as
    ``git diff`` writes it and ``git apply`` reads it."""
    if not (_UNSAFE.search(label) or _SURROGATE.search(label) or '"' in label
            or "\\" in label):
        return label
    out = []
    for b in raw_bytes(label):
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\t\n\v\f\r":
            out.append("\\" + "abtnvfr"["\a\b\t\n\v\f\r".index(ch)])
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'
