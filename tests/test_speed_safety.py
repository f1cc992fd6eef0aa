"""Safety of the fast paths: they must give exactly what the slow paths give.

Speed itself is measured by ``bench/speed.py``, never here. These tests prove
that the shortcuts taken for speed change nothing:

* the ftfy pre-check (``normalise._lines_to_fix``) selects exactly the lines
  the plain per-line test selects, and the edits equal running ftfy on every
  line, on the bundled corpora and on generated mojibake;
* the candidate providers of the engine (``engine/candidates.py``: the line
  literal index, the per-literal scan of short documents) and the patterns'
  prefilters (first characters, per-line requirements) give the same result
  as the brute-force provider of ``tests/reference.py``, which offers every
  line to every rule in every pass;
* a catastrophically backtracking user rule is stopped by the time limit,
  skipped and reported, and the run does not hang;
* risky patterns warn on load, also when the rules come from the cache;
* the rule cache never serves a stale rule after an edit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.document import Attribution, Draft
from boilerstrip.engine import candidates, kinds, normalise, stages
from boilerstrip.engine.candidates import CONTENT, WHOLE, IndexedCandidates, ScanCandidates
from boilerstrip.engine.context import CompiledRule, Context, Positions, conditions_hold
from boilerstrip.engine.index import WORD_BUCKETS
from boilerstrip.rules.patterns import RulePatterns
from boilerstrip.rules.loader import load_rules, parse_rule_set, parse_rule_text, read_rule_set

import reference

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(ROOT.glob("bench/data/*/extract-*/*.txt")) + sorted(
    ROOT.glob("bench/data/*/page/*.txt"))
CONFIG = normalise.ftfy_config()


def _naive_edits(text: str) -> list[tuple[int, str, str]]:
    """ftfy on every non-empty line: the reference the pre-check must equal."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line:
            fixed = normalise.fix_line(line, CONFIG)
            if fixed != line:
                out.append((pos, line, fixed))
        pos += len(line) + 1
    return out


def _fast_edits(text: str) -> list[tuple[int, str, str]]:
    out = []
    for a, b in normalise._lines_to_fix(text, CONFIG):
        line = text[a:b]
        fixed = normalise.fix_line(line, CONFIG)
        if fixed != line:
            out.append((a, line, fixed))
    return out


