"""The load-time check for patterns that can backtrack catastrophically.

It must flag a repeated group whose body can match one text in more than one
way, and nothing else: the bundled rules pass it without a warning.
"""

from __future__ import annotations

import time

import pytest
import regex

import boilerstrip
from boilerstrip.rules.risk import backtracking_risk, risky_pattern

# (pattern, its repeat alone): the example text of the warning is one the repeat matches
RISKY = [
    (r"(a+)+", r"(a+)+"),                                  # a loop inside a loop
    (r"(\w+\s?)*done", r"(\w+\s?)*"),                     # the space is optional
    (r"(?:\S+\s*){1,6}", r"(?:\S+\s*){1,6}"),               # counted, 6 times: n**5 ways
    (r"(a|aa)+$", r"(a|aa)+"),                             # "a" "a" or "aa"
    (r"(?:(?:e|mail|email)\s*)*", r"(?:(?:e|mail|email)\s*)*"),  # "email" once or twice
    (r"(?:(?:,| and|,? and) x)+", r"(?:(?:,| and|,? and) x)+"),  # " and" by two branches
    (r"(?-i:(?:(?:,| and|,? and) \p{Lu})+)", r"(?-i:(?:(?:,| and|,? and) \p{Lu})+)"),
    (r"(a*)*", r"(a*)*"),                                  # an iteration can match nothing
    (r"(?:(?:ab|a)(?:c|bc))+", r"(?:(?:ab|a)(?:c|bc))+"),  # "abc" split two ways
]
SAFE = [
    r"(?:\w+\s+){0,5}",                  # a word, then the spaces after it: one way
    r"(?:\S+ ){0,4}",
    r"\S+(?:\s+\S+){0,5}\s*",            # the rewrite of (?:\S+\s*){1,6}
    r"(?:\S++\s*){1,6}",                 # possessive: the word is taken whole
    r"(?>\S+\s*)*",                      # atomic body: one way from each start
    r"(?:\S+\s*){1,3}",                  # at most 3 iterations: at most n**2 ways
    r"(?:(?:e|mail|email)\b\s*)*",       # the word boundary splits words one way
    r"(?:,(?: and)?| and) x",            # ambiguous outside any repeat: polynomial
    r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}",  # domain labels separated by dots
    r"(?-i:\p{Lu}[\p{L}.'’-]+(?:(?:,(?: and)?| and) \p{Lu}[\p{L}.'’-]*| \p{Lu}[\p{L}.'’-]*)*)",
    r"\w+ done",
    r"(['\"])\w+\1(?:, (['\"])\w+\2)*",  # back-references repeat one text each
    r"\w+[-.]?\d{2,4}\s*(?:[-–]\s*\d{2,4})?",  # no group repeats: the fast path
]


@pytest.mark.parametrize("pattern, repeat", RISKY)
def test_ambiguous_repeat_is_flagged_with_a_text_it_matches_two_ways(pattern, repeat):
    risky, text = backtracking_risk(pattern)
    assert risky is True
    message = risky_pattern(pattern)
    assert message and "more than one way" in message and repr(pattern) in message
    assert repr(text) in message or not text
    assert regex.fullmatch(repeat, text, regex.I)  # a text of the repeat itself
    assert text or pattern == r"(a*)*"


@pytest.mark.parametrize("pattern", SAFE)
def test_unambiguous_or_short_repeat_is_not_flagged(pattern):
    assert backtracking_risk(pattern) == (False, "")
    assert risky_pattern(pattern) is None


def test_bundled_rules_pass_the_check_and_every_pattern_is_analysed():
    rules = boilerstrip.load_rules(boilerstrip.bundled_rules_dir(), cache=False)
    verdicts = {(r.id, p): backtracking_risk(p, r.flags)[0]
                for r in rules for p in r.patterns + r.unless}
    assert len(verdicts) > 500
    assert [k for k, v in verdicts.items() if v is not False] == []


def test_a_flagged_pattern_really_backtracks_and_its_rewrite_does_not():
    """The check is about real cost: on a text that fails at the end, the
    flagged form runs into the time limit, the unambiguous one is instant."""
    text = "abcdefghij" * 6
    flagged = regex.compile(r"(?:\S+\s*){1,6}\d")
    rewrite = regex.compile(r"\S+(?:\s+\S+){0,5}\s*\d")
    t0 = time.perf_counter()
    assert rewrite.search(text, timeout=1.0) is None
    assert time.perf_counter() - t0 < 0.5
    with pytest.raises(TimeoutError):
        flagged.search(text, timeout=0.05)


def test_pattern_the_check_cannot_read_is_not_flagged():
    # a branch reset only the regex module reads: no verdict, no warning
    assert regex.fullmatch(r"(?|(a)|(b))+", "ab")
    assert backtracking_risk(r"(?|(a)|(b))+")[0] is None
    assert risky_pattern(r"(?|(a)|(b))+") is None
