"""The page profile's ``page-region`` rule kind: find the article in the full
visible text of a web page.

Input is what a browser's innerText or ``inscriptis`` gives for a whole page:
the article surrounded by menus, breadcrumbs, teaser lists, share bars and
footers, one block per line. Nothing but the text is available, so each line
is judged by text features that stand in for what an HTML-aware extractor
(jusText, trafilatura) reads from the markup:

1. **Line classes** (jusText's context-free pass, text-only): length, share of
   function words of the document's language (the stopword list covering the
   most tokens wins), sentence punctuation, list bullets, menu separators
   (``Home | News``, ``Home > World``), copyright marks and title-like
   capitalisation give each line the class ``good``, ``neargood``, ``short``
   or ``bad``.
2. **Context** (jusText's revision pass): short and near-good lines take the
   class of their good/bad neighbours; a short heading just above good text
   is kept.
3. **Main region**: every line gets a weight (prose: its words; boilerplate: a
   penalty, larger inside runs of short title-like lines, i.e. link lists),
   and the run of lines with the largest total weight is the article
   (Finn et al.'s body-text extraction, on lines). Other runs are added when
   they weigh a good share of the main one (articles split by a teaser box).
   Two exceptions to the link-list penalty: a run of data rows (table rows,
   ingredients, a calendar: most lines match ``data_line_patterns``) weighs
   a little per word, so a page whose article is such a list is found; and a
   short run between two prose paragraphs (a list or table inside the
   article) costs only ``bounded_run_line_cost`` per line.
4. Each region grows to the article's edges (:mod:`.page_grow`): over article
   lines up to a barrier (a comment thread found by its shape, a section
   header, a link list), up over the headline block (its title and date may
   close a link-list run), and down over further posts of a page of posts;
   the first text under a lone post header (title, date) weighs more.
5. Inside the region, good lines and the short lines between them stay.
   Everything else is removed, each line with a detail that says why
   (:mod:`.page_why`).

Every threshold, weight and word list is a ``params`` entry of the rule (see
``rules/page/region.yml``; the table of them is in :mod:`.page_config`); nothing
tunable lives here.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

import regex

from ..document import Attribution, Draft, Line
from .context import Deletion
from ..rules.loader import Rule
from .page_config import _Config
from .page_grow import (HARD_BAD as _HARD_BAD, content_words, grow_down, grow_list, grow_up,
                        anchor_posts, chain_posts, headline_start, thread_spans)
from .page_debris import DebrisJudge, discount_debris
from .page_short import before_comments
from .page_why import region_lines, removal_detail

# ------------------------------------------------------------------ features

_TOKEN = regex.compile(r"\w+")
_LETTER = regex.compile(r"\p{L}")
# inscriptis list bullets (* + o -) and the usual typographic ones
_BULLET = regex.compile(r"^(?:[*+\-•·▪►▸◦]|o(?= \S))\s+")
# separators between menu items / breadcrumb steps
_SEPARATOR = regex.compile(r"(?:^|\s)(?:\||•|·|»|›|>|/|::|–|—|\\)(?=\s|$)|\s\|\s?|\|")
_COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}|&copy|\ball rights reserved\b|\bcopyright\b",
                           regex.IGNORECASE)
_SENTENCE_END = tuple(".!?…\"'”’»)。！？」』")
# scripts written without spaces between words (Han, kana)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_GOOD, _NEARGOOD, _SHORT, _BAD = "good", "neargood", "short", "bad"


@dataclass
class _Block:
    """Features and classes of one non-blank line."""

    line: Line
    text: str          # without the bullet
    chars: int
    words: int
    tokens: int
    stops: int
    bullet: bool
    sentence: bool     # ends like a sentence
    title_like: bool   # short, no sentence end: a menu item, headline or link
    heading: bool      # could head the next text
    cf: str = _BAD     # context-free class
    cls: str = _BAD    # class after the context pass
    reason: str = ""
    weight: float = 0.0
    link_run: bool = False
    barrier: bool = False
    toks: tuple[str, ...] = ()  # casefolded \w+ tokens
    density: float = 0.0  # share of tokens in the stopword list
    isolated: bool = False
    comments: bool = False  # a comment-section header (also a barrier)
    toc: bool = False  # an item of the article's table of contents
    data_run: bool = False  # a row of a run of data lines (a table, ingredients, a calendar)
    bounded: bool = False  # in a short run between two prose lines (a list inside the article)
    after_comments: bool = False  # below a comment-section header that follows prose
    intrinsic: _Intrinsic | None = None  # what the content alone says
    thread: bool = False  # inside a reader comment thread (found by its shape)
    listed: bool = False  # an item of the list a region's lead-in line announces
    duplicate: bool = False  # the same text is on another line of the page  # blank line (or text edge) above and below: a paragraph of its own


class _Intrinsic(NamedTuple):
    """What a line's content alone says (the same on every page and pass)."""

    text: str                   # without the bullet
    bullet: bool
    toks: tuple[str, ...]       # casefolded \w+ tokens
    chars: int
    words: int
    sentence: bool
    lang_hits: tuple[int, ...]  # tokens in each language's stopword list (cfg order)
    comments: bool              # a comment_patterns header
    barrier: bool               # a barrier_patterns line
    bad_reason: str             # a hard "bad" verdict that does not depend on the page ("" if none)


