"""A short post comes before its comment section.

A blog post of a picture, a video or a few lines carries almost no prose, so
the region search (``page_region``) picks a heavier block further down the
page: a site or author blurb in the sidebar, an app or widget notice, the
"You can follow any responses ..." footer. On such pages the comment section
("No comments:", "Post a Comment", "Leave a Reply", a thread found by its
shape) stands right below the post. When every region chosen lies below the
page's first comment header and that region is light (a blurb, not an
article), the article is the text just above the header instead: its title,
date and the short lines of the post, up to a link list, a hard-bad line or a
barrier.

Every limit is a ``params`` entry of the rule (``short_post_*`` in
``rules/page/region.yml``).
"""

from __future__ import annotations

from typing import Any, Sequence


def _comment_start(blocks: Sequence[Any]) -> int | None:
    """Index of the first comment-section header ("Leave a Reply", "Comments
    (0)") that is not an item of a menu or list, or None. (A thread found by
    its shape alone is no anchor: changelogs and dated news lists look alike.)"""
    for k, b in enumerate(blocks):
        if b.comments and not (b.link_run or b.bullet):
            return k
    return None


def _post_lines(blocks: Sequence[Any], header: int, lookback: int) -> int | None:
    """First index of the run of post lines just above the comment HEADER: at
    most LOOKBACK lines, up to a link-list run or a barrier (a post's own
    footer, "Posted in A | B", is inside; the region keeps no hard-bad line);
    None when there is no such line."""
    first = None
    for k in range(header - 1, max(-1, header - 1 - lookback), -1):
        b = blocks[k]
        if b.link_run or b.barrier or b.thread:
            break
        first = k
    return first


def before_comments(blocks: Sequence[Any], regions: list[tuple[int, int, float]],
                    cfg: Any, later_round: bool) -> list[tuple[int, int, float]]:
    """REGIONS, or the short post above the page's first comment header when
    no region was found or every region lies more than
    ``short_post_min_gap`` lines below that header (a comment counter under
    a title is followed by its article; a comment section by its form) and
    the heaviest weighs less than ``short_post_max_weight`` (a blurb, not
    an article). Without any region and comment header, or in a LATER_ROUND
    (the lines left are what an earlier round kept), every line is one
    region: cleaning the output again must not empty it (a fixed point)."""
    if not cfg.short_post_lines:
        return regions
    header = _comment_start(blocks)
    if not regions and (later_round or header is None):
        return [(0, len(blocks) - 1, 0.0)] if blocks else regions
    if header is None or regions and regions[0][0] - header <= cfg.short_post_min_gap:
        return regions
    if regions and max(total for _a, _z, total in regions) >= cfg.short_post_max_weight:
        return regions
    first = _post_lines(blocks, header, cfg.short_post_lines)
    if first is None:
        return regions
    return [(first, header - 1, 0.0)]
