"""The indented-line kind (engine/indents.py) and the opt-in caption rules
(rules/core/caption.yml): a short line set deeper than the body text between
two body paragraphs goes when the headline category is switched on; lists,
quotations, tables, repeated labels and the default profile keep everything."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.engine import indents
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import parse_rule_text

RULE = "core.headline.indented-caption"
BODY_1 = "    The ferry company said on Monday that the night boat will run again from May, after two years without it."
BODY_2 = "    Tickets will cost a little more than before, and the company plans to add a second boat in the summer."
CAPTION = "        The night boat leaves the north pier"


def _clean(text: str) -> boilerstrip.Result:
    return boilerstrip.clean(text, select=[RULE], enable=[RULE])


def test_a_deeper_line_between_two_body_paragraphs_goes_and_says_why():
    res = _clean(f"{BODY_1}\n\n{CAPTION}\n\n{BODY_2}\n")
    assert res.text == f"{BODY_1}\n\n{BODY_2}\n"
    assert [c.detail for c in res.changes if c.category == "headline"] == [
        "indented 8, body text 4"]


def test_it_is_off_by_default_and_on_with_the_headline_category():
    text = f"{BODY_1}\n\n{CAPTION}\n\n{BODY_2}\n"
    assert boilerstrip.clean(text).text == text
    assert CAPTION not in boilerstrip.clean(text, enable=["headline"]).text


def test_a_run_longer_than_max_run_stays():
    run = "\n".join(f"        Caption line number {n} of the run" for n in range(4))
    text = f"{BODY_1}\n\n{run}\n\n{BODY_2}\n"
    assert _clean(text).text == text
    three = "\n".join(f"        Caption line number {n} of the run" for n in range(3))
    assert _clean(f"{BODY_1}\n\n{three}\n\n{BODY_2}\n").text == f"{BODY_1}\n\n{BODY_2}\n"


def test_a_deeper_line_at_either_end_of_the_text_stays():
    for text in (f"{CAPTION}\n\n{BODY_1}\n\n{BODY_2}\n", f"{BODY_1}\n\n{BODY_2}\n\n{CAPTION}\n"):
        assert _clean(text).text == text


@pytest.mark.parametrize("line", [
    "        * a warm jacket",                    # a list item
    "        3. Boil the pears for ten minutes.",  # a numbered step
    "        “We are glad,” the captain said.",    # a quotation
    "        North    12%    2021",               # a table row
    "        12 345",                             # no letter
    "        $ pip install requests",              # a shell prompt
    "        result = compute(items)",             # an assignment
    "        import os.path; print(os.sep)",       # statements
    "        cd /tmp/build",                       # a path
    "        pip install -r requirements",         # a flag
    "        " + " ".join(["word"] * 41),          # longer than max_words
])
def test_lines_that_read_as_the_articles_own_stay(line):
    text = f"{BODY_1}\n\n{line}\n\n{BODY_2}\n"
    assert _clean(text).text == text


def test_a_body_flush_left_indents_only_code_and_nested_lists():
    flush = f"{BODY_1.strip()}\n\n    The night boat leaves the north pier\n\n{BODY_2.strip()}\n"
    assert _clean(flush).text == flush
    raws = flush.splitlines()
    contents = [r.strip() for r in raws]
    assert indents.indented_lines(raws, contents, 20, 40, 3, 0) != []


def test_a_label_said_again_elsewhere_stays():
    text = f"{BODY_1}\n\n        Solution\n\n{BODY_2}\n\n        Solution\n\n{BODY_1}\n"
    assert _clean(text).text == text


def test_without_a_prose_line_there_is_no_body_indentation():
    text = "    Short line.\n\n        The night boat\n\n    Another short line.\n"
    assert _clean(text).text == text
    assert indents.body_indent([4, 8, 4], [3, 3, 3], 20) is None


def test_the_body_is_the_indentation_holding_the_most_prose_words():
    # two prose lines at 2 (50 words) against one at 6 (30 words)
    assert indents.body_indent([2, 6, 2, 10], [25, 30, 25, 3], 20) == 2
    # a tie goes to the smaller indentation
    assert indents.body_indent([6, 2], [25, 25], 20) == 2


def test_a_line_at_the_body_indentation_or_less_is_never_taken():
    raws = [BODY_1, "  A subheading", BODY_2]
    contents = [r.strip() for r in raws]
    assert indents.indented_lines(raws, contents, 20, 40, 3) == []


@pytest.mark.parametrize("params, message", [
    ("max_run: 0", "at least 1"),
    ("max_words: -1", "non-negative integer"),
    ("window: 2", "unknown param"),
])
def test_bad_params_are_rule_errors(params, message):
    (rule,) = parse_rule_text(
        "rules:\n  - id: t.caption\n    kind: indented-line\n    category: headline\n"
        "    order: 985\n    description: test\n    params:\n      " + params + "\n"
        "    examples:\n      remove: [a, b]\n      keep: [c, d]\n", "t.yml")
    with pytest.raises(RuleError, match=message):
        indents.indent_config(rule)


CAPTIONS = [
    "A farmer stacks hay bales near the river. (AP Photo/Jane Roe)",
    "Die Altstadt im Winter, vom Schlossberg aus gesehen. Foto: Max Muster",
    "Le port au lever du jour, avant l'arrivée des pêcheurs. © Jean Dupont",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_a_caption_closed_by_a_credit_goes_only_with_the_opt_in(caption):
    text = f"The ferry runs again.\n\n{caption}\n\nTickets cost more.\n"
    by_default = boilerstrip.clean(text).text
    assert caption.split(" ")[0] in by_default  # the default keeps the caption
    opted = boilerstrip.clean(text, enable=["headline"]).text
    assert opted == "The ferry runs again.\n\nTickets cost more.\n"


@pytest.mark.parametrize("line", [
    "Photo: Jane Doe",  # a credit alone: fewer than three words of caption
    # a paragraph longer than a caption, closed by a credit
    "The fund lost money in every quarter of the year, its manager told investors on Monday. "
    "The loss was the largest since the fund opened in 1998, and the board now plans to replace "
    "the manager before the next annual meeting of its members. (Photo: Jane Doe)",
    "Der Preis stieg im Mai um vier Prozent, sagte die Sprecherin. (Foto: dpa)",  # a quote
    "Example Media | Contact us | © 2021 Example Media. All rights reserved",  # a footer
])
def test_the_caption_credit_rule_leaves_what_is_no_caption(line):
    rule = "core.headline.caption-credit"
    text = f"The ferry runs again.\n\n{line}\n\nTickets cost more.\n"
    assert boilerstrip.clean(text, select=[rule], enable=[rule]).text == text