#: Intrinsic features by line content, per config: navigation, footers and
#: teaser lines recur across the pages of a site and across the passes over
#: one page. Bounded (an entry takes about 1.5 KB: at most ~12 MB); cleared when full.
_INTRINSIC_MAX = 8_000


def _intrinsic(content: str, cfg: _Config) -> _Intrinsic:
    cache = cfg.intrinsic
    got = cache.get(content)
    if got is not None:
        return got
    text = content
    m = _BULLET.match(text)
    bullet = m is not None
    if m:
        text = text[m.end():]
    # ASCII text: lower() is casefold() and leaves \w+ runs as they are (one call, not one a token)
    toks = (tuple(_TOKEN.findall(text.lower())) if text.isascii()
            else tuple(t.casefold() for t in _TOKEN.findall(text)))
    chars = len(text)
    cjk = len(_CJK.findall(text))
    if cjk:
        # count Chinese/Japanese runs by characters, not by spaces
        words = len(_CJK.sub(" ", text).split()) + round(cjk / cfg.cjk_chars_per_word)
        chars += round(cjk * (cfg.cjk_char_weight - 1))
    else:
        words = len(text.split())
    counts = [0] * len(cfg.languages)
    for ks in map(cfg.stop_langs.get, toks):
        if ks:
            for k in ks:
                counts[k] += 1
    hits = tuple(counts)
    comments = cfg.any_comment.fullmatch(text)
    barrier = comments or cfg.any_barrier.fullmatch(text)
    if not _LETTER.search(text):
        bad = "no letters"
    elif _COPYRIGHT.search(text) and words <= cfg.copyright_max_words:
        bad = "copyright line"
    elif _is_menu(text, words, cfg):
        bad = "menu or breadcrumb separators"
    elif cfg.any_boilerplate.search(text):
        bad = "boilerplate phrase"
    else:
        bad = ""
    got = _Intrinsic(text, bullet, toks, chars, words, text.endswith(_SENTENCE_END), hits,
                     comments, barrier, bad)
    if len(cache) >= _INTRINSIC_MAX:
        cache.clear()
    cache[content] = got
    return got