def _plain_selection(text: str) -> list[tuple[int, int]]:
    """Lines chosen by ``may_need_fixing`` one by one (the simple pre-check)."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line and normalise.may_need_fixing(line, CONFIG):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


# ------------------------------------------------------------------ normalisation

def test_precheck_shape_is_understood():
    # Without it every non-ASCII line pays for ftfy's detector (a silent slowdown).
    assert normalise._SHAPE is not None
    solo, first, second, width = normalise._SHAPE
    assert "Ã" in solo and width < 20
    assert not any(ch.isascii() for ch in first | second)
    assert normalise._COMPACT  # the scan of a text's non-ASCII characters alone applies


def test_precheck_pairs_are_each_branchs_own():
    # two characters of the union of the branches' pair sets, which German,
    # Polish and Portuguese prose hold, start no match unless one branch has
    # both: no window of ftfy's detector runs around them
    assert normalise._branch_pair("Ã©") and normalise._branch_pair("â€")
    assert not any(map(normalise._branch_pair, ["äß", "üß", "ść", "çã", "«\u00a0"]))
    assert normalise._compact_hits("Die Straße ist gemäß dem Plan, süß und ąż.\n") == []
    text = "gemäß dem Plan: cafÃ© Ã©t\u00e9\n"
    assert normalise._compact_hits(text) == [text.index("Ã©"), text.rindex("Ã©")]


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_precheck_identical_to_ftfy_on_every_line_of_the_corpora():
    changed = 0
    for f in CORPUS:
        text = f.read_bytes().decode("utf-8")
        assert list(normalise._lines_to_fix(text, CONFIG)) == _plain_selection(text), f.name
        fast = _fast_edits(text)
        assert fast == _naive_edits(text), f.name
        changed += len(fast)
    assert changed > 0  # the corpora do contain repairs: the comparison is not vacuous


# Characters of real text and of mojibake: accented letters, quotes, dashes,
# Greek/Cyrillic, symbols, C1 controls, the escape character.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",),
                          max_codepoint=0x2122) | st.sampled_from(
    list("aeiou ÃÂâ€™œ“”„‘’–—…äöüßéèçñ©®°±×÷€£¥ВГРСвЂ\x1b\x85\x9d\xa0"))


def _mojibake(text: str, codec: str) -> str:
    return text.encode("utf-8").decode(codec, errors="replace" if codec == "cp1252" else "strict")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.text(_ALPHABET, max_size=40), min_size=1, max_size=6),
       codec=st.sampled_from(["latin-1", "cp1252"]),
       broken=st.lists(st.booleans(), min_size=6, max_size=6))
def test_precheck_identical_on_generated_mojibake(lines, codec, broken):
    mixed = [_mojibake(line, codec) if broken[i] else line for i, line in enumerate(lines)]
    text = "\n".join(mixed)
    assert list(normalise._lines_to_fix(text, CONFIG)) == _plain_selection(text)
    assert _fast_edits(text) == _naive_edits(text)


def test_precheck_finds_a_repair_anywhere_in_a_long_line():
    prose = "Ordinary words “quoted” and Ü umlauts " * 30
    text = prose + "cafÃ© " + prose + "\n" + prose + "\nclean line\n"
    assert _fast_edits(text) == _naive_edits(text) != []
    assert list(normalise._lines_to_fix("plain ascii\nonly\n", CONFIG)) == []
    esc = "esc \x1b[31mred\x1b[0m"
    assert list(normalise._lines_to_fix("ok\n" + esc + "\n", CONFIG)) == [(3, 3 + len(esc))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "a", " b c ", "\r", "\t", "\u00a0", "x\r"]),
                max_size=8), st.booleans())
def test_split_lines_equals_the_plain_loop(parts, trailing):
    """``split_lines`` (one ``str.split``, offsets accumulated) gives the
    lines, offsets and contents of the plain find-each-line-break loop."""
    from boilerstrip.document import split_lines

    text = "\n".join(parts) + ("\n" if trailing else "")
    assert split_lines(text) == reference.split_lines_reference(text)


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_split_lines_equals_the_plain_loop_on_the_corpora():
    from boilerstrip.document import split_lines

    for f in CORPUS[::20]:
        text = f.read_bytes().decode("utf-8")
        assert split_lines(text) == reference.split_lines_reference(text)
        assert split_lines(text[:-1]) == reference.split_lines_reference(text[:-1])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "ab", " c d ", "\r", "x\r", "long line here"]),
                max_size=8), st.booleans(), st.data())
def test_lines_after_a_deletion_equal_splitting_again(parts, trailing, data):
    """``Draft.delete`` derives the new lines from the old ones (shifting the
    untouched ones, splitting the touched ones again): the result equals
    splitting the new text, whatever is cut (line breaks, whole lines, the
    end of the text, adjacent cuts)."""
    from boilerstrip.document import Attribution, Draft, split_lines

    text = "\n".join(parts) + ("\n" if trailing else "")
    points = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    who = Attribution("t", "t")
    spans = [(a, b, who) for a, b in zip(points[::2], points[1::2]) if b > a]
    if data.draw(st.booleans()) and spans:  # adjacent cuts
        a, b, _ = spans[-1]
        if b < len(text):
            spans.append((b, len(text), who))
    draft = Draft(text)
    assert draft.lines == split_lines(text)
    draft.delete(spans)
    assert draft._lines is not None or not spans
    assert draft.lines == split_lines(draft.text)


# ------------------------------------------------------------------ literal prefilter

def _brute_force(cleaner, monkeypatch):
    """CLEANER with every non-blank line a candidate of every rule, and every
    pattern run on it (the brute-force provider of ``tests/reference.py``: no
    literal lookup, no verdict kept from an earlier pass; and no
    first-character or per-line requirement test of the patterns)."""
    monkeypatch.setattr(RulePatterns, "may_match", lambda self, folded: True)
    monkeypatch.setattr(RulePatterns, "could_match", lambda self, folded: True)
    monkeypatch.setattr(RulePatterns, "matchable",
                        lambda self, folded: tuple(range(len(self.patterns))))
    monkeypatch.setattr(RulePatterns, "could_start", lambda self, text: True)
    return reference.with_candidates(cleaner, reference.EveryLine)


def test_a_candidate_runs_only_the_patterns_whose_requirements_it_holds():
    pat = RulePatterns("t.two", [r"\bsign up for (?:our|the) newsletter\b",
                                 r"\bfollow us on \w+"], [], ["ignorecase"], False, None)
    line = "Follow us on Mastodon for the latest"
    assert pat.matchable(line.casefold()) == (1,)
    assert pat.matchable("sign up for our newsletter, follow us on it") == (0, 1)
    assert pat.matchable("a plain line") == () and not pat.could_match("a plain line")
    assert pat.first_match(line, (1,)).group() == pat.first_match(line).group() == \
        "Follow us on Mastodon"
    assert pat.first_match(line, ()) is None  # a pattern left out is not run
    assert pat.spans(line, (1,)) == pat.spans(line) == [(0, 21)]
    assert pat.spans(line, (0,)) == []


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_literal_prefilter_gives_the_result_of_trying_every_rule(monkeypatch):
    cleaner = boilerstrip.Cleaner()
    sample = [f.read_bytes().decode("utf-8") for f in CORPUS[::40]]
    fast = [cleaner.clean(t) for t in sample]
    slow_cleaner = _brute_force(cleaner, monkeypatch)
    slow = [slow_cleaner.clean(t) for t in sample]
    assert [r.changes for r in fast] == [r.changes for r in slow]
    assert sum(len(r.changes) for r in fast) > 0


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_line_index_gives_the_result_of_going_rule_by_rule():
    """The two product providers give the same results whatever the size:
    the line literal index (line by line) and one ``str.find`` scan per
    literal, on a fifth of the corpora."""
    cleaner = boilerstrip.Cleaner()
    sample = [f.read_bytes().decode("utf-8") for f in CORPUS[::5]]
    fast = [reference.with_candidates(cleaner, reference.indexed).clean(t) for t in sample]
    slow = [reference.with_candidates(cleaner, reference.scanned).clean(t) for t in sample]
    assert [(r.changes, r.skipped) for r in fast] == [(r.changes, r.skipped) for r in slow]
    assert [(r.changes, r.skipped) for r in fast] == [
        (r.changes, r.skipped) for r in map(cleaner.clean, sample)]
    assert sum(len(r.changes) for r in fast) > 0


TIERED = """rules:
  - id: user.long-credit
    kind: line
    category: media-credit
    order: 10
    description: a long credit line, up to 64 words (the 64-word tier)
    pattern: 'credits? (?:to|for) .+'
    when: {max_words: 64}
    examples:
      remove: ["Credit to the photographers", "credits for the team"]
      keep: ["No credit here.", "Credited to him"]
  - id: user.photo-by
    kind: line
    category: media-credit
    order: 11
    description: a photo credit of up to 32 words (the 32-word tier)
    pattern: 'photos? by .+'
    when: {max_words: 32}
    examples:
      remove: ["Photo by Jane Doe", "photos by the agency"]
      keep: ["No photo here.", "Photographed by him"]
  - id: user.follow-on
    kind: line
    category: social-share
    order: 12
    description: a follow prompt of up to 100 words (the 128-word tier)
    pattern: 'follow us on .+'
    when: {max_words: 100}
    examples:
      remove: ["Follow us on Twitter", "follow us on the web"]
      keep: ["They follow us.", "Follow the money"]
  - id: user.short-share
    kind: line
    category: social-share
    order: 20
    description: a short share prompt (the first tier)
    pattern: 'share this story'
    when: {max_words: 6}
    examples:
      remove: ["Share this story", "share this story"]
      keep: ["We share this story with you because it matters a lot.", "Share"]
