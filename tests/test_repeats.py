"""The repeated-line kind (engine/repeats.py): a line said again, word for
word, right below itself (a gallery caption printed for the slide and the
thumbnail) goes; the first occurrence and repeats further apart stay."""

from __future__ import annotations

import random
import re

import pytest

import boilerstrip
from boilerstrip.engine import repeats
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import parse_rule_text

RULE = "core.layout.repeated-line"
CAPTION = "The harbour master checks the moorings before the storm reaches the coast."
BODY = "The storm reached the coast on Tuesday night.\n\nNo boats were lost.\n"


def _clean(text: str) -> boilerstrip.Result:
    return boilerstrip.clean(text, select=[RULE])


def test_a_caption_printed_three_times_keeps_its_first_copy_and_says_why():
    text = f"{BODY}\n* {CAPTION}\n\n{CAPTION}\n\n{CAPTION}\n\nThe port reopens on Friday.\n"
    res = _clean(text)
    assert res.text == f"{BODY}\n* {CAPTION}\n\nThe port reopens on Friday.\n"
    details = [c.detail for c in res.changes if c.category != "whitespace"]
    assert details == ["repeats the line 1 non-blank line(s) above"] * 2


def test_the_window_counts_non_blank_lines():
    other = "A second caption shows the lighthouse keeper at work in the rain."
    two_apart = f"{CAPTION}\n\n{other}\n\n\n\n{CAPTION}\n"
    assert _clean(two_apart).text == f"{CAPTION}\n\n{other}\n"
    third = "A third caption shows the ferry waiting at the pier for the all-clear."
    three_apart = f"{CAPTION}\n{other}\n{third}\n{CAPTION}\n"
    assert _clean(three_apart).text == three_apart


@pytest.mark.parametrize("line", [
    "Pros:",                                  # too short
    "| Pos | Player | Plays | % | Stats |",    # a table's header row: 4 words
    "— A reader (@reader) May 4, 2022",       # a signature under each tweet
])
def test_short_lines_may_repeat(line):
    text = f"{line}\n{line}\n"
    assert _clean(text).text == text


def test_only_the_exact_words_count():
    # one word changed: two captions of two photos
    text = f"{CAPTION}\n{CAPTION.replace('Tuesday', 'x').replace('storm', 'gale')}\n"
    assert _clean(text).text == text


def _plain(contents, min_words, window):
    """The definition, without the last-token shortcut."""
    def key(c):
        return re.sub(r"\s+", " ", re.sub(r"^[*+•·‣◦-]\s+", "", c))
    out = []
    for i, c in enumerate(contents):
        if len(re.findall(r"\w+", key(c))) < min_words:
            continue
        for j in range(i - 1, max(-1, i - 1 - window), -1):
            if key(contents[j]) == key(c):
                out.append((i, j))
                break
    return out


def test_the_shortcut_finds_what_the_definition_finds():
    rng = random.Random(7)
    words = ["the", "storm", "harbour", "boat", "-", "*", "quay", "night", "lights", "2019"]
    for _ in range(300):
        pool = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
                for _ in range(4)]
        pool += ["* " + p for p in pool] + [p.replace(" ", "  ") for p in pool]
        contents = [rng.choice(pool).strip() for _ in range(rng.randint(1, 12))]
        contents = [c for c in contents if c]
        for min_words, window in ((1, 1), (3, 2), (8, 2), (2, 4)):
            assert repeats.repeated_lines(contents, min_words, window) == \
                _plain(contents, min_words, window), contents


def _rule_file(params: str) -> str:
    return ("rules:\n  - id: t.rep\n    kind: repeated-line\n    category: media-credit\n"
            "    order: 980\n    description: test\n    params:\n" + params +
            "    examples:\n      remove: [a, b]\n      keep: [c, d]\n")


@pytest.mark.parametrize("params,message", [
    ("      window: 0\n", "at least 1"),
    ("      min_words: -2\n", "non-negative"),
    ("      minwords: 3\n", "unknown param"),
])
def test_bad_params_are_one_line_rule_errors(params, message):
    (rule,) = parse_rule_text(_rule_file(params), "t.yml")
    with pytest.raises(RuleError, match=message):
        repeats.repeat_config(rule)