def _features(lines: Sequence[Line], cfg: _Config,
              gone: set[int] | frozenset[int] = frozenset(),
              memo: dict[int, _Intrinsic] | None = None) -> list[_Block]:
    """Blocks of the non-blank lines not in GONE. Isolation is judged as if GONE
    lines were already cut out (the tidy pass leaves one blank line where a
    removed run touched one), so a second cleaning sees the same layout.
    MEMO (line index -> intrinsic features) carries them over the passes on one
    page: the shared cache by content is bounded and cleared when full, so on
    long pages a later pass would compute most lines again."""
    out = []
    if memo is None:
        memo = {}
    kept = [ln for ln in lines if not ln.blank and ln.index not in gone]
    blank_before = [False] * (len(lines) + 1)  # a blank line between kept neighbours
    seen_blank = True  # text start counts as blank
    for ln in lines:
        if ln.blank:
            seen_blank = True
        elif ln.index not in gone:
            blank_before[ln.index] = seen_blank
            seen_blank = False
    for pos, ln in enumerate(kept):
        # HTML-to-text converters put blank lines around paragraphs and headings,
        # none between the items of a menu or list: the one layout trace left
        after = blank_before[kept[pos + 1].index] if pos + 1 < len(kept) else True
        isolated = blank_before[ln.index] and after
        f = memo.get(ln.index)
        if f is None:
            f = memo[ln.index] = _intrinsic(ln.content, cfg)
        out.append(_Block(ln, f.text, f.chars, f.words, len(f.toks), 0, f.bullet, f.sentence,
                          False, False, toks=f.toks, isolated=isolated, intrinsic=f))
    return out


def _mark_duplicates(blocks: list[_Block], cfg: _Config) -> None:
    seen: dict[str, int] = {}
    for b in blocks:
        if b.chars >= cfg.length_low:
            seen[b.text] = seen.get(b.text, 0) + 1
    for b in blocks:
        if seen.get(b.text, 0) > 1:
            b.duplicate = True


def _pick_language(blocks: list[_Block], cfg: _Config) -> tuple[str | None, frozenset[str]]:
    """The stopword list covering the most tokens; none when coverage is too low."""
    total = 0
    counts = [0] * len(cfg.languages)
    for b in blocks:
        # a run of Chinese/Japanese is one \w+ token but many words
        total += max(b.tokens, b.words)
        counts = [a + h for a, h in zip(counts, b.intrinsic.lang_hits)]
    if not total:
        return None, frozenset()
    hits = dict(zip(cfg.languages, counts))
    lang = max(hits, key=lambda k: hits[k])
    if hits[lang] / total < cfg.min_language_coverage:
        return None, frozenset()
    return lang, cfg.languages[lang]


def _is_menu(text: str, words: int, cfg: _Config) -> bool:
    seps = len(_SEPARATOR.findall(text))
    if seps < cfg.menu_min_separators:
        return False
    return words / (seps + 1) <= cfg.menu_max_words_per_item


def _classify(blocks: list[_Block], stops: frozenset[str], cfg: _Config) -> None:
    """jusText's context-free classes, with text stand-ins for link density."""
    which = next((k for k, words in enumerate(cfg.languages.values()) if words is stops), None)
    for b in blocks:
        if not stops:
            b.stops = 0
        elif which is not None:
            b.stops = b.intrinsic.lang_hits[which]
        else:
            b.stops = sum(1 for t in b.toks if t in stops)
        density = b.stops / b.tokens if b.tokens else 0.0
        b.density = density
        # menu items and headlines never end in a comma or colon; list items
        # inside an article often do
        b.title_like = (not b.sentence and not b.text.endswith((",", ";", ":"))
                        and b.words <= cfg.link_run_max_words)
        b.heading = (not b.bullet and b.words <= cfg.headline_max_words
                     and not b.text.endswith((".", ",", ";")) and b.tokens > 0)
        f = b.intrinsic
        if f.comments:
            b.barrier = b.comments = True
        elif f.barrier:
            b.barrier = True
        if f.bad_reason:
            b.cf, b.reason = _BAD, f.bad_reason
        elif b.chars < cfg.length_low:
            b.cf, b.reason = _SHORT, "short list item" if b.bullet else "short line"
        elif not stops:
            # language-independent mode: length and punctuation only
            if b.words >= cfg.no_language_min_words and (b.sentence or b.chars > cfg.length_high):
                b.cf, b.reason = _GOOD, "long line"
            elif b.sentence:
                b.cf, b.reason = _NEARGOOD, "sentence"
            else:
                b.cf, b.reason = _BAD, "no sentence end"
        elif density >= cfg.stopwords_high:
            if b.chars > cfg.length_high:
                b.cf, b.reason = _GOOD, f"prose, function words {density:.2f}"
            else:
                b.cf, b.reason = _NEARGOOD, f"function words {density:.2f}"
        elif density >= cfg.stopwords_low:
            b.cf, b.reason = _NEARGOOD, f"function words {density:.2f}"
        else:
            b.cf, b.reason = _BAD, f"few function words ({density:.2f})"


