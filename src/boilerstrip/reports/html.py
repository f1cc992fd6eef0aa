"""The HTML audit report: one self-contained file to look at what was removed.

:func:`write_html_report` (or :class:`HtmlReportWriter`, to stream documents
as they are cleaned) writes a single HTML file that needs nothing but a
browser opened from disk: no network, no external script, style or font. The
page shows totals and bar charts of removals per category and per rule
(inline SVG drawn by the page), a filterable, searchable list of documents,
and each document's original text with every change highlighted in place next
to the cleaned text.

The data is embedded once, compactly, as JSON in a
``<script type="application/json">``: each document's original text is stored
once and the cleaned text is rebuilt from it and the changes in the page; only
the open document is turned into DOM and the list draws only the rows in view,
so a report of 10,000 documents opens and filters without freezing.

Offsets in the page data are code points into the original text, as in the
JSON report (:meth:`boilerstrip.Change.to_dict`).
"""

from __future__ import annotations

import colorsys
import datetime as _dt
import hashlib
import html
import json
import os
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

from ..rules.categories import CATEGORIES
from ..errors import InputError
from ..io.text import AtomicFile
from ..result import Change, Result, RunStats, apply_changes

__all__ = ["HtmlReportWriter", "write_html_report", "category_colours", "contrast_ratio"]

#: One document: ``(name, Result)``, ``(name, original, Result)`` or a light
#: record ``{"file": ..., "original": ..., "text": ..., "status": ...,
#: "changes": [Change.to_dict(), ...]}``.
Document = Union[Sequence[Any], Mapping[str, Any]]

_STATUS_UNCHANGED, _STATUS_CHANGED, _STATUS_GUARDED = 0, 1, 2
_TEXT_COLOUR = "#111111"  # text drawn on highlight backgrounds
_DATA_MARK = "/*@@DATA@@*/"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# ------------------------------------------------------------------ colours

