"""The document model: the text being cleaned, its lines and paragraphs, and
the map from the current text back to the original.

Rules run one stage after another, each seeing the text the previous stages
left. A :class:`Draft` keeps the current text as a list of *segments*: runs
copied from the original and replacement runs (normalisation). Deleting a
span of the current text maps it back through the segments to spans of the
original, so every change is recorded in original offsets, never overlaps an
earlier one, and the whole edit history stays linear in the text's size.
"""

from __future__ import annotations

import gc
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, islice
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple, Sequence

from .result import Change


class Line(NamedTuple):
    """One line of the current text. ``end`` excludes the line ending;
    ``next`` is where the following line starts (after ``\\n``)."""

    index: int
    start: int
    end: int
    next: int
    content: str  # stripped of surrounding whitespace

    @property
    def blank(self) -> bool:
        return not self.content


@dataclass(frozen=True)
class Attribution:
    """Who asked for an edit: rule id, category and an optional detail."""

    rule: str
    category: str
    detail: str = ""


#: a split of more lines than this pauses the cyclic garbage collector
_PAUSE_LINES = 10_000


def split_lines(text: str) -> list[Line]:
    """Lines of TEXT, split on ``\\n`` only (``\\r`` of CRLF stays outside content).

    A text that ends with ``\\n`` has no empty last line; the empty text has none.
    """
    if not text:
        return []
    raws = text.split("\n")
    if not raws[-1]:
        raws.pop()  # the text ends with a line break: no empty last line
    starts = list(accumulate([len(r) + 1 for r in raws], initial=0))
    new = tuple.__new__  # what Line(...) calls, without its Python-level wrapper
    # one tuple a line, all of which live on: the cyclic collector, set off
    # every 700 allocations, would walk the whole heap again and again and
    # free nothing (on a large heap, most of a long document's split)
    paused = len(raws) > _PAUSE_LINES and gc.isenabled()
    if paused:
        gc.disable()
    try:
        # a line's ``next`` is the next line's start: the same int object (32
        # bytes a line less on a large document)
        lines = [new(Line, (i, s, n - 1, n, r.strip()))
                 for i, (s, n, r) in enumerate(zip(starts, islice(starts, 1, None), raws))]
    finally:
        if paused:
            gc.enable()
    if not text.endswith("\n"):
        i, s, e, _n, c = lines[-1]
        lines[-1] = Line(i, s, e, e, c)
    return lines


def lines_after(old: list[Line], old_len: int, spans: Sequence[tuple[int, int]],
                text: str) -> list[Line] | None:
    """The lines of TEXT, the text of lines OLD (OLD_LEN characters long)
    with SPANS (sorted, non-overlapping, non-empty) deleted: the lines no span
    touches are shifted, the others split again. None when TEXT is not that."""
    if len(text) != old_len - sum(b - a for a, b in spans):
        return None
    if not text:
        return []
    starts = [ln.start for ln in old]
    # regions of old lines a deletion touches: from the line holding its start
    # to the line holding its end (the text after it joins the line it starts in)
    regions: list[list[int]] = []
    for a, b in spans:
        la = bisect_right(starts, a) - 1
        lb = bisect_right(starts, b) - 1 if b < old_len else len(old) - 1
        if regions and la <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], lb)
        else:
            regions.append([la, lb])
    out: list[Line] = []
    new = tuple.__new__
    si = 0  # spans before the current position
    deleted = 0  # characters deleted before it
    k = 0  # next old line
    for la, lb in regions:
        # untouched lines before the region: shifted
        if deleted:
            out.extend(_shifted(old[k:la], len(out) - k, deleted))
        else:
            out.extend(old[k:la])  # nothing moved yet: the same lines
        r0, r1 = old[la].start, old[lb].next
        n0 = r0 - deleted
        while si < len(spans) and spans[si][0] < r1:
            deleted += spans[si][1] - spans[si][0]
            si += 1
        n1 = r1 - deleted
        base = len(out)
        for ln in split_lines(text[n0:n1]):
            out.append(new(Line, (base + ln.index, n0 + ln.start, n0 + ln.end, n0 + ln.next,
                                  ln.content)))
        k = lb + 1
    out.extend(_shifted(old[k:], len(out) - k, deleted))
    return out