def _nearest(blocks: list[_Block], ignore_neargood: bool) -> tuple[list[str], list[str]]:
    """For each block, the class of the nearest decided block before and after it.

    Decided means good or bad (or near-good when IGNORE_NEARGOOD is false);
    the text's edges count as bad (jusText's convention). Two linear sweeps
    instead of a scan from every block (which was quadratic on pages made of
    thousands of short lines).
    """
    decided = (_GOOD, _BAD) if ignore_neargood else (_GOOD, _BAD, _NEARGOOD)
    n = len(blocks)
    before, after = [_BAD] * n, [_BAD] * n
    last = _BAD
    for i in range(n):
        before[i] = last
        if blocks[i].cls in decided:
            last = blocks[i].cls
    last = _BAD
    for i in range(n - 1, -1, -1):
        after[i] = last
        if blocks[i].cls in decided:
            last = blocks[i].cls
    return before, after


def _good_within(blocks: list[_Block], max_distance: int) -> list[bool]:
    """For each block, whether a good block follows it with at most
    MAX_DISTANCE characters of other blocks in between (a heading of that
    text).

    One backward sweep: the characters up to the next good block, for every
    block at once (a forward scan from each heading was quadratic on long
    pages of similar short lines).
    """
    n = len(blocks)
    out = [False] * n
    gap: float = float("inf")  # characters between block i and the next good block after it
    for i in range(n - 1, -1, -1):
        out[i] = gap <= max_distance
        nxt = blocks[i]
        gap = 0 if nxt.cls == _GOOD else gap + nxt.chars
    return out


def _context(blocks: list[_Block], cfg: _Config) -> None:
    """jusText's context-sensitive revision of short and near-good lines."""
    for b in blocks:
        b.cls = b.cf
    # (headings only change to near-good here: no good block appears mid-loop)
    near_good = _good_within(blocks, cfg.max_heading_distance)
    for i, b in enumerate(blocks):
        if b.heading and b.cls == _SHORT and near_good[i]:
            b.cls = _NEARGOOD
    new: dict[int, str] = {}
    before, after = _nearest(blocks, True)
    before_ng, after_ng = _nearest(blocks, False)
    for i, b in enumerate(blocks):
        if b.cls != _SHORT:
            continue
        prev, nxt = before[i], after[i]
        if prev == _GOOD and nxt == _GOOD:
            new[i] = _GOOD
        elif prev == _BAD and nxt == _BAD:
            new[i] = _BAD
        elif ((prev == _BAD and before_ng[i] == _NEARGOOD)
              or (nxt == _BAD and after_ng[i] == _NEARGOOD)):
            new[i] = _GOOD
        else:
            new[i] = _BAD
    for i, c in new.items():
        blocks[i].cls = c
    new = {}
    before, after = _nearest(blocks, True)
    for i, b in enumerate(blocks):
        if b.cls != _NEARGOOD:
            continue
        new[i] = _BAD if (before[i], after[i]) == (_BAD, _BAD) else _GOOD
    for i, c in new.items():
        blocks[i].cls = c
    # a heading turned good here only affects the blocks before it, already
    # decided in this forward loop: the sweep before it gives the same answers
    near_good = _good_within(blocks, cfg.max_heading_distance)
    for i, b in enumerate(blocks):
        if b.heading and b.cls == _BAD and b.cf != _BAD and near_good[i]:
            b.cls = _GOOD


