"""Options of a section rule's region (``section:``), each shown with and without it.

* ``line_min_words``: a line shorter than that (a subheading) ends a section;
* ``stop_at_headers``: a line that heads another section rule's region ends
  this one, so that a tag list does not swallow the related list's header;
* ``repeats_header``: the first line below the header must name again what
  the header names ("About Jane Doe" above "Jane Doe is ...");
* ``opens_with_header``: the first line below must go on from the header (open
  with one of its words, or with a lower-case word);
* ``header_unseen_after``: the header's last capitalised word must not occur in
  the body above it (past its first N lines).
"""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.errors import RuleError
from boilerstrip.engine import Cleaner

RULE = """\
rules:
  - id: t.section.related
    kind: section
    category: related-links
    order: 300
    description: A related-articles header and the headlines below it.
    pattern: 'read also'
    section:
      max_lines: 10
{extra}    examples:
      remove: ["Read also", "Read also\\nA headline of five words"]
      keep: ["Body.", "Other body."]
"""


def _rules_cleaner(tmp_path, rules_yaml: str) -> Cleaner:
    """A cleaner with the rules of RULES_YAML only."""
    path = tmp_path / "r.yml"
    path.write_text(rules_yaml, encoding="utf-8")
    rules = boilerstrip.load_rules(path, cache=False)
    return Cleaner(default_rules=False, extra_rules=rules, allow_large_removals=True)


def _load_error(tmp_path, rules_yaml: str, match: str) -> None:
    """Loading RULES_YAML fails with a RuleError whose one line matches MATCH."""
    path = tmp_path / "r.yml"
    path.write_text(rules_yaml, encoding="utf-8")
    with pytest.raises(RuleError, match=match):
        boilerstrip.load_rules(path, cache=False)


def _cleaner(tmp_path, min_words):
    extra = f"      line_min_words: {min_words}\n" if min_words is not None else ""
    return _rules_cleaner(tmp_path, RULE.format(extra=extra))


TEXT = "Body text.\n\nRead also\nA related headline of six words\nBonus\nThe subheading's paragraph.\n"


def test_short_line_ends_the_section(tmp_path):
    out = _cleaner(tmp_path, 4).clean(TEXT).text
    assert out == "Body text.\n\nBonus\nThe subheading's paragraph.\n"


def test_without_the_key_short_lines_are_swallowed(tmp_path):
    out = _cleaner(tmp_path, None).clean(TEXT).text
    assert "Bonus" not in out


def test_invalid_line_min_words_is_a_config_error(tmp_path):
    _load_error(tmp_path, RULE.format(extra="      line_min_words: many\n"),
                r"r\.yml:\d+: t\.section\.related: section\.line_min_words")


# ------------------------------------------------------------------ stop_at_headers

RULES = """\
rules:
  - id: t.section.tags
    kind: section
    category: tag-cloud
    order: 310
    description: A tag header and the short tag lines below it.
    pattern: 'tags'
    section:
      max_lines: 20
      line_max_words: 6
{extra}    examples:
      remove: ["Tags\\nbudget", "Tags\\ncouncil"]
      keep: ["Body.", "Other body."]
  - id: t.section.related
    kind: section
    category: related-links
    order: 320
    description: A related header and the headlines below it.
    pattern: 'more news from the region'
    section:
      max_lines: 10
      line_max_words: 25
    examples:
      remove: ["More news from the region\\nA headline", "More news from the region"]
      keep: ["Body.", "Other body."]
"""

TAGS_TEXT = ("Body text of the article, which is long enough to be prose here.\n\n"
        "Tags\nbudget\ncouncil\n\n"
        "More news from the region\n"
        "Road repairs will begin in June after the long winter break\n"
        "Library cuts its opening hours at two branches this spring\n")
TAGS_BODY = "Body text of the article, which is long enough to be prose here.\n"


def _stop_cleaner(tmp_path, stop):
    extra = f"      stop_at_headers: {str(stop).lower()}\n" if stop is not None else ""
    return _rules_cleaner(tmp_path, RULES.format(extra=extra))


