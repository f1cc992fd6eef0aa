"""``boilerstrip explain``: the text with every removal shown in place.

Without colour a removal reads ``[-removed text-]{rule-id: category}`` and a
replacement (normalisation) ``[-old-]{+new+}{rule-id: category}``, the
notation of ``git diff --word-diff=plain``. On a terminal the removed text is
red and the label dim. Blank lines and spaces that the tidy pass removes
(category ``whitespace``) are left unmarked unless asked for, so the view stays
readable; they are always counted in the summary.
"""

from __future__ import annotations

from collections import defaultdict

from ..result import Change, Result

_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_LABEL = "\x1b[2;36m"
_BOLD = "\x1b[1m"
_YELLOW = "\x1b[33m"
_RESET = "\x1b[0m"


def _visible(ws: str) -> str:
    return ws.replace(" ", "·").replace("\t", "→").replace("\r", "").replace("\n", "↵")


def _paint(text: str, style: str, color: bool) -> str:
    """TEXT in STYLE, re-opened on every line so pagers and terminals keep it."""
    if not color or not text:
        return text
    return "\n".join(f"{style}{part}{_RESET}" if part else part for part in text.split("\n"))


def _label(c: Change, color: bool) -> str:
    text = f"{{{c.rule}: {c.category}}}"
    return f"{_LABEL}{text}{_RESET}" if color else text


def render(result: Result, color: bool = False, show_whitespace: bool = False) -> str:
    """The original text of RESULT with each change marked where it happened."""
    src = result.original
    out: list[str] = []
    pos = 0
    for c in result.changes:
        out.append(src[pos:c.start])
        pos = c.end
        if c.category == "whitespace" and c.is_removal and not c.text.strip():
            if not show_whitespace:
                out.append(c.text)
                continue
            tail = "\n" if c.text.endswith("\n") else ""
            out.append(_mark(_visible(c.text), "", c, color) + tail)
            continue
        body = c.text.rstrip("\r\n")
        tail = c.text[len(body):]
        out.append(_mark(body, c.replacement, c, color) + tail)
    out.append(src[pos:])
    return "".join(out)


def _mark(removed: str, replacement: str, c: Change, color: bool) -> str:
    if color:
        s = _paint(removed, _RED, True)
        if replacement:
            s += _paint(replacement, _GREEN, True)
        return s + _label(c, True)
    s = f"[-{removed}-]"
    if replacement:
        s += f"{{+{replacement}+}}"
    return s + _label(c, False)


def summary(result: Result, name: str = "", color: bool = False) -> str:
    """A per-category summary of RESULT's changes (and the guard's verdict)."""
    lines: list[str] = []
    head = f"{name}: " if name else ""
    by_cat: dict[str, list[Change]] = defaultdict(list)
    for c in result.changes:
        by_cat[c.category].append(c)
    n = len(result.changes)
    chars = sum(c.end - c.start for c in result.changes)
    if not n:
        lines.append(f"{head}nothing to remove")
    else:
        verb = "would be" if result.status == "guarded" else ""
        lines.append(f"{head}{n} change{'s' if n != 1 else ''}{' ' + verb if verb else ''} "
                     f"in {len(by_cat)} categor{'ies' if len(by_cat) != 1 else 'y'} "
                     f"({chars} characters, {result.removed_share:.0%} of the words)")
        width = max(len(k) for k in by_cat)
        for cat in sorted(by_cat, key=lambda k: (-len(by_cat[k]), k)):
            items = by_cat[cat]
            rules = sorted({c.rule for c in items})
            cat_chars = sum(c.end - c.start for c in items)
            label = cat.ljust(width)
            if color:
                label = f"{_BOLD}{label}{_RESET}"
            lines.append(f"  {label}  {len(items):>4}  {cat_chars:>7} chars  {', '.join(rules)}")
    lines.append(language_line(result))
    if result.status == "guarded":
        msg = (f"guarded: these rules would remove {result.removed_share:.0%} of the words, more "
               f"than the over-cleaning guard allows; `clean` leaves this text unchanged "
               f"(--allow-large-removals applies them)")
        lines.append(f"{_YELLOW}{msg}{_RESET}" if color else msg)
    for s in result.skipped:
        lines.append(f"warning: rule {s.rule} skipped: {s.reason}")
    return "\n".join(lines) + "\n"


def language_line(result: Result) -> str:
    """Which language RESULT's document is in and which language packs ran."""
    if not result.languages:
        told = f"language {result.language}" if result.language else "language unknown"
        return f"{told}: every language pack ran"
    packs = ", ".join(result.languages)
    return f"language {result.language}: language packs ran: {packs} (and core)"