def _link_runs(blocks: list[_Block], cfg: _Config) -> None:
    """Mark runs of short title-like lines (menus, teaser and link lists)."""
    i = 0
    n = len(blocks)
    # the headings a table of contents would point at: built once, not per run
    heads = [(k, frozenset(b.toks)) for k, b in enumerate(blocks)
             if b.heading and not b.bullet and b.isolated]
    head_at = [k for k, _toks in heads]

    def listy(b: _Block) -> bool:
        return b.title_like and (b.bullet or not b.isolated)

    while i < n:
        if not listy(blocks[i]):
            i += 1
            continue
        j = i
        while j < n and listy(blocks[j]):
            j += 1
        if j - i >= cfg.link_run_min_lines:
            toc = _is_toc(blocks, i, j, cfg, [h for _k, h in heads[bisect_left(head_at, j):]])
            data = not toc and _is_data_run(blocks, i, j, cfg)
            for b in blocks[i:j]:
                b.link_run = not (toc or data)
                b.toc = toc
                b.data_run = data
        i = j


def _is_data_run(blocks: list[_Block], i: int, j: int, cfg: _Config) -> bool:
    """Whether the run BLOCKS[i:j] of short lines is data (table rows,
    ingredients, dates of a calendar): most of its lines match a
    ``data_line_patterns`` entry. Menus and teaser lists are made of titles."""
    if cfg.data_run_min_share > 1 or not cfg.data_lines:
        return False
    found = sum(1 for b in blocks[i:j] if cfg.any_data_line.search(b.text))
    return found >= cfg.data_run_min_share * (j - i)


def _is_toc(blocks: list[_Block], i: int, j: int, cfg: _Config,
            heads: Sequence[frozenset[str]]) -> bool:
    """Whether the run BLOCKS[i:j] is a table of contents: most of its items
    come back further down as headings (HEADS: the token sets of the short
    lines after the run that are not in a list), so it belongs to the
    article; a menu or teaser list names other pages."""
    if cfg.toc_min_share > 1:
        return False
    if not heads:
        return False
    need = cfg.toc_min_share * (j - i)
    found = 0
    left = j - i  # items not yet looked at: stop as soon as the answer is known
    for b in blocks[i:j]:
        left -= 1
        toks = {t for t in b.toks if not t.isdigit()}
        if toks:
            share = cfg.toc_item_overlap * len(toks)
            if share <= 0 or any(not toks.isdisjoint(h) and len(toks & h) >= share
                                 for h in heads):
                found += 1
        if found >= need:
            return True
        if found + left < need:
            return False
    return found >= need


def _prose(b: _Block, has_language: bool, cfg: _Config) -> float:
    """How much a line of at least ``length_low`` chars reads like running text:
    its function-word share ramped from ``density_floor`` (0) to ``density_full``
    (1), less ``unpunctuated_offset`` when it does not end like a sentence."""
    if has_language:
        span = max(cfg.density_full - cfg.density_floor, 1e-9)
        q = min(1.0, max(0.0, (b.density - cfg.density_floor) / span))
    else:
        q = 1.0 if b.words >= cfg.no_language_min_words else 0.5
    if not b.sentence:
        q -= cfg.unpunctuated_offset
    return q


