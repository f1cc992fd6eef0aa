"""The rewrite of rule patterns for the compiled prefilter only ever widens
(engine/fast/widen.py). Pure Python: no hyperscan needed. Each piece is
checked with ``regex`` itself (its ``\\x{..}`` escapes translated), so these
tests say nothing of Vectorscan's own matching (tests/test_fast_engine.py)."""

from __future__ import annotations

import re

import regex
from hypothesis import given, settings, strategies as st

from boilerstrip.engine.fast.widen import folded_literal, widen
from boilerstrip.rules.patterns import fold
from boilerstrip.rules.loader import bundled_rule_set

_ESCAPE = re.compile(r"\\x\{([0-9a-f]+)\}")


def as_regex(piece: str) -> regex.Pattern:
    """A Hyperscan piece as a ``regex`` pattern (same meaning: no flags)."""
    return regex.compile(_ESCAPE.sub(lambda m: f"\\U{int(m.group(1), 16):08x}", piece))


def holds(pieces, line: str) -> bool:
    return all(as_regex(p).search(line) for p in pieces)


def test_anchors_boundaries_and_lookarounds_go():
    (piece,) = widen(r"^\W*read more\b(?=\s*$)", ("ignorecase",))
    assert "^" not in piece and "(?=" not in piece and "\\b" not in piece
    assert holds([piece], "»  READ MORE")


def test_case_variants_come_from_regex_itself():
    # the Kelvin sign matches k, the long s matches s under IGNORECASE
    assert holds(widen("kiosk", ("ignorecase",)), "\u212aio\u017fk")


def test_a_long_run_of_anything_splits_the_pattern():
    # the Vectorscan 5.4.12 drop case: the repeat never reaches Hyperscan
    pieces = widen(r"\S.{5,}[ \x85\xa0]\[video\]", ("ignorecase",))
    assert pieces and not any("{5," in p for p in pieces)
    assert holds(pieces, "x" * 60 + " [video]")
    two = widen(r"^diese\b.{0,40}\bmehr$", ("ignorecase",))
    assert len(two) == 2 and holds(two, "Diese Meldung lesen Sie mehr")
    # a common short word is left out while a rarer piece remains
    assert widen(r"^die\b.{0,40}\bmehr$", ("ignorecase",)) == widen("mehr", ())


def test_a_common_word_beside_a_rare_phrase_is_left_out():
    # each match of a piece costs the scan; a word in most documents rules
    # out almost no line where the rare phrase is
    pattern = r"\bplease\s+enable\s+javascript\b.{0,40}\bbrowser\b"
    pieces = widen(pattern, ("ignorecase",))
    assert pieces == widen(r"please\s+enable\s+javascript", ("ignorecase",))
    assert holds(pieces, "Please enable JavaScript in your browser")
    assert holds(pieces, "Please enable JavaScript")  # a candidate regex turns down
    # two common words: both must be there
    assert len(widen(r"\bbrowser\b.{0,40}\bcookies\b", ("ignorecase",))) == 2


def test_a_short_piece_of_a_full_match_line_rule_keeps_the_line_start():
    ad = r"[-(\[]*\s*ads?\s*[-)\]]*"
    (plain,) = widen(ad, ("ignorecase",))
    (anchored,) = widen(ad, ("ignorecase",), anchored=True)
    assert anchored.startswith("^") and "^" not in plain
    for line in ("Ad", " - ADS -", "\u3000\x1c(ad)", "\xa0\u2028Ad\r"):
        assert holds([anchored], line), line  # anything str.strip strips may come first
    for line in ("Read the ad", "Head", "x ad"):
        assert holds([plain], line) and not holds([anchored], line), line
    # a rare piece needs no anchor (anchors cost the scan more than they save)
    assert widen("sponsored content", ("ignorecase",), anchored=True) == widen(
        "sponsored content", ("ignorecase",))


def test_a_piece_keeps_the_end_of_the_group_repeated_before_it():
    credit = r"(?:\w[\w ]{1,40} [/|] ){0,3}(?:ap|afp(?: photo \S+)?)"
    (anchored,) = widen(credit, ("ignorecase",), anchored=True)
    for line in ("AP", "  AFP photo x", "Jane Doe / AP", "Jane Doe | Foo Bar / AFP"):
        assert holds([anchored], line), line
    for line in ("the map", "a sharp AFP reply", "x AP"):
        assert not holds([anchored], line), line
    # once or more: what ends the group always stands before the piece
    (once,) = widen(r"(?:\w[\w ]{1,40} / )+ap", ("ignorecase",))
    assert holds([once], "Jane Doe / AP") and not holds([once], "a map")


def test_what_cannot_be_rewritten_stays_pure():
    assert widen(r"stra(ss|ß)e", ("ignorecase", "fullcase")) is None
    assert widen(r"\P{L}+x", ("ignorecase",)) is None  # Python's parser cannot read it
    assert widen(r"\d+", ()) is None  # nothing literal to look for


def _examples():
    """(rule, example line) for the remove examples of the one-line kinds."""
    out = []
    for rule in bundled_rule_set().rules:
        if rule.kind in ("line", "section", "inline") and rule.patterns:
            out.extend((rule, ex.text) for ex in rule.remove_examples if "\n" not in ex.text)
    return out


