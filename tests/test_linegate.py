"""The line gates of the comment-thread and reply-tail detectors
(src/boilerstrip/engine/linegate.py): a kind a gate leaves out must be one
whose patterns do not match, on every line of the bundled corpora, on
generated lines, and by what case folding does to every character."""

from __future__ import annotations

import dataclasses
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.engine import edges, replies, threads
from boilerstrip.engine.linegate import (KindGate, OpenGate, _fold_stable, last_chars_for,
                                         prefixes_for)

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
RULES = {r.id: r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())}
THREAD = threads.thread_config(RULES["core.comments.thread"])
REPLY = replies.reply_config(RULES["core.comments.reply-tail"])
# the same configs without gates: every regex call made, as before there were any
THREAD_OPEN = dataclasses.replace(THREAD, gate=None, header_gate=None)
REPLY_OPEN = dataclasses.replace(REPLY, gate=None)
HEADER = dict(THREAD.markers)["header"]
EDGE = edges.edge_config(RULES["core.edge.dated-teasers"])
EDGE_OPEN = dataclasses.replace(EDGE, date_gate=None)


def corpus_files(full_size: bool) -> list[Path]:
    """The documents of the bundled corpora: the extractor renderings, and
    the page renderings too under --slow (they double the time)."""
    files = sorted(DATA.glob("*/*/*.txt" if full_size else "*/extract-*/*.txt"))
    assert len(files) > 1000, "the bundled corpora are missing"
    return files


@lru_cache(maxsize=2)
def corpus_lines(full_size: bool) -> tuple[str, ...]:
    """Every distinct stripped non-blank line of the corpus files."""
    seen: dict[str, None] = {}
    for f in corpus_files(full_size):
        for line in f.read_bytes().decode("utf-8").split("\n"):
            if line.strip():
                seen[line.strip()] = None
    return tuple(seen)


def _thread_parts(line: str) -> list[str]:
    """The texts line_marks hands to the marker patterns: the line, the line
    without a list bullet, the parts between separators."""
    parts = [line]
    item = threads._LIST_ITEM.match(line)
    if item:
        parts.append(line[item.end():])
    if threads._SEPARATOR.search(line):
        parts += [p.strip(" ,;:") for p in threads._SEPARATOR.split(line)]
    return parts


def _same_thread_verdicts(line: str) -> None:
    assert threads.line_marks(line, THREAD) == threads.line_marks(line, THREAD_OPEN), line
    for part in _thread_parts(line):
        assert threads._marker_kinds(part, THREAD) == threads._marker_kinds(part, THREAD_OPEN), part
        if not (THREAD.header_gate.any_passing(part) and THREAD.header_gate.may_hold(part)):
            assert not threads._matches(HEADER, part), part


@pytest.mark.slow
def test_thread_gate_changes_no_marker_on_the_corpora(full_size):
    lines = [ln for ln in corpus_lines(full_size) if len(ln.split()) <= THREAD.marker_max_words]
    shut = 0
    for line in lines:
        _same_thread_verdicts(line)
        shut += not THREAD.gate.any_passing(line)
    assert shut > 0.8 * len(lines)  # the gate spares most regex calls, or it is no use


@pytest.mark.slow
def test_reply_gate_changes_no_evidence_on_the_corpora(full_size):
    lines = corpus_lines(full_size)
    shut = 0
    for line in lines:
        assert replies.line_evidence(line, REPLY) == replies.line_evidence(line, REPLY_OPEN), line
        shut += len(REPLY.gate.passing(line)) <= 2
    assert shut > 0.8 * len(lines)


@pytest.mark.slow
def test_gated_detectors_find_the_same_on_every_corpus_document(full_size):
    from boilerstrip.document import Draft

    rule_t, rule_r = RULES["core.comments.thread"], RULES["core.comments.reply-tail"]
    found = 0
    for f in corpus_files(full_size):
        draft = Draft(f.read_bytes().decode("utf-8"))
        contents = [ln.content for ln in draft.lines if ln.content]
        assert threads.tail_marks(contents, THREAD) == threads.tail_marks(contents, THREAD_OPEN)
        got = [threads.comment_thread([threads.CompiledThread(rule_t, cfg, {})], draft)
               for cfg in (THREAD, THREAD_OPEN)]
        assert got[0] == got[1], f
        got += [replies.reply_tail([replies.CompiledReplyTail(rule_r, cfg, {})], draft)
                for cfg in (REPLY, REPLY_OPEN)]
        assert got[2] == got[3], f
        found += bool(got[0]) + bool(got[2])
    assert found > 20  # the corpora hold threads and tails: the comparison saw some


