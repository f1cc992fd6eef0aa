"""The ``edge-block`` rule kind: blocks at the start and at the end of extractor
output that the document itself shows are not the article.

Extractors often keep a rail of teasers above the headline or a list of other
articles' headlines below the last paragraph, with no header line that a
phrase rule could recognise. What gives such a block away is its shape and
its vocabulary, measured against the document's own body:

* **end**: every line after the last prose line (``prose_min_words`` words or
  more, ending like a sentence) is headline-like (``context.is_list_item``: short,
  no closing full stop; few of them with digits, so that tour dates, scores and
  numbered product lists stay; ``min_mean_words`` words a line on average, so
  that a sign-off, a credit or a menu stays), there are at least ``min_lines`` of them, the
  line above them does not introduce them (no colon: "available on these
  devices:"), and the block shares at most ``max_overlap`` of its content words
  with the body above it;
* **start**: the lines above the first prose line, from the top down to the
  last teaser cut off with an ellipsis ("Create a realistic set extension
  using a..."), all headline-like, at least ``min_lines`` of them, at least
  ``teaser_share`` of them cut off, and the same low overlap with the body.
  What stands between the teasers and the body (headline, byline, date,
  standfirst) stays.

* **dated**: at the end, a list of other posts by their dates ("November 12",
  then the post's one-line teaser; "updated 9:21 AM EST, Mon November 5",
  between a headline and its teaser): at least ``dated_min_records`` lines that
  are a date alone (the ``date`` patterns of ``languages``), no more than
  ``record_max_lines`` lines apart and from the end, the lines between them no
  longer than ``record_max_words`` words (teasers, not an article's dated
  entries), and the same low overlap with the body. A headline-like line just
  above the first date is the first teaser's headline and goes too.

* **whole**: a text that is nothing but teasers of other articles (an extractor
  took a list of them for the article): at least ``whole_min_pairs`` pairs of
  a headline-like line and a one-sentence teaser longer than it, of at most
  ``record_max_words`` words, and nothing else; no more than half of the
  headlines are questions (a page of questions, each with a short answer, stays).

A byline inside a start or end block (the ``byline`` patterns of
``languages``: "Posted by Jane Doe, Editor") stays: the default keeps the
article's byline, and the removal is split around it.

The others need ``min_body_words`` words of body beside the block: a short page has
too little vocabulary to judge by. Every threshold and word list is a param of
the rule (``rules/core/edge-block.yml``); the removal's detail gives the
evidence, e.g. "end block of 5 headline-like lines, 0.04 word overlap with body".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import regex

from ..document import Attribution, Draft, Line, chunks_of
from ..rules.loader import Rule
from .context import CLOSERS, TEASER_CUT
from .context import Deletion, is_list_item, is_prose
from .linegate import KindGate
from .vocabulary import checked_params, compile_alternation, patterns_by_kind

_WORD = regex.compile(r"\w+")

#: Every param an edge-block rule accepts: (type, default).
PARAMS: dict[str, tuple[type, Any]] = {
    "ends": (list, ("start", "end")),  # which edges the rule looks at
    "prose_min_words": (int, 12),    # a body line: this many words, ending like a sentence
    "min_body_words": (int, 100),    # body words the block is judged against
    "min_lines": (int, 3),           # lines a block needs
    "item_max_words": (int, 16),     # a headline-like line: at most this many words
    "min_mean_words": (int, 3),      # ... and the block's lines this many on average
    "max_digit_share": (float, 0.25),  # share of block lines holding a digit
    "max_overlap": (float, 0.3),     # share of the block's content words also in the body
    "teaser_share": (float, 0.5),    # start: share of lines cut off with an ellipsis
    "content_min_chars": (int, 4),   # a content word: this many characters, not a stopword
    "stopwords": (dict, None),       # language -> stopwords (longer than content_min_chars - 1)
    "dated_min_records": (int, 3),   # dated: date lines a list of dated teasers needs
    "record_max_lines": (int, 3),    # ... at most this many lines apart and from the end
    "record_max_words": (int, 45),   # ... with lines between them no longer than this
    "languages": (dict, None),       # dated: language -> {"date": [patterns of a date line]}
    "whole_min_pairs": (int, 4),     # whole: headline + teaser pairs a list of teasers needs
    "exclaim_prose_min_words": (int, 0),  # a lower-case "!" line this long is a sentence (0: off)
}
#: What the patterns of an edge-block rule's ``languages`` param describe: a
#: line that is a date alone; a byline ("Posted by Jane Doe, Editor"), which
#: stays inside a removed block (case-sensitive: a name is capitalised).
LINE_KINDS = ("date", "byline")


@dataclass(frozen=True)
class EdgeConfig:
    """An edge-block rule's params, checked."""

    ends: tuple[str, ...]
    prose_min_words: int
    min_body_words: int
    min_lines: int
    item_max_words: int
    min_mean_words: int
    max_digit_share: float
    max_overlap: float
    teaser_share: float
    content_min_chars: int
    stopwords: frozenset[str]
    dated_min_records: int = 3
    record_max_lines: int = 3
    record_max_words: int = 45
    whole_min_pairs: int = 4
    exclaim_prose_min_words: int = 0
    date_line: Any = None  # compiled alternation of the date patterns (None: no dated lists)
    #: which lines a date pattern may match: a cheap exact test before the
    #: regex call (linegate.py; None: every line may)
    date_gate: Any = None
    byline_line: Any = None  # compiled alternation of the byline patterns (None: none)