def test_the_tag_list_stops_at_the_related_header(tmp_path):
    result = _stop_cleaner(tmp_path, True).clean(TAGS_TEXT)
    assert result.text == TAGS_BODY
    by_rule = {c.rule: c.text for c in result.removals if not c.rule.startswith("core.")}
    assert by_rule["t.section.tags"] == "Tags\nbudget\ncouncil\n"
    assert by_rule["t.section.related"].startswith("More news from the region\nRoad repairs")


@pytest.mark.parametrize("stop", [None, False])
def test_without_it_the_tag_list_swallows_the_header_and_orphans_the_headlines(tmp_path, stop):
    out = _stop_cleaner(tmp_path, stop).clean(TAGS_TEXT).text
    assert "More news from the region" not in out
    assert "Road repairs will begin in June" in out


def test_invalid_stop_at_headers_is_a_config_error(tmp_path):
    _load_error(tmp_path, RULES.format(extra="      stop_at_headers: sometimes\n"),
                r"r\.yml:\d+: t\.section\.tags: section\.stop_at_headers")


def test_subheaded_counts_dense_subheadings_only():
    from boilerstrip.engine.context import subheaded

    para = "word " * 25
    article = ["Briefing", para, "Access", para, "Data", para]
    assert subheaded(article, 20) == 3
    # names above long comments, far apart: a thread, not an article's sections
    thread = ["Jane Doe", para] + [para] * 10 + ["Tom Smith", para]
    assert subheaded(thread, 20) == 0
    # dates, salutations and URLs are no subheadings
    assert subheaded(["March 3, 2012", para, "Hi Jane,", para, "http://x.example", para], 20) == 0


# ------------------------------------------------------------------ takes: list

LIST_TEXT = ("The council approved the budget on Monday.\n\n"
             "Read also\n"
             "Road repairs to begin in June\n"
             "Who pays for the new library?\n"
             "Mayor's plan, explained...\n"
             "https://news.example/region\n"
             "Officials said the works would last two weeks.\n"
             "They expect delays.\n")


def _takes_cleaner(tmp_path, takes: bool):
    extra = "      line_max_words: 12\n" + ("      takes: list\n" if takes else "")
    return _rules_cleaner(tmp_path, RULE.format(extra=extra))


def test_a_list_section_takes_headlines_and_links_up_to_the_first_sentence(tmp_path):
    result = _takes_cleaner(tmp_path, True).clean(LIST_TEXT)
    assert result.text == ("The council approved the budget on Monday.\n\n"
                           "Officials said the works would last two weeks.\n"
                           "They expect delays.\n")
    [change] = [c for c in result.removals if c.rule == "t.section.related"]
    assert change.detail == "header + 4 list line(s)"


def test_without_takes_short_sentences_are_swallowed_too(tmp_path):
    out = _takes_cleaner(tmp_path, False).clean(LIST_TEXT).text
    assert "They expect delays." not in out


@pytest.mark.parametrize("line, item", [
    ("Road repairs to begin in June", True),
    ("Who pays for the new library?", True),
    ("Mayor's plan, explained…", True),
    ("Read more »", True),
    ("See https://news.example/a for more.", True),
    ("They expect delays.", False),
    ("More from the region:", False),
    ("Holiday deals are back!", True),
    ("one two three four five six seven eight nine ten eleven twelve thirteen", False),
])
def test_is_list_item(line, item):
    from boilerstrip.engine.context import is_list_item

    assert is_list_item(line, 12) is item


@pytest.mark.parametrize("extra, message", [
    ("      takes: everything\n      line_max_words: 12\n", "section.takes must be one of: list"),
    ("      takes: list\n", "section.takes: list needs section.line_max_words"),
    # it only ever changes a takes: list section: anywhere else it did nothing, silently
    ("      subheading_max_words: 3\n", "section.subheading_max_words needs section.takes: list"),
])
def test_invalid_takes_is_a_config_error(tmp_path, extra, message):
    _load_error(tmp_path, RULE.format(extra=extra),
                rf"r\.yml:\d+: t\.section\.related: {message}")


