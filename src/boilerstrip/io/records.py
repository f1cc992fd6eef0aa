"""One JSON Lines record: parsed safely, rewritten by splicing.

A record's fields other than the text (and the report field) belong to the
user and must come out exactly as they went in. ``json.loads`` followed by
``json.dumps`` does not do that: ``1e400`` becomes ``Infinity`` (not JSON),
``0.1000000000000000000000001`` loses digits, duplicate keys collapse, and
spacing and escapes change. So a changed record is not re-serialised: the
span of the text field's value is found in the raw line and the new JSON
string is spliced in its place (:func:`splice`); every other byte stays.

Parsing is bounded too (:func:`parse_object`): a record nested deeper than
Python's stack, a line that is not UTF-8 and any other malformed record is a
:class:`BadRecord` with a one-line reason, never a ``RecursionError``.
"""

from __future__ import annotations

import json
from json.decoder import WHITESPACE, scanstring
from typing import Any, Mapping



class BadRecord(ValueError):
    """A line that is not a JSON object (the message says why, in one line)."""


def decode_line(body: bytes) -> str:
    """BODY as text, as ``json.loads`` would decode it (UTF-8; surrogates that
    UTF-8 can carry are let through as ``json`` does)."""
    try:
        return body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not valid UTF-8 (byte {exc.start} of the line)") from None


def _integer(digits: str):
    """A JSON integer; one too long for ``int()`` (over 4300 digits) is valid
    JSON all the same, and is kept as a Decimal (only the text is used)."""
    if len(digits) < 4000:
        return int(digits)
    from decimal import Decimal

    return Decimal(digits)


#: Values are read only to find where they end, or for the text: never let a
#: valid number fail (see _integer).
_DECODER = json.JSONDecoder(parse_int=_integer)


def parse_object(body: bytes) -> tuple[dict[str, Any], str]:
    """The record in BODY (one line, without its line ending) and its text.

    Raises :class:`BadRecord` for anything but a JSON object.
    """
    doc = decode_line(body)
    try:
        record = _DECODER.decode(doc)
    except RecursionError:
        raise BadRecord("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        msg = getattr(exc, "msg", str(exc))
        col = getattr(exc, "colno", None)
        raise BadRecord(f"not valid JSON: {msg}" + (f" (column {col})" if col else "")
                        ) from None
    if not isinstance(record, dict):
        raise BadRecord(f"record is a JSON {type(record).__name__}, not an object")
    return record, doc


def member_spans(doc: str) -> tuple[dict[str, tuple[int, int]], int]:
    """Where each top-level member's value lies in DOC, a JSON object already
    known to be valid: ``({key: (start, end)}, index of the closing brace)``.
    For a duplicate key the last one counts, as for ``json.loads``."""
    spans: dict[str, tuple[int, int]] = {}
    i = WHITESPACE.match(doc, 0).end() + 1  # past "{"
    i = WHITESPACE.match(doc, i).end()
    if doc[i] == "}":
        return spans, i
    while True:
        key, i = scanstring(doc, i + 1)           # past the opening quote
        i = WHITESPACE.match(doc, i).end() + 1    # past ":"
        start = WHITESPACE.match(doc, i).end()
        _, end = _DECODER.raw_decode(doc, start)
        spans[key] = (start, end)
        i = WHITESPACE.match(doc, end).end()
        if doc[i] == "}":
            return spans, i
        i = WHITESPACE.match(doc, i + 1).end()    # past ","


def json_value(value: Any) -> str:
    """VALUE as compact JSON text, non-ASCII as it is, except lone surrogates
    (which UTF-8 cannot carry), which are kept as ``\\uXXXX`` escapes."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value)
    return text


def splice(body: bytes, doc: str, new_values: Mapping[str, str]) -> bytes:
    """BODY with the values of the members in NEW_VALUES (key -> JSON text)
    replaced; a key the record lacks is added as its last member. Every other
    byte of BODY is kept."""
    spans, close = member_spans(doc)
    edits = [(spans[k], v) for k, v in new_values.items() if k in spans]
    added = [f"{json_value(k)}: {v}" for k, v in new_values.items() if k not in spans]
    if added:
        sep = ", " if spans else ""
        edits.append(((close, close), sep + ", ".join(added)))
    edits.sort()
    encoding = json.detect_encoding(body)
    if encoding.startswith("utf-8"):
        return _splice_bytes(body, doc, edits, encoding)
    out, last = [], 0  # UTF-16/32 lines: rare enough to re-encode
    for (start, end), text in edits:
        out += [doc[last:start], text]
        last = end
    out.append(doc[last:])
    return "".join(out).encode(encoding, "surrogatepass")


def _splice_bytes(body: bytes, doc: str, edits: list, encoding: str) -> bytes:
    """Splice EDITS ((start, end) in DOC, text; sorted) into BODY by byte
    offsets, so that the bytes between them are BODY's own."""
    bom = 3 if encoding == "utf-8-sig" else 0
    parts, last_char, last_byte = [], 0, bom
    for (start, end), text in edits:
        b_start = last_byte + len(doc[last_char:start].encode("utf-8", "surrogatepass"))
        b_end = b_start + len(doc[start:end].encode("utf-8", "surrogatepass"))
        parts += [body[last_byte:b_start], text.encode("utf-8")]
        last_char, last_byte = end, b_end
    parts.append(body[last_byte:])
    return body[:bom] + b"".join(parts) if bom else b"".join(parts)
