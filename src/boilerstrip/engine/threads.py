"""The ``comment-thread`` rule kind: reader comment threads found by their shape.

Extractors (trafilatura by default) keep the reader comments under an article,
mostly without a header. What gives a thread away is not its wording but its
rhythm: a *record* of short marker lines (a name, a date or "3 hours ago",
"Name says:", "Posted by: Name | date", "Reply", "Report", a score), then the
comment's body, and the same again and again down to the end of the text.

The detector, in small pure steps:

1. :func:`line_marks` labels each non-blank line with the marker kinds its
   patterns match (``header``, ``byline``, ``says``, ``date``, ``reply``,
   ``score``) or, for a short line without sentence punctuation, ``name``;
   a line gate (``linegate.py``) rules out most lines before any regex call.
2. :func:`clusters` groups the marked lines that follow each other into the
   marker blocks of records; body lines separate them.
3. :func:`find_thread` walks back from the end over clusters no further apart
   than a comment's body (``max_gap_lines``) and counts the *records*: clusters
   with evidence of their own (a ``byline``/``says``/``reply`` line, or a date
   with a name or a score beside it). A run of at least ``min_records``
   records that reaches the end of the text is a thread.
4. The removal starts at the first record (its name line included, and a
   comment-count header just above), never where fewer than
   ``min_words_above`` words of article would stay above it, and never above
   the article body: a first record whose "comment" holds more than
   ``first_body_max_share`` of the words down to the next record is the post's
   own byline (the article is below it), and a count header with more than
   ``count_words_above`` times the words above it below it, per comment it
   counts, is the post's counter ("1 Comment" beside the byline), not the thread's.
   A text that starts with the first of ``whole_text_min_records`` records is
   the thread alone (an extractor took the comments for the article): it goes whole.

Every word list and threshold is a param of the rule (``rules/core/comment-thread.yml``),
per language; the removal's detail gives the evidence, e.g.
"thread of 7 records: name/date/reply".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import regex

from ..document import Attribution, Draft, Line
from ..rules.loader import Rule
from .context import Deletion
from .linegate import KindGate, OpenGate
from .vocabulary import checked_params, compile_alternation, patterns_by_kind


#: Marker kinds a vocabulary may give, in the order a line is tested against them.
MARK_KINDS = ("header", "byline", "says", "stamp", "date", "reply", "score")
#: Marker kinds that make a record on their own: they name a commenter, act on a
#: comment, or time-stamp it to the minute (an article's dates carry no time).
STRONG_KINDS = frozenset({"byline", "says", "stamp", "reply"})
#: Time limit of one marker-pattern call, in seconds (as every rule pattern).
PATTERN_TIMEOUT = 0.5
_SENTENCE_END = tuple(".!?…;\"'”’»")

#: Every param a comment-thread rule accepts: (type, default).
PARAMS: dict[str, tuple[type, Any]] = {
    "min_records": (int, 3),        # records a run needs to be a thread
    "max_gap_lines": (int, 12),     # non-blank lines a comment body may take between two records
    "max_tail_lines": (int, 12),    # ... and after the last record, down to the end of the text
    "marker_max_words": (int, 14),  # a longer line is body, whatever it contains
    "name_max_words": (int, 4),     # a name line: at most this many words ...
    "name_max_chars": (int, 40),    # ... and characters, no sentence punctuation
    "min_words_above": (int, 60),   # article words that must stay above the thread
    "header_lookback": (int, 2),    # lines above the first record searched for a count header
    "min_headed_lines": (int, 0),   # a count header with this many lines below ends the text
                                    # with a thread even without record markers (0: off)
    "max_headed_lines": (int, 400), # ... and at most this many
    "min_words_above_header": (int, 100),  # article words above such a header
    "count_words_above": (int, 0),         # ... and, per comment it counts, at most this many
                                           # times the words above it below it (0: off)
    "first_body_max_share": (float, 1.0),  # the first record's body may hold at most this
                                           # share of the words above the next record
    "whole_text_min_records": (int, 0),    # a text that starts with its thread's first record
                                           # and has this many records is all thread (0: off)
    "languages": (dict, None),      # language -> {marker kind -> [patterns]}
}


@dataclass(frozen=True)
class ThreadConfig:
    """A comment-thread rule's params, checked, with one compiled pattern per marker kind."""

    min_records: int
    max_gap_lines: int
    max_tail_lines: int
    marker_max_words: int
    name_max_words: int
    name_max_chars: int
    min_words_above: int
    header_lookback: int
    min_headed_lines: int
    max_headed_lines: int
    min_words_above_header: int
    count_words_above: int
    first_body_max_share: float
    whole_text_min_records: int
    markers: tuple[tuple[str, Any], ...]  # (kind, compiled alternation) in MARK_KINDS order
    #: every pattern in one alternation: the first test of a line when there
    #: is no gate (with one, only the kinds it lets through are asked)
    any_marker: Any = None
    #: which kinds may match a line: a cheap exact test before the regex
    #: calls (linegate.py; None: every kind may); the header kind's alone,
    #: for the lines above the records
    gate: Any = None
    header_gate: Any = None