PROSE = ("The mayor wants the repairs done before the summer holidays begin, so that "
         "the traffic in the old town is back to normal by July.\n")


def test_a_list_section_stops_at_a_subheading_above_prose(tmp_path):
    text = ("The council approved the budget on Monday.\n\n"
            "Read also\nRoad repairs to begin in June\n\n"
            "The Plan\n" + PROSE)
    out = _takes_cleaner(tmp_path, True).clean(text).text
    assert out == ("The council approved the budget on Monday.\n\n"
                   "The Plan\n" + PROSE)


def test_subheading_max_words_sets_what_counts_as_a_subheading(tmp_path):
    text = ("The council approved the budget on Monday.\n\n"
            "Read also\nRoad repairs to begin in June\n\n"
            "The Plan\n" + PROSE)
    extra = "      line_max_words: 12\n      takes: list\n      subheading_max_words: 1\n"
    out = _rules_cleaner(tmp_path, RULE.format(extra=extra)).clean(text).text
    assert out == "The council approved the budget on Monday.\n\n" + PROSE


# ------------------------------------------------------------------ a count header above the body

COUNTED = """\
rules:
  - id: t.section.comments
    kind: section
    category: comments
    order: 250
    description: A comment count header and everything below it to the end.
    pattern: '\\d+ comments?'
    flags: [ignorecase]
    section:
      max_lines: 100
      stop_at_prose: false
      require_end: true
{extra}    examples:
      remove: ["Body text.\\n2 comments\\nNice.\\nAgreed.", "Body text.\\n1 comment\\nNice."]
      keep: ["Body.", "Other body."]
"""

_STANDFIRST = ("Night buses return to the valley line in March, after two years in which the last "
               "bus left the station at ten. The transport board found the money in its spring budget.\n")
_PARAGRAPHS = "".join(f"Paragraph {i} of the story says more about the new night timetable and its stops.\n"
                      for i in range(5))


@pytest.mark.parametrize("extra,text,kept", [
    # a counter beside the byline, the article below it: more words than the text above it
    ("      count_words_above: 1\n", _STANDFIRST + "1 comment\n" + _PARAGRAPHS, True),
    # a real thread under its count: the guard lets it go
    ("      count_words_above: 1\n",
     _STANDFIRST + _PARAGRAPHS + "2 comments\nGreat news for us shift workers.\nAbout time!\n", False),
    # three comments of the standfirst's length each: still a thread
    ("      count_words_above: 1\n", _STANDFIRST + "3 comments\n" + _STANDFIRST * 3, False),
    # without the guards the counter takes the article with it
    ("", _STANDFIRST + "1 comment\n" + _PARAGRAPHS, False),
])
def test_a_count_header_heads_no_more_than_its_count_holds(tmp_path, extra, text, kept):
    out = _rules_cleaner(tmp_path, COUNTED.format(extra=extra)).clean(text).text
    if kept:
        assert out == text
    else:
        assert "comment" not in out.lower() and out.startswith(_STANDFIRST)
        assert out in (_STANDFIRST, _STANDFIRST + _PARAGRAPHS)


def test_invalid_count_words_above_is_a_config_error(tmp_path):
    with pytest.raises(RuleError, match="count_words_above"):
        _rules_cleaner(tmp_path, COUNTED.format(extra="      count_words_above: -1\n"))


# ------------------------------------------------------------------ repeats_header

ABOUT_RULE = """\
rules:
  - id: t.section.about
    kind: section
    category: source-credit
    order: 300
    description: An about box at the end.
    pattern: 'about [A-Z]\\w+(?: [A-Z]\\w+)?'
    section:
      max_lines: 4
      stop_at_prose: false
      require_end: true
      min_lines: 1
{extra}    examples:
      remove: ["About Jane Doe", "About Example Labs"]
      keep: ["Body.", "Other body."]
"""
ABOUT_BODY = "The hut sleeps twelve walkers and is open from June.\n\n"
ABOUT_KEPT = "The hut sleeps twelve walkers and is open from June.\n"


