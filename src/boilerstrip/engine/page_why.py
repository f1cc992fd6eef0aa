"""Why the page profile's region rule removed a line, in plain words.

One sentence per removal: where the line stands relative to the article
region, then what the line is, then the weight that decided it, e.g.
``outside the article region (lines 33-57); link-list run; weight -11.0``.
A removed line is never called "good": the context classes (jusText's good /
short / bad) are an internal step, and printing "good: short line" next to a
removal read as a contradiction.
"""

from __future__ import annotations

from typing import Any

#: Reasons that describe prose: true of the line, but no reason to remove it.
_PROSE_REASONS = ("prose", "function words", "long line", "sentence")


def what_it_is(b: Any) -> list[str]:
    """What block B is, as short phrases (most telling first)."""
    out = []
    if b.comments:
        out.append("comment section header")
    elif b.thread:
        out.append("reader comment thread")
    elif b.barrier:
        out.append("header of another section")
    elif b.after_comments:
        out.append("below a comment section")
    if b.link_run:
        out.append("link-list run")
    if b.data_run:
        out.append("data-row run")
    if b.reason and not b.reason.startswith(_PROSE_REASONS):
        out.append(b.reason)
    elif b.reason:
        out.append("prose of another block")
    if b.bounded:
        out.append("run between prose lines")
    return out


def region_lines(spans: list[tuple[int, int]], shown: int = 3) -> str:
    """SPANS (first and last line number of each kept region, in order) as
    "lines 33-57" or "lines 12-20, 33-57"; more than SHOWN regions end in
    "and N more"; "" when there is none."""
    if not spans:
        return ""
    parts = [f"{a}-{z}" if a != z else f"{a}" for a, z in spans[:shown]]
    more = f" and {len(spans) - shown} more" if len(spans) > shown else ""
    return f"line{'s' if len(spans) > 1 or spans[0][0] != spans[0][1] else ''} " \
        + ", ".join(parts) + more


def removal_detail(b: Any, span: str, inside: bool) -> str:
    """The report detail of removed block B. SPAN: the region's lines as
    "lines 33-57" ("" when no region was found); INSIDE: B lies within it."""
    if not span:
        where = "no article region found"
    elif inside:
        where = f"inside the article region ({span}) but not article text"
    else:
        where = f"outside the article region ({span})"
    return "; ".join([where, ", ".join(what_it_is(b)), f"weight {b.weight:+.1f}"])