def _fail(rule: Rule, message: str):
    return rule.error(f"comment-thread {message}")


def _compile_kind(rule: Rule, kind: str, patterns: Sequence[str]):
    """One case-insensitive alternation of every language's patterns for KIND."""
    return compile_alternation(kind, patterns, regex.IGNORECASE | regex.V0,
                               lambda m: _fail(rule, m))


def thread_config(rule: Rule) -> ThreadConfig:
    """Check RULE's params and compile them (raises the rule's RuleError)."""
    values = checked_params(rule.param_dict, PARAMS, lambda m: _fail(rule, m))
    by_kind = patterns_by_kind(values.pop("languages"), MARK_KINDS, "marker",
                               lambda m: _fail(rule, m))
    markers = tuple((k, _compile_kind(rule, k, ps)) for k, ps in by_kind.items() if ps)
    every = [p for ps in by_kind.values() for p in ps]
    any_marker = _compile_kind(rule, "marker", every) if every else None
    flags = ("ignorecase",)
    gate = KindGate(((k, ps, "full") for k, ps in by_kind.items() if ps), flags)
    header_gate = KindGate([("header", by_kind["header"], "full")], flags)
    return ThreadConfig(markers=markers, any_marker=any_marker, gate=gate,
                        header_gate=header_gate, **values)


@dataclass(frozen=True)
class CompiledThread:
    """A comment-thread rule as a Cleaner runs it: its config, checked when the
    Cleaner is built, and its memos of line marks and count headers (a cleaner's own)."""

    rule: Rule
    cfg: ThreadConfig
    memo: dict[str, frozenset[str]]
    headers: dict[str, bool] = field(default_factory=dict)  # count header or not, by line

    @classmethod
    def of(cls, rule: Rule) -> CompiledThread:
        return cls(rule, thread_config(rule), {})


# ------------------------------------------------------------------ the pure steps