def _shifted(lines: list[Line], shift: int, deleted: int) -> list[Line]:
    """LINES (consecutive) renumbered by SHIFT and moved DELETED characters
    back; each line's ``next`` is the following line's start (lines tile
    their text), one int object for both."""
    if not lines:
        return []
    starts = [ln.start - deleted for ln in lines]
    starts.append(lines[-1].next - deleted)
    new = tuple.__new__
    return [new(Line, (ln.index + shift, s, ln.end - deleted, n, ln.content))
            for ln, s, n in zip(lines, starts, islice(starts, 1, None))]


def line_text(text: str, ln: Line, end: int, same: dict[str, str] | None = None) -> str:
    """``TEXT[LN.start:END]``, the text of line LN up to END (its end, or
    before its ``\r``): LN's content itself when that is the same string, so
    that what keeps lines by their text (verdicts, the literal cache) does
    not keep a second copy of every line. (The content is the line
    stripped: as long as the span, it is the span.) A line with margins is
    sliced, and the slice looked up in SAME (a draft's ``line_texts``),
    which keeps one copy of each such text: the caches and verdicts that
    keep it then share it."""
    if end - ln.start == len(ln.content):
        return ln.content
    got = text[ln.start:end]
    return got if same is None else same.setdefault(got, got)


def paragraphs(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Paragraphs as ``(first_line_index, last_line_index)``: maximal runs of non-blank lines."""
    out: list[tuple[int, int]] = []
    start = None
    for ln in lines:
        if not ln.content:
            if start is not None:
                out.append((start, ln.index - 1))
                start = None
        elif start is None:
            start = ln.index
    if start is not None:
        out.append((start, len(lines) - 1))
    return out


#: Characters handed to one C call by the whole-document helpers below: large
#: enough that the calls cost nothing next to the work, small enough that their
#: temporaries stay small (``str.split`` makes an object per word,
#: ``str.casefold`` a buffer of 12 bytes per character).
CHUNK_CHARS = 1 << 16

#: Longest piece of the current text a rebuild copies at once (see
#: ``Draft._rebuild``): short enough that few pieces hold a rare wide
#: character, long enough that their number costs nothing.
PIECE_CHARS = 1 << 12


def word_count(text: str) -> int:
    """Words of TEXT (``len(text.split())``), counted chunk by chunk: a whole
    document split at once holds a list of every word."""
    if len(text) <= CHUNK_CHARS:
        return len(text.split())
    n = a = 0
    while a < len(text):
        b = text.find("\n", a + CHUNK_CHARS)  # a word never spans a line break
        if b < 0:
            b = len(text)
        n += len(text[a:b].split())
        a = b
    return n


def chunks_of(parts: Iterable[str]) -> Iterator[list[str]]:
    """PARTS in consecutive groups of about CHUNK_CHARS characters, so that a
    whole-document operation runs a group per C call, never on the whole text."""
    group: list[str] = []
    size = 0
    for part in parts:
        group.append(part)
        size += len(part) + 1
        if size >= CHUNK_CHARS:
            yield group
            group, size = [], 0
    if group:
        yield group


def casefold_all(parts: Iterable[str]) -> Iterator[str]:
    """Each of PARTS (strings without ``\n``) case-folded, a chunk of parts
    per C call: folding them one by one costs a Python call each, folding
    them joined into one text a buffer of 12 bytes per character of it."""
    for group in chunks_of(parts):
        folded = "\n".join(group).casefold()
        if not folded.isascii():  # as every literal shortcut folds (rules.patterns.fold)
            from .rules.patterns import refold

            folded = refold(folded)
        yield from folded.split("\n")


class Draft:
    """The text being cleaned, with its edits recorded against the original.

    The draft holds the original text only until its first edit (``original``
    is None after it): what an edit records is cut from the current text, in
    which every run copied from the original still stands, so that a caller
    that hands its text over (:meth:`Cleaner.clean_handed`) does not hold two
    copies of a large document while it is cleaned."""

    def __init__(self, original: str) -> None:
        #: the original text while the current text is it; None after an edit
        self.original: str | None = original
        self.text = original
        self._original_length = len(original)
        # Segments, in current-text order: (cur_start, orig_start, orig_end, replacement).
        # replacement is None for a run copied from the original.
        self._segs: list[tuple[int, int, int, str | None]] = (
            [(0, 0, len(original), None)] if original else [])
        self._deleted: list[Change] = []
        self._replaced: dict[int, Change] = {}  # orig_start -> replacement change
        self._lines: list[Line] | None = None
        # where each line of the original starts (8 bytes a line, not a list's 40)
        self._orig_line_starts: array | None = None
        #: texts of lines with margins met so far, one copy each (``line_text``)
        self.line_texts: dict[str, str] = {}

    # -------------------------------------------------------------- views
    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def junctions(self) -> list[tuple[int, str]]:
        """Points of the current text where original text was removed, with what was removed.

        Replacement segments do not count: they are repairs, not removals.
        """
        out: list[tuple[int, str]] = []
        prev_end = 0
        removed = None
        for cur, o_start, o_end, _rep in self._segs:
            if o_start > prev_end:
                removed = removed or self._removed_text()
                out.append((cur, removed(prev_end, o_start)))
            prev_end = o_end
        if prev_end < self._original_length:
            removed = removed or self._removed_text()
            out.append((len(self.text), removed(prev_end, self._original_length)))
        return out

    def _removed_text(self):
        """A function of (start, end), a stretch of the original no segment
        covers, giving its text: the removals recorded there, which tile it."""
        dels = sorted(self._deleted, key=lambda c: c.start)
        starts = [c.start for c in dels]

        def removed(start: int, end: int) -> str:
            i = bisect_left(starts, start)
            parts = []
            while i < len(dels) and dels[i].end <= end:
                parts.append(dels[i].text)
                i += 1
            return "".join(parts)
        return removed

    # -------------------------------------------------------------- edits
    def delete(self, spans: Sequence[tuple[int, int, Attribution]]) -> None:
        """Delete spans of the current text (sorted, non-overlapping, current offsets)."""
        spans = [s for s in spans if s[1] > s[0]]
        if not spans:
            return
        old_lines, old_len = self._lines, len(self.text)
        new_segs: list[tuple[int, int, int, str | None]] = []
        si = 0
        segs = self._segs
        for cur, o_start, o_end, rep in segs:
            length = (o_end - o_start) if rep is None else len(rep)
            seg_end = cur + length
            if rep == "":
                # An empty repair (ftfy dropped characters) has no extent: it goes,
                # recorded once as a removal of its original text, when a
                # deletion covers its point; otherwise it stays.
                while si < len(spans) and spans[si][1] <= cur:
                    si += 1
                if si < len(spans) and spans[si][0] < cur < spans[si][1]:
                    self._record_deletion(cur, o_start, o_end, rep, cur, cur, spans[si][2])
                else:
                    new_segs.append((cur, o_start, o_end, rep))
                continue
            # deletions overlapping this segment
            pieces: list[tuple[int, int]] = []  # kept current sub-ranges of this segment
            pos = cur
            while si < len(spans) and spans[si][1] <= cur:
                si += 1
            j = si
            while j < len(spans) and spans[j][0] < seg_end:
                d_start, d_end, who = spans[j]
                a, b = max(d_start, cur), min(d_end, seg_end)
                if a > pos:
                    pieces.append((pos, a))
                self._record_deletion(cur, o_start, o_end, rep, a, b, who)
                pos = b
                if d_end <= seg_end:
                    j += 1
                else:
                    break
            si = j
            if not pieces and pos == cur:
                new_segs.append((cur, o_start, o_end, rep))
                continue
            if pos < seg_end:
                pieces.append((pos, seg_end))
            if rep is None:
                for a, b in pieces:
                    new_segs.append((a, o_start + (a - cur), o_start + (b - cur), None))
            elif pieces:
                # a replacement partially deleted keeps the rest of its new text
                kept = "".join(rep[a - cur:b - cur] for a, b in pieces)
                old = self._replaced[o_start]
                self._replaced[o_start] = Change(old.start, old.end, old.text, kept, old.rule,
                                                 old.category, old.line, old.detail)
                new_segs.append((pieces[0][0], o_start, o_end, kept))
        self._rebuild(new_segs)
        if old_lines is not None:
            # None (split lazily) if the spans were not what the caller promised
            self._lines = lines_after(old_lines, old_len, [(a, b) for a, b, _ in spans],
                                      self.text)

    def _record_deletion(self, cur: int, o_start: int, o_end: int, rep: str | None,
                         a: int, b: int, who: Attribution) -> None:
        if rep is None:  # a run copied from the original: its text is the current one's
            oa, ob = o_start + (a - cur), o_start + (b - cur)
            self._deleted.append(Change(oa, ob, self.text[a:b], "", who.rule,
                                        who.category, self._orig_line(oa), who.detail))
        elif a == cur and b == cur + len(rep):
            # the whole repaired run goes: record it as a removal of the original
            # text; a repair that only inserted text had none, so nothing is left
            # to record (a change of nothing into nothing would say nothing)
            repaired = self._replaced.pop(o_start)
            if o_end > o_start:
                self._deleted.append(Change(o_start, o_end, repaired.text, "",
                                            who.rule, who.category, self._orig_line(o_start),
                                            who.detail))

    def replace(self, edits: Sequence[tuple[int, int, str, Attribution]]) -> None:
        """Replace spans of the current text (sorted, non-overlapping).

        An edit must lie inside one run copied from the original; others are
        ignored (a repair never spans a removal).
        """
        if not edits:
            return
        new_segs: list[tuple[int, int, int, str | None]] = []
        ei = 0
        for cur, o_start, o_end, rep in self._segs:
            length = (o_end - o_start) if rep is None else len(rep)
            seg_end = cur + length
            if rep is not None:
                while ei < len(edits) and edits[ei][0] < seg_end:
                    ei += 1
                new_segs.append((cur, o_start, o_end, rep))
                continue
            pos = cur
            while ei < len(edits) and edits[ei][0] < seg_end:
                a, b, new, who = edits[ei]
                ei += 1
                if a < pos or b > seg_end or (a == b and not new):
                    continue
                if a > pos:
                    new_segs.append((pos, o_start + (pos - cur), o_start + (a - cur), None))
                oa, ob = o_start + (a - cur), o_start + (b - cur)
                self._replaced[oa] = Change(oa, ob, self.text[a:b], new, who.rule,
                                            who.category, self._orig_line(oa), who.detail)
                new_segs.append((a, oa, ob, new))
                pos = b
            if pos < seg_end or pos == cur:
                if seg_end > pos:
                    new_segs.append((pos, o_start + (pos - cur), o_end, None))
        self._rebuild(new_segs)

    def _rebuild(self, segs: list[tuple[int, int, int, str | None]]) -> None:
        """Make the text of SEGS, whose copied runs start at their offsets of
        the current text (the draft's before the edit)."""
        self._orig_line(0)  # the original's line starts, while it is here
        self.original = None
        self._lines = None  # the caller holds the old lines if it needs them
        old = self.text
        parts: list[str] = []
        out: list[tuple[int, int, int, str | None]] = []
        cur = 0
        for c, o_start, o_end, rep in segs:
            length = (o_end - o_start) if rep is None else len(rep)
            if not length and (rep is None or o_start == o_end):
                continue
            if rep is None:
                # cut in short pieces, each as compact as its own characters:
                # one long slice of a text holding an emoji takes 4 bytes a
                # character, and the pieces are held next to a text
                parts.extend(old[a:min(a + PIECE_CHARS, c + length)]
                             for a in range(c, c + length, PIECE_CHARS))
            else:
                parts.append(rep)
            # merge adjacent copied runs that are contiguous in the original
            if (rep is None and out and out[-1][3] is None and out[-1][2] == o_start):
                pc, ps, _pe, _ = out[-1]
                out[-1] = (pc, ps, o_end, None)
            else:
                out.append((cur, o_start, o_end, rep))
            cur += length
        # the current text goes before the next is joined, not held next to it
        # (a large document's highest point; the engine holds no other reference)
        old = self.text = ""
        self._segs = out
        self.text = "".join(parts)

    # -------------------------------------------------------------- report
    def _orig_line(self, offset: int) -> int:
        """1-based line number of an original offset."""
        if self._orig_line_starts is None:
            starts = array("q", [0])
            find = self.original.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._orig_line_starts = starts
        return bisect_right(self._orig_line_starts, offset)

    def changes(self) -> list[Change]:
        """Every change so far, ordered by original offset, non-overlapping."""
        out = self._deleted + list(self._replaced.values())
        out.sort(key=lambda c: (c.start, c.end))
        return out

    def iter_segments(self) -> Iterator[tuple[int, int, int, str | None]]:
        return iter(self._segs)