def _matching_lines(rule, text: str):
    """The lines of TEXT one of RULE's patterns matches: (pattern, line)."""
    bits = regex.IGNORECASE if "ignorecase" in rule.flags else 0
    bits |= regex.VERBOSE if "verbose" in rule.flags else 0
    for p in rule.patterns:
        rx = regex.compile(p, bits | regex.VERSION0)
        line = text.strip() if rule.kind != "inline" else text
        if (rx.fullmatch(line) if rule.match == "full" and rule.kind != "inline"
                else rx.search(line)):
            yield p, line


def _anchored(rule) -> bool:
    """Whether the database widens RULE's patterns with a line anchor (database.build_table)."""
    return rule.kind in ("line", "section") and rule.match == "full"


def test_every_piece_of_a_bundled_pattern_is_in_the_lines_it_matches():
    checked = 0
    for rule, text in _examples():
        for p, line in _matching_lines(rule, text):
            pieces = widen(p, rule.flags, _anchored(rule))
            if pieces is not None:
                # the scan sees the whole line: its content, stripped, is what matched
                assert holds(pieces, text), (rule.id, p, text)
                checked += 1
    assert checked > 300


_WORDS = st.sampled_from(["share", "this", "video", "[video]", "©", "Getty Images", "read more",
                          "Die", "mehr", "\u212a", "ſ", "İ", "x" * 50, " ", "\xa0", "\x85",
                          "é", "1234", ":", "|", "(", ")", "\t", "\u2028"])
_PATTERNS = [r"\S.{5,}[ \x85\xa0]\[video\]", r"^\W*share (?:this|on)\b.{0,40}$",
             r"(?:©|\(c\))\s*\d{4}", r"read (?:more|also)\W*$", r"^die\b.{0,40}\bmehr$",
             r"(?<![\w])getty(?: images)?\b", r"k\w{0,3}s", r"(?:^|\s)i\S*\s"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS | st.text(max_size=5), max_size=12), st.sampled_from(_PATTERNS))
def test_generated_lines_keep_every_piece(parts, pattern):
    line = "".join(parts).replace("\n", " ")
    pieces = widen(pattern, ("ignorecase",))
    assert pieces is not None
    rx = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    if rx.search(line):
        assert holds(pieces, line)


_FULL = [r"[-(\[]*\s*ads?\s*[-)\]]*", r"on [\w-]+\.(?:com|org)\s*:\s*\S.{0,20}",
         r"(?:©\s*)?(?:\w[\w.' -]{1,40}\s*[/|]\s*){0,3}(?:getty(?: images)?|ap|afp)\s*[)\]]?",
         r"(?:\w+ ){1,3}[/|] (?:ap|afp)", r"more\s*:"]
_SHORT = st.sampled_from(["Ad", "ADS", "on", "On ", "example.com", ": ", "Getty Images", "AP",
                          "afp", " / ", "|", "Jane Doe", "©", "more", "(", "]", "-", " ", "\xa0",
                          "\x85", "\u3000", "\x1c", "\t", "\r", "\u2028", "ſ", "İ"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_SHORT | st.text(max_size=3), max_size=8), st.sampled_from(_FULL))
def test_generated_lines_keep_every_anchored_piece(parts, pattern):
    line = "".join(parts).replace("\n", " ")
    pieces = widen(pattern, ("ignorecase",), anchored=True)
    assert pieces is not None
    rx = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    if rx.fullmatch(line.strip()):  # a line's content, as line rules see it
        assert holds(pieces, line)


_FOLD_BITS = st.sampled_from(["ß", "ẞ", "ss", "S", "ſ", "ﬁ", "ﬀ", "ﬃ", "ﬆ", "İ", "i", "K", "\u212a",
                              "share", "SHARE", "print", "mail", "sms", "teilen", "e", "h", "a",
                              "r", "t", "p", "m", "l", " ", "ę", "Ę", "\u0131", "I"])
_LITS = ["share", "sms", "print", "mail", "teilen", "podziel się", "ss", "fi", "sti", "kiss"]


@settings(max_examples=500, deadline=None)
@given(st.lists(_FOLD_BITS | st.text(max_size=2), max_size=10), st.sampled_from(_LITS))
def test_a_folded_literal_is_found_however_the_text_spells_it(parts, lit):
    # a block rule's literals are searched in the folded text by the pure
    # engine: the database's expression must match wherever that finds one
    # (a combining dot above folds to nothing: no literal holds one, and
    # regex finds a literal's characters side by side)
    text = "".join(parts).replace("\n", " ").replace("\u0307", "")
    if lit in fold(text):
        assert as_regex(folded_literal(lit)).search(text), (lit, text)


def test_folded_literals_cover_the_characters_that_fold_to_several():
    for text, lit in (("STRAẞE", "strasse"), ("ﬁle", "file"), ("oﬃce", "office"),
                      ("\u212aISS", "kiss"), ("Teilen", "teilen"), ("ßms", "sms"),
                      ("TEİLEN", "teilen"), ("teılen", "teilen")):
        assert lit in fold(text)
        assert as_regex(folded_literal(lit)).search(text), text
    assert not as_regex(folded_literal("share")).search("shore ware")