@pytest.mark.slow
def test_date_gate_changes_no_date_line_and_no_dated_block_on_the_corpora(full_size):
    assert EDGE.date_gate is not None
    lines = [ln for ln in corpus_lines(full_size) if len(ln.split()) <= EDGE.item_max_words]
    shut = 0
    for line in lines:
        assert edges._is_date(line, EDGE) == edges._is_date(line, EDGE_OPEN), line
        shut += not EDGE.date_gate.any_passing(line)
    assert shut > 0.5 * len(lines)
    from boilerstrip.document import Draft

    found = 0
    for f in corpus_files(full_size):
        contents = [ln.content for ln in Draft(f.read_bytes().decode("utf-8")).lines if ln.content]
        got = edges.dated_block(contents, EDGE)
        assert got == edges.dated_block(contents, EDGE_OPEN), f
        found += got is not None
    assert found  # the corpora hold dated lists: the comparison saw some


def _unscreened(gate: KindGate) -> KindGate:
    """GATE without its screens (every candidate's tests run on every line)."""
    import copy

    out = copy.copy(gate)
    out._screens = dict.fromkeys([*gate._by_first, ""])
    return out


@pytest.mark.slow
def test_screens_change_no_gate_verdict_on_the_corpora(full_size):
    for gate in (THREAD.gate, THREAD.header_gate, REPLY.gate, EDGE.date_gate):
        plain = _unscreened(gate)
        shut = 0
        for line in corpus_lines(full_size):
            got = gate.passing(line)
            assert got == plain.passing(line), line
            shut += not got
        assert shut > len(corpus_lines(full_size)) // 4


def test_a_screen_rules_out_a_line_without_any_first_requirement():
    gate = KindGate([("date", [r"(?i)(?:jan|feb)\w* \d+", r"\d+ days? ago"], "full"),
                     ("reply", [r"(?i)reply"], "full")])
    for line in ["Jan 3", "3 days ago", "REPLY", "12 things", "Reply to Jan", "İt replies"]:
        assert gate.passing(line) == _unscreened(gate).passing(line), line
    assert gate.passing("12 things") == frozenset() and gate.passing("REPLY") == {"reply"}
    assert gate._screens["1"].search("12 things") is None  # the screen said no


# pieces of marker and evidence lines, and characters that case folding
# turns into others (Kelvin sign, long s, dotted I, sharp s, ligatures)
_PIECES = ["says:", "said", "Reply", "REPLY", "Report", "Permalink", "Like", "March", "Mar.",
           "3,", "2012", "at", "9:14", "pm", "PM", "2 hours ago", "vor 3 Stunden", "il y a",
           "hace", "12", "Comments", "Kommentare", "réponses", "Posted by", "by", "on",
           "Monday", "|", "/", "·", "•", "@anna", "@", "[...]", "[…]", "-Lena", "— Lena",
           "~Jo", "Hi Ruth,", ",", ":)", ";-)", "xD", "XD", "<3", "^^", "=P", "Thanks", "THANKS",
           "Great post", "Nice", "Danke", "merci", "gracias", "+1", "-1", "5 points", "votes",
           "K", "ſ", "İ", "İn reply to", "ß", "ﬁ", "Σ", "é", "É", "1.", "*", "-", "a", "Jane Doe", "Tom K.",
           ".", "!", "?", "’", "\u00a0", "\u2009", "March 14", "Tue", "updated", "8:15 AM",
           "12/03/2012", "14. März 2012", "am 3.", "Sept."]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), min_size=1, max_size=8),
       st.sampled_from([" ", "", "  ", "\t", " | ", ", "]))
def test_gates_change_nothing_on_generated_lines(pieces, sep):
    line = sep.join(pieces).strip()
    if not line:
        return
    _same_thread_verdicts(line)
    assert replies.line_evidence(line, REPLY) == replies.line_evidence(line, REPLY_OPEN)
    assert edges._is_date(line, EDGE) == edges._is_date(line, EDGE_OPEN)
    for gate in (THREAD.gate, REPLY.gate, EDGE.date_gate):
        assert gate.passing(line) == _unscreened(gate).passing(line), line


_ARTICLE = ("The harbour festival returns this summer with boat races, a night market and "
            "music on the quay every evening, and the town expects more visitors than ever.")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map(" ".join),
                min_size=1, max_size=14))