def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _luminance(colour: str) -> float:
    def chan(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * chan(r) + 0.7152 * chan(g) + 0.0722 * chan(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _colour_pair(hue: float) -> tuple[str, str]:
    """A light background (for text, >= 7:1 with the text colour) and a dark
    'ink' of the same hue (bars and borders, >= 4.5:1 on white)."""
    bg = _hex(colorsys.hls_to_rgb(hue, 0.86, 0.75))
    light = 0.40
    ink = _hex(colorsys.hls_to_rgb(hue, light, 0.70))
    while contrast_ratio(ink, "#ffffff") < 4.5 and light > 0.1:
        light -= 0.02
        ink = _hex(colorsys.hls_to_rgb(hue, light, 0.70))
    return bg, ink


def category_colours(categories: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{category: (background, ink)}``: a stable colour per category.

    Known categories get hues spread around the wheel in vocabulary order (so a
    category has the same colour in every report); unknown ones a hue from a
    hash of their name. Backgrounds are light enough for the near-black text
    (WCAG AA and more), inks dark enough to read on white.
    """
    known = list(CATEGORIES)
    out = {}
    for cat in categories:
        if cat in known:
            # Golden-angle steps keep neighbours in the vocabulary far apart.
            hue = (known.index(cat) * 0.381966) % 1.0
        else:
            hue = int(hashlib.blake2b(cat.encode(), digest_size=2).hexdigest(), 16) / 65536
        out[cat] = _colour_pair(hue)
    return out


# ------------------------------------------------------------------ documents

def _as_record(doc: Document) -> tuple[str, str, str | None, str, list[Change]]:
    """(name, original, cleaned text or None, status, changes) of one document."""
    if isinstance(doc, Mapping):
        name = str(doc.get("file", doc.get("name", "")))
        if "original" not in doc:
            raise InputError(f"html report: document {name or '?'}: the record has no "
                             "'original' text (needed to show removals in place)")
        changes = [c if isinstance(c, Change) else Change.from_dict(c)
                   for c in doc.get("changes", ())]
        return name, doc["original"], doc.get("text"), str(doc.get("status", "cleaned")), changes
    if len(doc) == 2 and isinstance(doc[1], Result):
        name, res = doc
        return str(name), res.original, res.text, res.status, list(res.changes)
    if len(doc) == 3 and isinstance(doc[2], Result):
        name, original, res = doc
        return str(name), original, res.text, res.status, list(res.changes)
    raise InputError("html report: a document must be (name, Result), (name, original, Result) "
                     f"or a record dict, got {type(doc).__name__}")


def _check_changes(name: str, original: str, changes: Sequence[Change]) -> None:
    pos = 0
    for i, c in enumerate(changes, 1):
        if not (pos <= c.start <= c.end <= len(original)):
            raise InputError(f"html report: document {name}: change {i} ({c.rule}) at "
                             f"{c.start}-{c.end} is out of order or outside the text")
        if original[c.start:c.end] != c.text:
            raise InputError(f"html report: document {name}: change {i} ({c.rule}) at "
                             f"{c.start}-{c.end}: its text does not match the original there")
        pos = c.end


def _dumps(value: Any) -> str:
    """Compact JSON safe inside a <script> element (no '<', no lone surrogates)."""
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    s = s.replace("<", "\\u003c")
    # Lone surrogates (surrogateescape'd input bytes) can't be written as
    # UTF-8; as JSON escapes they stay one code unit each, so offsets hold.
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def _template() -> str:
    return resources.files("boilerstrip").joinpath("_assets/report.html").read_text("utf-8")


class HtmlReportWriter:
    """Stream documents into an HTML audit report.

    ::

        with HtmlReportWriter("audit.html") as report:
            for name, text in texts:
                report.add(name, cleaner.clean(text))
        print(report.size)

    Documents are written as they come (memory holds one at a time); the file
    appears under its name only when :meth:`close` succeeds.
    """

    def __init__(self, path: str | os.PathLike[str], *, title: str = "boilerstrip audit report",
                 rules_info: Mapping[str, str] | None = None) -> None:
        self.path = Path(path)
        self.title = title
        self.size = 0
        self.stats = RunStats()
        self._cat_chars: Counter[str] = Counter()
        self._rules: dict[tuple[str, str], int] = {}
        self._rule_info = dict(rules_info or {})
        template = _template()
        head, sep, self._tail = template.partition(_DATA_MARK)
        if not sep:
            raise RuntimeError("report template has no data marker")
        # an unpredictable temporary name beside the report, renamed over it
        # at the end: another user who can write the folder cannot redirect it
        self._out = AtomicFile(self.path, durable=False)  # a rerun rebuilds it
        self._out.write(head.replace("@@TITLE@@", html.escape(title)))
        self._out.write('{"docs":[')
        self._first = True

    def add(self, name_or_doc: Any, result: Result | None = None) -> None:
        """Add one document: ``add(name, result)`` or ``add(record)``."""
        doc = (name_or_doc, result) if result is not None else name_or_doc
        name, original, text, status, changes = _as_record(doc)
        _check_changes(name, original, changes)
        guarded = status == "guarded"
        derived = original if guarded else apply_changes(original, changes)
        code = (_STATUS_GUARDED if guarded
                else _STATUS_CHANGED if derived != original else _STATUS_UNCHANGED)
        rows = []
        for c in changes:
            key = (c.rule, c.category)
            idx = self._rules.setdefault(key, len(self._rules))
            row: list[Any] = [c.start, c.end, idx]
            if c.replacement or c.detail:
                row.append(c.replacement)
            if c.detail:
                row.append(c.detail)
            rows.append(row)
        entry: list[Any] = [name, code, original, rows]
        if text is not None and text != derived:
            entry.append(text)  # a record whose text is not its changes applied: show it as given
        self._out.write(("" if self._first else ",") + _dumps(entry))
        self._first = False
        res = Result(original, derived if text is None else text, tuple(changes),
                     "guarded" if guarded else "cleaned")
        self.stats.add(res)
        if not guarded:
            for c in changes:
                self._cat_chars[c.category] += c.end - c.start - len(c.replacement)

    def close(self) -> int:
        """Finish the file, move it in place and return its size in bytes."""
        if self._out.closed:
            return self.size
        cats = sorted({cat for _, cat in self._rules} | set(self.stats.categories))
        colours = category_colours(cats)
        rules = [[rid, cat, self._rule_info.get(rid, "")]
                 for (rid, cat), _ in sorted(self._rules.items(), key=lambda kv: kv[1])]
        s = self.stats
        summary = {
            "documents": s.documents, "changed": s.changed, "guarded": s.guarded,
            "changes": s.changes, "chars_in": s.chars_in, "chars_removed": s.chars_removed,
            "categories": dict(s.categories.most_common()),
            "category_chars": dict(self._cat_chars),
            "rules": dict(s.rules.most_common()),
        }
        meta = {
            "title": self.title,
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "colours": {c: list(v) for c, v in colours.items()},
            "descriptions": {c: CATEGORIES.get(c, "") for c in cats},
        }
        self._out.write('],"rules":' + _dumps(rules) + ',"summary":' + _dumps(summary)
                        + ',"meta":' + _dumps(meta) + "}")
        self._out.write(self._tail)
        self.size = self._out.commit()
        return self.size

    def abort(self) -> None:
        """Drop the unfinished file."""
        if not self._out.closed:
            self._out.abort()

    def __enter__(self) -> "HtmlReportWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_html_report(path: str | os.PathLike[str], documents: Iterable[Document], *,
                      title: str = "boilerstrip audit report",
                      rules_info: Mapping[str, str] | None = None) -> int:
    """Write the HTML audit report of DOCUMENTS to PATH; return its size in bytes.

    Each document is ``(name, Result)``, ``(name, original, Result)`` or a
    record ``{"file", "original", "text", "status", "changes": [Change.to_dict()]}``.
    RULES_INFO optionally maps rule ids to descriptions shown in the page.
    Raises :class:`~boilerstrip.InputError` when a change does not match its
    document's text.
    """
    with HtmlReportWriter(path, title=title, rules_info=rules_info) as writer:
        for doc in documents:
            writer.add(doc)
    return writer.size


def format_size(n: int) -> str:
    """``1.2 MB``-style size for messages."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)
