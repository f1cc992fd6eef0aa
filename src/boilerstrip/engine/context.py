"""What the stages share while cleaning one document: the compiled rules, the
per-document scratch state, line positions and the ``when`` conditions."""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import TYPE_CHECKING, Sequence

from ..document import Attribution, Draft, Line, word_count
from ..result import Skipped
from ..rules.loader import Rule
from ..rules.patterns import RulePatterns, fold
from .index import word_bucket

if TYPE_CHECKING:
    from ..options import Options
    from .candidates import DocumentCandidates

_TERMINAL = tuple(".!?…:;\"'”’»)]")

Deletion = tuple[int, int, Attribution]
_CONTENT = itemgetter(4)  # Line.content


def is_prose(content: str, min_words: int) -> bool:
    """A line that reads like a sentence of running text."""
    return content.endswith(_TERMINAL) and word_count(content) >= min_words


def is_subheading(line: str, max_words: int = 6) -> bool:
    """A short capitalised line of words: no digits (dates, scores), no URL, no
    closing punctuation and no comma (a "Hi Jane," salutation)."""
    return (0 < word_count(line) <= max_words and line[0].isupper()
            and not line.endswith(_TERMINAL + (",",)) and "://" not in line
            and not any(ch.isdigit() for ch in line))


#: How a sentence ends; a list item (a headline, a link) does not end so.
_SENTENCE_STOP = (".", ";", ":")
#: A teaser cut off by the site ends with an ellipsis, and is still a list item.
TEASER_CUT = ("...", "…")
#: Closing quotes, brackets and link arrows, looked through at a line's end.
CLOSERS = "\"'”’»›)] "


def is_list_item(content: str, max_words: int) -> bool:
    """A line of a list of headlines or links: at most MAX_WORDS words and not
    a sentence (no closing full stop or semicolon), unless it holds a URL or
    is a teaser cut off with an ellipsis. Questions and exclamations are
    headlines ("Who will win the cup?", "Yes, please!"); a colon ends the
    list, as the header of what follows."""
    if not 0 < word_count(content) <= max_words:
        return False
    if "://" in content:
        return True
    end = content.rstrip(CLOSERS)
    return end.endswith(TEASER_CUT) or not end.endswith(_SENTENCE_STOP)


def subheaded(contents: Sequence[str], prose_min_words: int) -> int:
    """How many subheadings the non-blank lines CONTENTS hold, each directly followed
    by a paragraph of PROSE_MIN_WORDS words or more (its end may be wrapped onto
    the next line); 0 unless they make at least a quarter of the lines down to the
    last of them (an article's sections alternate heading and paragraphs, the
    name lines of a thread are sparser)."""
    at = [k for k, (a, b) in enumerate(zip(contents, contents[1:]))
          if is_subheading(a) and word_count(b) >= prose_min_words]
    return len(at) if at and len(at) * 4 >= at[-1] + 2 else 0


#: Bound of each :func:`per_rule_list` memo: each Cleaner brings its own
#: rule lists, and a process may build many cleaners.
RULE_LIST_MEMO = 256


def per_rule_list(memo: dict, rules: Sequence, build):
    """BUILD(RULES), memoised in MEMO by the identity of the list RULES (a
    stage's rules, which live as long as its cleaner): a lookup per call, not
    a tuple of every rule made and hashed (10 us for the 230 line rules, a
    few times per stage and state). The memo holds the list it was built
    from, so that its id is not another's while kept."""
    got = memo.get(id(rules))
    if got is None or got[0] is not rules:
        if len(memo) >= RULE_LIST_MEMO:
            memo.clear()
        got = memo[id(rules)] = (rules, build(rules))
    return got[1]


class CompiledRule:
    """A rule with its compiled patterns, its attribution and its word ceiling
    (the ``index.WORD_BUCKETS`` ceiling of its ``max_words``)."""

    __slots__ = ("rule", "pat", "who", "ceiling", "ftfy")

    def __init__(self, rule: Rule, timeout: float | None) -> None:
        self.rule = rule
        self.ftfy = None  # a normalisation rule's ftfy config, built on first use
        self.pat = (RulePatterns(rule.id, rule.patterns, rule.unless, rule.flags,
                                 rule.match == "full", timeout) if rule.patterns else None)
        self.who = Attribution(rule.id, rule.category)
        self.ceiling = word_bucket(rule.when.max_words)