def _weights(blocks: list[_Block], has_language: bool, cfg: _Config,
             judge: DebrisJudge | None = None) -> None:
    """Each line's weight in the region search: its words times how prose-like
    it is, less a fixed cost per line. Lines are cheap to add to a region only
    when they carry many words of running text, so menus, teaser lists
    (headline, one-line blurb, date) and footers weigh below zero."""
    for b in blocks:
        words = min(b.words, cfg.good_weight_cap)
        if b.reason in _HARD_BAD:
            q = -cfg.bad_word_penalty
        elif b.chars >= cfg.length_low:
            q = _prose(b, has_language, cfg)
            if b.duplicate:
                q = min(q, 0.0)  # a repeated teaser or footer: no credit as prose
            elif b.bullet:
                q *= cfg.bullet_factor
        elif b.sentence and (b.stops or not has_language):
            q = cfg.short_sentence_factor
        else:
            q = 0.0
        # a paragraph of its own (blank lines around it) costs less than a line
        # packed among others like the items of a menu
        b.weight = words * q - (cfg.isolated_line_cost if b.isolated else cfg.line_cost)
        if b.toc:
            b.weight = 0.0  # part of the article, but no prose: neither for nor against
        elif b.data_run:
            b.weight = (min(b.words, cfg.good_weight_cap) * cfg.data_run_word_weight
                        - cfg.data_run_line_cost)
        if b.link_run and b.cf != _GOOD:
            b.weight -= cfg.link_run_penalty
        if b.barrier:
            b.weight -= cfg.barrier_penalty
    discount_debris(blocks, cfg, DebrisJudge() if judge is None else judge)
    # below a comment-section header that follows some prose, prose is more
    # likely a reader's comment than the article: it must weigh more to win
    below = seen_prose = False
    for b in blocks:
        b.after_comments = below
        if below and b.weight > 0:
            b.weight *= cfg.after_comments_factor
        below = below or ((b.comments or b.thread) and seen_prose)
        seen_prose = seen_prose or b.cls == _GOOD and b.weight > 0
    _bounded_runs(blocks, cfg)
    anchor_posts(blocks, cfg)


def _mark_threads(blocks: list[_Block], cfg: _Config) -> None:
    """Mark the lines of reader comment threads; the first line of each is a
    barrier the region does not cross."""
    if cfg.threads is None:
        return
    for first, last, _records in thread_spans([b.text for b in blocks], cfg.threads,
                                              cfg.thread_marks):
        for b in blocks[first:last + 1]:
            b.thread = True
        blocks[first].barrier = True


def _bounded_runs(blocks: list[_Block], cfg: _Config) -> None:
    """A short run of lines that weigh nothing (list items, table rows, a
    subhead) between two prose lines is part of the article: each of its
    lines costs ``bounded_run_line_cost`` instead of its penalty. A run that
    holds a barrier or a menu/copyright/boilerplate line is left alone."""
    if cfg.bounded_run_max_lines <= 0:
        return
    def prose(b: _Block) -> bool:
        return (b.cf == _GOOD and b.weight >= cfg.bounded_run_min_prose_weight
                and not b.bullet and not b.link_run and not b.after_comments)
    n = len(blocks)
    last = -1  # index of the last prose line seen
    for k in range(n):
        b = blocks[k]
        if not prose(b):
            if (b.barrier or b.reason in _HARD_BAD and b.reason != "no letters"
                    or b.link_run and not cfg.bounded_run_link_lists):
                last = -1
            continue
        if last >= 0 and 0 < k - last - 1 <= cfg.bounded_run_max_lines:
            for m in range(last + 1, k):
                r = blocks[m]
                if r.weight > 0:
                    continue
                r.weight = -cfg.bounded_run_line_cost
                r.bounded = True
                r.link_run = False
        last = k


