"""The scan's factored pieces (engine/fast/database.py ``factored``): a
piece of a list of links joined by separators is scanned for from its
first separator on, and finds every line the whole piece finds. Checked on
hand-made pieces, on every line of the bundled corpora and on generated
text, against the piece itself (``regex``, Hyperscan's ``\\x{..}``
escapes read as ``\\U``)."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings, strategies as st

from boilerstrip.engine.fast import database
from boilerstrip.rules.loader import bundled_rule_set

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
WORDS = "(?:(?:[Hh][Ee][Ll][Pp])|(?:[Aa][Bb][Oo][Uu][Tt])|(?:[Jj][Oo][Bb][Ss]))"
SPACE = r"[\x{9}\x{20}\x{a0}]*"
SEP = r"[\x{2f}\x{7c}\x{b7}\x{2022}]"
LINKS = f"{WORDS}(?:(?:{SPACE}{SEP}{SPACE}{WORDS}))+"


def test_a_list_joined_by_separators_is_scanned_from_its_first_separator():
    assert database.factored(LINKS) == f"(?:(?:{SPACE}{SEP}{SPACE}{WORDS}))"


@pytest.mark.parametrize("piece", [
    f"{WORDS}|x(?:(?:{SPACE}{SEP}{SPACE}{WORDS}))+",  # head with an alternation
    f"^{WORDS}(?:(?:{SPACE}{SEP}{SPACE}{WORDS}))+",  # head keeps the line start
    f"{WORDS}(?:(?:{SPACE}[Aa\\x{{2f}}]{SPACE}{WORDS}))+",  # group starts with a letter
    f"{WORDS}(?:(?:{SPACE}[\\x{{30}}-\\x{{39}}]{WORDS}))+",  # ... or a digit
    f"{WORDS}(?:(?:{SEP}?{WORDS}))+",  # a separator that may be absent
    f"(?:(?:{SPACE}{SEP}{SPACE}{WORDS}))+",  # no head
    f"{WORDS}(?:(?:{SPACE}{SEP}{WORDS}))",  # no repeat
    f"{WORDS}\\(?:{SEP}{WORDS}\\)+",  # escaped parens
    f"{WORDS}(?:{SEP}{WORDS}",  # unbalanced
])
def test_other_pieces_are_kept_whole(piece):
    assert database.factored(piece) == piece


def _rx(piece: str) -> regex.Pattern:
    return regex.compile(regex.sub(r"\\x\{([0-9a-fA-F]+)\}",
                                   lambda m: "\\U%08x" % int(m.group(1), 16), piece))


@functools.lru_cache(maxsize=1)
def _factored_pieces() -> tuple[tuple[regex.Pattern, regex.Pattern], ...]:
    """(piece, its factor) of each bundled piece ``factored`` changes."""
    from boilerstrip.engine.fast.widen import widen

    out = []
    for rule in database.served(bundled_rule_set().rules):
        anchored = rule.kind in ("line", "section") and rule.match == "full"
        for pattern in rule.patterns:
            for piece in widen(pattern, rule.flags, anchored) or ():
                factor = database.factored(piece)
                if factor != piece:
                    out.append((_rx(piece), _rx(factor)))
    return tuple(out)


def _assert_factor_finds(lines) -> int:
    found = 0
    for line in lines:
        for whole, factor in _factored_pieces():
            if whole.search(line):
                assert factor.search(line), line
                found += 1
    return found


def test_the_bundled_footer_links_piece_is_factored():
    assert _factored_pieces(), "no bundled piece is factored any more: drop factored()"
    assert _assert_factor_finds(["Privacy Policy | Terms of Use | Contact Us",
                                 "Mentions légales · Contact"]) == 2


@pytest.mark.slow
def test_the_factor_finds_every_line_the_piece_finds_on_the_corpora(full_size):
    files = sorted(DATA.glob("*/*/*.txt"))
    if not full_size:
        files = random.Random(21).sample(files, min(120, len(files)))
    lines = [ln for f in files for ln in f.read_text("utf-8").split("\n")]
    assert _assert_factor_finds(lines) > 0


_BITS = st.sampled_from(["Privacy", "Help", "About us", "Jobs", "Contact", "Impressum", "|",
                         "/", "·", "•", " ", "\xa0", "\t", "ſ", "K", "İ", "x"])


@settings(deadline=None, max_examples=60)
@given(st.lists(_BITS | st.text(max_size=4), max_size=12))
def test_generated_text_the_factor_finds_what_the_piece_finds(parts):
    _assert_factor_finds(["".join(parts).replace("\n", " ")])
