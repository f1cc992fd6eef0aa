"""The page profile's ``page-region`` rule params: the table of every
parameter (type, default, meaning) and their check and compilation, once per
Cleaner. The algorithm that uses them is in :mod:`.page_region`; the values
of the bundled rule are in ``rules/page/region.yml``.
"""

from __future__ import annotations

from typing import Any, Sequence

import regex

from ..rules.loader import Rule
from ..rules.risk import check_bounds
from .language import parse_stopwords, stopword_lists
from .page_grow import thread_config
from .timed import AnyOf, TimedPattern

# ------------------------------------------------------------------ params

#: Every parameter a page-region rule accepts, with its type and default.
#: Defaults make a rule with only ``stopwords`` usable; the bundled rule
#: spells every value out.
_NUMBER = (int, float)
PARAMS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "stopwords": (dict, None),             # language code -> list or space-separated string
    "min_language_coverage": (_NUMBER, 0.08),  # below: language-independent mode
    "length_low": (int, 70),               # chars: shorter lines are "short" (jusText 70)
    "length_high": (int, 200),             # chars: longer prose lines are "good" (jusText 200)
    "stopwords_low": (_NUMBER, 0.30),       # density for "neargood" (jusText 0.30)
    "stopwords_high": (_NUMBER, 0.32),      # density for "good" (jusText 0.32)
    "density_floor": (_NUMBER, 0.08),       # function-word share of a line that is not prose at all
    "density_full": (_NUMBER, 0.25),        # ... and of a line that is fully prose
    "unpunctuated_offset": (_NUMBER, 0.5),  # subtracted when a long line has no sentence end
    "no_language_min_words": (int, 12),    # language-independent mode: words for "good"
    "max_heading_distance": (int, 200),    # chars between a heading and good text
    "menu_min_separators": (int, 2),       # "A | B | C": separators that make a menu line
    "menu_max_words_per_item": (_NUMBER, 4.0),
    "copyright_max_words": (int, 12),    # longer lines with a (c) mark are captions
    "good_weight_cap": (int, 80),          # words of one line counted at most
    "neargood_factor": (_NUMBER, 0.5),
    "line_cost": (_NUMBER, 6.0),           # weight of a line = words * prose-likeness - line_cost
    "isolated_line_cost": (_NUMBER, 6.0),  # ... for a line with blank lines around it
    "bad_word_penalty": (_NUMBER, 0.3),    # prose-likeness of a menu, copyright or no-letter line
    "short_sentence_factor": (_NUMBER, 0.3),  # prose-likeness of a short line ending a sentence
    "bullet_factor": (_NUMBER, 0.5),       # prose-likeness of a long list item, scaled
    "link_run_min_lines": (int, 4),        # a run of this many short title-like lines is a link list
    "link_run_max_words": (int, 12),
    "link_run_penalty": (_NUMBER, 3.0),    # extra penalty per line of a link-list run
    "secondary_region_share": (_NUMBER, 0.5),  # keep another region weighing this share of the main
    "secondary_region_min_weight": (_NUMBER, 60.0),
    "headline_lookback": (int, 6),         # non-blank lines above the region searched for a headline
    "headline_max_words": (int, 25),
    "barrier_patterns": ((list, tuple), ()),  # whole lines that end an article (comment headers...)
    "boilerplate_patterns": ((list, tuple), ()),  # lines that are never article (cookie notices...)
    "barrier_penalty": (_NUMBER, 200.0),
    "max_rounds": (int, 4),                # selection passes until nothing more goes
    "cjk_chars_per_word": (_NUMBER, 2.0),  # Chinese/Japanese text has no spaces: chars per word
    "cjk_char_weight": (_NUMBER, 2.0),     # ... and one of its chars counts as this many for lengths
    "toc_min_share": (_NUMBER, 1.01),      # a link-list run whose items come back as headings
    "toc_item_overlap": (_NUMBER, 0.6),    # ... (this share of an item's words) is a table of contents
    "comment_patterns": ((list, tuple), ()),  # comment-section headers: barriers too, and
    "after_comments_factor": (_NUMBER, 1.0),  # ... prose below them counts this much
    "near_region_lines": (int, 0),         # another region this close (lines) to the main one
    "near_region_min_weight": (_NUMBER, 60.0),  # ... is kept when it weighs this much
    "data_line_patterns": ((list, tuple), ()),  # a list item that is a data row (quantity, date...)
    "data_run_min_share": (_NUMBER, 1.01),  # a link-list run with this share of data rows is
    "data_run_line_cost": (_NUMBER, 1.0),   # ... a table/list of data: this cost per line
    "data_run_word_weight": (_NUMBER, 0.0),  # ... and this weight per word, instead of a penalty
    "bounded_run_max_lines": (int, 0),      # a run of lines this long between two prose lines
    "bounded_run_line_cost": (_NUMBER, 1.0),  # ... belongs to the article: this cost per line
    "bounded_run_min_prose_weight": (_NUMBER, 10.0),  # ... when both prose lines weigh this much
    "bounded_run_link_lists": (int, 1),   # ... 0: not when it holds a link-list run
    "thread_rule": (str, ""),             # bundled comment-thread rule whose threads are barriers
    "grow_max_lines": (int, 0),           # a region grows over this many article lines each way
    "grow_sentences": (int, 0),           # 1: ... down over short sentences of their own paragraph
    "headline_min_shared": (int, 0),      # a headline in a link list shares this many words with the body
    "headline_dates": (int, 0),           # 1: a date/byline line in a link list joins the headline block
    "grow_numbered": (int, 0),            # grow over a numbered list's items (lines under one)
    "list_lead_lines": (int, 1),          # a lead-in line ending in ":" this close below a region
    "list_max_lines": (int, 0),           # ... takes this many lines of the list it announces
    "list_item_min_words": (int, 0),      # ... to a plain line this short with no digit
    "list_heading_max_words": (int, 0),   # a heading of its own this short leads a list too
    "list_heading_min_stop_share": (_NUMBER, 1.0),  # ... whose items hold function words this often
    "list_heading_min_shared": (int, 1),  # ... and that repeats this many content words of the region
    "post_gap_lines": (int, 0),           # another region below a post header this long (with a date)
    "post_min_weight": (_NUMBER, 60.0),   # ... is kept when it weighs this much (multi-post pages)
    "anchor_date_patterns": ((list, tuple), ()),  # a date inside a short line under a title
    "anchor_weight": (_NUMBER, 0.0),      # ... the first text below such a post header gains this
    "anchor_max": (int, 2),               # ... unless the page has more headers (a teaser list)
    "debris_kinds": ((list, tuple), ()),  # kinds of the article rules whose removals are debris
    "debris_factor": (_NUMBER, 1.0),      # ... a debris line's prose weighs this share of itself
    "short_post_lines": (int, 0),         # lines above a comment header kept as a short post
    "short_post_max_weight": (_NUMBER, 0.0),  # ... when the region below it weighs less
    "short_post_min_gap": (int, 0),       # ... and starts more lines below the header
}