def _fail(rule: Rule, message: str):
    return rule.error(f"edge-block {message}")


def edge_config(rule: Rule) -> EdgeConfig:
    """Check RULE's params (raises the rule's RuleError)."""
    values = checked_params(rule.param_dict, PARAMS, lambda m: _fail(rule, m))
    ends = values["ends"]
    if isinstance(ends, str):
        ends = (ends,)
    if not isinstance(ends, (list, tuple)) or not ends \
            or not all(e in ("start", "end", "dated", "whole") for e in ends):
        raise _fail(rule, f"param 'ends' must list 'start', 'end', 'dated' and/or 'whole', "
                          f"not {ends!r}")
    values["ends"] = tuple(ends)
    languages = values.pop("languages")
    values["date_line"] = values["date_gate"] = values["byline_line"] = None
    if languages is not None:
        kinds = patterns_by_kind(languages, LINE_KINDS, "line", lambda m: _fail(rule, m))
        dates = kinds["date"]
        if kinds["byline"]:
            values["byline_line"] = compile_alternation("byline", kinds["byline"], regex.V0,
                                                        lambda m: _fail(rule, m))
        if dates:
            values["date_line"] = compile_alternation("date", dates, regex.IGNORECASE | regex.V0,
                                                      lambda m: _fail(rule, m))
            values["date_gate"] = KindGate([("date", dates, "full")], ("ignorecase",))
    if "dated" in ends and values["date_line"] is None:
        raise _fail(rule, "'dated' needs date patterns in param 'languages'")
    words = values["stopwords"] or {}
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise _fail(rule, "param 'stopwords' must map language codes to space-separated words")
    values["stopwords"] = frozenset(w.casefold() for v in words.values() for w in v.split())
    return EdgeConfig(**values)


# ------------------------------------------------------------------ the pure steps

def content_words(texts: Sequence[str], cfg: EdgeConfig) -> set[str]:
    """The content words of TEXTS: case-folded words of ``content_min_chars``
    characters or more that are not numbers or stopwords."""
    out: set[str] = set()
    for text in texts:
        for w in _WORD.findall(text.casefold()):
            if len(w) >= cfg.content_min_chars and not w.isdigit() and w not in cfg.stopwords:
                out.add(w)
    return out


def overlap(block: Sequence[str], body: Sequence[str], cfg: EdgeConfig) -> float | None:
    """Share of the content words of BLOCK that the BODY uses too (None: BLOCK has none)."""
    words = content_words(block, cfg)
    if not words:
        return None
    return len(words & words_in(body)) / len(words)


def words_in(texts: Sequence[str]) -> set[str]:
    """Every case-folded word of TEXTS, unfiltered: what :func:`overlap`
    intersects with the block's content words, which pass the filter
    already, so the body's words need not (a C-level set of a chunk of lines
    at a time, not a Python test of each of the body's words)."""
    out: set[str] = set()
    for group in chunks_of(texts):
        out.update(_WORD.findall("\n".join(group).casefold()))
    return out


#: a word that opens with a capital letter (a name, a title-cased headline
#: word); one letter alone ("I") does not count
_CAPITALISED = regex.compile(r"\p{Lu}\w")


def is_exclaimed_sentence(text: str, min_words: int) -> bool:
    """A sentence that ends in "!", not a headline: MIN_WORDS words or more
    (0: never) and no capitalised word after the first ("We can't wait to see
    your photos!"). A headline's names and title case keep it a headline
    ("Good Night and Good Luck!"); a question stays a headline as well: the
    rails of the bench end in questions of five to ten lower-case words."""
    if not min_words or not text.rstrip(CLOSERS).endswith("!"):
        return False
    words = text.split()
    return len(words) >= min_words and not any(_CAPITALISED.match(w) for w in words[1:])