class Context:
    """Per-document state shared by the stages of one ``clean`` call.

    ``candidates`` (a :class:`~boilerstrip.engine.candidates.DocumentCandidates`)
    decides which lines a stage looks at for which rule; everything else here
    is what the stages compute anyway: word counts, case-folded lines, the
    rules that ran out of time. ``reset`` drops what a change of the text
    makes stale.
    """

    def __init__(self, draft: Draft, options: Options | None = None) -> None:
        self.draft = draft
        #: the running cleaner's options, for a stage that builds on them (page_debris)
        self.options = options
        self.skipped: list[Skipped] = []
        self.timed_out: set[str] = set()
        self.candidates: DocumentCandidates | None = None  # set by the Cleaner
        self._folded: dict[int, str] = {}  # line index -> case-folded content
        self._words: list[int] | None = None
        self._line_counts: dict[int, int] = {}  # line index -> word count, this state's
        self._shown: tuple[list[Line], list[int]] | None = None  # (lines, their non-blank ones)
        self._word_memo: dict[str, int] = {}  # content -> word count, kept across changes
        self._counted = False  # whether ``words`` counted every line of some state
        # word count of the original text, when ``words`` saw it before any change
        self.original_words: int | None = None

    def fold_line(self, i: int) -> str:
        """Line I's content, case-folded (folded when first asked for: later
        passes look at few lines, and must not fold the whole text again)."""
        got = self._folded.get(i)
        if got is None:
            got = self._folded[i] = fold(self.draft.lines[i].content)
        return got

    def shown(self) -> list[int]:
        """Ascending indices of the non-blank lines of the current text
        (found once per state of the text, not once per stage)."""
        lines = self.draft.lines
        got = self._shown
        if got is None or got[0] is not lines:
            got = self._shown = (lines, list(compress(range(len(lines)), map(_CONTENT, lines))))
        return got[1]

    def words(self) -> list[int]:
        """Word count of each line (``word_count`` of its content); counted
        once per distinct content in a document (passes see the same lines)."""
        if self._words is None:
            memo = self._word_memo
            contents = list(map(_CONTENT, self.draft.lines))
            out = list(map(memo.get, contents))
            if None in out:  # contents not met before: counted, the rest looked up
                new = list(compress(contents, map(is_, out, repeat(None))))
                memo.update(zip(new, map(len, map(str.split, new))))
                out = list(map(memo.__getitem__, contents))
            self._words = out
            self._counted = True
            if self.draft.text is self.draft.original:
                self.original_words = sum(out)
        return self._words

    def line_words(self, i: int) -> int:
        """Word count of line I, ``words()[i]``: from the list when it was
        made for this state of the text, else counted for this line alone
        (from the memo): a stage that asks about a few candidate lines does
        not count every line of a text it then leaves alone."""
        got = self._words
        if got is not None:
            return got[i]
        n = self._line_counts.get(i)  # the same line is asked about for many rules
        if n is None:
            content = self.draft.lines[i].content
            n = self._word_memo.get(content)
            if n is None:
                n = self._word_memo[content] = len(content.split())
            self._line_counts[i] = n
        return n

    def word_total(self) -> int:
        """Words of the current text, ``sum(words())``: from the memo when
        :meth:`words` was asked for once (the lines it counted are mostly
        still there), else by one C-speed count of the text (the same number:
        a line break is whitespace, and a line's content is it stripped)."""
        if self._words is None and not self._counted:
            return word_count(self.draft.text)
        return sum(self.words())

    def reset(self) -> None:
        """Forget what was derived from the text (after a change)."""
        self._folded = {}
        self._words = None
        self._line_counts = {}
        self._shown = None  # it holds the old lines: they go with the old text
        if self.candidates is not None:
            self.candidates.reset()

    def timeout(self, rule_id: str) -> None:
        """Record that RULE_ID exceeded its time limit (skipped from now on)."""
        if rule_id not in self.timed_out:
            self.timed_out.add(rule_id)
            self.skipped.append(Skipped(rule_id, "pattern exceeded its time limit"))


class Positions:
    """Rank of each non-blank line from the start and from the end, and the
    index of the last prose line (for ``after_last_prose``)."""

    def __init__(self, lines: Sequence[Line], shown: Sequence[int] | None = None) -> None:
        self.lines = lines
        self._shown = shown  # ascending indices of the non-blank lines, when known
        self._rank: dict[int, int] | None = None
        self._last_prose: dict[int, int] = {}

    # computed when first needed: the fragment stages look at one line, and
    # must not walk the whole text in every pass
    def _nonblank(self) -> Sequence[int]:
        if self._shown is None:
            lines = self.lines
            self._shown = list(compress(range(len(lines)), map(_CONTENT, lines)))
        return self._shown

    @property
    def rank(self) -> dict[int, int]:
        if self._rank is None:
            self._rank = {i: r for r, i in enumerate(self._nonblank())}
        return self._rank

    def rank_of(self, index: int) -> int:
        """``rank.get(index, 0)``: found by bisection, no map of every line."""
        shown = self._nonblank()
        r = bisect_left(shown, index)
        return r if r < len(shown) and shown[r] == index else 0

    @property
    def count(self) -> int:
        return len(self._nonblank())

    def last_prose(self, min_words: int) -> int:
        if min_words not in self._last_prose:
            last = -1
            for ln in reversed(self.lines):
                if ln.content and is_prose(ln.content, min_words):
                    last = ln.index
                    break
            self._last_prose[min_words] = last
        return self._last_prose[min_words]


def conditions_hold(rule: Rule, first: Line, last: Line, content: str,
                    pos: Positions, n_words: int | None = None) -> bool:
    """Whether RULE's ``when`` holds for CONTENT spanning lines FIRST..LAST
    (N_WORDS: ``word_count(content)`` when the caller knows it)."""
    w = rule.when
    if w.max_chars is not None and len(content) > w.max_chars:
        return False
    if w.max_words is not None or w.min_words is not None:
        n = word_count(content) if n_words is None else n_words
        if w.max_words is not None and n > w.max_words:
            return False
        if w.min_words is not None and n < w.min_words:
            return False
    if w.first_lines is not None and pos.rank_of(first.index) >= w.first_lines:
        return False
    if w.not_first_lines is not None and pos.rank_of(first.index) < w.not_first_lines:
        return False
    if w.last_lines is not None and pos.count - 1 - pos.rank_of(last.index) >= w.last_lines:
        return False
    if w.after_last_prose and first.index <= pos.last_prose(w.prose_min_words):
        return False
    return True
