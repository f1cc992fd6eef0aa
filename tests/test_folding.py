"""Case folding of the literal shortcuts (``rules.patterns.fold``): every
shortcut that looks for a folded literal in a folded text (the patterns'
prefilters, the literal index, the line gates, the compiled prefilter) must
let through every line ``regex`` matches under IGNORECASE, however the line
spells the words: Turkish i's, Kelvin sign, long s, sharp s, ligatures,
final sigma, characters newer than Python's Unicode tables.

Lines are made from the rules' own examples with characters swapped for
what ``regex`` matches them with (asked of ``regex`` itself) and random
characters slipped in; each shortcut's verdict is compared with running
every pattern on the line. End to end, the pure engine with its shortcuts,
the pure engine with none, and the compiled prefilter clean such texts
alike."""

from __future__ import annotations

import functools
import random
import sys

import pytest
import regex
from hypothesis import given, settings, strategies as st
from regex import _regex as regex_engine

import reference

import boilerstrip
from boilerstrip.engine.candidates import default_candidates
from boilerstrip.engine.index import LiteralIndex
from boilerstrip.engine.linegate import KindGate, prefixes_for
from boilerstrip.rules.loader import bundled_rule_set, load_rules
from boilerstrip.rules.patterns import (RulePatterns, fold, folded_pieces, requirements,
                                        unsafe_char)

RULES = [r for r in load_rules(boilerstrip.bundled_rules_dir())
         if r.patterns and (r.remove_examples or r.keep_examples)]

#: characters that fold oddly, slipped into the lines: the Turkish i's and
#: a lone combining dot, Kelvin and Angstrom signs, long s, sharp s both
#: ways and a letter ``regex`` pairs with it that Python's tables lack,
#: ligatures, sigmas, an iota subscript, Cherokee, a Garay pair (Unicode 16)
_ODD = ["\u0130", "\u0131", "\u0307", "\u212a", "\u212b", "\u017f", "\u00df", "\u1e9e",
        "\U0001df95", "\ufb01", "\ufb00", "\u03c2", "\u03a3", "\u1fb3", "\u0345", "\u13a0",
        "\uab70", "\U00010d50", "\U00010d70", "ss", "SS", "I", "i", "K", "s", "S"]


@functools.lru_cache(maxsize=None)
def _cases(ch: str) -> tuple[str, ...]:
    """What ``regex`` matches CH with under IGNORECASE (CH among them)."""
    return tuple(chr(c) for c in regex_engine.get_all_cases(regex.IGNORECASE, ord(ch)))


def _respell(text: str, rnd: random.Random, odd: float) -> str:
    """TEXT with characters swapped for their ``regex`` case variants, and
    with probability ODD an odd character (or a random one) slipped in."""
    out = []
    for ch in text:
        variants = _cases(ch)
        out.append(rnd.choice(variants) if len(variants) > 1 and rnd.random() < 0.5 else ch)
        if rnd.random() < odd:
            out.append(rnd.choice(_ODD) if rnd.random() < 0.8
                       else chr(rnd.choice([rnd.randrange(0x80, 0x3000),
                                            rnd.randrange(0x10000, 0x20000)])))
    return "".join(out).replace("\n", " ")


@functools.lru_cache(maxsize=None)
def _shortcuts(rule):
    """RULE's patterns with their prefilters, its line gate, its literal index."""
    full = rule.match == "full"
    pats = RulePatterns(rule.id, rule.patterns, (), rule.flags, full, None)
    gate = KindGate([("rule", rule.patterns, "full" if full else "search")], rule.flags)
    index = LiteralIndex(pats.literals, tiers=()) if pats.literals else None
    return pats, gate, index


def _check_line(rule, line: str) -> int:
    """Every shortcut of RULE lets LINE through when a pattern matches it
    (the brute force: every pattern run on the stripped line); the number
    of patterns that matched."""
    pats, gate, index = _shortcuts(rule)
    content = line.strip()
    folded = fold(content)
    hits = [k for k, p in enumerate(pats.patterns)
            if (p.fullmatch(content) if pats.full else p.search(content))]
    if not hits:
        return 0
    why = (rule.id, content)
    assert set(hits) <= set(pats.matchable(folded)), why
    assert pats.could_match(folded) and pats.may_match(folded), why
    assert pats.line_literals is None or any(lit in folded for lit in pats.line_literals), why
    assert not pats.full or pats.could_start(content), why
    assert gate.passing(content) == {"rule"} and gate.may_hold(content), why
    if index is not None:
        assert index.scan(folded) & set(pats.literals), why
    return len(hits)


