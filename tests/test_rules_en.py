"""Behaviour of the English and core packs beyond their per-rule examples, and
of the ``not_first_lines`` condition they rely on."""

from boilerstrip import Cleaner
from boilerstrip.rules import Conditions



def _cleaner_with(tmp_path, when: str) -> Cleaner:
    f = tmp_path / "x.yml"
    f.write_text(
        "rules:\n"
        "  - id: x.test.marker\n"
        "    kind: line\n"
        "    category: comments\n"
        "    order: 500\n"
        "    description: test\n"
        "    pattern: 'MARK'\n"
        "    flags: []\n"
        f"    when: {{{when}}}\n"
        "    examples:\n"
        "      remove: ['MARK', 'MARK']\n"
        "      keep: ['mark', 'Mark']\n",
        encoding="utf-8")
    return Cleaner(rules=[f], default_rules=False)


def test_not_first_lines_skips_the_first_n_lines(tmp_path):
    c = _cleaner_with(tmp_path, "not_first_lines: 2")
    assert c.clean("MARK\nb\nc\nMARK\n").text == "MARK\nb\nc\n"
    assert c.clean("a\nMARK\nc\n").text == "a\nMARK\nc\n"
    assert c.clean("a\n\nb\n\nMARK\n").text == "a\n\nb\n"


def test_not_first_lines_is_optional(tmp_path):
    c = _cleaner_with(tmp_path, "max_words: 3")
    assert c.clean("MARK\nb\n").text == "b\n"
    assert Conditions().not_first_lines is None


def test_comment_section_runs_to_the_end_but_not_from_the_top():
    body = ("The council approved the budget on Monday.\n\nThe vote was 7 to 2.\n\n"
            "It takes effect in May.\n\n")
    tail = "12 comments\n\nGreat piece!\n\nI disagree with the council on this one, strongly.\n"
    assert Cleaner().clean(body + tail).text == body.rstrip("\n") + "\n"
    top = "12 Comments\n\n" + body
    assert Cleaner().clean(top).text == top


def test_headline_byline_and_caption_are_kept():
    text = ("Council Approves Budget\n\nBy Jane Doe, Associated Press\n\n"
            "Councillors met on Monday. (AP Photo/John Roe)\n\n"
            "The budget passed 7 to 2 after a long debate about schools.\n\n"
            "Advertisement\n\nRelated: Mayor Unveils New Plan\n\nComments are closed.\n")
    out = Cleaner().clean(text).text
    assert out.startswith("Council Approves Budget\n\nBy Jane Doe, Associated Press\n\n"
                          "Councillors met on Monday.\n")
    for gone in ("Advertisement", "Related:", "Comments are closed", "AP Photo"):
        assert gone not in out


# ------------------------------------------------------------------ comments to the end

# an article whose sections have one-word subheadings, the first of them "Comment"
_SUBHEADED = (
    "How to get a journalist to call you back\n"
    "Most pitches fail in the first two lines. A reporter reads hundreds of them a day and "
    "keeps only the ones that offer something useful beyond the product itself.\n"
    "So start with what you can give, not with what you want.\n"
    "Here are four things to offer.\n"
    "Comment\n"
    "Offer to explain what a piece of news in your field means. Reporters need people who "
    "can give a quick and informed opinion when a story breaks late in the day.\n"
    "Briefing\n"
    "Explain a complicated topic in plain words, with numbers the reporter can check, and "
    "you become the person they call the next time the topic comes up.\n"
    "Access\n"
    "Open doors: an investor, a customer or an engineer who will talk on the record is worth "
    "more to a reporter than any press release you could send.\n"
    "Data\n"
    "Numbers you collect anyway can make a story of their own, if you share them early and "
    "explain how they were gathered and what they leave out.\n")


def test_comment_subheading_above_part_of_the_body_is_no_section_to_end():
    cleaner = Cleaner(select=["en.comments.section-to-end"])
    assert cleaner.clean(_SUBHEADED).text == _SUBHEADED


def test_comments_below_a_subheaded_article_still_go():
    thread = ("12 comments\nGreat advice, thanks for writing this.\n"
              "I tried the briefing idea last week and a reporter called me back.\n")
    cleaner = Cleaner(select=["en.comments.section-to-end"])
    assert cleaner.clean(_SUBHEADED + thread).text == _SUBHEADED