def _about_cleaner(tmp_path, repeats):
    extra = f"      repeats_header: {str(repeats).lower()}\n" if repeats is not None else ""
    return _rules_cleaner(tmp_path, ABOUT_RULE.format(extra=extra))


@pytest.mark.parametrize("below", ["Jane Doe has walked the Alps since 1990.",
                                   "Hi, I'm Jane. I write this blog.",
                                   "DOE, JANE: guide and photographer."])
def test_a_box_that_names_the_header_again_goes(tmp_path, below):
    text = ABOUT_BODY + "About Jane Doe\n" + below + "\n"
    assert _about_cleaner(tmp_path, True).clean(text).text == ABOUT_KEPT


def test_a_heading_whose_lines_name_something_else_stays(tmp_path):
    text = ABOUT_BODY + "About Lisbon\nThe old town is steep and the trams are slow.\n"
    assert _about_cleaner(tmp_path, True).clean(text).text == text


@pytest.mark.parametrize("repeats", [None, False])
def test_without_it_any_short_tail_goes(tmp_path, repeats):
    text = ABOUT_BODY + "About Lisbon\nThe old town is steep and the trams are slow.\n"
    assert _about_cleaner(tmp_path, repeats).clean(text).text == ABOUT_KEPT


def test_the_header_word_itself_does_not_count(tmp_path):
    # "About" is the header's first word: a line below that says "about" names nothing
    text = ABOUT_BODY + "About Lisbon\nMore about the trams soon.\n"
    assert _about_cleaner(tmp_path, True).clean(text).text == text


def test_invalid_repeats_header_is_a_config_error(tmp_path):
    _load_error(tmp_path, ABOUT_RULE.format(extra="      repeats_header: maybe\n"),
                r"r\.yml:\d+: t\.section\.about: section\.repeats_header")


# ------------------------------------------------ opens_with_header, header_unseen_after

NAME_RULE = """\
rules:
  - id: t.section.name-box
    kind: section
    category: source-credit
    order: 300
    description: A name line and the biography below it, at the end.
    pattern: '[A-Z]\\w+ [A-Z]\\w+'
    section:
      max_lines: 1
      stop_at_prose: false
      require_end: true
      min_lines: 1
{extra}    examples:
      remove: ["Jane Doe", "Example Labs"]
      keep: ["Body.", "Other body."]
"""
NAME_BODY = ("By Jane Doe\n\nThe hut sleeps twelve walkers.\n\nIt is open from June.\n\n"
             "The path is steep.\n\nBring water.\n\n")
NAME_KEPT = NAME_BODY.rstrip("\n") + "\n"


def _name_cleaner(tmp_path, extra: str):
    return _rules_cleaner(tmp_path, NAME_RULE.format(extra=extra))


@pytest.mark.parametrize("below", ["Jane Doe has walked the Alps since 1990.",
                                   "is a guide and writes about huts."])
def test_a_biography_that_goes_on_from_the_name_goes(tmp_path, below):
    text = NAME_BODY + "Jane Doe\n" + below + "\n"
    cleaner = _name_cleaner(tmp_path, "      opens_with_header: true\n      header_unseen_after: 1\n")
    assert cleaner.clean(text).text == NAME_KEPT


def test_a_line_that_opens_on_its_own_subject_stays(tmp_path):
    text = NAME_BODY + "Jane Doe\nThe warden said the hut closes in October.\n"
    assert _name_cleaner(tmp_path, "      opens_with_header: true\n").clean(text).text == text
    assert _name_cleaner(tmp_path, "").clean(text).text == NAME_KEPT


def test_a_heading_said_again_in_lower_case_stays(tmp_path):
    # a name keeps its capitals in the line below; a topic heading does not
    text = NAME_BODY + "Upper Hut\nUpper huts are often closed in winter.\n"
    assert _name_cleaner(tmp_path, "      opens_with_header: true\n").clean(text).text == text
    text = NAME_BODY + "Upper Hut\nUpper Hut is closed in winter.\n"
    assert _name_cleaner(tmp_path, "      opens_with_header: true\n").clean(text).text == NAME_KEPT


