"""The reply-tail kind (src/boilerstrip/engine/replies.py): its pure steps,
its params' checks, and the bundled rule end to end."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.engine import replies
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import parse_rule_text

BUNDLED = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
               if r.id == "core.comments.reply-tail")
CFG = replies.reply_config(BUNDLED)

ARTICLE = ("The county library will lend tools from next month: drills, ladders, a lawn mower "
           "and a pressure washer, each for up to a week. The idea came from a survey in which "
           "many readers said they own tools they use once a year. Volunteers from the repair "
           "cafe will check every tool when it comes back, and the library will publish a list "
           "of what is available on its notice board and online. Borrowing is free with a card.\n"
           "The first tools were given by a hardware shop that closed in the spring. The "
           "library hopes for more gifts and asks for tools in working order only, with "
           "their manuals where possible.\n")

REPLIES = ("What a good idea, I never use my drill.\n"
           "@Nora same here, mine is still in its box.\n"
           "Will they have a tile cutter too?\n"
           "@Piet I asked at the desk, not yet.\n"
           "-Nora\n")


def _evidence(text: str):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return replies.evidence_kinds(lines, CFG), [len(ln.split()) for ln in lines]


# ------------------------------------------------------------------ pure steps

@pytest.mark.parametrize("line,kinds", [
    ("@Nora same here, mine is still in its box.", {"mention"}),
    ("[...] a list of tool libraries near you, with opening hours [...]", {"pingback"}),
    ("[…] the best idea I have read this week […]", {"pingback"}),
    ("-Nora", {"signature"}),
    ("— Piet Jansen", {"signature"}),
    ("Hi Nora,", {"salutation"}),
    ("Piet,", {"salutation"}),
    ("Hi Nora, mine is the same make, it has lasted ten years.", {"greeting"}),
    ("Hello Piet! The mower is electric, I asked.", {"greeting"}),
    ("HELLO READERS! The library has news.", set()),  # a shout, not one person greeted
    ("Hi everyone, the library opens at ten.", set()),  # no one greeted by name
    ("Thanks for sharing!", {"reaction"}),
    ("Great post.", {"reaction"}),
    ("Great post, but I think the library should also lend sewing machines, and soon.", {"praise"}),
    ("Thank you for sharing this, I had no idea: is the mower electric?", {"praise"}),
    ("A great article in the weekend paper covered the plan.", set()),  # not an opening
    ("Thanks to the survey, the library knew what to buy.", set()),
    ("Thanks to the volunteers for the photos", set()),  # a credit, not a reaction
    ("- drills", set()),  # a list item: no capital, no name
    ("- Cordless Drill", set()),  # a hyphen and a space: a list item, not "-Name"
    ("@8 that was my question too.", {"mention"}),  # a comment's number
    ("I will bring my own ladder :)", {"emoticon"}),
    ("Open from 10:30 to 18:00 (see http://library.example/tools).", set()),
    ("However, the library keeps the right to refuse a loan.", set()),
    ("Email the desk at tools@library.example for a list.", set()),
])
def test_line_evidence(line, kinds):
    assert replies.line_evidence(line, CFG) == kinds


def test_a_run_of_dash_lines_is_a_list_not_signatures():
    evidence, _ = _evidence("- Drills\n- Ladders\n- Mowers\nText.\n-Nora\nText.\n")
    assert [sorted(k) for k in evidence] == [[], [], [], [], ["signature"], []]


def test_an_address_above_a_signature_or_a_bare_name_is_a_closing():
    evidence, _ = _evidence("Best,\n-Nora\n")
    assert evidence == [frozenset({"signature"}), frozenset({"signature"})]
    evidence, _ = _evidence("Cheers,\nNora Lind\n")
    assert evidence == [frozenset({"signature"}), frozenset()]
    evidence, _ = _evidence("Hi Nora,\nThe mower is electric.\n")
    assert evidence == [frozenset({"salutation"}), frozenset()]


def test_the_tail_starts_at_the_first_line_that_opens_a_reply():
    evidence, words = _evidence(ARTICLE + REPLIES)
    tail = replies.find_reply_tail(evidence, words, CFG)
    assert tail is not None and tail.start == 3  # the first @-line: start late
    assert tail.detail() == "reply tail of 4 lines: 2 mention, 1 signature"


def test_greetings_by_name_open_a_tail():
    text = ARTICLE + ("Hi Nora, does the library lend a tile cutter too?\n"
                      "Not yet, but they plan to buy one.\n"
                      "Hello Piet! I asked at the desk on Monday.\n")
    evidence, words = _evidence(text)
    tail = replies.find_reply_tail(evidence, words, CFG)
    assert tail is not None and tail.start == len(evidence) - 3
    assert dict(tail.counts) == {"greeting": 2}


def test_too_little_evidence_is_no_tail():
    evidence, words = _evidence(ARTICLE + "Nice.\nSame here.\nOk.\n")
    assert replies.find_reply_tail(evidence, words, CFG) is None
    # two evidence lines make a tail (min_evidence 2)
    evidence, words = _evidence(ARTICLE + "Nice.\n@Nora same here.\nOk.\n")
    assert replies.find_reply_tail(evidence, words, CFG).start == 2


def test_a_praising_opening_starts_a_tail():
    tail = ("Great post, I had no idea the library could do this.\n"
            "Would they lend a sewing machine as well?\n"
            "Thanks for sharing this, I will ask at the desk on Monday.\n")
    evidence, words = _evidence(ARTICLE + tail)
    found = replies.find_reply_tail(evidence, words, CFG)
    assert found is not None and found.start == 2  # below the article's two lines
    assert found.detail() == "reply tail of 3 lines: 2 praise"
    assert boilerstrip.clean(ARTICLE + tail, select=["core.comments.reply-tail"]).text == ARTICLE
    # one praising line alone is no tail: an author may thank a colleague once
    one = "Great post by the library staff on their own blog, worth a read.\nOpening hours are on the website.\n"
    assert boilerstrip.clean(ARTICLE + one, select=["core.comments.reply-tail"]).text == ARTICLE + one


def test_a_tail_must_reach_the_end():
    rest = "".join(f"The library's closing paragraph, line {i}, on opening hours.\n"
                   for i in range(CFG.max_tail_lines + 1))
    evidence, words = _evidence(ARTICLE + REPLIES + rest)
    assert replies.find_reply_tail(evidence, words, CFG) is None


def test_evidence_too_far_apart_is_no_tail():
    gap = "".join(f"A long comment goes on, line {i}.\n" for i in range(CFG.max_gap_lines + 1))
    text = ARTICLE + "@Nora one.\n@Piet two.\n" + gap + "@Ines three.\n"
    evidence, words = _evidence(text)
    assert replies.find_reply_tail(evidence, words, CFG) is None


def test_never_above_the_article_body():
    evidence, words = _evidence("A short note.\n" + REPLIES)
    assert replies.find_reply_tail(evidence, words, CFG) is None


def test_evidence_above_the_start_stays_with_the_article():
    # smileys in the article's last lines, one @-reply below: the tail from
    # the @-reply holds too little evidence of its own
    text = (ARTICLE + "We hope you like it :)\nSee you at the desk ;-)\n"
            + "@Nora is the mower electric?\n")
    evidence, words = _evidence(text)
    assert replies.find_reply_tail(evidence, words, CFG) is None


def test_signatures_alone_open_nothing():
    text = ARTICLE + "First comment.\n-Nora\nSecond one.\n-Piet\nThird one.\n-Ines\n"
    evidence, words = _evidence(text)
    assert replies.find_reply_tail(evidence, words, CFG) is None


# ------------------------------------------------------------------ the rule

def test_cleaner_removes_the_tail_and_reports_the_evidence():
    res = boilerstrip.clean(ARTICLE + REPLIES)
    assert res.text == ARTICLE + "What a good idea, I never use my drill.\n"
    (change,) = [c for c in res.changes if c.rule == "core.comments.reply-tail"]
    assert change.category == "comments"
    assert change.detail == "reply tail of 4 lines: 2 mention, 1 signature"


def _rule_file(params: str) -> str:
    return ("rules:\n  - id: t.replies\n    kind: reply-tail\n    category: comments\n"
            "    order: 210\n    description: test\n    params:\n" + params +
            "    examples:\n      remove: [a, b]\n      keep: [c, d]\n")


@pytest.mark.parametrize("params,message", [
    ("      min_evidence: -1\n      languages: {all: {mention: ['@']}}\n", "non-negative"),
    ("      languages: {all: {shout: [x]}}\n", "unknown evidence kind"),
    ("      languages: {all: {mention: ['(']}}\n", "invalid"),
    ("      languages: {all: {mention: ['(?:(?:(?:(?:a{100}){100}){100}){100})']}}\n",
     "nests counted repeats 4 deep"),
    ("      opens: [shout]\n      languages: {all: {mention: ['@']}}\n", "unknown kind"),
    ("      min_evidenc: 3\n      languages: {all: {mention: ['@']}}\n", "unknown param"),
    ("      min_evidence: 3\n", "languages"),
])
def test_bad_params_are_one_line_rule_errors(params, message):
    (rule,) = parse_rule_text(_rule_file(params), "t.yml")
    with pytest.raises(RuleError, match=message):
        replies.reply_config(rule)


def test_evidence_from_the_end_finds_what_marking_every_line_finds():
    """The scan from the end up gives the same tails as marking every line
    (random texts of article lines, replies, signatures, lists and smileys),
    with the bundled thresholds and with a gap shorter than the tail."""
    import dataclasses
    import random

    pool = ["A long article sentence that goes on about the library and its tools.",
            "@Nora is the mower electric?", "-Nora", "- Drills", "Hi Piet,", "Cheers,",
            "Nora Lind", "Thanks for sharing!", "We hope you like it :)", "Fine.",
            "[...] a list of tool libraries near you [...]"]
    rng = random.Random(17)
    for cfg in (CFG, dataclasses.replace(CFG, max_gap_lines=3, max_tail_lines=9)):
        for _ in range(300):
            lines = [rng.choice(pool) for _ in range(rng.randrange(1, 120))]
            words = [len(x.split()) for x in lines]
            full = replies.evidence_kinds(lines, cfg)
            lazy = replies.evidence_kinds(lines, cfg, replies.raw_tail_evidence(lines, cfg))
            assert (replies.find_reply_tail(full, words, cfg)
                    == replies.find_reply_tail(lazy, words, cfg))


def test_a_cleaner_gone_leaves_no_rule_behind():
    # the compiled params and their memo were kept in a module-level dict
    # keyed by id(rule): every Cleaner built with rules of its own grew it
    import dataclasses
    import gc
    import weakref

    from boilerstrip import Cleaner

    rule = dataclasses.replace(BUNDLED, id="mine.comments.replies")
    gone = weakref.ref(rule)
    Cleaner(default_rules=False, extra_rules=[rule]).clean("Text.\n@Anna thanks!\n")
    del rule
    gc.collect()
    assert gone() is None


def test_an_authors_handle_above_the_body_starts_no_tail():
    # page text: an author box with a bare handle above the article, the
    # article, then one reader's reply: the handle is no reply
    menu = "".join(f"Section {i} of the site menu with a few words\n" for i in range(10))
    text = menu + "@janedoe\n" + ARTICLE + ARTICLE + "@janedoe thanks, the drill library is great news.\n"
    evidence, words = _evidence(text)
    assert replies.find_reply_tail(evidence, words, CFG) is None
    loose = replies.ReplyConfig(**{**CFG.__dict__, "first_body_max_share": 1.0})
    assert replies.find_reply_tail(evidence, words, loose).start == 10  # the handle: too high
    # a real tail whose first comment is long still starts at its first evidence line
    evidence, words = _evidence(ARTICLE + ARTICLE + "Great post, I had no idea the library could do this.\n"
                                + "A long comment line about the library and its tools.\n" * 3
                                + "@Nora same here, mine is still in its box.\n")
    assert replies.find_reply_tail(evidence, words, CFG).start == 4