class _Config:
    """A page-region rule's params, checked and compiled once."""

    def __init__(self, rule: Rule, timeout: float) -> None:
        self.rule = rule
        raw = rule.param_dict
        unknown = sorted(set(raw) - set(PARAMS))
        if unknown:
            raise rule.error(f"unknown page-region param(s): {', '.join(unknown)} "
                             f"(known: {', '.join(PARAMS)})")
        for name, (typ, default) in PARAMS.items():
            value = raw.get(name, default)
            if name == "stopwords":  # the language profiles, named (or given)
                value = stopword_lists(value, lambda m: rule.error("page-region " + m))
            elif isinstance(value, bool) or not isinstance(value, typ):
                want = "a number" if typ is _NUMBER else "a list" if name.endswith(
                    "patterns") else typ.__name__
                raise rule.error(f"page-region param {name!r} must be {want}, "
                                 f"not {value!r}")
            elif typ is not _NUMBER and typ is int and value < 0:
                raise rule.error(f"page-region param {name!r} must not be negative")
            elif typ is _NUMBER and value < 0:
                raise rule.error(f"page-region param {name!r} must not be negative")
            setattr(self, name, value)
        self.languages: dict[str, frozenset[str]] = parse_stopwords(
            self.stopwords, lambda m: rule.error("page-region " + m))
        if self.stopwords_low > self.stopwords_high:
            raise rule.error("page-region param 'stopwords_low' must not exceed 'stopwords_high'")
        if self.length_low > self.length_high:
            raise rule.error("page-region param 'length_low' must not exceed 'length_high'")
        self.barriers = _compile(rule, "barrier_patterns", self.barrier_patterns, timeout)
        self.boilerplate = _compile(rule, "boilerplate_patterns", self.boilerplate_patterns,
                                    timeout)
        self.comments = _compile(rule, "comment_patterns", self.comment_patterns, timeout)
        self.data_lines = _compile(rule, "data_line_patterns", self.data_line_patterns, timeout)
        self.anchor_dates = AnyOf(_compile(rule, "anchor_date_patterns",
                                           self.anchor_date_patterns, timeout))
        self.threads = thread_config(rule, self.thread_rule)
        self.thread_marks: dict[str, frozenset[str]] = {}  # line -> its comment-marker kinds
        self.intrinsic: dict[str, Any] = {}  # page_region._intrinsic's memo
        self.any_comment = AnyOf(self.comments)
        self.any_barrier = AnyOf(self.barriers)
        self.any_boilerplate = AnyOf(self.boilerplate)
        self.any_data_line = AnyOf(self.data_lines)
        # stopword -> positions (in ``languages``) of the lists that hold it
        self.stop_langs: dict[str, tuple[int, ...]] = {}
        for k, words in enumerate(self.languages.values()):
            for w in words:
                self.stop_langs[w] = self.stop_langs.get(w, ()) + (k,)


def _compile(rule: Rule, name: str, patterns: Sequence[Any],
             timeout: float) -> tuple[TimedPattern, ...]:
    out = []
    for p in patterns:
        if not isinstance(p, str):
            raise rule.error(f"page-region {name}: {p!r} must be a string")
        too_big = check_bounds(p)  # before compiling: that could take gigabytes
        if too_big:
            raise rule.error(f"page-region {name}: {too_big}")
        try:
            out.append(TimedPattern(regex.compile(p, regex.IGNORECASE | regex.V0), timeout))
        except regex.error as exc:
            raise rule.error(f"page-region {name}: invalid pattern {p!r}: {exc}") from None
    return tuple(out)


def compile_rule(rule: Rule, timeout: float) -> _Config:
    """RULE's params, checked and compiled, its patterns limited to TIMEOUT
    seconds per call (raises the rule's RuleError); once per Cleaner, which
    keeps it as its stage's item (no module-level memo keeps rules alive)."""
    return _Config(rule, timeout)