def test_gated_detectors_find_the_same_on_generated_texts(lines):
    from boilerstrip.document import Draft

    draft = Draft("\n".join([_ARTICLE] * 3 + lines) + "\n")
    rule_t, rule_r = RULES["core.comments.thread"], RULES["core.comments.reply-tail"]
    assert (threads.comment_thread([threads.CompiledThread(rule_t, THREAD, {})], draft)
            == threads.comment_thread([threads.CompiledThread(rule_t, THREAD_OPEN, {})], draft))
    assert (replies.reply_tail([replies.CompiledReplyTail(rule_r, REPLY, {})], draft)
            == replies.reply_tail([replies.CompiledReplyTail(rule_r, REPLY_OPEN, {})], draft))
    contents = [ln.content for ln in draft.lines if ln.content]
    assert edges.dated_block(contents, EDGE) == edges.dated_block(contents, EDGE_OPEN)


def test_case_folding_keeps_what_the_gates_look_for_unfolded():
    # what _fold_stable relies on: no character folds to nothing, and no
    # character but itself folds to (or into) an ASCII symbol or digit
    stable = {chr(c) for c in range(128) if _fold_stable(chr(c))}
    assert stable >= set("@[],:;=<^~-0123456789|/") and not stable & set("aZ")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        folded = ch.casefold()
        assert folded, hex(code)
        if ch in stable:
            assert folded == ch, hex(code)
        else:
            assert not set(folded) & stable, hex(code)


def test_gate_modes():
    gate = KindGate([("mention", [r"@\w+"], "start"), ("smiley", [r":\)"], "search"),
                     ("name", [r"(?i)(?:anna|bert)\s\w\."], "full")])
    assert gate.passing("@anna hi") == {"mention"}
    assert gate.passing("hi @anna") == frozenset()    # start: a line that starts otherwise
    assert gate.passing("fine :)") == {"smiley"}      # search: anywhere in the line
    assert gate.passing("Anna K.") == {"name"}
    assert gate.passing("BERT K.") == {"name"}        # case folded
    assert gate.passing("x Anna K.") == frozenset()   # full: from the first character
    assert not gate.any_passing("!!!") and gate.any_passing("Anna K.")


def test_last_characters_of_patterns_that_end_at_the_line_end():
    assert last_chars_for(r"(?:hi\s+)?\p{Lu}\w{1,20}\s*,\s*$", (), "start") >= {",", " "}
    assert "a" not in last_chars_for(r"\w+,\s*$", (), "start")
    assert last_chars_for(r"ab[cD]", (), "full") == {"c", "d"}   # lower-cased
    assert last_chars_for(r"abc\Z", (), "search") == {"c"}
    assert last_chars_for(r"(?:a|b)$", (), "start") == {"a", "b"}  # Python reads it as [ab]
    # unknown: a match may end before the line's end, or with anything
    for pattern, mode in [(r"abc", "start"), (r"abc", "search"), (r"a\b", "full"), (r"a.", "full"),
                          (r"(?m)a$", "start"), (r"a…$", "start"), (r"\s*$", "start"),
                          (r"(?:ab|cd)$", "start")]:
        assert last_chars_for(pattern, (), mode) is None, pattern
    assert last_chars_for(r"a$", ("multiline",), "start") is None


@pytest.mark.parametrize("pattern, prefixes, matches", [
    (r"(?i)(?:Great|nice) post", ("great", "nice"), ["GREAT post", "Nice post"]),
    (r"posted by:?\s+\w+", ("posted by",), ["posted by: Jo"]),
    (r"^(?=x)xyz", ("xyz",), ["xyz"]),                 # anchors and lookarounds take nothing
    (r"(?:re|un)+x", ("re", "un"), ["unrex", "rex"]),  # the first of one or more
    (r"(?i)İnside", ("inside",), ["İnside", "inside"]),  # folded as the gates fold
    (r"(?:ab)?cd", None, []), (r"\d+ comments", None, []), (r"x*abc", None, []),
])
def test_prefixes_every_match_starts_with(pattern, prefixes, matches):
    import regex

    assert prefixes_for(pattern, ()) == prefixes
    for text in matches:
        assert regex.match(pattern, text)
        assert KindGate([("k", [pattern], "start")]).passing(text) == {"k"}, text


def test_gate_rules_out_lines_that_start_otherwise():
    gate = KindGate([("praise", [r"(?i)(?:great|nice) (?:post|read)\W+\w+"], "start"),
                     ("byline", [r"posted by\s+\w+"], "full")])
    assert gate.passing("Great post, thanks") == {"praise"}
    assert gate.passing("Today a great post, thanks") == frozenset()  # the words, not at the start
    assert gate.passing("posted by Jo") == {"byline"}
    assert gate.passing("Reposted by Jo") == frozenset()