def _example_lines(rule) -> list[str]:
    return [line for ex in (*rule.remove_examples, *rule.keep_examples)
            for line in ex.text.split("\n") if line.strip()]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(RULES), st.integers(0, 2**32), st.sampled_from([0, 0.03, 0.2]))
def test_shortcuts_let_through_every_respelled_example_regex_matches(rule, seed, odd):
    rnd = random.Random(seed)  # the respelling's draws (hypothesis's own would be many)
    for line in _example_lines(rule):
        _check_line(rule, _respell(line, rnd, odd))


@pytest.mark.slow
def test_shortcuts_on_every_rule_and_example_respelled(full_size):
    """Every rule and example, a few respellings each (more under --slow)."""
    rnd = random.Random(21)
    matched = 0
    for rule in RULES:
        for line in _example_lines(rule):
            for odd in ((0, 0.03, 0.2) * (4 if full_size else 1)):
                matched += _check_line(rule, _respell(line, rnd, odd)) > 0
    assert matched > 1000  # most respellings still match: the checks saw them


def test_turkish_i_and_odd_letters_are_found_as_regex_finds_them():
    # each was missed before the fold followed regex: the prefilter said no
    pats = RulePatterns("t.label", [r"^anzeige$", r"\bsign in\b"], [], ["ignorecase"],
                        False, None)
    for line in ["ANZEİGE", "anzeİge", "SIGN İN", "Sİgn in"]:
        assert any(p.search(line) for p in pats.patterns), line
        assert pats.may_match(fold(line)) and pats.could_match(fold(line)), line
    upper = RulePatterns("t.upper", [r"\bIN BRIEF\b"], [], ["ignorecase"], False, None)
    assert upper.patterns[0].search("ın brıef")  # a pattern's I matches a dotless i
    assert upper.may_match(fold("ın brıef")) and upper.could_match(fold("ın brıef"))
    assert fold("İnside the BOX ıs") == "inside the box is"
    assert fold("STRAẞE \u212aELVIN ſ") == "strasse kelvin s"


def test_literals_are_cut_at_letters_newer_than_pythons_tables():
    # regex pairs a sharp s with U+1DF95, which Python 3.11's tables do not
    # know: the literal stops short of it rather than miss such a text
    assert regex.search("(?i)abschließen", "abschlie\U0001df95en")
    assert unsafe_char("ß") and not unsafe_char("é") and not unsafe_char("k")
    assert folded_pieces("abschließen") == ["abschlie", "en"]
    pats = RulePatterns("t.de", [r"jetzt abschließen"], [], ["ignorecase"], False, None)
    assert pats.may_match(fold("JETZT ABSCHLIE\U0001df95EN"))
    assert prefixes_for("abschließen", ("ignorecase",)) == ("abschlie",)
    # full case folding: no literal at all ("ss" also matches that letter)
    assert requirements("straße", ("ignorecase", "fullcase")) is None
    assert prefixes_for("strasse", ("ignorecase", "fullcase")) is None
    assert requirements("straße", ("ignorecase",)) == (frozenset({"stra"}), frozenset({"e"}))


@pytest.mark.slow
def test_fold_agrees_with_regex_on_every_case_pair(full_size):
    """What ``fold`` relies on, asked of ``regex`` for every code point (the
    first 128K by default): a character and each it matches under
    IGNORECASE, with or without FULLCASE, fold alike, unless the character
    is one a literal is cut at. Fails when a ``regex`` release brings case
    pairs this code does not handle."""
    top = sys.maxunicode + 1 if full_size else 0x20000
    simple, full = regex.IGNORECASE, regex.IGNORECASE | regex.FULLCASE
    for code in range(top):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        own = fold(ch)
        cases = regex_engine.get_all_cases(simple, code)
        if len(cases) > 1 and any(fold(chr(c)) != own for c in cases):
            assert unsafe_char(ch), hex(code)
        if fold(regex_engine.fold_case(full, ch)) != own:
            assert unsafe_char(ch), hex(code)
    # the characters fold handles itself are no reason to cut a literal
    assert not any(unsafe_char(ch) for ch in "İıIiKkSsſ\u212a\u0307")


# ------------------------------------------------------------------ end to end