"""


@pytest.mark.parametrize("n_words", [5, 8, 9, 30, 31, 32, 33, 45, 62, 63, 64, 65, 70,
                                     100, 101, 128, 129, 140])
def test_tiers_look_for_literals_in_lines_as_long_as_their_rules_take(n_words, monkeypatch):
    """A long line is scanned only for the literals of rules taking lines that
    long: a rule limited to 32, 64 or 100 words (the 32-, 64- and 128-word
    tiers) still finds its line up to that length, and the result equals the
    one without tiers and the brute-force one."""
    rules = parse_rule_text(TIERED, "tiered.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    # numbered lines: thirty copies of one line would be repeats (core.layout.repeated-line)
    filler = "".join(f"The council met on Tuesday and agreed item {k} of the budget after a "
                     f"long debate.\n" for k in range(30))
    pad = " ".join(["the"] * n_words)
    lines = {limit: " ".join((start + " " + pad).split()[:n_words]) for start, limit in
             (("Credit to", 64), ("Photo by", 32), ("Follow us on", 100), ("Share this story", 6))}
    text = filler + "\n".join(lines.values()) + "\n" + filler
    fast = cleaner.clean(text)
    for limit, line in lines.items():
        assert (line not in fast.text) == (n_words <= limit and len(line.split()) == n_words
                                           and (limit != 6 or n_words == 3)), (limit, line)
    untiered = reference.with_candidates(cleaner, reference.untiered).clean(text)
    slow = _brute_force(cleaner, monkeypatch).clean(text)
    assert fast.changes == untiered.changes == slow.changes


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_tiers_give_the_result_of_scanning_every_line_for_every_literal():
    cleaner = boilerstrip.Cleaner()
    sample = [f.read_bytes().decode("utf-8") for f in CORPUS[2::5]]
    fast = [cleaner.clean(t) for t in sample]
    untiered = reference.with_candidates(cleaner, reference.untiered)
    slow = [untiered.clean(t) for t in sample]
    assert [(r.changes, r.skipped) for r in fast] == [(r.changes, r.skipped) for r in slow]


_CLEANER: list = []


def _cleaner() -> boilerstrip.Cleaner:
    if not _CLEANER:
        _CLEANER.append(boilerstrip.Cleaner())
    return _CLEANER[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "Already a subscriber? Log in.", "Advertisement", "Share this article", "",
    "Sign up for our newsletter", "Comments", "Tags: politics, economy",
    "The council met on Tuesday and agreed the budget after a long debate.",
    "Read more:", "Related articles", "ANZEIGE", "Kommentare", "Publicidad",
    "Photo: Jane Doe", "Source: Reuters", "Newsletter abonnieren", "Weiterlesen",
    "She said she would subscribe to the plan next year, the minister added.",
    # matched only by rules whose literals are two letters ("AP", "ad") or symbols
    "Police stood by as the crowd left the square. REUTERS/Jane Doe", "AD", "- Ad -",
    "Crowds gathered outside the stadium (AP Photo/John Smith)", "© Jane Doe / AFP",
]), min_size=1, max_size=25), st.booleans())
def test_literal_prefilter_exact_on_generated_documents(lines, long):
    text = "\n".join(lines) + "\n"
    if long:  # long enough for the document-wide literal scan
        text += "The council met on Tuesday and agreed the budget after a long debate.\n" * 30
    cleaner = _cleaner()
    fast = cleaner.clean(text)
    with pytest.MonkeyPatch.context() as m:
        slow = _brute_force(cleaner, m).clean(text)
    assert fast.text == slow.text and fast.changes == slow.changes


def _lines_with_both_ways(ctx, literals, ceiling, view):
    """The lines holding LITERALS from the line index (CTX's candidates), from
    one ``str.find`` pass per literal, and from a test per line and literal."""
    fast = ctx.candidates.lines_with(literals, ceiling, view)
    ctx.candidates._hits = {}  # the next call scans again
    slow = ScanCandidates(ctx).lines_with(literals, ceiling, view)
    return fast, slow, reference.lines_holding(ctx, literals, ceiling, view)


def _index_texts():
    texts = [f.read_bytes().decode("utf-8") for f in CORPUS[::60]]
    # surrounding whitespace, CRLF, blank lines of spaces, case folding that
    # changes lengths (ß -> ss, ﬁ -> fi), literals at the very ends of lines
    texts.append("  Share this \r\n\tSIGN UP for our newsletter\t\r\n   \r\n"
                 "Straße ﬁnal ÄDVERTISEMENT Advertisement \nread more \n  read more\n"
                 + "The council met on Tuesday and agreed the budget after a debate.\n" * 30)
    return texts


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_split_trie_finds_what_the_single_trie_finds():
    """The trie split by first character (one skimming regex per character)
    finds the literals the single trie regex finds, and that one finds what
    a substring test per literal finds."""
    index = _cleaner()._index
    for f in CORPUS[::30]:
        text = f.read_bytes().decode("utf-8").casefold()
        found = index.scan(text)
        assert found == reference.scan_reference(index, text)
        assert found == {lit for lit in index.closure if lit in text}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_split_trie_on_generated_text(data):
    """Overlapping and nested literals, single-character ones, literals at
    the very end: the split scan and a substring test per literal agree."""
    index = _cleaner()._index
    lits = sorted(index.closure)
    pieces = data.draw(st.lists(st.one_of(st.sampled_from(lits),
                                          st.text("abcdeilnorstu ©®:.(", max_size=4)),
                                max_size=12))
    text = "".join(pieces)
    assert index.scan(text) == {lit for lit in lits if lit in text} == reference.scan_reference(
        index, text)


def _asked(index, lit, ceiling, view):
    """Whether the engine can ask the line index for LIT at CEILING in VIEW:
    long lines are only scanned for the literals of rules that take lines that long."""
    bound = index.bounds[lit]
    return bound is None or (view == CONTENT and ceiling is not None and ceiling <= bound)


_VIEWS = [(None, WHOLE), (None, CONTENT)] + [(b, CONTENT) for b in WORD_BUCKETS]


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
@pytest.mark.parametrize("tiers", [True, False])
def test_line_index_finds_the_lines_a_find_per_literal_finds(tiers):
    """The per-line literal index (one trie scan of the lines, kept across
    removals) gives exactly the lines one ``str.find`` pass per literal gives
    and a test per line gives, for every literal, every word ceiling and the
    whole-line view the engine can ask about (all of them without the tiers),
    also after removals (where only the changed lines are scanned again)."""
    index = _cleaner()._index
    if not tiers:
        index = reference.untiered_index(index)
    all_lits = sorted(index.closure)
    checked = 0
    for text in _index_texts():
        draft = Draft(text)
        ctx = Context(draft)
        ctx.candidates = IndexedCandidates(ctx, index)
        for step in range(3):
            for ceiling, view in _VIEWS:
                lits = [lit for lit in all_lits if not tiers or _asked(index, lit, ceiling, view)]
                fast, slow, plain = _lines_with_both_ways(ctx, lits, ceiling, view)
                assert fast == slow == plain, (ceiling, view, step)
                for lit in lits[::25]:
                    fast, slow, plain = _lines_with_both_ways(ctx, [lit], ceiling, view)
                    assert fast == slow == plain, (lit, ceiling, view, step)
                    checked += len(fast)
            # cut every third non-blank line, and a piece inside another one
            lines = [ln for ln in draft.lines if not ln.blank]
            who = Attribution("t", "t")
            dels = [(ln.start, ln.next, who) for ln in lines[::3]]
            dels += [(ln.start + 1, ln.start + 3, who) for ln in lines[1::3] if ln.end - ln.start > 4]
            if not dels:
                break
            draft.delete(sorted(dels))
            ctx.reset()
    assert checked > 0


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
@pytest.mark.parametrize("every", [1, 5])
@pytest.mark.parametrize("tiers", [True, False])
def test_candidates_from_the_line_index_equal_those_of_the_scan(every, tiers):
    """``IndexedCandidates.for_rules`` (line by line, from the line literal
    index) gives each rule of every stage exactly the lines
    ``ScanCandidates.for_rules`` (one ``str.find`` pass per literal, or a test
    per line when few lines are asked about: EVERY 5th) gives it, in both views."""
    cleaner = _cleaner()
    index = cleaner._index if tiers else reference.untiered_index(cleaner._index)
    compared = 0
    for text in _index_texts():
        ctx = Context(Draft(text))
        shown = [ln.index for ln in ctx.draft.lines if not ln.blank][::every]
        for kind, rules in cleaner._stages:
            if kind not in ("line", "section", "inline", "block"):
                continue
            views = (WHOLE,) if kind == "inline" else (CONTENT, WHOLE) if not tiers else (CONTENT,)
            for view in views:
                fast = IndexedCandidates(ctx, index).for_rules(rules, shown, view)
                slow = ScanCandidates(ctx).for_rules(rules, shown, view)
                assert fast == slow, (kind, view)
                compared += sum(map(len, slow.values()))
    assert compared > 0


TAIL_RULES = """rules:
  - id: user.tail-share
    kind: line
    category: social-share
    order: 10
    description: a share prompt after the last prose line, near the end
    pattern: 'share this'
    when: {after_last_prose: true, last_lines: 3, first_lines: 50}
    examples:
      remove: ["Share this", "share this"]
      keep: ["Share this with care.", "We share this view."]
  - id: user.tail-follow
    kind: line
    category: social-share
    order: 20
    description: a follow prompt after the last long prose line
    pattern: 'follow us'
    when: {after_last_prose: true, prose_min_words: 5}
    examples:
      remove: ["Follow us", "follow us"]
      keep: ["Follow us, they said.", "Follow the money"]
"""


def _line_keys_reference(rules, lines, pos):
    first, last, mins = stages.position_needs(rules)
    last_prose = [pos.last_prose(m) for m in mins]
    top = pos.count - 1
    return {ln.index: (ln.content, min(pos.rank[ln.index], first),
                       min(top - pos.rank[ln.index], last),
                       tuple(ln.index <= lp for lp in last_prose))
            for ln in lines if not ln.blank}


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
def test_line_keys_equal_the_plain_definition():
    """The keys the verdicts are kept under (``_line_keys``) are the line's
    content and the parts of its position the stage's rules can see."""
    tail = parse_rule_text(TAIL_RULES, "tail.yml", "user")
    cleaners = [_cleaner(), boilerstrip.Cleaner(default_rules=False, extra_rules=tail)]
    for text in _index_texts():
        lines = Draft(text).lines
        pos = Positions(lines)
        for kind, rules in [st for c in cleaners for st in c._stages]:
            if kind in ("line", "section"):
                ref = _line_keys_reference(rules, lines, pos)
                assert stages.line_keys(rules, lines, pos) == ref
                # the keys of the candidate lines alone (the line and section stages)
                shown = [ln.index for ln in lines if ln.content]
                some = shown[::3]
                assert stages._keys_of(rules, some, shown, lines, pos) == {
                    i: ref[i] for i in some}


JOINING = """rules:
  - id: user.cut-marker
    kind: inline
    category: advertisement
    order: 10
    description: an inline marker whose removal joins the text around it
    pattern: '\\[cut\\]'
    examples:
      remove: ["a [cut] b", "[cut]"]
      keep: ["a cut b", "[cutting]"]
  - id: user.subscribe-line
    kind: line
    category: paywall
    order: 20
    description: a whole-line subscription prompt
    pattern: 'subscribe now'
    examples:
      remove: ["Subscribe now", "subscribe now"]
      keep: ["We subscribe now and then.", "Subscribers"]
"""


def test_literal_formed_by_a_removal_is_found():
    """The document's literal scan runs once; text joined by a removal is
    scanned again around the cut, so a literal formed there is not missed."""
    rules = parse_rule_text(JOINING, "joining.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    filler = "The council met on Tuesday and agreed the budget after a long debate.\n" * 40
    text = filler + "Sub[cut]scribe now\n" + filler  # long enough for the document scan
    assert len(text) > candidates.INDEX_MIN_CHARS
    result = cleaner.clean(text)
    # "Sub" and "scribe now" go as two pieces of one line removal, around the cut
    assert [c.rule for c in result.changes] == ["user.subscribe-line", "user.cut-marker",
                                                "user.subscribe-line"]
    assert "scribe" not in result.text and result.restore() == text


LINE_END = """rules:
  - id: user.tail-credit
    kind: inline
    category: media-credit
    order: 10
    description: a credit at the end of a line
    pattern: ' \\(Photo: [^()]+\\)$'
    examples:
      remove: ["Text. (Photo: Jane Doe)", "A (Photo: AP)"]
      keep: ["(Photo: Jane Doe) opens the line", "A (Photo: AP) b"]
"""


POSITIONAL = """rules:
  - id: user.share
    kind: line
    category: social-share
    order: 10
    description: a share prompt anywhere
    pattern: 'share this'
    examples:
      remove: ["Share this", "share this"]
      keep: ["Share this with care.", "We share this view."]
  - id: user.follow-last
    kind: line
    category: social-share
    order: 20
    description: a follow prompt, only as the very last line
    pattern: 'follow us'
    when: {last_lines: 1}
    examples:
      remove: ["Follow us", "follow us"]
      keep: ["Follow us, they said.", "Follow the money"]
"""


def test_a_line_that_moves_into_a_rules_view_is_looked_at_again():
    """Later passes skip lines whose verdict cannot change; a line whose
    position changes (here: it becomes the last line) must be looked at again."""
    rules = parse_rule_text(POSITIONAL, "positional.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    text = "The council met on Tuesday and agreed the budget.\nFollow us\nShare this\n"
    result = cleaner.clean(text)
    assert result.text == "The council met on Tuesday and agreed the budget.\n"
    assert [c.rule for c in result.changes] == ["user.follow-last", "user.share"]
    assert cleaner.clean(result.text).changes == ()


SECTION_LATER = """rules:
  - id: user.related-section
    kind: section
    category: related-links
    order: 10
    description: a related-stories header and the short lines below it
    pattern: 'related stories'
    section: {line_max_words: 4, min_lines: 1, stop_at_prose: false}
    examples:
      remove: ["Related stories\\nOne\\nTwo", "related stories\\nA b"]
      keep: ["Related stories are told.", "Stories"]
  - id: user.cut-tail
    kind: inline
    category: advertisement
    order: 700
    description: a marker and everything after it on its line
    pattern: ' \\[cut\\].*$'
    examples:
      remove: ["a [cut] b", "x [cut]"]
      keep: ["a cut b", "[cutting]"]
"""


@pytest.mark.parametrize("long", [False, True])
def test_a_section_header_is_tried_again_when_the_lines_below_change(long):
    """The section stage keeps the verdict of lines that are no header; a
    header whose section failed (here: the line below is too long until a
    later stage cuts it) is tried again in the next pass."""
    rules = parse_rule_text(SECTION_LATER, "section-later.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    filler = "The council met on Tuesday and agreed the budget after a long debate.\n"
    text = (filler * (30 if long else 1) + "Related stories\n"
            + "Headline one [cut] and many more words after it\n\n" + filler)
    result = cleaner.clean(text)
    assert "Related stories" not in result.text and "Headline one" not in result.text
    with pytest.MonkeyPatch.context() as m:
        slow = _brute_force(cleaner, m).clean(text)
    assert result.text == slow.text and result.changes == slow.changes
    assert cleaner.clean(result.text).changes == ()


LATER_CHANGES = """rules:
  - id: user.cut-marker
    kind: inline
    category: advertisement
    order: 700
    description: an inline marker
    pattern: ' ?\\[cut\\]'
    examples:
      remove: ["a [cut] b", "[cut]"]
      keep: ["a cut b", "[cutting]"]
  - id: user.leading-zz
    kind: leading-fragment
    category: leading-fragment
    order: 950
    description: a stray first line
    pattern: 'zz'
    examples:
      remove: ["zz", "ZZ"]
      keep: ["zzz", "a zz"]
"""


def test_inline_verdicts_follow_the_text_not_the_line_number():
    """A line whose text changes after the inline stage (a cut, then the tidy
    pass) is looked at again in the next pass, even when a removal further up
    has moved it to a line number whose earlier text matched nothing."""
    rules = (parse_rule_text(LINE_END, "line-end.yml", "user")  # the tail credit
             + parse_rule_text(LATER_CHANGES, "later.yml", "user"))
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    text = "zz\nPlain line.\nText (Photo: X) [cut]\n"
    result = cleaner.clean(text)
    assert result.text == "Plain line.\nText\n"
    assert cleaner.clean(result.text).changes == ()


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_inline_rules_see_one_line_at_a_time(eol):
    """An inline pattern's ``$`` is the end of each line, with LF or CRLF, and
    lines without the rule's literal are never searched."""
    rules = parse_rule_text(LINE_END, "line-end.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    text = eol.join(["One. (Photo: A)", "Two (Photo: B) stays.", "Three. (Photo: C)", ""])
    result = cleaner.clean(text)
    assert result.text == eol.join(["One.", "Two (Photo: B) stays.", "Three.", ""])
    assert [c.text for c in result.changes] == [" (Photo: A)", " (Photo: C)"]


def test_short_literals_only_where_nothing_better_is_known():
    from boilerstrip.rules.patterns import required_literals, short_literals

    pattern = r"(?-i:(?:REUTERS|AFP|AP))[ \t]*/[ \t]*\p{Lu}\w+"
    assert required_literals(pattern) is None  # "ap": too common for the document scan
    assert short_literals(pattern) == frozenset({"reuters", "afp", "ap"})
    pats = RulePatterns("x", [pattern, "photo: .+"], (), ("ignorecase",), False, None)
    assert pats.literals is None
    assert pats.line_literals == ("afp", "ap", "photo: ", "reuters")
    assert required_literals(r"(?:©|ⓒ)\s*\w+") == frozenset({"©", "ⓒ"})


def test_first_characters_of_patterns():
    from boilerstrip.rules.patterns import first_chars

    assert first_chars("share (?:this|on)") == frozenset("s")
    assert first_chars("(?:Photo|image)s?: .+") == frozenset("pi")
    assert first_chars(r"[(\[]?\s*read more") == frozenset("([r \t\n\r\f\v")
    assert first_chars(r"(?=x)ab|c?d") == frozenset("acd")
    assert first_chars(r"(?-i:\p{Lu})bc") is None  # any letter: no test
    assert first_chars(r"\P{L}x") is None  # not modelled: no test
    assert first_chars(r"(a)?\1b") is None  # a back-reference: not modelled


_FULL_RULES = [r for r in load_rules(boilerstrip.bundled_rules_dir())
               if r.patterns and r.match == "full"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_FULL_RULES), st.data())
def test_first_character_test_never_rules_out_a_match(rule, data):
    """Whatever the case and leading punctuation, a line a full-match rule
    matches always passes its first-character test."""
    pats = RulePatterns(rule.id, rule.patterns, (), rule.flags, True, None)
    example = data.draw(st.sampled_from([e.text for e in rule.remove_examples] or ["x"]))
    variant = data.draw(st.sampled_from([str.upper, str.lower, str.swapcase, str.title,
                                         lambda s: s]))
    prefix = data.draw(st.sampled_from(["", "(", "[", "- ", "• ", "» ", "1. ", "K", "ſ"]))
    line = (prefix + variant(example)).strip()
    if any(p.fullmatch(line) for p in pats.patterns):
        assert pats.could_start(line)


# ------------------------------------------------------------------ time limits

EVIL = """rules:
  - id: user.evil
    kind: line
    category: advertisement
    order: 500
    description: a pattern that backtracks catastrophically on a long run of a's
    match: search
    pattern: '(a|aa)+$'
    examples:
      remove: ["aaa", "aa"]
      keep: ["b", "c"]
"""


def _evil_rules():
    return parse_rule_text(EVIL, "evil.yml", "user")


def test_catastrophic_rule_is_skipped_reported_and_does_not_hang():
    cleaner = boilerstrip.Cleaner(extra_rules=_evil_rules(), timeout=0.05)
    text = "Advertisement\n" + "a" * 40 + "!\nThe article itself, with a sentence.\n"
    t0 = time.perf_counter()
    result = cleaner.clean(text)
    elapsed = time.perf_counter() - t0
    assert elapsed < 10  # unbounded, this pattern runs for hours
    assert [s.rule for s in result.skipped] == ["user.evil"]
    assert "time limit" in result.skipped[0].reason
    # the other rules still ran, and the evil line is kept
    assert "Advertisement" not in result.text
    assert "a" * 40 + "!" in result.text
    # and the next document is cleaned with the rule again (skipping is per document)
    again = cleaner.clean("aaa\nText.\n")
    assert "aaa" not in again.text and not again.skipped


def test_catastrophic_rule_reported_on_stderr_by_the_cli(tmp_path):
    rule = tmp_path / "evil.yml"
    rule.write_text(EVIL, encoding="utf-8")
    text = "Text of the article.\n" + "a" * 40 + "!\n"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "boilerstrip", "clean", "--rules", str(rule),
                           "--timeout", "0.05"], input=text.encode(), capture_output=True,
                          timeout=120, env={**os.environ, "BOILERSTRIP_CACHE_DIR":
                                            str(tmp_path / "cache")})
    assert time.perf_counter() - t0 < 60
    assert proc.returncode in (0, 1), proc.stderr
    err = proc.stderr.decode()
    assert "user.evil" in err and "skipped" in err
    assert proc.stdout.decode() == text  # nothing lost


# ------------------------------------------------------------------ load-time warnings

RISKY = EVIL.replace("user.evil", "user.risky").replace("(a|aa)+$", r"(\w+\s?)*done")


EVIL_TWO = EVIL + """  - id: user.evil-b
    kind: line
    category: advertisement
    order: 600
    description: a pattern that backtracks catastrophically on a long run of b's
    match: search
    pattern: '(b|bb)+$'
    examples:
      remove: ["bbb", "bb"]
      keep: ["a", "c"]
"""


@pytest.mark.parametrize("provider", [reference.indexed, reference.scanned])
def test_rules_timing_out_are_reported_in_rule_order(provider):
    """The line stage goes line by line; rules that exceed their time limit
    are still skipped and reported as rule by rule: in rule order, whichever
    line each one stumbled on first."""
    rules = parse_rule_text(EVIL_TWO, "evil.yml", "user")
    cleaner = boilerstrip.Cleaner(extra_rules=rules, timeout=0.05, candidates=provider)
    # numbered lines: thirty copies of one line would be repeats (core.layout.repeated-line)
    filler = "".join(f"The council met on Tuesday and agreed item {k} of the budget after a "
                     f"long debate.\n" for k in range(30))
    # the later rule (evil-b) times out on an earlier line than evil
    text = filler + "b" * 40 + "!\n" + "a" * 40 + "!\nAdvertisement\n" + filler
    result = cleaner.clean(text)
    assert [s.rule for s in result.skipped] == ["user.evil", "user.evil-b"]
    assert "Advertisement" not in result.text and "b" * 40 + "!" in result.text


def test_nested_quantifier_warns_on_load(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    warnings = parse_rule_set(RISKY, "risky.yml", "user").warnings
    assert len(warnings) == 1
    msg = str(warnings[0])
    assert "risky.yml" in msg and "user.risky" in msg and "more than one way" in msg
    # a safe pattern does not warn
    assert parse_rule_set(RISKY.replace(r"(\w+\s?)*done", r"\w+ done"), "ok.yml",
                          "user").warnings == ()


def test_warning_survives_the_rule_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "risky.yml"
    f.write_text(RISKY, encoding="utf-8")
    first = read_rule_set(f).warnings  # parses and fills the cache
    second = read_rule_set(f).warnings  # served from the cache
    assert len(first) == 1
    assert [str(w) for w in second] == [str(w) for w in first]


# ------------------------------------------------------------------ cache invalidation

SAME_SIZE = """rules:
  - id: t.label
    kind: line
    category: advertisement
    order: 500
    description: label
    pattern: '{word}'
    examples:
      remove: ["{word}", "{word}"]
      keep: ["Some prose here.", "More text here."]
"""


def test_same_size_edit_with_unchanged_mtime_invalidates_the_cache(tmp_path, monkeypatch):
    # Keyed by content, not by size or modification time: an edit that keeps
    # both (a fast editor, a checkout) must still be seen.
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(SAME_SIZE.format(word="Sponsored"), encoding="utf-8")
    st_before = f.stat()
    assert load_rules(f)[0].patterns == ("Sponsored",)
    f.write_text(SAME_SIZE.format(word="Promotion"), encoding="utf-8")
    os.utime(f, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    assert f.stat().st_size == st_before.st_size
    assert load_rules(f)[0].patterns == ("Promotion",)
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("Text.\nPromotion\nSponsored\n").text == "Text.\nSponsored\n"


def test_corrupt_cache_entry_is_ignored(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(cache))
    f = tmp_path / "r.yml"
    f.write_text(SAME_SIZE.format(word="Sponsored"), encoding="utf-8")
    load_rules(f)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    for p in entries:
        p.write_bytes(b"{not json")
    assert load_rules(f)[0].patterns == ("Sponsored",)


# ------------------------------------------------ compiled include/exclude globs

def _matches_reference(patterns, rel):
    """runner._matches as it was: one fnmatchcase per pattern and path part."""
    from fnmatch import fnmatchcase
    parts = rel.split("/")
    for pat in patterns:
        pat = pat.strip().rstrip("/")
        if not pat:
            continue
        if "/" in pat:
            pat = pat.lstrip("/")
            if fnmatchcase(rel, pat) or any(fnmatchcase("/".join(parts[:i]), pat)
                                           for i in range(1, len(parts))):
                return True
        elif any(fnmatchcase(p, pat) for p in parts):
            return True
    return False


def _included_reference(include, name, rel):
    from fnmatch import fnmatchcase
    return any(fnmatchcase(name, p) if "/" not in p else fnmatchcase(rel, p.lstrip("/"))
               for p in include)


_GLOB_CHARS = st.sampled_from(list("ab.*?/[]!- ") + ["txt", "md", ".git", "x y"])
_globs_st = st.lists(st.lists(_GLOB_CHARS, max_size=6).map("".join), max_size=5)
_paths_st = st.lists(st.lists(st.sampled_from(list("ab.-_ [") + ["txt", "md", ".git"]),
                              min_size=1, max_size=4).map("".join),
                     min_size=1, max_size=4).map("/".join)


@settings(max_examples=500, deadline=None)
@given(_globs_st, _paths_st)
def test_compiled_globs_decide_as_fnmatchcase_per_pattern(patterns, rel):
    from boilerstrip.pipeline import files as runner
    assert runner._matches(patterns, rel) == _matches_reference(patterns, rel)
    name = rel.rsplit("/", 1)[-1]
    assert runner._included(patterns, name, rel) == _included_reference(patterns, name, rel)


# ------------------------------------------------ word counts from the lines

def _shares(cleaner, texts):
    return [(r.status, r.removed_share) for r in map(cleaner.clean, texts)]


def _shares_by_splitting(cleaner, texts):
    """The status and removed share of each text, the share from a split
    of the whole text before and after (the engine sums its lines' counts)."""
    from boilerstrip.document import word_count
    from boilerstrip.rules.kinds import KIND_BY_NAME

    # the guard does not count what a comment thread removes (rules/kinds.py)
    spared = {r.id for r in cleaner.rules if KIND_BY_NAME[r.kind].guard_spares}
    out = []
    for text, r in zip(texts, map(cleaner.clean, texts)):
        body = text[1:] if text.startswith("\ufeff") else text
        after = boilerstrip.apply_changes(text, r.changes)
        after = after[1:] if after.startswith("\ufeff") else after
        words_in, words_out = word_count(body), word_count(after)
        words_in -= sum(word_count(c.text) for c in r.changes if c.rule in spared)
        share = max(0.0, (words_in - words_out) / words_in) if r.changes and words_in > 0 else 0.0
        out.append((r.status, share))
    return out


@pytest.mark.skipif(not CORPUS, reason="bench corpora not present")
@pytest.mark.parametrize("profile", ["article", "page"])
def test_removed_share_from_line_counts_equals_splitting_the_texts(profile):
    cleaner = boilerstrip.Cleaner(profile=profile)
    sample = [f.read_bytes().decode("utf-8") for f in CORPUS[::17]]
    fast = _shares(cleaner, sample)
    assert fast == _shares_by_splitting(cleaner, sample)
    assert any(share > 0 for _status, share in fast)


_WS = st.sampled_from([" ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
                       "\xa0", "\u2028", "\u2029", "\u3000", "\ufeff"])
_WORD = st.sampled_from(["Advertisement", "Share", "this", "word", "Ad", "Photo:", "Reuters",
                         "Already a subscriber? Log in.", "é", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORD, _WS), max_size=30))
def test_removed_share_from_line_counts_on_odd_whitespace(parts):
    text = "".join(w + s for w, s in parts)
    cleaner = _cleaner()
    assert _shares(cleaner, [text]) == _shares_by_splitting(cleaner, [text])


# ------------------------------------------------------------------ block stage

def _block_stage_plainly(rules, ctx):
    """The block stage as its definition reads: every rule, in order, on
    every paragraph not yet taken; no literal lookup, no word-count shortcut."""
    from boilerstrip.document import paragraphs

    lines = ctx.draft.lines
    pos = Positions(lines)
    taken = {}
    for cr in rules:
        for k, (a, b) in enumerate(paragraphs(lines)):
            if k in taken:
                continue
            text = "\n".join(ln.content for ln in lines[a:b + 1])
            if conditions_hold(cr.rule, lines[a], lines[b], text, pos) \
                    and cr.pat.first_match(text) is not None:
                taken[k] = cr.who
    paras = paragraphs(lines)
    return [(lines[paras[k][0]].start, lines[paras[k][1]].next, who)
            for k, who in sorted(taken.items())]


_BLOCK_RULES = """\
rules:
  - id: t.block.bounded
    kind: block
    category: social-share
    order: 440
    description: A bounded block rule with literals.
    pattern: '(?:(?:alpha|beta|straße)\\s*)+'
    when: {min_words: 2, max_words: 5}
    examples:
      remove: ["alpha beta", "beta\\nalpha"]
      keep: ["alpha", "alpha beta alpha beta alpha beta"]
  - id: t.block.free
    kind: block
    category: social-share
    order: 441
    description: A block rule without literals or bounds.
    pattern: '\\W*(?:\\w\\W*){1,3}'
    examples:
      remove: ["a b", "x"]
      keep: ["abcd", "a b c d"]
  - id: t.block.tail
    kind: block
    category: social-share
    order: 442
    description: A block rule that looks at the last two lines only.
    pattern: 'tail note(?: \\w+)?'
    when: {last_lines: 2}
    examples:
      remove: ["tail note", "tail note here"]
      keep: ["tail note\\nfirst\\nsecond\\nthird", "no note"]
"""

_PARAGRAPHS = [
    "alpha beta", "Alpha\nBETA", "  alpha  \r\n beta ", "STRASSE alpha", "straße beta",
    "alpha beta alpha beta alpha beta", "alpha beta\nalpha beta alpha", "alpha", "a b", "x",
    "abcd",
    "Share this:\nFacebook\nTwitter\nEmail", "Facebook\nInstagram\nTikTok",
    "* Facebook\n* Twitter\n* E-Mail\nDrucken",
    "The council met on Tuesday and agreed the budget after a long debate.",
    "The council met on Tuesday.\nalpha beta",
    # enters the last two lines only once what follows it is gone (a later pass)
    "tail note", "tail note here",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PARAGRAPHS), min_size=1, max_size=12), st.booleans())
def test_block_stage_gives_what_trying_every_rule_on_every_paragraph_gives(paras, long):
    """Block rules are only tried on paragraphs holding one of their literals
    and within their word bounds (counted from the lines): the same removals
    as trying every rule on every paragraph, bundled rules included."""
    text = "\n\n".join(paras) + "\n"
    if long:  # long enough for the document-wide literal scan and index
        text = ("The council met on Tuesday and agreed the budget after a long debate.\n\n" * 30
                + text)
    cleaner = _block_cleaner()
    fast = cleaner.clean(text)
    with pytest.MonkeyPatch.context() as m:
        m.setitem(kinds.RUNS, "block", kinds.KindRun(CompiledRule, _block_stage_plainly))
        slow = cleaner.clean(text)
    assert fast.text == slow.text and fast.changes == slow.changes


_BLOCK_CLEANER: list = []


def _block_cleaner() -> boilerstrip.Cleaner:
    if not _BLOCK_CLEANER:
        rules = parse_rule_text(_BLOCK_RULES, "block-rules.yml")
        _BLOCK_CLEANER.append(boilerstrip.Cleaner(extra_rules=rules))
    return _BLOCK_CLEANER[0]


def test_block_rule_examples_hold():
    """The test rules above do what their examples say (so the comparison
    is between two stages that both remove something)."""
    cleaner = _block_cleaner()
    out = cleaner.clean("alpha beta\n\nShare this:\nFacebook\nTwitter\nEmail\n\n"
                        "The council met on Tuesday and agreed the budget after a long debate.\n")
    assert {c.rule for c in out.removals} >= {"t.block.bounded", "core.share.button-list"}


# ------------------------------------------------------------------ rule kinds

def test_every_kind_has_a_stage_and_the_stages_run_in_the_table_order():
    """The kind table (rules/kinds.py) and the engine's stages (engine/kinds.py)
    name the same kinds; a cleaner's stages follow the table, one per kind."""
    from boilerstrip.rules.kinds import KINDS

    assert set(kinds.RUNS) == set(KINDS)
    for profile in ("article", "page"):
        cleaner = boilerstrip.Cleaner(profile, enable=["headline"])
        names = [kind for kind, _items in cleaner._stages]
        assert names == [k for k in KINDS if k in names] and len(set(names)) == len(names)
        assert "leading-fragment" in names


ORDER_ONLY_RANKS = """rules:
  - id: user.early-inline
    kind: inline
    category: advertisement
    order: 1
    description: an inline marker with the lowest order of all
    pattern: ' ?\\[ad\\]'
    examples:
      remove: ["a [ad] b", "[ad]"]
      keep: ["a ad b", "[adx]"]
  - id: user.sponsored-line
    kind: line
    category: advertisement
    order: 600
    description: a whole sponsored line, marker included
    pattern: 'sponsored \\[ad\\]'
    examples:
      remove: ["Sponsored [ad]", "sponsored [ad]"]
      keep: ["Sponsored", "sponsored by [ad] us"]
"""


def test_order_ranks_rules_inside_their_stage_only():
    """An inline rule with order 1 still runs in the inline stage, after the
    line stage: the line rule sees the line with its marker and takes it
    (were the inline rule first, it would cut the marker and leave "Sponsored")."""
    rules = parse_rule_text(ORDER_ONLY_RANKS, "order.yml", "user")
    cleaner = boilerstrip.Cleaner(default_rules=False, extra_rules=rules)
    assert [kind for kind, _ in cleaner._stages] == ["line", "inline"]
    result = cleaner.clean("The council met on Tuesday.\nSponsored [ad]\n")
    assert result.text == "The council met on Tuesday.\n"
    assert [c.rule for c in result.changes] == ["user.sponsored-line"]


def test_the_provider_of_a_document_depends_on_its_size_only():
    """Short documents get the scan, others the line index, whatever the
    same cleaner cleaned before (it used to depend on whether the index was
    already compiled), and both give the brute-force result."""
    cleaner = _cleaner()
    short = "Advertisement\nThe council met on Tuesday.\n"
    long = short + "The council met on Tuesday and agreed the budget after a debate.\n" * 40

    def provider_of(text):
        ctx = Context(Draft(text))
        return type(candidates.default_candidates(ctx, cleaner._index))

    before = provider_of(short), provider_of(long)
    cleaner.clean(long)
    assert (provider_of(short), provider_of(long)) == before == (ScanCandidates,
                                                                 IndexedCandidates)
    with pytest.MonkeyPatch.context() as m:
        slow = _brute_force(cleaner, m)
        for text in (short, long):
            assert cleaner.clean(text).changes == slow.clean(text).changes != ()
