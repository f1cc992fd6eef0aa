"""The tidy pass: removes what the removals left behind.

Blank lines piling up where text was cut out, lines emptied by inline
removals, doubled spaces, and a U+FEFF brought to the start. Those edits are
recorded like any other (category ``whitespace``), so the report stays
lossless.
"""

from __future__ import annotations

import bisect
from operator import itemgetter
from typing import Sequence

from ..document import Attribution, Draft
from .context import Deletion

_TIDY_BLANK = Attribution("core.tidy.blank-lines", "whitespace")
_TIDY_EMPTIED = Attribution("core.tidy.emptied-line", "whitespace")
_TIDY_SPACES = Attribution("core.tidy.spaces", "whitespace")
_TIDY_BOM = Attribution("core.tidy.leading-bom", "whitespace")
_HSPACE = " \t\u00a0"
_START = itemgetter(1)  # Line.start, the key lines are sorted by


def _leading_bom(text: str, junctions: Sequence[tuple[int, str]]) -> list[Deletion]:
    """The U+FEFF run a removal brought to the start of TEXT, as a deletion.

    Mid-text, U+FEFF is a zero-width no-break space; at the start of a text
    it reads as a byte order mark, which ``Cleaner.clean`` sets aside. Left
    there, the next run would see the line after it without it (and maybe
    remove it): cleaning would not be idempotent, and the output would gain
    a BOM its input did not have.
    """
    if not text.startswith("\ufeff") or not any(p == 0 for p, _removed in junctions):
        return []
    end = len(text) - len(text.lstrip("\ufeff"))
    return [(0, end, _TIDY_BOM)]


def _space_deletions(text: str, junctions: Sequence[tuple[int, str]]) -> list[Deletion]:
    """The spaces of TEXT doubled or left dangling where an inline removal
    (one of JUNCTIONS without a line break) joined two runs."""
    dels: list[Deletion] = []
    for p, removed in junctions:
        if "\n" in removed:
            continue
        before = text[p - 1] if p > 0 else "\n"
        after = text[p] if p < len(text) else "\n"
        if before in _HSPACE and after in _HSPACE:
            e = p
            while e < len(text) and text[e] in _HSPACE:
                e += 1
            dels.append((p, e, _TIDY_SPACES))
        elif before in _HSPACE and after in "\r\n":
            s = p
            while s > 0 and text[s - 1] in _HSPACE:
                s -= 1
            if s > 0 and text[s - 1] != "\n":
                dels.append((s, p, _TIDY_SPACES))
        elif before == "\n" and after in _HSPACE:
            e = p
            while e < len(text) and text[e] in _HSPACE:
                e += 1
            dels.append((p, e, _TIDY_SPACES))
    return dels


def tidy(draft: Draft) -> None:
    """Remove the whitespace that removals left behind (recorded edits)."""
    junctions = draft.junctions()
    if not junctions:
        return
    # 0. a zero-width no-break space brought to the start, where it reads as a BOM
    bom = _leading_bom(draft.text, junctions)
    if bom:
        draft.delete(bom)
        junctions = draft.junctions()
    # 1. spaces doubled or dangling around an inline removal (no local keeps
    # the text: the draft drops it before building the next one)
    dels = _space_deletions(draft.text, junctions)
    if dels:
        draft.delete(_merge(dels))
        junctions = draft.junctions()
    # 2. lines emptied by inline removals go entirely
    lines = draft.lines
    jpos = [p for p, removed in junctions]
    inline_j = {p for p, removed in junctions if "\n" not in removed and removed.strip()}
    dels = []
    if inline_j:
        for ln in lines:
            if not ln.content:
                i = bisect.bisect_left(jpos, ln.start)
                if i < len(jpos) and jpos[i] <= ln.end and any(
                        q in inline_j for q in jpos[i:bisect.bisect_right(jpos, ln.end)]):
                    dels.append((ln.start, ln.next, _TIDY_EMPTIED))
    if dels:
        draft.delete(dels)
        junctions = draft.junctions()
    # 3. blank-line runs that touch a removal shrink to one (to none at either end)
    lines = draft.lines
    if not lines:
        return
    n = len(lines)
    # the runs are found from the junctions (a run touches one when it lies
    # within its lines' span): no walk over every line of the text
    runs: dict[int, int] = {}  # first line of a run -> one past its last
    for p, _removed in junctions:
        at = bisect.bisect_right(lines, p, key=_START) - 1
        for i in (at - 1, at) if at > 0 and lines[at].start == p else (at,):
            if i < 0 or lines[i].content:
                continue
            while i > 0 and not lines[i - 1].content:
                i -= 1
            if i not in runs:
                j = i + 1
                while j < n and not lines[j].content:
                    j += 1
                runs[i] = j
    if not runs:
        return
    first_content = next((ln.index for ln in lines if ln.content), n)
    last_content = next((ln.index for ln in reversed(lines) if ln.content), -1)
    dels = []
    for i in sorted(runs):
        j = runs[i]
        keep = 0 if i < first_content or i > last_content else 1
        if j - i > keep:
            dels.append((lines[i + keep].start, lines[j - 1].next, _TIDY_BLANK))
    if dels:
        draft.delete(dels)


def _merge(dels: list[Deletion]) -> list[Deletion]:
    dels.sort(key=lambda d: d[0])
    out: list[Deletion] = []
    for d in dels:
        if out and d[0] < out[-1][1]:
            if d[1] > out[-1][1]:
                out[-1] = (out[-1][0], d[1], out[-1][2])
        else:
            out.append(d)
    return out
