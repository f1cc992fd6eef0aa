"""Which lines of a full page the article profile's own rules call debris.

The page profile's region search (``page_region``) picks the heaviest run of
prose. A short post then loses to a block of prose that is not the article: a
WordPress entry footer ("You can follow any responses to this entry ..."), a
site or author blurb below a "Comments" header, a comment thread. The article
profile's rules already know these blocks by their wording and shape, on every
site: the region's candidates are weighed after discounting the lines those
rules would remove (``debris_factor``, ``debris_kinds`` in
``rules/page/region.yml``).

The article cleaner is built from the running cleaner's options (the user's
rule files, ignore, select and timeout; profile article, only the rules of
``debris_kinds``, its over-cleaning guard off: on a full page most words are
debris), once per process and options; it cleans the page's prose lines, each
a paragraph of its own (:func:`discount_debris`).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from typing import Any, Sequence

from ..document import Line, split_lines
from ..options import Options

#: (kinds, options) -> article cleaner; a handful of option sets per process
_CLEANERS: dict[tuple[tuple[str, ...], Options], Any] = {}
_MAX_CLEANERS = 8


class DebrisJudge:
    """Which prose lines of one page the article rules remove, under the
    running cleaner's OPTIONS (default options when None): each line judged
    once per page, its verdict kept across the region's rounds."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options if options is not None else Options()
        self.verdicts: dict[int, bool] = {}  # line index -> debris


def _article_cleaner(kinds: tuple[str, ...], options: Options) -> Any:
    """The article-profile Cleaner of OPTIONS restricted to rules of KINDS
    (all kinds when empty), its guard off; memoised."""
    key = (kinds, options)
    cleaner = _CLEANERS.get(key)
    if cleaner is None:
        from .cleaner import Cleaner  # imported late: the cleaner imports the stages

        article = dataclasses.replace(options, profile="article", allow_large_removals=True)
        base = Cleaner.from_options(article)
        ignore = tuple(sorted({r.id for r in base.rules if kinds and r.kind not in kinds}))
        cleaner = Cleaner.from_options(dataclasses.replace(
            article, ignore=article.ignore + ignore)) if ignore else base
        if len(_CLEANERS) >= _MAX_CLEANERS:
            _CLEANERS.clear()
        _CLEANERS[key] = cleaner
    return cleaner


def covered_lines(lines: Sequence[Line], spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indexes of the non-blank LINES whose text lies wholly inside one of the
    character SPANS (start, end), which do not overlap."""
    spans = sorted(spans)
    starts = [s for s, _e in spans]
    out = set()
    for ln in lines:
        if ln.blank:
            continue
        k = bisect_right(starts, ln.start) - 1
        if k >= 0 and spans[k][1] >= ln.end:
            out.add(ln.index)
    return out


def discount_debris(blocks: Sequence[Any], cfg: Any, judge: DebrisJudge) -> None:
    """Scale by ``debris_factor`` the weight of each line of BLOCKS (the page
    region's blocks) that weighs above zero and that the article rules of
    ``debris_kinds`` remove. Only those lines are cleaned, each a paragraph
    of its own, and each once per page (JUDGE keeps the verdicts across the
    region's rounds): cleaning the whole page in every round made
    the page profile 3.8x slower than the article profile per MB, not 2.4x."""
    if cfg.debris_factor == 1:
        return
    prose = [b for b in blocks if b.weight > 0]
    judged = judge.verdicts
    fresh = [b for b in prose if b.line.index not in judged]
    if fresh:
        text = "".join(b.line.content + "\n\n" for b in fresh)
        result = _article_cleaner(tuple(cfg.debris_kinds), judge.options).clean(text)
        spans = [(c.start, c.end) for c in result.changes if c.is_removal]
        covered = covered_lines(split_lines(text), spans) if spans else set()
        for k, b in enumerate(fresh):
            judged[b.line.index] = 2 * k in covered  # line 2k of TEXT is fresh[k]
    for b in prose:
        if judged[b.line.index]:
            b.weight *= cfg.debris_factor