def test_gate_rules_out_lines_that_end_otherwise():
    gate = KindGate([("salutation", [r"(?:hi\s+)?\p{Lu}\w{1,20}\s*,\s*$"], "start"),
                     ("shout", [r"(?i)hey \w+!"], "full")])
    assert gate.passing("Anna,") == {"salutation"}
    assert gate.passing("Anna, thanks") == frozenset()   # a comma, but not at the end
    assert gate.passing("HEY YOU!") == {"shout"}
    assert gate.passing("Hey you! Anna,") == {"salutation"}
    assert gate.passing("Hey you!!!x") == frozenset()
    # a line that ends with a non-ASCII character or a line break is let through
    assert gate.passing("Anna,\n") == {"salutation"}
    assert gate.passing("Hey j\u00f6rg!\u2009") == {"shout"}


def test_gate_lets_through_what_it_cannot_rule_out():
    # a pattern that can match the empty string matches at the start of any line
    assert KindGate([("maybe", [r"x*"], "start")]).passing("abc") == {"maybe"}
    # one the analyses cannot read (a negated property) may match anything
    assert KindGate([("other", [r"\P{L}+"], "full")]).passing("zz") == {"other"}
    # as does one with neither a literal nor a first character
    assert KindGate([("any", [r"\w+"], "search")]).any_passing("zz")
    assert OpenGate(["a", "b"]).passing("") == {"a", "b"}
    assert OpenGate(["a"]).may_hold("") and KindGate([("any", [r"\w+"], "search")]).may_hold("")


def test_may_hold_looks_at_many_lines_at_once():
    gate = KindGate([("header", [r"(?i)\d+ comments?", r"no replies"], "full")])
    assert gate.may_hold("First line\n12 Comments\nLast line")
    assert gate.may_hold("A thread with NO REPLIES yet")   # case folded
    assert not gate.may_hold("First line\n12 answers\nLast line")


def test_gates_see_a_dotted_capital_i_as_regex_does():
    # regex matches "İ" with "i" under IGNORECASE; its case fold is "i" and a combining dot
    gate = KindGate([("word", [r"(?i)inside"], "search"), ("start", [r"(?i)in\w+"], "start")])
    assert gate.passing("İNSIDE the box") == {"word", "start"}
    assert gate.may_hold("the İnside story")
    assert KindGate([("word", [r"İnside"], "search")]).passing("inside") == {"word"}


@pytest.mark.parametrize("line", ["K comments", "12 \u212aommentare", "ſays:", "Anna ſays",
                                  "İn reply to Jane", "Jane İs"])
def test_gate_sees_what_case_folding_matches(line):
    _same_thread_verdicts(line)


def test_analyses_seeded_from_rows_are_the_analyses():
    """What the rules snapshot ships for the gates (rows) gives back exactly
    what analysing the patterns gives, so a seeded process gates the same."""
    from boilerstrip.engine import linegate

    build = lambda: KindGate([("date", [r"(?i)(?:jan|feb)\w* \d+,?\s*$", r"\d+ days? ago"], "full"),
                              ("thanks", [r"(?i)(?:thanks|great post)\b"], "start"),
                              ("said", [r"(?i)\bsaid\b"], "search")])
    rows = linegate.analyses_of(build)
    assert {row[2] for row in rows} == {"full", "start", "search"}
    fresh = {(r[0], tuple(r[1]), r[2]): linegate.analysed(r[0], tuple(r[1]), r[2]) for r in rows}
    saved = dict(linegate._ANALYSED)
    linegate._ANALYSED.clear()
    try:
        linegate.seed_analysed(rows)
        assert {k: linegate._ANALYSED[k] for k in fresh} == fresh
    finally:
        linegate._ANALYSED.clear()
        linegate._ANALYSED.update(saved)


def test_the_snapshot_ships_the_bundled_gates_analyses():
    """Every pattern the bundled detectors' gates analyse is in the snapshot,
    so a new process parses none of them."""
    import json

    from boilerstrip.engine import linegate
    from boilerstrip.engine.cleaner import Cleaner
    from boilerstrip.rules import snapshot

    body = snapshot.ASSET.read_bytes().partition(b"\n")[2]
    shipped = {(row[0], tuple(row[1]), row[2])
               for entry in json.loads(body)["files"] for row in entry.get("gates", [])}
    built = linegate.analyses_of(lambda: [Cleaner(profile, language="any").clean("x\n\ny\n")
                                          for profile in ("article", "page")])
    assert built and {(row[0], tuple(row[1]), row[2]) for row in built} <= shipped
