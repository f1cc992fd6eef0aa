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
profile, only the rules of ``debris_kinds``); the page text is cleaned by it
as is.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Sequence

from ..document import Line

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


def debris_lines(text: str, lines: Sequence[Line], cfg: Any) -> set[int]:
    """Indexes of the LINES of TEXT that the article profile's rules (those of
    the page-region config CFG's ``debris_kinds``; all when empty) remove;
    none when its ``debris_factor`` is 1 (no discount, no cleaning). Their
    over-cleaning guard is off: on a full page most words are debris."""
    if cfg.debris_factor == 1:
        return set()
    result = _article_cleaner(tuple(cfg.debris_kinds)).clean(text)
    return covered_lines(lines, [(c.start, c.end) for c in result.changes if c.is_removal])
