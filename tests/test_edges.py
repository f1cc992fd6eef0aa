"""The edge-block kind (engine/edges.py): headline and teaser rails at the
edges of extractor output, found by their shape and their word overlap with
the body, with the evidence in the report."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.engine import edges
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import parse_rule_text

BODY = ("The council voted on Tuesday to close the old harbour bridge to cars from next "
        "spring, after engineers found that its steel supports had corroded faster than "
        "expected.\n"
        "Cyclists and pedestrians will still be able to cross while repairs go ahead. The "
        "repairs are expected to take two years and to cost the town about four million "
        "pounds, most of it from a regional fund for ageing infrastructure.\n"
        "Shop owners on the quay fear that the closure will keep visitors away during the "
        "summer season, and asked the council to run a free shuttle bus.\n"
        "The council will decide on the shuttle at its next meeting in March.\n")
HEAD = "Harbour bridge to close to cars\nBy Ann Smith\n"
RAIL = ("Gardening Club Celebrates Its Prize Marrow\nLocal Choir Heads to National Final\n"
        "Why Everyone Is Talking About Sourdough Again\n")
TEASERS = "Paint a winter sky with soft...\nGrow tomatoes on a balcony\nBuild a wooden bird feeder in an...\n"
RULE = "core.edge.headline-rail"


def _cfg(**changes) -> edges.EdgeConfig:
    rule = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir()) if r.id == RULE)
    cfg = edges.edge_config(rule)
    return cfg.__class__(**{**cfg.__dict__, **changes})


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.splitlines() if x.strip()]


def test_a_headline_rail_after_the_body_goes_with_its_evidence():
    res = boilerstrip.clean(HEAD + BODY + RAIL, select=[RULE])
    assert res.text == HEAD + BODY
    (change,) = res.changes
    assert change.detail == "end block of 3 headline-like lines, 0.00 word overlap with body"


def test_a_teaser_rail_above_the_headline_goes_and_the_headline_stays():
    res = boilerstrip.clean(TEASERS + HEAD + BODY, select=[RULE])
    assert res.text == HEAD + BODY
    assert res.changes[0].detail.startswith("start block of 3 teaser lines (2 cut off)")


@pytest.mark.parametrize("tail", [
    "Summing up the harbour bridge repairs\nCouncil shuttle bus for the quay\nCyclists cross the bridge\n",
    "Tour dates\nMarch 3 Leeds\nMarch 5 Glasgow\nMarch 8 Bristol\n",
    "Only two lines\nOf other headlines here\n",
])
def test_what_stays_at_the_end(tail):
    # overlapping words, digits, or too few lines
    assert boilerstrip.clean(HEAD + BODY + tail, select=[RULE]).text == HEAD + BODY + tail


def test_a_list_the_body_introduces_stays():
    body = BODY.rstrip("\n").rstrip(".") + ", and it named the stops:\n"
    assert edges.end_block(_lines(body + RAIL), _cfg()) is None


def test_too_little_body_to_judge_by():
    short = "The bridge closes next spring, the council said on Tuesday evening at last.\n"
    assert edges.end_block(_lines(short + RAIL), _cfg()) is None
    assert edges.end_block(_lines(short + RAIL), _cfg(min_body_words=5)) is not None


def test_teasers_need_their_ellipses():
    plain = "Paint a winter sky\nBuild a bird feeder\nKnit a scarf\n"
    assert edges.start_block(_lines(plain + HEAD + BODY), _cfg()) is None


def test_overlap_counts_content_words_only():
    cfg = _cfg()
    assert edges.overlap(["The bridge and the quay"], ["A bridge over a river"], cfg) == 0.5
    assert edges.overlap(["and the of"], ["bridge"], cfg) is None


def _rule_file(params: str) -> str:
    return ("rules:\n  - id: t.edge\n    kind: edge-block\n    category: related-links\n"
            "    order: 990\n    description: test\n    params:\n" + params +
            "    examples:\n      remove: [a, b]\n      keep: [c, d]\n")


@pytest.mark.parametrize("params,message", [
    ("      min_lines: -1\n", "non-negative"),
    ("      max_overlap: 1.5\n", "share between 0 and 1"),
    ("      ends: [middle]\n", "'start', 'end', 'dated' and/or 'whole'"),
    ("      ends: 5\n", "'start', 'end', 'dated' and/or 'whole'"),  # was a TypeError traceback
    ("      ends: [dated]\n", "needs date patterns"),
    ("      ends: [dated]\n      languages: {en: {date: ['(unclosed']}}\n", "invalid"),
    ("      ends: [dated]\n      languages: {en: {dated: ['x']}}\n", "unknown line kind"),
    ("      min_line: 3\n", "unknown param"),
    ("      stopwords: [the]\n", "stopwords"),
])
def test_bad_params_are_one_line_rule_errors(params, message):
    (rule,) = parse_rule_text(_rule_file(params), "t.yml")
    with pytest.raises(RuleError, match=message):
        edges.edge_config(rule)


def test_a_sign_off_of_single_words_stays():
    sign_off = "Warm wishes\nAnna\nLike\n"
    assert edges.end_block(_lines(HEAD + BODY + sign_off), _cfg()) is None
    assert edges.end_block(_lines(HEAD + BODY + sign_off), _cfg(min_mean_words=1)) is not None


def test_a_cleaner_gone_leaves_no_rule_behind():
    # the checked params were kept in a module-level dict keyed by id(rule):
    # every Cleaner built with rules of its own grew it, for good
    import dataclasses
    import gc
    import weakref

    bundled = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
                   if r.id == RULE)
    rule = dataclasses.replace(bundled, id="mine.edge.rail")
    gone = weakref.ref(rule)
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=[rule])
    assert cleaner.clean(HEAD + BODY + RAIL).text == HEAD + BODY  # it ran
    del cleaner, rule
    gc.collect()
    assert gone() is None


DATED = "core.edge.dated-teasers"
LONG_BODY = BODY + ("The tourist office expects about twenty thousand visitors during the first "
                    "month of the new season.\n")
TEASER_DATES = ("May 14\nOur favourite hiking boots for wet spring trails.\n"
                "May 9\nWhy batteries drain faster in the cold.\n"
                "May 2\nFive ways to keep basil alive on a windowsill.\n")


def test_a_list_of_dated_teasers_at_the_end_goes_with_its_evidence():
    res = boilerstrip.clean(HEAD + LONG_BODY + TEASER_DATES, select=[DATED])
    assert res.text == HEAD + LONG_BODY
    (change,) = res.changes
    assert change.detail.startswith("end block of 3 dated teasers, ")


def test_dated_entries_of_article_length_stay():
    entry = ("The storm reached the coast in the night and kept the ferries in port for the "
             "whole day, while volunteers filled sandbags along the quay and the harbour "
             "master closed the outer pier to walkers and anglers until the wind dropped again "
             "late on the following evening.\n")
    text = HEAD + LONG_BODY + "May 14\n" + entry + "May 9\n" + entry + "May 2\n" + entry
    assert boilerstrip.clean(text, select=[DATED]).text == text


def test_a_text_of_teasers_alone_goes_whole_with_its_evidence():
    pairs = ("Ten years of the harbour festival\nWe look back at a decade of boats and bands on the quay.\n"
             "The baker who wakes at three\nA day in the life of the man behind the town's rye loaf.\n"
             "Inside the new library\nOur first walk through the reading rooms before the doors open.\n"
             "A new bus line for the valley\nThe villages above the dam get a direct link to the station.\n")
    res = boilerstrip.clean(pairs, select=["core.edge.teaser-list"])
    assert res.text == ""
    assert res.changes[0].detail == "the whole text is 4 teasers: headline, one-sentence teaser"
    # the same pairs under an article's body are not the whole text
    assert boilerstrip.clean(HEAD + BODY + pairs, select=["core.edge.teaser-list"]).text \
        == HEAD + BODY + pairs


CLOSING = ("We look forward to reading all of your letters!\n"
           "Posted by Jane Doe, Editor of the Weekly Gazette\nPermalink\n")


def test_a_closing_exclamation_with_byline_and_permalink_stays():
    # the body's last sentence ends in "!": with the test switched off the
    # three lines read as a rail of headlines, with it they stay
    assert boilerstrip.clean(HEAD + BODY + CLOSING, select=[RULE]).text == HEAD + BODY + CLOSING
    cfg = _cfg(exclaim_prose_min_words=0)
    assert edges.end_block(_lines(HEAD + BODY + CLOSING), cfg) is not None


@pytest.mark.parametrize("line, sentence", [
    ("We look forward to reading all of your letters!", True),
    ("So glad you all came out in the rain!\u201d", True),      # a closing quote looked through
    ("I think you will love it!", True),                    # one letter alone is no capital
    ("Good Night and Good Luck!", False),                   # title case: a headline
    ("Pop star sheds his kilos and his self-doubt Tonight!", False),  # a capitalised word
    ("It works fine!!!", False),                            # too short to be sure
    ("What is the duplicate article for you?", False),      # questions stay headlines
    ("we look forward to reading all of your letters", False),  # no "!"
])
def test_an_exclaimed_sentence_is_no_headline(line, sentence):
    cfg = _cfg()
    assert edges.is_exclaimed_sentence(line, cfg.exclaim_prose_min_words) is sentence
    assert edges.is_headline_like(line, cfg) is (not sentence)
    assert not edges.is_exclaimed_sentence(line, 0)


def test_a_byline_inside_a_rail_stays_and_the_rail_goes():
    byline = "Posted by Ann Smith, Transport Reporter\n"
    res = boilerstrip.clean(HEAD + BODY + byline + RAIL, select=[RULE])
    assert res.text == HEAD + BODY + byline
    # a byline between rail lines splits the removal in two
    res = boilerstrip.clean(HEAD + BODY + RAIL + "By Tom Jones\n" + RAIL, select=[RULE])
    assert res.text == HEAD + BODY + "By Tom Jones\n"
    assert len(res.changes) == 2


@pytest.mark.parametrize("line, byline", [
    ("Posted by Ann Smith, Transport Reporter", True),
    ("By Ann B. Smith", True),
    ("Posted By: Ann Smith", True),
    ("Written by Ann Smith at 9:15 AM", True),
    ("Von Erika Muster, Redaktion Stadt", True),
    ("Autorin: Erika Muster", True),
    ("By The Numbers: Ten Facts About Bridges", False),  # a headline: more than a name
    ("Von wegen Ruhe: Der Streit um die Brücke geht weiter", False),  # German "von wegen"
    ("by the river we sat down", False),                # no capitalised name
    ("Gardening Club Celebrates Its Prize Marrow", False),
])
def test_what_reads_as_a_byline(line, byline):
    assert edges._is_byline(line, _cfg()) is byline
