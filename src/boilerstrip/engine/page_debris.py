"""Which lines of a full page the article profile's own rules call debris.

The page profile's region search (``page_region``) picks the heaviest run of
prose. A short post then loses to a block of prose that is not the article: a
WordPress entry footer ("You can follow any responses to this entry ..."), a
site or author blurb below a "Comments" header, a comment thread. The article
profile's rules already know these blocks by their wording and shape, on every
site: the region's candidates are weighed after discounting the lines those
rules would remove (``debris_factor``, ``debris_kinds`` in
``rules/page/region.yml``).

The article cleaner is built once per process (the bundled rules, article
profile, only the rules of ``debris_kinds``, its over-cleaning guard off: on a
full page most words are debris); it cleans the page's prose lines, each a
paragraph of its own (:func:`discount_debris`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Sequence

from ..document import Line, split_lines

_CLEANERS: dict[tuple[str, ...], Any] = {}


def _article_cleaner(kinds: tuple[str, ...]) -> Any:
    """The bundled article-profile Cleaner restricted to rules of KINDS (all
    kinds when empty); memoised."""
    cleaner = _CLEANERS.get(kinds)
    if cleaner is None:
        from .cleaner import Cleaner  # imported late: the cleaner imports the stages

        base = Cleaner(profile="article", allow_large_removals=True)
        ignore = tuple(sorted({r.id for r in base.rules if kinds and r.kind not in kinds}))
        cleaner = Cleaner(profile="article", ignore=ignore,
                          allow_large_removals=True) if ignore else base
        _CLEANERS[kinds] = cleaner
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


def discount_debris(blocks: Sequence[Any], cfg: Any, judged: dict[int, bool]) -> None:
    """Scale by ``debris_factor`` the weight of each line of BLOCKS (the page
    region's blocks) that weighs above zero and that the article rules of
    ``debris_kinds`` remove. Only those lines are cleaned, each a paragraph
    of its own, and each once per page (JUDGED: line index -> debris, kept
    across the region's rounds): cleaning the whole page in every round made
    the page profile 3.8x slower than the article profile per MB, not 2.4x."""
    if cfg.debris_factor == 1:
        return
    prose = [b for b in blocks if b.weight > 0]
    fresh = [b for b in prose if b.line.index not in judged]
    if fresh:
        text = "".join(b.line.content + "\n\n" for b in fresh)
        result = _article_cleaner(tuple(cfg.debris_kinds)).clean(text)
        spans = [(c.start, c.end) for c in result.changes if c.is_removal]
        covered = covered_lines(split_lines(text), spans) if spans else set()
        for k, b in enumerate(fresh):
            judged[b.line.index] = 2 * k in covered  # line 2k of TEXT is fresh[k]
    for b in prose:
        if judged[b.line.index]:
            b.weight *= cfg.debris_factor
