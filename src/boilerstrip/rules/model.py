"""The values a rule file becomes: :class:`Rule` and the parts it is made of.

Plain frozen dataclasses, picklable and comparable; :mod:`.loader` builds
them from YAML and checks them, :mod:`.cache` stores and restores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import RuleError

#: The profiles a rule can run in.
PROFILES = ("article", "page")


@dataclass(frozen=True)
class Conditions:
    """When a line/block/section-header rule may fire (all given conditions must hold).

    Word counts are whitespace-separated tokens. ``first_lines``/``last_lines``
    count non-blank lines of the text as the rule sees it (``not_first_lines``: not
    within the first N of them); ``after_last_prose``
    requires the candidate to come after the last prose paragraph (a paragraph of
    at least ``prose_min_words`` words that ends like a sentence).
    """

    max_words: int | None = None
    min_words: int | None = None
    max_chars: int | None = None
    first_lines: int | None = None
    last_lines: int | None = None
    not_first_lines: int | None = None
    after_last_prose: bool = False
    prose_min_words: int = 25


@dataclass(frozen=True)
class SectionSpec:
    """How far a ``section`` rule's region reaches below its header line."""

    max_lines: int = 40
    line_max_words: int | None = None
    line_min_words: int | None = None  # a shorter line ends the region (e.g. a subheading)
    line_max_chars: int | None = None
    stop_at_prose: bool = True
    prose_min_words: int = 20
    require_end: bool = False
    include_header: bool = True
    min_lines: int = 0
    # the lines below the header hold this many words together: a biography
    # under "Autor", not a byline ("Autor: Jane Doe")
    min_words: int = 0
    # a line that heads another section rule's region ends this one (a tag
    # list must not swallow the header of the related list below it)
    stop_at_headers: bool = False
    # the first line below the header must repeat a word (3+ letters) of the
    # header after its first: "About Jane Doe", then "Jane Doe is a ..."; a
    # heading of the article's own ("About Lisbon", then "The old town ...") heads nothing
    repeats_header: bool = False
    # the first line below the header opens with a word of the header or with a
    # lower-case word, as a biography goes on from the name above it ("Jane Doe",
    # then "Jane Doe writes ..." or "is a reporter ..."); a line that opens on
    # anything else is the article's, not the header's
    opens_with_header: bool = False
    # the header's last capitalised word (3+ letters) occurs nowhere above it
    # past the first N non-blank lines (where a byline names the author): a
    # subheading of the article has its words in the body above it, an author
    # box's name does not
    header_unseen_after: int | None = None
    # a region holding more subheadings than this (a short unpunctuated line, then
    # a prose paragraph) is the rest of the article, not a section: its header was
    # one of the article's own subheadings ("Comment" above "Briefing", "Access"...)
    max_subheadings: int | None = None
    # a header that gives a count ("12 comments") may have at most this many
    # times the words above it below it (to the end of the text) per item it
    # counts: a "1 Comment" counter beside the byline, the article below it,
    # heads nothing
    count_words_above: int | None = None
    # "list": the region is the list the header announces: each line below must
    # read as a list item (``context.is_list_item``: a headline or a link of at
    # most ``line_max_words`` words, not a sentence), and the first that does
    # not ends it. None: any line within the limits above
    takes: str | None = None
    # with takes: list, a list line of at most this many words directly above a
    # prose line is the article's next subheading, and ends the list (headlines
    # of other articles are longer)
    subheading_max_words: int = 4


@dataclass(frozen=True)
class Example:
    """One example of a rule: ``text`` and, optionally, the exact expected ``output``."""

    text: str
    output: str | None = None
    line: int | None = None
    #: the language of the page the text stands for, when the text alone is too
    #: short or too mixed to tell: its rule runs as on such a page ("" = detect)
    language: str = ""


@dataclass(frozen=True)
class Rule:
    """One validated rule. Immutable and picklable."""

    id: str
    category: str
    kind: str
    description: str
    order: int
    patterns: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    flags: tuple[str, ...] = ("ignorecase",)
    match: str = "full"
    when: Conditions = field(default_factory=Conditions)
    section: SectionSpec | None = None
    remove: str = "line"
    params: tuple[tuple[str, Any], ...] = ()
    remove_examples: tuple[Example, ...] = ()
    keep_examples: tuple[Example, ...] = ()
    enabled: bool = True
    profiles: tuple[str, ...] = PROFILES
    pack: str = ""
    #: the language of the text it is written for ("" = any): a language pack's
    #: rules run only on documents in their language (engine/language.py)
    language: str = ""
    source: str = ""
    line: int | None = None

    @property
    def param_dict(self) -> dict[str, Any]:
        return dict(self.params)

    def sort_key(self) -> tuple[int, str]:
        """Rules run in ascending ``order``; ties are broken by id."""
        return (self.order, self.id)

    def error(self, message: str, line: int | None = None) -> RuleError:
        return RuleError(message, path=self.source or None, line=line or self.line, rule_id=self.id)


@dataclass(frozen=True)
class RuleSet:
    """Rules loaded together, with the warnings their loading raised (risky
    patterns): a value, handed to whoever shows warnings."""

    rules: tuple[Rule, ...] = ()
    warnings: tuple[RuleError, ...] = ()

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(self.rules + other.rules, self.warnings + other.warnings)


def tuplify(value: Any) -> Any:
    """VALUE with its lists made tuples, at any depth (rule params are immutable)."""
    if isinstance(value, (list, tuple)):
        return tuple(tuplify(v) for v in value)
    if isinstance(value, dict):
        return {k: tuplify(v) for k, v in value.items()}
    return value