def has_words(texts: Sequence[str], least: int) -> bool:
    """Whether TEXTS hold LEAST words or more (``sum(len(t.split()) ...) >=
    least``), counted until there are enough: a body of many lines is not
    split whole to learn that it holds a hundred words."""
    n = 0
    for t in texts:
        n += len(t.split())
        if n >= least:
            return True
    return n >= least


def is_headline_like(text: str, cfg: EdgeConfig) -> bool:
    """A line of a headline rail: a list item (short, not a sentence) that is
    no URL, does not open with a number ("14) ...", "3 comments") and is no
    sentence ending in "!" (:func:`is_exclaimed_sentence`)."""
    return (is_list_item(text, cfg.item_max_words) and "://" not in text
            and not text[0].isdigit()
            and not is_exclaimed_sentence(text, cfg.exclaim_prose_min_words))


def may_hold_teaser(text: str) -> bool:
    """Whether TEXT (a whole document) may hold a start block: False when no
    ellipsis (``TEASER_CUT``) stands anywhere in it, for then no line ends
    with one and :func:`start_block` finds no cut-off teaser. Exact, and one
    C-level search of the text instead of a walk to its first prose line
    (row 1: 1,039 of 1,328 documents hold no ellipsis)."""
    return any(cut in text for cut in TEASER_CUT)


def _judged(block: Sequence[str], body: Sequence[str], cfg: EdgeConfig) -> float | None:
    """The block's word overlap with the body when BLOCK reads as a rail of
    headlines beside enough BODY, else None."""
    # the block's own tests first: the body's word count walks the whole text
    if len(block) < cfg.min_lines or not all(is_headline_like(t, cfg) for t in block):
        return None
    if sum(len(t.split()) for t in block) < cfg.min_mean_words * len(block):
        return None  # single words and names: a sign-off, a menu, a credit, not headlines
    if sum(any(ch.isdigit() for ch in t) for t in block) > cfg.max_digit_share * len(block):
        return None
    if not has_words(body, cfg.min_body_words):
        return None
    share = overlap(block, body, cfg)
    return share if share is not None and share <= cfg.max_overlap else None


def end_block(contents: Sequence[str], cfg: EdgeConfig) -> tuple[int, str] | None:
    """(index of the block's first line, evidence) of the headline rail after
    the last prose line of the non-blank lines CONTENTS, or None."""
    last = next((k for k in range(len(contents) - 1, -1, -1)
                 if is_prose(contents[k], cfg.prose_min_words)), None)
    if last is None or contents[last].endswith(":"):
        return None  # no body, or the body introduces the list below it
    block, body = contents[last + 1:], contents[:last + 1]
    share = _judged(block, body, cfg)
    if share is None:
        return None
    return last + 1, (f"end block of {len(block)} headline-like lines, "
                      f"{share:.2f} word overlap with body")


def start_block(contents: Sequence[str], cfg: EdgeConfig) -> tuple[int, str] | None:
    """(index of the first line after the block, evidence) of the teaser rail
    at the top of the non-blank lines CONTENTS, or None."""
    first = next((k for k, c in enumerate(contents) if is_prose(c, cfg.prose_min_words)), None)
    if first is None:
        return None
    cut = [k for k in range(first) if contents[k].endswith(TEASER_CUT)]
    if not cut:
        return None
    block, body = contents[:cut[-1] + 1], contents[first:]
    if len(cut) < cfg.teaser_share * len(block):
        return None
    share = _judged(block, body, cfg)
    if share is None:
        return None
    return len(block), (f"start block of {len(block)} teaser lines ({len(cut)} cut off), "
                        f"{share:.2f} word overlap with body")


def _is_date(text: str, cfg: EdgeConfig) -> bool:
    """Whether TEXT is a date alone (the gate first: most lines hold nothing
    a date pattern needs; a timeout counts as no match)."""
    if cfg.date_gate is not None and not cfg.date_gate.any_passing(text):
        return False
    try:
        return cfg.date_line.fullmatch(text, timeout=0.5) is not None
    except TimeoutError:
        return False


def dated_block(contents: Sequence[str], cfg: EdgeConfig) -> tuple[int, str] | None:
    """(index of the block's first line, evidence) of the list of dated teasers
    that ends the non-blank lines CONTENTS, or None."""
    # from the end up: the run of date lines no more than record_max_lines
    # apart (only the last few lines of a text are ever matched)
    run: list[int] = []
    k = len(contents) - 1
    while k >= 0 and (run[0] if run else len(contents)) - k - 1 <= cfg.record_max_lines:
        if len(contents[k].split(None, cfg.item_max_words)) <= cfg.item_max_words \
                and _is_date(contents[k], cfg):
            run.insert(0, k)
        k -= 1
    if len(run) < max(cfg.dated_min_records, 1):
        return None
    if any(len(contents[k].split()) > cfg.record_max_words
           for k in range(run[0] + 1, run[-1]) if k not in run):
        return None  # an article's dated entries, not one-line teasers
    start = run[0]
    if start > 0 and is_headline_like(contents[start - 1], cfg):
        start -= 1  # the first teaser's headline
    body = contents[:start]
    if not has_words(body, cfg.min_body_words):
        return None
    share = overlap([contents[k] for k in range(start, len(contents)) if k not in run], body, cfg)
    if share is None or share > cfg.max_overlap:
        return None
    return start, (f"end block of {len(run)} dated teasers, "
                   f"{share:.2f} word overlap with body")