def _best_run(weights: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Maximum-sum run of WEIGHTS[lo:hi] (Kadane): (sum, first, last)."""
    best = (0.0, -1, -1)
    cur = 0.0
    start = lo
    for i in range(lo, hi):
        if cur <= 0:
            cur = 0.0
            start = i
        cur += weights[i]
        if cur > best[0]:
            best = (cur, start, i)
    return best


def _regions(blocks: list[_Block], cfg: _Config) -> list[tuple[int, int, float]]:
    weights = [b.weight for b in blocks]
    total, a, b = _best_run(weights, 0, len(blocks))
    if a < 0:
        return []
    regions = [(a, b, total)]
    # more regions on either side, when they weigh enough next to the main one
    pending = [(0, a), (b + 1, len(blocks))]
    floor = max(cfg.secondary_region_min_weight, total * cfg.secondary_region_share)
    while pending:
        lo, hi = pending.pop()
        if hi - lo <= 0:
            continue
        s, x, y = _best_run(weights, lo, hi)
        # a lead paragraph cut off from the body by a caption, share bar or
        # table of contents: just above the main region, no barrier between
        near = x >= 0 and y < a and a - y <= cfg.near_region_lines
        if near and not any(blocks[k].barrier for k in range(min(y, a), max(x, b))):
            need = min(floor, cfg.near_region_min_weight)
        else:
            need = floor
        if x >= 0 and s >= need:
            regions.append((x, y, s))
            pending.extend([(lo, x), (y + 1, hi)])
    regions.sort()
    return regions


def page_region(configs: Sequence[_Config], draft: Draft, options: Any = None
                ) -> list[Deletion]:
    """Deletions of every line outside the article region (the first rule's config; further
    page-region rules run in turn on what is kept). CONFIGS: the rules compiled by
    ``page_config.compile_rule``; OPTIONS: the cleaner's, whose article rules judge debris."""
    lines = draft.lines
    removed: dict[int, Attribution] = {}
    for cfg in configs:
        judge = DebrisJudge(options)  # debris verdicts, once per line and page
        memo: dict[int, _Intrinsic] = {}  # intrinsic features, once per line and page
        # run to a fixed point, so that cleaning the output again changes nothing
        for _round in range(cfg.max_rounds):
            if not _select(cfg.rule, cfg, lines, removed, judge, memo):
                break
    out: list[Deletion] = []
    for i in sorted(removed):
        ln = lines[i]
        out.append((ln.start, ln.next, removed[i]))
    return out


def _select(rule: Rule, cfg: _Config, lines: Sequence[Line],
            removed: dict[int, Attribution], judge: DebrisJudge,
            memo: dict[int, _Intrinsic] | None = None) -> bool:
    """One pass of RULE over the lines not yet REMOVED; adds to REMOVED and
    tells whether it removed anything."""
    blocks = _features(lines, cfg, set(removed), memo)
    if not blocks:
        return False
    lang, stops = _pick_language(blocks, cfg)
    _mark_duplicates(blocks, cfg)
    _classify(blocks, stops, cfg)
    _context(blocks, cfg)
    if not any(b.cls == _GOOD for b in blocks):
        # no long prose anywhere: let the near-good lines carry the article
        for b in blocks:
            if b.cf == _NEARGOOD:
                b.cf = _GOOD
        _context(blocks, cfg)
    _link_runs(blocks, cfg)
    _mark_threads(blocks, cfg)
    _weights(blocks, lang is not None, cfg, judge)
    regions = before_comments(blocks, chain_posts(blocks, _regions(blocks, cfg), cfg), cfg,
                              bool(removed))
    keep = [False] * len(blocks)
    inside = [False] * len(blocks)
    changed = False
    spans = []
    for a, z, total in regions:
        a = grow_up(blocks, a, cfg.grow_max_lines, cfg.grow_numbered)
        z = grow_down(blocks, z, cfg.grow_max_lines, bool(cfg.grow_sentences),
                      cfg.grow_numbered)
        body = content_words({t for k in range(a, z + 1) for t in blocks[k].toks}, stops)
        z = grow_list(blocks, z, cfg, body, stops)
        start = headline_start(blocks, a, body, stops, cfg)
        spans.append((blocks[start].line.index + 1, blocks[z].line.index + 1))
        for k in range(start, a):
            keep[k] = True
        for k in range(a, z + 1):
            b = blocks[k]
            if b.reason not in _HARD_BAD and not b.link_run and not b.barrier or b.listed:
                keep[k] = True
            else:
                inside[k] = True
    span = region_lines(spans)
    for k, b in enumerate(blocks):
        if keep[k]:
            continue
        detail = removal_detail(b, span, inside[k])
        removed[b.line.index] = Attribution(rule.id, rule.category, detail)
        changed = True
    return changed