def _matches(rx, text: str) -> bool:
    """Whether RX matches the whole of TEXT (a timeout counts as no match)."""
    try:
        return rx.fullmatch(text, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        return False


def is_name_line(text: str, cfg: ThreadConfig, words: list[str] | None = None) -> bool:
    """A commenter's name: a few words, short, no sentence punctuation, no URL.
    WORDS: ``text.split()``, when the caller has it."""
    if words is None:
        words = text.split()
    initial = len(words) > 1 and len(words[-1]) == 2 and words[-1][0].isalpha() \
        and words[-1][1] == "."  # "Tom K." ends with a dot, not a sentence
    return (0 < len(words) <= cfg.name_max_words and len(text) <= cfg.name_max_chars
            and (initial or not text.endswith(_SENTENCE_END)) and "://" not in text
            and any(ch.isalpha() for ch in text))


#: A list item's number or bullet ("1.", "+", "o"): comment lists are often
#: ordered lists, which text renderers number.
_LIST_ITEM = regex.compile(r"(?:\d{1,4}[.)]|[-+*•o])\s+(?=\S)")
#: the ASCII characters a line matched by _LIST_ITEM can start with (a line
#: that starts with another ASCII one is not asked)
_LIST_STARTS = frozenset("0123456789-+*o")
#: Separators of the parts of one marker line ("March 3, 2012 | Permalink").
_SEPARATOR = regex.compile(r"\s+[|·•]\s+")


def _marker_kinds(text: str, cfg: ThreadConfig) -> frozenset[str]:
    """The marker kinds whose patterns match the whole of TEXT (the gates
    first: most lines hold nothing a marker needs). A line the gate lets
    through asks only the kinds it passes, each its own alternation: asking
    the alternation of every kind first cost one more call, the slowest,
    on every such line (mostly date-like lines that match nothing)."""
    if cfg.any_marker is None:
        return frozenset()
    if cfg.gate is None:
        if not _matches(cfg.any_marker, text):
            return frozenset()
        passing = _EVERY_KIND
    else:
        passing = cfg.gate.passing(text)
        if not passing:
            return frozenset()
    return frozenset(kind for kind, rx in cfg.markers if kind in passing and _matches(rx, text))


def line_marks(text: str, cfg: ThreadConfig) -> frozenset[str]:
    """The marker kinds of one stripped non-blank line (``name`` only when no other fits).

    A list item's number or bullet is no part of a record's marker (a bulleted
    count header is a menu link, not a header), and a line of marker parts
    joined by ``|`` or ``·`` has the kinds of its parts."""
    original = text
    # (at most one split more than the ceiling: a paragraph is not split whole)
    words = text.split(None, cfg.marker_max_words)
    if len(words) > cfg.marker_max_words:
        return _NONE
    kinds = _marker_kinds(text, cfg)
    if not kinds and (text[:1] in _LIST_STARTS or text[:1] >= "\x80"):
        item = _LIST_ITEM.match(text)
        if item:
            # a record's marker, never a count header: "* 45 Comments" in a
            # page's menu or toolbar is a link, not the head of the thread
            text = text[item.end():]
            kinds = _marker_kinds(text, cfg) - _HEADER
    if not kinds and ("|" in text or "·" in text or "•" in text) and _SEPARATOR.search(text):
        parts = [_marker_kinds(part.strip(" ,;:"), cfg) for part in _SEPARATOR.split(text)]
        if all(parts):
            kinds = frozenset().union(*parts)
    if not kinds and is_name_line(text, cfg, words if text is original else None):
        return _NAME
    return kinds


_NONE: frozenset[str] = frozenset()
_EVERY_KIND: frozenset[str] = frozenset(MARK_KINDS)
_NAME: frozenset[str] = frozenset({"name"})
_HEADER: frozenset[str] = frozenset({"header"})
_QUIET = {_NONE, _NAME}  # the marks of a line that is no part of a marker block
_MEMO_SIZE = 100_000  # lines whose marks a cleaner keeps
# lines above the records whose header verdict a cleaner keeps, and how long
# one may be (a paragraph is split anew: it is kept out of memory)
_HEADER_MEMO_SIZE = 50_000
_HEADER_MEMO_CHARS = 200


def tail_marks(contents: Sequence[str], cfg: ThreadConfig,
               memo: dict[str, frozenset[str]] | None = None,
               headers: dict[str, bool] | None = None) -> list[frozenset[str]]:
    """:func:`line_marks` of the non-blank lines CONTENTS, computed from the end up
    only as far as a thread can reach: above a stretch of more than
    ``max_gap_lines`` unmarked lines (plus the header lookback) no record can
    join the run, so higher up
    only count headers are looked for (within ``max_headed_lines`` of the end)
    and the rest stays unmarked. The result is what marking every line would give
    for :func:`find_thread` and :func:`find_headed_thread`. MEMO, when given,
    keeps each line's marks across calls (a line is marked once per cleaner,
    not once per pass and document), HEADERS likewise whether a line above
    the records is a count header (the lines of a text are looked at again
    in each pass)."""
    n = len(contents)
    marks = [_NONE] * n
    quiet = 0
    i = n - 1
    while i >= 0:
        from_end = n - 1 - i
        text = contents[i]
        got = memo.get(text) if memo is not None else None
        if got is None:
            got = line_marks(text, cfg)
            if memo is not None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[text] = got
        marks[i] = got
        quiet = 0 if got else quiet + 1  # names too: they glue marker blocks
        i -= 1
        if quiet > cfg.max_gap_lines + cfg.header_lookback + 1 and from_end > cfg.max_tail_lines:
            break
    header = dict(cfg.markers).get("header")
    gate = cfg.header_gate if cfg.header_gate is not None else OpenGate(MARK_KINDS)
    lowest = max(0, n - 2 - cfg.max_headed_lines)  # no count header is looked for above it
    if header is None or i < lowest or not gate.may_hold("\n".join(contents[lowest:i + 1])):
        return marks  # (most texts hold no word a count header needs)
    for k in range(i, lowest - 1, -1):
        text = contents[k]
        got = headers.get(text) if headers is not None else None
        if got is None:
            got = (gate.any_passing(text)
                   and len(text.split(None, cfg.marker_max_words)) <= cfg.marker_max_words
                   and _matches(header, text))
            if headers is not None and len(text) <= _HEADER_MEMO_CHARS:
                if len(headers) >= _HEADER_MEMO_SIZE:
                    headers.clear()
                headers[text] = got
        if got:
            marks[k] = _HEADER
    return marks


def clusters(marks: Sequence[frozenset[str]]) -> list[tuple[int, int, frozenset[str]]]:
    """Runs of consecutive marked lines as (first, last, kinds), positions in MARKS.

    A run of ``name`` lines alone is no cluster (it is a short body line or a
    heading): a cluster needs a marker kind other than ``name``.
    """
    out = []
    i, n = 0, len(marks)
    while i < n:
        if not marks[i]:
            i += 1
            continue
        j = i
        kinds: set[str] = set()
        while j < n and marks[j]:
            kinds |= marks[j]
            j += 1
        if kinds - {"name"}:
            out.append((i, j - 1, frozenset(kinds)))
        i = j
    return out


def is_record(kinds: frozenset[str]) -> bool:
    """A marker block that stands for one comment record: it names a commenter
    or acts on a comment, or dates it next to a name or a score."""
    return bool(kinds & STRONG_KINDS) or ("date" in kinds and bool(kinds & {"name", "score"}))


def record_count(blocks: Sequence[frozenset[str]]) -> int:
    """How many comments the marker blocks of a run stand for.

    A comment's markers can sit above its body (name, date) and below it
    ("Reply"), so one comment may give two blocks: count, among the blocks that
    are records, those holding the most frequent marker kind.
    """
    records = [kinds for kinds in blocks if is_record(kinds)]
    return max((sum(kind in kinds for kinds in records) for kind in MARK_KINDS if kind != "header"),
               default=0)


@dataclass(frozen=True)
class Thread:
    """A thread found among the non-blank lines: where its removal starts
    (position in the non-blank lines) and the evidence."""

    start: int
    records: int
    kinds: tuple[str, ...]

    def detail(self) -> str:
        if self.kinds == ("header",):
            return f"thread of {self.records} comments under a count header"
        shown = [("date+time" if k == "stamp" else k) for k in self.kinds
                 if not (k == "date" and "stamp" in self.kinds)]
        return f"thread of {self.records} records: {'/'.join(shown)}"


_KIND_ORDER = ("header", "name", "byline", "says", "stamp", "date", "score", "reply")


def find_thread(marks: Sequence[frozenset[str]], words: Sequence[int],
                cfg: ThreadConfig) -> Thread | None:
    """The comment thread that ends the text, if any.

    MARKS and WORDS describe the non-blank lines (marker kinds, word counts).
    """
    n = len(marks)
    blocks = [c for c in clusters(marks) if c[2] - {"header"}]
    if not blocks or n - 1 - blocks[-1][1] > cfg.max_tail_lines:
        return None
    run = [blocks[-1]]
    for block in reversed(blocks[:-1]):
        if run[0][0] - block[1] - 1 > cfg.max_gap_lines:
            break
        run.insert(0, block)
    while run and not is_record(run[0][2]):  # the thread starts at its first record
        run.pop(0)
    whole = _all_thread(run, marks, words, cfg)
    while not whole and len(run) > 1 and _body_share(run[0], run[1], words) > cfg.first_body_max_share:
        run.pop(0)  # a byline record above the article body: the thread starts lower
        while run and not is_record(run[0][2]):
            run.pop(0)
    records = record_count([kinds for _a, _b, kinds in run])
    if records < max(cfg.min_records, 1):
        return None
    start = run[0][0]
    if start > 0 and marks[start - 1] == frozenset({"name"}) and "name" not in run[0][2]:
        start -= 1  # "Jane Doe" on its own line above "March 3, 2012 at 9:14 pm"
    for k in range(start - 1, max(-1, start - 1 - cfg.header_lookback), -1):
        if "header" in marks[k]:  # "12 comments" just above the first record
            start = k
            break
    else:
        # "Posted by Jane on May 2 | Permalink", then "Comments": the first
        # marker block began with the post's own footer, the thread at the header
        start = next((k for k in range(run[0][0] + 1, run[0][1] + 1) if "header" in marks[k]),
                     start)
    if whole:
        start = 0
    elif sum(words[:start]) < cfg.min_words_above:
        return None  # never above the article body
    kinds = set().union(*(kinds for _a, _b, kinds in run)) | set(marks[start])
    return Thread(start, records, tuple(k for k in _KIND_ORDER if k in kinds))


def _all_thread(run: list[tuple[int, int, frozenset[str]]], marks: Sequence[frozenset[str]],
                words: Sequence[int], cfg: ThreadConfig) -> bool:
    """Whether the text is the thread alone (an extractor that took the comments
    for the article): the text's first line starts the run's first record (or is
    its name), the run holds ``whole_text_min_records`` records, and the first
    record's body is no longer than the longest other one (a post's byline on
    top of its article, then comments, has the longest body first)."""
    if not run or not 0 < cfg.whole_text_min_records <= record_count([k for _a, _b, k in run]):
        return False
    first = run[0][0]
    if first > 1 or (first == 1 and marks[0] != _NAME):
        return False
    bodies = [sum(words[a[1] + 1:b[0]]) for a, b in zip(run, run[1:])]
    return len(bodies) > 1 and bodies[0] <= max(bodies[1:])


def _body_share(first: tuple[int, int, frozenset[str]], second: tuple[int, int, frozenset[str]],
                words: Sequence[int]) -> float:
    """The share of the words above SECOND that lie between FIRST and SECOND
    (the first record's comment body)."""
    body = sum(words[first[1] + 1:second[0]])
    above = sum(words[:second[0]])
    return body / above if above else 0.0


def find_headed_thread(marks: Sequence[frozenset[str]], contents: Sequence[str],
                       words: Sequence[int], cfg: ThreadConfig) -> Thread | None:
    """A thread under a comment-count header ("29 Comments", "{ 87 comments… }"),
    whose records may be bodies alone: the last header line that gives a count
    of at least one, with ``min_headed_lines`` lines or more below it, at most
    ``max_headed_lines`` (and, per comment it counts, at most
    ``count_words_above`` times the words above it), and ``min_words_above_header`` words of article above it."""
    if not cfg.min_headed_lines:
        return None
    n = len(marks)
    for k in range(n - cfg.min_headed_lines - 1, -1, -1):
        if n - 1 - k > cfg.max_headed_lines:
            break
        if "header" in marks[k] and _count(contents[k]) >= 1:
            if sum(words[:k]) < cfg.min_words_above_header:
                return None
            if cfg.count_words_above and sum(words[k + 1:]) \
                    > cfg.count_words_above * _count(contents[k]) * sum(words[:k]):
                return None  # the post's own counter, with the article below it
            return Thread(k, _count(contents[k]), ("header",))
    return None


def _count(text: str) -> int:
    """The first number written in digits in TEXT (0 when there is none)."""
    digits = regex.search(r"\d+", text)
    return int(digits.group()) if digits else 0


# ------------------------------------------------------------------ the kind

def comment_thread(items: Sequence[CompiledThread], draft: Draft,
                   shown: tuple[Sequence[Line], Sequence[str]] | None = None) -> list[Deletion]:
    """Deletions of the comment thread at the end of DRAFT (the first rule of
    ITEMS that finds one). SHOWN: DRAFT's non-blank lines and their contents,
    when the caller has them."""
    if shown is None:
        lines: Sequence[Line] = [ln for ln in draft.lines if ln.content]
        contents: Sequence[str] = [ln.content for ln in lines]
    else:
        lines, contents = shown
    if not lines:
        return []
    words: list[int] | None = None
    for item in items:
        rule, cfg, memo = item.rule, item.cfg, item.memo
        marks = tail_marks(contents, cfg, memo, item.headers)
        if set(marks) <= _QUIET:
            continue  # only name lines: no marker block, no count header (most texts)
        if words is None:
            words = [len(c.split()) for c in contents]
        found = [t for t in (find_thread(marks, words, cfg),
                             find_headed_thread(marks, contents, words, cfg))
                 if t is not None]
        if found:
            thread = min(found, key=lambda t: t.start)
            first = lines[thread.start]
            end = draft.lines[-1].next
            return [(first.start, min(end, len(draft.text)),
                     Attribution(rule.id, rule.category, thread.detail()))]
    return []