#: a sentence's end inside a line: the teaser of a pair is one sentence
_INNER_STOP = regex.compile(r"[.!?][\"'”’)]*\s+\p{Lu}")


def whole_list(contents: Sequence[str], cfg: EdgeConfig) -> str | None:
    """The evidence when the non-blank lines CONTENTS are nothing but pairs of
    a headline and a one-sentence teaser, else None."""
    n = len(contents)
    if not cfg.whole_min_pairs or n < 2 * cfg.whole_min_pairs or n % 2:
        return None
    heads, teasers = contents[0::2], contents[1::2]
    for head, teaser in zip(heads, teasers):
        words = len(teaser.split())
        if not is_list_item(head, cfg.item_max_words) or "://" in head \
                or not len(head.split()) < words <= cfg.record_max_words \
                or _INNER_STOP.search(teaser):
            return None
    if 2 * sum(h.endswith("?") for h in heads) > len(heads):
        return None  # questions with short answers: a FAQ, not teasers
    return f"the whole text is {len(heads)} teasers: headline, one-sentence teaser"


# ------------------------------------------------------------------ the kind

def _is_byline(text: str, cfg: EdgeConfig) -> bool:
    """Whether TEXT is a byline (a timeout counts as none)."""
    if cfg.byline_line is None or len(text) > 200:
        return False
    try:
        return cfg.byline_line.fullmatch(text, timeout=0.5) is not None
    except TimeoutError:
        return False


def _spans(lines: Sequence[Line], first: int, end: int, stop: int,
           cfg: EdgeConfig) -> list[tuple[int, int]]:
    """(start, end) offsets of the non-blank LINES[first:end] less the bylines
    among them, which stay (the default keeps the article's byline, and a
    rail's block can hold it); STOP: where the last span ends."""
    out: list[tuple[int, int]] = []
    run = None
    for k in range(first, end):
        if _is_byline(lines[k].content, cfg):
            if run is not None:
                out.append((run, lines[k].start))
                run = None
        elif run is None:
            run = lines[k].start
    if run is not None:
        out.append((run, stop))
    return out


#: the start block's document gate (a name the tests swap for the ungated path)
teaser_gate = may_hold_teaser


def edge_block(rules: Sequence[tuple[Rule, EdgeConfig]], draft: Draft,
               shown: tuple[Sequence[Line], Sequence[str]] | None = None) -> list[Deletion]:
    """Deletions of the edge blocks of DRAFT (per edge, the first rule that
    finds one); RULES come with their configs (:func:`edge_config`, checked
    when the Cleaner is built). SHOWN: DRAFT's non-blank lines and their
    contents, when the caller has them."""
    if shown is None:
        lines: Sequence[Line] = [ln for ln in draft.lines if ln.content]
        contents: Sequence[str] = [ln.content for ln in lines]
    else:
        lines, contents = shown
    if not lines:
        return []
    out: list[Deletion] = []
    done: set[str] = set()
    for rule, cfg in rules:
        if "whole" in cfg.ends:
            detail = whole_list(contents, cfg)
            if detail is not None:
                return [(lines[0].start, min(draft.lines[-1].next, len(draft.text)),
                         Attribution(rule.id, rule.category, detail))]
        if "start" in cfg.ends and "start" not in done and teaser_gate(draft.text):
            got = start_block(contents, cfg)
            if got is not None:
                end, detail = got
                out.extend((a, b, Attribution(rule.id, rule.category, detail))
                           for a, b in _spans(lines, 0, end, lines[end - 1].next, cfg))
                done.add("start")
        if ("end" in cfg.ends or "dated" in cfg.ends) and "end" not in done:
            got = end_block(contents, cfg) if "end" in cfg.ends else None
            if got is None and "dated" in cfg.ends:
                got = dated_block(contents, cfg)
            if got is not None:
                start, detail = got
                stop = min(draft.lines[-1].next, len(draft.text))
                out.extend((a, b, Attribution(rule.id, rule.category, detail))
                           for a, b in _spans(lines, start, len(lines), stop, cfg))
                done.add("end")
    out.sort(key=lambda d: d[0])
    return out