def test_a_subheading_named_in_the_body_above_stays(tmp_path):
    # "Upper Hut" is said in the body: the header is the article's own subheading
    body = NAME_BODY.replace("Bring water.", "Sleep at the Upper Hut.")
    text = body + "Upper Hut\nUpper Hut has ten beds and a stove.\n"
    assert _name_cleaner(tmp_path, "      header_unseen_after: 1\n").clean(text).text == text
    assert _name_cleaner(tmp_path, "").clean(text).text == body.rstrip("\n") + "\n"


def test_a_byline_in_the_first_lines_does_not_count(tmp_path):
    # "By Jane Doe" is the first line: skipped with header_unseen_after: 1, seen with 0
    text = NAME_BODY + "Jane Doe\nJane Doe has walked the Alps since 1990.\n"
    assert _name_cleaner(tmp_path, "      header_unseen_after: 1\n").clean(text).text == NAME_KEPT
    assert _name_cleaner(tmp_path, "      header_unseen_after: 0\n").clean(text).text == text


def test_invalid_opens_with_header_is_a_config_error(tmp_path):
    _load_error(tmp_path, NAME_RULE.format(extra="      opens_with_header: maybe\n"),
                r"r\.yml:\d+: t\.section\.name-box: section\.opens_with_header")


def test_invalid_header_unseen_after_is_a_config_error(tmp_path):
    _load_error(tmp_path, NAME_RULE.format(extra="      header_unseen_after: -1\n"),
                r"r\.yml:\d+: t\.section\.name-box: section\.header_unseen_after")


# ------------------------------------------------------------------ min_words, require_end

BOX_RULES = """\
rules:
  - id: t.section.comments
    kind: section
    category: comments
    order: 300
    description: A comment header and everything below it.
    pattern: 'comments'
    section:
      max_lines: 20
    examples:
      remove: ["Comments\\nNice post", "Comments\\nThanks"]
      keep: ["Body.", "Other body."]
  - id: t.section.about
    kind: section
    category: source-credit
    order: 560
    description: An author box that ends the text.
    pattern: 'author'
    section:
      max_lines: 6
      stop_at_prose: false
      require_end: true
      min_lines: 1
{extra}    examples:
      remove: ["Author\\nJane Doe has written about bridges and harbours for ten years.",
               "Author\\nJohn Roe has grown beans on his allotment since 1990."]
      keep: ["Body.", "Other body."]
"""

BOX_BODY = "The bridge opened in 1938 and still carries the traffic of the whole valley.\n"
BIO = "Author\nJane Doe has written about bridges and harbours for ten years.\n"


def _box_cleaner(tmp_path, extra=""):
    return _rules_cleaner(tmp_path, BOX_RULES.format(extra=extra))


def test_a_box_above_a_section_removed_to_the_end_goes_in_the_next_pass(tmp_path):
    # the comment section goes first; the box then ends the text
    text = BOX_BODY + "\n" + BIO + "\nComments\nNice post\nThanks, Jane\n"
    result = _box_cleaner(tmp_path).clean(text)
    assert result.text == BOX_BODY
    by_rule = {c.rule: c.text for c in result.removals}
    assert by_rule["t.section.about"] == BIO
    assert by_rule["t.section.comments"].startswith("Comments\nNice post")


def test_min_words_keeps_a_name_alone_under_the_header(tmp_path):
    byline = BOX_BODY + "\nAuthor\nJane Doe\n"
    assert _box_cleaner(tmp_path, "      min_words: 8\n").clean(byline).text == byline
    # without it the byline goes as if it were a biography
    assert _box_cleaner(tmp_path).clean(byline).text == BOX_BODY
    # a biography holds the words
    assert _box_cleaner(tmp_path, "      min_words: 8\n").clean(BOX_BODY + "\n" + BIO).text == BOX_BODY


def test_invalid_min_words_is_a_config_error(tmp_path):
    _load_error(tmp_path, BOX_RULES.format(extra="      min_words: lots\n"),
                r"r\.yml:\d+: t\.section\.about: section\.min_words")
