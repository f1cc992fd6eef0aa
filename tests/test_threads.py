"""The comment-thread kind (src/boilerstrip/engine/threads.py): its pure steps,
its params' checks, and the bundled rule end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.engine import threads
from boilerstrip.errors import RuleError
from boilerstrip.rules.loader import parse_rule_text

BUNDLED = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
               if r.id == "core.comments.thread")
CFG = threads.thread_config(BUNDLED)

ARTICLE = ("The harbour office will move to the old customs house in May. The building has "
           "stood empty for ten years, and the city spent two years restoring its roof, its "
           "windows and the clock above the door. Fishermen welcomed the move, since the new "
           "office sits right by the quay where they land their catch every morning. The old office "
           "will become a small museum.\n")


def _record(name: str, date: str, body: str) -> str:
    return f"{name}\n{date}\n{body}\nReply\n"


THREAD = (_record("Ines", "May 2, 2012 at 7:15 am", "Good to see the old house used again.")
          + _record("Bert O.", "2 hours ago", "Where will the fish market go?")
          + _record("Kim", "May 2, 2012 at 9:40 pm", "The clock works again!"))


def _marks(text: str):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [threads.line_marks(ln, CFG) for ln in lines], [len(ln.split()) for ln in lines]


# ------------------------------------------------------------------ pure steps

@pytest.mark.parametrize("line,kinds", [
    ("3 hours ago", {"date"}),
    ("March 3, 2012 at 9:14 pm", {"stamp", "date"}),
    ("March 3, 2012", {"date"}),
    ("Reply", {"reply"}),
    ("Reply | Report | Permalink", {"reply"}),
    ("Jane Doe says:", {"says"}),
    ("Posted by: Jane Doe | March 3, 2012 at 9:14 PM", {"byline"}),
    ("12 Comments", {"header"}),
    ("+4 points", {"score"}),
    ("vor 3 Stunden", {"date"}),
    ("il y a 2 jours", {"date"}),
    ("Jane Doe", {"name"}),
    ("Tom K.", {"name"}),
    ("3. Posted March 3, 2012 at 9:14 pm", {"stamp", "date"}),  # a numbered comment list
    ("o 2 hours ago", {"date"}),                                # a nested list's bullet
    ("March 3, 2012, | Permalink", {"date", "reply"}),           # parts joined by "|"
    ("Jane Doe | Permalink", {"name"}),                          # a part that is no marker
    ("The clock works again!", set()),
    ("The council approved the budget on Monday after a long debate about the harbour and the roads.", set()),
])
def test_line_marks(line, kinds):
    assert threads.line_marks(line, CFG) == kinds


@pytest.mark.parametrize("line", ["* 45 Comments", "1. 12 Comments", "o 3 Comments posted"])
def test_a_bulleted_count_is_no_header(line):
    # a page's toolbar lists "* 45 Comments" above the article: heading the
    # thread from there would take the article below it
    assert "header" not in threads.line_marks(line, CFG)
    assert threads.line_marks(line.split(" ", 1)[1], CFG) == {"header"}


def test_clusters_group_marker_lines_and_skip_lone_names():
    marks = [frozenset({"name"}), frozenset({"date"}), frozenset(), frozenset({"name"}),
             frozenset(), frozenset({"reply"})]
    assert threads.clusters(marks) == [(0, 1, frozenset({"name", "date"})),
                                       (5, 5, frozenset({"reply"}))]


@pytest.mark.parametrize("kinds,record", [
    ({"date"}, False), ({"name"}, False), ({"date", "name"}, True), ({"reply"}, True),
    ({"says"}, True), ({"date", "score"}, True), ({"header"}, False), ({"stamp"}, True),
])
def test_is_record(kinds, record):
    assert threads.is_record(frozenset(kinds)) is record


def test_thread_starts_at_the_first_record_and_gives_its_evidence():
    marks, words = _marks(ARTICLE + THREAD)
    thread = threads.find_thread(marks, words, CFG)
    assert thread is not None and thread.start == 1
    assert thread.detail() == "thread of 3 records: name/date+time/reply"


def test_count_header_just_above_goes_with_the_thread():
    marks, words = _marks(ARTICLE + "3 comments\n" + THREAD)
    assert threads.find_thread(marks, words, CFG).start == 1


def test_a_thread_must_reach_the_end():
    tail = "".join(f"A closing paragraph of the article, number {i}, about the harbour.\n"
                   for i in range(CFG.max_tail_lines + 1))
    marks, words = _marks(ARTICLE + THREAD + tail)
    assert threads.find_thread(marks, words, CFG) is None


def test_records_too_far_apart_are_no_thread():
    body = "".join(f"Line {i} of a long comment that goes on.\n" for i in range(CFG.max_gap_lines + 1))
    text = (ARTICLE + _record("Ines", "May 2, 2012", "Hello.") + body
            + _record("Kim", "May 3, 2012", "Hi."))
    marks, words = _marks(text)
    assert threads.find_thread(marks, words, CFG) is None  # one record after the gap
    marks, words = _marks(text + _record("Bo", "May 4, 2012", "Hey."))
    assert threads.find_thread(marks, words, CFG).records == 2  # two make a thread


def test_never_above_the_article_body():
    marks, words = _marks("A short intro line.\n" + THREAD)
    assert threads.find_thread(marks, words, CFG) is None


# ------------------------------------------------------------------ the rule

def test_cleaner_removes_the_thread_and_reports_the_evidence():
    res = boilerstrip.clean(ARTICLE + THREAD)
    assert res.text == ARTICLE
    (change,) = [c for c in res.changes if c.rule == "core.comments.thread"]
    assert change.category == "comments" and change.detail == "thread of 3 records: name/date+time/reply"


def test_comments_can_be_ignored():
    assert boilerstrip.clean(ARTICLE + THREAD, ignore=["comments"]).text == ARTICLE + THREAD


def _rule_file(params: str) -> str:
    return ("rules:\n  - id: t.thread\n    kind: comment-thread\n    category: comments\n"
            "    order: 200\n    description: test\n    params:\n" + params +
            "    examples:\n      remove: [a, b]\n      keep: [c, d]\n")


@pytest.mark.parametrize("params,message", [
    ("      min_records: -1\n      languages: {en: {reply: [reply]}}\n", "non-negative"),
    ("      languages: {en: {shout: [x]}}\n", "unknown marker kind"),
    ("      languages: {en: {reply: ['(']}}\n", "invalid"),
    # bounded before anything is compiled: this one would take gigabytes
    ("      languages: {en: {reply: ['(?:(?:(?:(?:a{100}){100}){100}){100})']}}\n",
     "nests counted repeats 4 deep"),
    ("      min_record: 3\n      languages: {en: {reply: [reply]}}\n", "unknown param"),
    ("      min_records: 3\n", "languages"),
])
def test_bad_params_are_one_line_rule_errors(params, message):
    (rule,) = parse_rule_text(_rule_file(params), "t.yml")
    with pytest.raises(RuleError, match=message):
        threads.thread_config(rule)


def test_a_comment_with_markers_above_and_below_counts_once():
    blocks = [frozenset({"name", "date"}), frozenset({"reply", "name", "date"}), frozenset({"reply"})]
    assert threads.record_count(blocks) == 2
    assert threads.record_count([frozenset({"date"})] * 5) == 0  # a dated diary


def test_the_guard_counts_the_words_outside_a_thread():
    # a long thread under a short article: more than 80% of the words go, but they
    # are all the thread's; the article is what the guard protects
    long_thread = THREAD * 8
    res = boilerstrip.clean(ARTICLE + long_thread)
    assert res.status == "cleaned" and res.text == ARTICLE
    assert res.removed_share == 0.0


def test_a_count_header_heads_a_thread_of_bodies_alone():
    bodies = "Lovely post.\nI tried this last year and it worked well for us.\nThanks!\n"
    long_article = ARTICLE + ARTICLE.replace("harbour", "river")
    res = boilerstrip.clean(long_article + "14 Comments\n" + bodies, select=["core.comments.thread"])
    assert res.text == long_article
    assert res.changes[0].detail == "thread of 14 comments under a count header"
    # the same header above too little article (a byline's counter) cuts nothing
    short = "Harbour office moves\nBy Jane Doe\n14 Comments\n" + bodies
    assert boilerstrip.clean(short, select=["core.comments.thread"]).text == short


def test_the_posts_own_footer_above_the_comments_header_stays():
    footer = "Posted by Jane on May 2, 2012 at 8:00 am | Permalink\nComments\n"
    res = boilerstrip.clean(ARTICLE + footer + THREAD, select=["core.comments.thread"])
    assert res.text == ARTICLE + "Posted by Jane on May 2, 2012 at 8:00 am | Permalink\n"


def test_tail_marks_find_what_marking_every_line_finds():
    """The lazy scan from the end gives the same threads as marking every line
    (random texts of article lines, names, dates, replies, headers and bodies)."""
    import random

    pool = ["A long article sentence that goes on about the harbour and the boats there.",
            "Jane Doe", "March 3, 2012 at 9:14 pm", "March 3, 2012", "Reply", "12 Comments",
            "Nice.", "Tom says:", "Posted by: Ann | May 2, 2012", "I agree with this."]
    rng = random.Random(17)
    for _ in range(300):
        lines = [rng.choice(pool) for _ in range(rng.randrange(1, 80))]
        words = [len(x.split()) for x in lines]
        full = [threads.line_marks(x, CFG) for x in lines]
        lazy = threads.tail_marks(lines, CFG)
        assert threads.find_thread(full, words, CFG) == threads.find_thread(lazy, words, CFG)
        assert (threads.find_headed_thread(full, lines, words, CFG)
                == threads.find_headed_thread(lazy, lines, words, CFG))


def test_a_cleaner_gone_leaves_no_rule_behind():
    # the compiled params and their memo were kept in a module-level dict keyed
    # by id(rule): every Cleaner built with rules of its own kept them for good
    import dataclasses
    import gc
    import weakref

    rule = dataclasses.replace(BUNDLED, id="mine.comments.thread")
    gone = weakref.ref(rule)
    boilerstrip.Cleaner(default_rules=False, extra_rules=[rule]).clean("Text.\nReply\n")
    del rule
    gc.collect()
    assert gone() is None


# ------------------------------------------------------------------ never above the article body

_HEAD = ("Winter ferry timetable\n"
         "The winter timetable has fewer crossings on weekdays but two more evening boats on "
         "Fridays, when most visitors arrive. The harbour office says the change follows a survey "
         "of two thousand passengers, most of whom asked for later boats rather than earlier ones, "
         "and the council agreed to it on Tuesday after a long debate about crews and fuel.\n")
_BODY = "".join(f"Paragraph {i} of the article gives one more detail of the new timetable and its prices.\n"
                for i in range(6))


def test_a_byline_record_above_the_body_does_not_start_the_thread():
    byline = "Posted by Jane Doe on May 2, 2012 at 8:00 am\n"
    text = _HEAD + byline + _BODY + THREAD
    marks, words = _marks(text)
    thread = threads.find_thread(marks, words, CFG)
    assert thread is not None and thread.start == len(marks) - 12  # at "Ines", not the byline
    res = boilerstrip.clean(text, select=["core.comments.thread"])
    assert res.text == _HEAD + byline + _BODY
    # without the guard the byline record joins the run and the article goes with the thread
    loose = threads.ThreadConfig(**{**CFG.__dict__, "first_body_max_share": 1.0})
    assert threads.find_thread(marks, words, loose).start == 2


def test_a_counter_beside_the_byline_heads_no_thread():
    head = _HEAD + ("Crews will be hired in the autumn, and the old ticket office on the quay opens "
                    "again on Friday evenings, so that late passengers can buy their tickets before "
                    "they board instead of paying the higher price on the boat.\n")
    body = _BODY + _BODY.replace("Paragraph", "Section")
    text = head + "1 Comment\n" + body + "What a relief for the late shift.\n"
    marks, words = _marks(text)
    contents = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert threads.find_headed_thread(marks, contents, words, CFG) is None
    off = threads.ThreadConfig(**{**CFG.__dict__, "count_words_above": 0})
    assert threads.find_headed_thread(marks, contents, words, off).start == 3
    assert boilerstrip.clean(text).text.startswith(head + "1 Comment\n" + body)


# ------------------------------------------------------------------ the memos of tail_marks

def _tail_marks_plainly(contents, cfg):
    """:func:`threads.tail_marks` without its memos: every line near the end
    is marked, and above the records every line of at most ``marker_max_words``
    words asks the header pattern."""
    n = len(contents)
    marks = [threads._NONE] * n
    header = dict(cfg.markers).get("header")
    quiet, full = 0, True
    for i in range(n - 1, -1, -1):
        from_end = n - 1 - i
        if full:
            marks[i] = threads.line_marks(contents[i], cfg)
            quiet = 0 if marks[i] else quiet + 1
            full = quiet <= cfg.max_gap_lines + cfg.header_lookback + 1 \
                or from_end <= cfg.max_tail_lines
        elif from_end > cfg.max_headed_lines + 1 or header is None:
            break
        elif len(contents[i].split()) <= cfg.marker_max_words \
                and threads._matches(header, contents[i]):
            marks[i] = frozenset({"header"})
    return marks


_POOL = ["A long article sentence that goes on about the harbour and the boats there.",
         "Jane Doe", "March 3, 2012 at 9:14 pm", "Reply", "12 Comments", "COMMENTS",
         "3 Kommentare", "2 réactions", "Nice.", "Tom says:", "Discussion (4):",
         "Comment policy: be kind to each other here, please.", "Leave a comment",
         "one response to this post", "A short heading", "Diskussion", "x" * 300]
# mostly body lines: stretches without markers, so that the scan reaches the region
# above the records, where only count headers are looked for
_PROSE = "The council met again on Tuesday and agreed to keep the library open all summer."


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_POOL + [_PROSE] * 200), min_size=1, max_size=120),
       st.integers(min_value=0, max_value=60))
def test_tail_marks_with_memos_equal_asking_every_line(lines, headed):
    cfg = dataclasses.replace(CFG, max_headed_lines=headed)
    memo: dict = {}
    headers: dict = {}
    plain = _tail_marks_plainly(lines, cfg)
    assert threads.tail_marks(lines, cfg) == plain
    assert threads.tail_marks(lines, cfg, memo, headers) == plain  # filling the memos
    assert threads.tail_marks(lines, cfg, memo, headers) == plain  # answered from them


CORPUS = sorted(Path(__file__).resolve().parent.parent.glob("bench/data/*/*/*.txt"))


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_tail_marks_with_memos_equal_asking_every_line_on_the_corpora():
    memo: dict = {}
    headers: dict = {}
    for f in CORPUS:
        lines = [ln.strip() for ln in f.read_text("utf-8").split("\n") if ln.strip()]
        plain = _tail_marks_plainly(lines, CFG)
        assert threads.tail_marks(lines, CFG, memo, headers) == plain, f.name
        assert threads.tail_marks(lines, CFG, memo, headers) == plain, f.name
    assert any(headers.values())  # count headers were found above the records


def test_a_text_that_is_only_a_thread_goes_whole():
    # an extractor that kept the comment list instead of the article
    text = "".join(f"{n}. {_record(name, date, body)}" for n, (name, date, body) in enumerate([
        ("Ines", "May 2, 2012 at 7:15 am", "Good to see the old house used again."),
        ("Bert O.", "May 2, 2012 at 8:01 am", "Where will the fish market go?"),
        ("Kim", "May 2, 2012 at 9:40 pm", "The clock works again, after all these years!")], 1))
    marks, words = _marks(text)
    found = threads.find_thread(marks, words, CFG)
    assert found is not None and found.start == 0 and found.records == 3
    result = boilerstrip.clean(text)
    assert result.text.strip() == "" and result.status == "cleaned"


def test_a_post_whose_byline_tops_a_short_article_is_not_all_thread():
    # "Posted by ... | Permalink" above a short post, then its comments: the
    # post's body is longer than any comment, so the text is not all thread
    post = ("Posted by Jane Doe on May 1, 2012 at 6:00 am | Permalink\n"
            "The harbour office moves to the old customs house in May, after two years of "
            "work on its roof and windows. Fishermen welcomed the move.\n")
    marks, words = _marks(post + THREAD)
    assert threads.find_thread(marks, words, CFG) is None
    assert boilerstrip.clean(post + THREAD).text.startswith(post)


def test_two_records_alone_are_not_all_thread():
    text = (_record("Ines", "May 2, 2012 at 7:15 am", "Good to see the old house used again.")
            + _record("Kim", "May 2, 2012 at 9:40 pm", "The clock works again!"))
    marks, words = _marks(text)
    assert threads.find_thread(marks, words, CFG) is None