def _no_shortcuts(cleaner, monkeypatch):
    """CLEANER with no shortcut at all: every line a candidate of every rule
    (tests/reference.py), every pattern tried on it, every line gate open."""
    monkeypatch.setattr(RulePatterns, "may_match", lambda self, folded: True)
    monkeypatch.setattr(RulePatterns, "could_match", lambda self, folded: True)
    monkeypatch.setattr(RulePatterns, "matchable",
                        lambda self, folded: tuple(range(len(self.patterns))))
    monkeypatch.setattr(RulePatterns, "could_start", lambda self, text: True)
    monkeypatch.setattr(KindGate, "passing", lambda self, text: frozenset(self.kinds))
    monkeypatch.setattr(KindGate, "any_passing", lambda self, text: bool(self.kinds))
    monkeypatch.setattr(KindGate, "may_hold", lambda self, text: bool(self.kinds))
    return reference.with_candidates(cleaner, reference.EveryLine)


@functools.lru_cache(maxsize=1)
def _accelerator():
    """The compiled prefilter of the bundled rules (the cached one when there
    is one: compiling takes seconds), or None without hyperscan."""
    try:
        from boilerstrip.engine.fast import database
    except ImportError:
        return None
    rules = bundled_rule_set().rules
    return database.load(rules) or database.build(rules, store=False)


_EXAMPLES = sorted({line for rule in RULES for line in _example_lines(rule)})
_PROSE = ("The harbour festival returns this summer with boat races, a night market and "
          "music on the quay every evening, and the town expects more visitors than ever.")


def _same(a, b, text) -> None:
    assert (a.text, a.changes, a.status) == (b.text, b.changes, b.status), text


@settings(max_examples=10, deadline=None)
@given(st.lists(st.sampled_from(_EXAMPLES), min_size=1, max_size=10),
       st.integers(0, 2**32), st.booleans())
def test_respelled_examples_clean_alike_with_and_without_shortcuts(lines, seed, long):
    """The pure engine, the pure engine with no shortcut, and the compiled
    prefilter clean respelled example lines alike (a long text takes the
    document-wide scans)."""
    rnd = random.Random(seed)
    text = "\n".join([_PROSE] * 2 + [_respell(line, rnd, 0.03) for line in lines]) + "\n"
    if long:
        text += (_PROSE + "\n") * 12
    cleaner = boilerstrip.Cleaner(candidates=lambda ctx, index: default_candidates(ctx, index))
    got = cleaner.clean(text)
    with pytest.MonkeyPatch.context() as m:
        _same(got, _no_shortcuts(cleaner, m).clean(text), text)
    accel = _accelerator()
    if accel is not None:
        from boilerstrip.engine.fast.provider import FastProvider

        fast = boilerstrip.Cleaner(candidates=FastProvider(accel, short_chars=0))
        _same(got, fast.clean(text), text)


def test_a_respelled_label_is_removed_by_every_engine():
    # the literal prefilter missed it while "İ" folded to "i" and a dot
    text = "\n".join([_PROSE, "SHARE THİS ARTİCLE", "The quay was quiet by midnight."]) + "\n"
    cleaner = boilerstrip.Cleaner(candidates=lambda ctx, index: default_candidates(ctx, index))
    got = cleaner.clean(text)
    assert [c.rule for c in got.changes] == ["en.social.share-label"]
    with pytest.MonkeyPatch.context() as m:
        _same(got, _no_shortcuts(cleaner, m).clean(text), text)
    accel = _accelerator()
    if accel is not None:
        from boilerstrip.engine.fast.provider import FastProvider

        _same(got, boilerstrip.Cleaner(candidates=FastProvider(accel, short_chars=0)).clean(text),
              text)


@pytest.mark.slow
def test_respelled_corpus_documents_clean_alike_with_and_without_shortcuts(full_size):
    """Bundled corpus documents respelled (every letter may become a case
    variant, odd characters slipped in): the pure engine, the pure engine
    with no shortcut and the compiled prefilter clean them alike. Two
    documents by default, forty under --slow."""
    from pathlib import Path

    files = sorted((Path(__file__).resolve().parent.parent / "bench" / "data").glob(
        "*/extract-*/*.txt"))
    if not files:
        pytest.skip("bench corpora not present")
    rnd = random.Random(17)
    cleaner = boilerstrip.Cleaner(candidates=lambda ctx, index: default_candidates(ctx, index))
    accel = _accelerator()
    removed = 0
    for f in rnd.sample(files, 40 if full_size else 2):
        text = "\n".join(_respell(line, rnd, 0.01)
                         for line in f.read_text("utf-8").split("\n"))
        got = cleaner.clean(text)
        removed += len(got.changes)
        with pytest.MonkeyPatch.context() as m:
            _same(got, _no_shortcuts(cleaner, m).clean(text), f)
        if accel is not None:
            from boilerstrip.engine.fast.provider import FastProvider

            fast = boilerstrip.Cleaner(candidates=FastProvider(accel, short_chars=0))
            _same(got, fast.clean(text), f)
    assert removed > 0
