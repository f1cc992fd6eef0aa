"""Growing the page profile's article region past the heaviest run of prose.

The region search (``page_region``) keeps the run of lines with the largest
total weight. A line that carries few words weighs below zero, so the run stops
short of the article's own edges: the headline, byline and date above the
first paragraph, and the short paragraphs, list items and table rows below the
last one. These small pure steps grow each region over such lines, up to a
*barrier* it never crosses:

* a reader comment thread, found by its shape with the ``comment-thread``
  kind's detector (:mod:`.threads`): records of name/date/"Reply" lines
  anywhere on the page, not only at the end of the text;
* a hard "bad" line (menu separators, copyright, cookie text), a
  ``barrier_patterns`` line ("Related articles"), a comment header;
* a link-list run (a menu or teaser list);
* a line of another section, i.e. one that the context pass judged "bad",
  or a short line that is no sentence (a teaser title, a button).

Every limit is a ``params`` entry of the rule (``rules/page/region.yml``).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import regex

from ..rules.loader import Rule, bundled_rule_set
from . import threads

_GOOD, _NEARGOOD = "good", "neargood"
#: Reasons of a "bad" line that no context can save (page_region's classes).
HARD_BAD = ("no letters", "copyright line", "menu or breadcrumb separators",
             "boilerplate phrase")


def thread_config(rule: Rule, rule_id: str) -> threads.ThreadConfig | None:
    """The marker vocabulary of the bundled comment-thread rule RULE_ID, for the
    page-region RULE (raises the rule's RuleError when there is no such rule);
    None when RULE_ID is empty (no thread barrier)."""
    if not rule_id:
        return None
    found = [r for r in bundled_rule_set().rules if r.id == rule_id]
    if not found or found[0].kind != "comment-thread":
        raise rule.error(f"page-region param 'thread_rule': {rule_id!r} is not a bundled "
                         f"comment-thread rule")
    return threads.thread_config(found[0])


def thread_spans(contents: Sequence[str], cfg: threads.ThreadConfig,
                 memo: dict[str, frozenset[str]]) -> list[tuple[int, int, int]]:
    """Reader comment threads among the non-blank lines CONTENTS, wherever
    they stand: (first, last, records) of each run of marker blocks no further
    apart than a comment body (``max_gap_lines``) that holds at least
    ``min_records`` records. MEMO keeps each line's marks across calls."""
    marks = []
    for text in contents:
        got = memo.get(text)
        if got is None:
            got = threads.line_marks(text, cfg)
            if len(memo) >= 100_000:
                memo.clear()
            memo[text] = got
        marks.append(got)
    blocks = [c for c in threads.clusters(marks) if c[2] - {"header"}]
    out: list[tuple[int, int, int]] = []
    run: list[tuple[int, int, frozenset[str]]] = []

    def close() -> None:
        while run and not threads.is_record(run[0][2]):
            run.pop(0)
        records = threads.record_count([kinds for _a, _b, kinds in run])
        if run and records >= max(cfg.min_records, 1):
            out.append((run[0][0], run[-1][1], records))

    for block in blocks:
        if run and block[0] - run[-1][1] - 1 > cfg.max_gap_lines:
            close()
            run = []
        run.append(block)
    close()
    return out


def _stops(b: Any, sentences: bool = False) -> bool:
    """Whether block B ends the growth of a region: a barrier, a line the
    context pass did not keep as article text, or a short line that is no
    sentence (a teaser title, a button: growing over those cost precision).
    With SENTENCES (growing down, ``grow_sentences``), a short sentence in a
    paragraph of its own with a function word of the page's language ("We'll
    see.", "For tickets, call ...") does not stop it, though the context
    pass judged it by the footer below it."""
    if (b.reason in HARD_BAD or b.barrier or b.link_run or b.thread
            or b.after_comments):
        return True
    if b.cls != _GOOD and not (sentences and b.cf == "short" and b.sentence
                               and b.isolated and b.stops):
        return True
    return not (b.sentence or b.cf in (_GOOD, _NEARGOOD))


def grow_down(blocks: Sequence[Any], last: int, limit: int, sentences: bool = False,
              numbered: int = 0) -> int:
    """The last block of a region ending at LAST once grown down over at most
    LIMIT lines that the context pass kept as article text (``good``) and
    that read as prose or a sentence, up to the first barrier; with
    SENTENCES, over short sentences of their own paragraph too (see
    :func:`_stops`); with NUMBERED, over the next items of the numbered list
    the region ends in (steps of a recipe or a manual), whatever they weigh,
    with up to NUMBERED packed lines under each item."""
    end = last
    count = _ordinal(blocks[last]) if numbered else None  # the count of the numbered list the region ends in
    k = last + 1
    while k < min(len(blocks), last + 1 + limit):
        if count is not None:
            # a numbered list does not end mid-count: its next item stays ("5. Bake
            # for 15 minutes."), and a line packed under the item above it
            nxt = next((j for j in range(k, min(len(blocks), k + 1 + numbered))
                        if _ordinal(blocks[j]) == count + 1), None)
            if nxt is not None and not any(_hard_stop(blocks[j]) or j < nxt and blocks[j].isolated
                                           for j in range(k, nxt + 1)):
                end = k = nxt
                count += 1
                k += 1
                continue
        if _stops(blocks[k], sentences):
            break
        end = k
        k += 1
    return end


_ORDINAL = regex.compile(r"\s*(\d{1,2})[.)]\s+\S")


def _ordinal(b: Any) -> int | None:
    """The number of a numbered list item ("3. Preheat the oven."), else None."""
    m = _ORDINAL.match(b.text)
    return int(m.group(1)) if m else None


def _hard_stop(b: Any) -> bool:
    """A line no growth crosses: a barrier, a comment thread, a hard-bad line."""
    return bool(b.reason in HARD_BAD or b.barrier or b.thread or b.after_comments)


def grow_up(blocks: Sequence[Any], first: int, limit: int, numbered: int = 0) -> int:
    """The first block of a region starting at FIRST once grown up over at
    most LIMIT good lines, up to the first barrier; with NUMBERED, first up
    over the earlier items of the numbered list the region starts in (each
    with up to NUMBERED packed lines under it), back to its first item."""
    count = None
    if numbered:  # the item the region starts in, maybe below its numbered line
        item = next((j for j in range(first, max(-1, first - 1 - numbered), -1)
                     if _ordinal(blocks[j]) is not None), None)
        if item is not None and not any(_hard_stop(blocks[j]) or blocks[j].isolated
                                         for j in range(item + 1, first + 1)):
            first, count = item, _ordinal(blocks[item])
    while count is not None and count > 1:
        prev = next((j for j in range(first - 1, max(-1, first - 2 - numbered), -1)
                     if _ordinal(blocks[j]) == count - 1), None)
        if prev is None or any(_hard_stop(blocks[j]) or blocks[j].isolated and j > prev
                               for j in range(prev, first)):
            break
        first, count = prev, count - 1
    start = first
    for k in range(first - 1, max(-1, first - 1 - limit), -1):
        if _stops(blocks[k]):
            break
        start = k
    return start


def headline_start(blocks: Sequence[Any], first: int, body: frozenset[str],
                   stops: frozenset[str], cfg: Any) -> int:
    """Index of the first line of a headline block just above FIRST, or FIRST.

    A list item or a line of a link-list run ends the block, unless it is the
    article's own headline or date glued to a menu above it: a line sharing
    ``headline_min_shared`` content words (and half of its own) with BODY, the
    content words of the region, or a date/byline line."""
    start = first
    for k in range(first - 1, max(-1, first - 1 - cfg.headline_lookback), -1):
        b = blocks[k]
        if b.reason in HARD_BAD or b.barrier or b.thread:
            break
        if b.words > cfg.headline_max_words:
            break
        if (b.bullet or b.link_run) and not (_names_body(b, body, stops, cfg) or _dated(b, cfg)):
            break
        start = k
    return start


def content_words(toks: Iterable[str], stops: frozenset[str]) -> frozenset[str]:
    """The tokens that carry meaning: not function words, not numbers, 3+ letters."""
    return frozenset(t for t in toks if len(t) >= 3 and t not in stops and not t.isdigit())


def _names_body(b: Any, body: frozenset[str], stops: frozenset[str], cfg: Any) -> bool:
    """Whether line B repeats the article's words as a headline does."""
    if not cfg.headline_min_shared:
        return False
    own = content_words(b.toks, stops)
    shared = len(own & body)
    return shared >= cfg.headline_min_shared and shared * 2 >= len(own)


def _dated(b: Any, cfg: Any) -> bool:
    """Whether line B is a date or byline line (the comment-thread vocabulary's
    date, date+time and byline markers; a date inside a longer line in the
    headline block cost precision on sh181 and dragnet-dev)."""
    if cfg.threads is None or not cfg.headline_dates:
        return False
    marks = cfg.thread_marks.get(b.text)
    if marks is None:
        marks = threads.line_marks(b.text, cfg.threads)
    return bool(marks & {"date", "stamp", "byline"})


def post_header(blocks: Sequence[Any], lo: int, hi: int, cfg: Any) -> bool:
    """Whether BLOCKS[lo:hi], the lines between two regions, are only a post's
    header (its title, date, byline), maybe after the footer of the post
    above (tags, share): at most ``post_gap_lines`` short lines, none a
    barrier or a list item, one of them a date or byline. (So few lines make
    a link-list run by their shape, but no menu.)"""
    if not 0 < hi - lo <= cfg.post_gap_lines:
        return False
    gap = blocks[lo:hi]
    if any(b.reason in HARD_BAD or b.barrier or b.thread or b.bullet
           or b.words > cfg.headline_max_words for b in gap):
        return False
    return any(_dated(b, cfg) for b in gap)


def _next_post(blocks: Sequence[Any], end: int, limit: int, cfg: Any) -> tuple[int, int, float] | None:
    """The post that follows a region ending at END on a page of several posts:
    the first prose line after a post header (see :func:`post_header`) and the
    lines below it up to the heaviest total before a barrier or LIMIT, when
    that total weighs at least ``post_min_weight``."""
    n = min(len(blocks), limit)
    first = next((k for k in range(end + 1, min(n, end + 2 + cfg.post_gap_lines))
                  if blocks[k].weight > 0), None)
    if first is None or not post_header(blocks, end + 1, first, cfg):
        return None
    total = best = 0.0
    last = first
    for k in range(first, n):
        b = blocks[k]
        if b.barrier or b.thread or b.after_comments:
            break
        total += b.weight
        if total > best:
            best, last = total, k
    return (first, last, best) if best >= cfg.post_min_weight else None


def chain_posts(blocks: Sequence[Any], regions: list[tuple[int, int, float]],
                cfg: Any) -> list[tuple[int, int, float]]:
    """REGIONS (sorted) and, below each, every further post of a blog page or
    a live blog that follows it through a post header alone: keep every
    block that scores like article prose, not only the heaviest one."""
    if not cfg.post_gap_lines or not regions:
        return regions
    out: list[tuple[int, int, float]] = []
    for i, region in enumerate(regions):
        out.append(region)
        limit = regions[i + 1][0] if i + 1 < len(regions) else len(blocks)
        while True:
            nxt = _next_post(blocks, out[-1][1], limit, cfg)
            if nxt is None:
                break
            out.append(nxt)
    return out


def _post_anchor(blocks: Sequence[Any], k: int, cfg: Any) -> int | None:
    """When line K is a post's date line (a short line holding an
    ``anchor_date_patterns`` date) right below a title-like heading, the
    first line of text below it, else None."""
    b = blocks[k]
    if b.words > cfg.link_run_max_words or b.barrier or b.thread or b.reason in HARD_BAD:
        return None
    if k == 0 or not (blocks[k - 1].heading and blocks[k - 1].words >= 3):
        return None
    if not cfg.anchor_dates.search(b.text):
        return None
    return next((j for j in range(k + 1, min(len(blocks), k + 4))
                 if blocks[j].sentence or blocks[j].cf != "bad" and blocks[j].cf != "short"),
                None)


def anchor_posts(blocks: Sequence[Any], cfg: Any) -> None:
    """Short posts lose to an author box or a footer paragraph by weight
    alone: the first text under a post header (a title, then a date line)
    gains ``anchor_weight``, when the page has at most ``anchor_max`` such
    headers (more are a teaser list or a page of posts)."""
    if not cfg.anchor_weight:
        return
    found = [j for j in (_post_anchor(blocks, k, cfg) for k in range(len(blocks))) if j is not None]
    if 0 < len(found) <= cfg.anchor_max:
        for j in found:
            blocks[j].weight += cfg.anchor_weight


def _lead_in(b: Any) -> bool:
    """Whether block B announces a list below it ("Tour dates:", "It
    includes:"): it ends in a colon and is no barrier, list item or menu."""
    return (b.text.rstrip().endswith(":") and not b.bullet and not b.barrier
            and not b.thread and b.reason not in HARD_BAD)


def grow_list(blocks: Sequence[Any], last: int, cfg: Any,
              body: frozenset[str] = frozenset(), stops: frozenset[str] = frozenset()) -> int:
    """The last block of a region ending at LAST once grown over the list its
    own words announce: when the region's last line, or one of the
    ``list_lead_lines`` short lines below it, ends in a colon, the lines
    after it are the list (dates, teams, features), up to
    ``list_max_lines`` of them. The list ends at a barrier, a comment
    thread, a hard-bad line (menu, copyright; a price is an item, a row of
    share icons is not), a change between bulleted
    and plain lines that is no new lead-in (the share bar or menu below a
    plain list), a long plain line with few function words (a tag line), or
    a plain line of fewer than ``list_item_min_words`` words without a digit
    that is no new lead-in (a button, a gallery link).
    Its lines are marked ``listed`` (kept even in a link-list run)."""
    if not cfg.list_max_lines:
        return last
    lead = None
    for k in range(last, min(len(blocks), last + 1 + cfg.list_lead_lines)):
        b = blocks[k]
        if k > last and (b.words > cfg.headline_max_words or b.bullet):
            break
        if _lead_in(b) or k > last and _heading_lead(blocks, k, cfg, body, stops):
            lead = k
            break
    if lead is None:
        return last
    end = last
    bullet = None  # bulleted or plain items, from the first one
    headed = not _lead_in(blocks[lead])
    for k in range(lead + 1, min(len(blocks), lead + 1 + cfg.list_max_lines)):
        b = blocks[k]
        if headed and k > lead + 1 and b.line.index > blocks[k - 1].line.index + 1:
            break  # under a bare heading, the list is the packed lines below it
        if (b.barrier or b.thread or b.after_comments or b.comments or not b.toks
                or b.reason in HARD_BAD and b.reason != "no letters"):
            break
        if bullet is None:
            bullet = b.bullet
        elif b.bullet != bullet and not _lead_in(b):
            break
        if not b.bullet and b.cf == "bad" and b.words > cfg.link_run_max_words:
            break
        if (not b.bullet and b.words < cfg.list_item_min_words and not _lead_in(b)
                and not any(c.isdigit() for c in b.text)):
            break  # "Tweet", "Image gallery": a button or a section of the page
        end = k
    items = [b for b in blocks[lead + 1:end + 1] if b.toks]
    if (headed and sum(1 for b in items if b.stops)
            < cfg.list_heading_min_stop_share * max(len(items), 1)):
        return last  # under a bare heading, names (a menu, tags) are no list of the article
    for k in range(last + 1, end + 1):
        blocks[k].listed = True
    return end


def _heading_lead(blocks: Sequence[Any], k: int, cfg: Any, body: frozenset[str],
                  stops: frozenset[str]) -> bool:
    """Whether block K is a bare heading over a list ("Qualified teams"): a
    paragraph of its own of at most ``list_heading_max_words`` words, no
    sentence, no list item, barrier or hard-bad line, with a packed line
    (a list's first item) right below it."""
    b = blocks[k]
    if not (cfg.list_heading_max_words and b.isolated and 0 < b.words <= cfg.list_heading_max_words
            and not b.sentence and not b.bullet and not b.barrier and not b.thread
            and not b.comments and b.reason not in HARD_BAD and ":" not in b.text):
        return False  # "Photo: Agency", "Find us here: site.com" are labels, not headings
    if len(content_words(b.toks, stops) & body) < cfg.list_heading_min_shared:
        return False  # "Latest news", "Details": not a part of this article's subject
    return k + 1 < len(blocks) and not blocks[k + 1].isolated
