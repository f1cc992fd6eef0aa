"""The language detector's packed tallies and its words (engine/language.py)
decide as the plain count did: ``re.findall`` words, one set intersection
per stopword list, both samples decided in full. Compared on every bundled corpus document (and its
cleaned text, which the Cleaner detects again), and on generated text with
generated detectors (few, short, overlapping lists: a field of the packed
tally at its fullest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import Cleaner
from boilerstrip.engine.language import (UNKNOWN, Detection, LanguageDetector, _samples,
                                         words_of)
from boilerstrip.rules.model import Rule

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def plain_counts(detector: LanguageDetector, text: str) -> tuple[int, list[int]]:
    """(distinct words, distinct stopwords of each list) of TEXT, the plain way."""
    words = set(re.findall(r"\w+", text.casefold()))
    return len(words), [len(stops & words) for stops in detector.lists.values()]


def plain_detect(detector: LanguageDetector, text: str) -> Detection:
    """What ``detect`` decided before the tallies were packed: both samples
    counted, summed list by list, every sample decided on its own."""
    parts = [plain_counts(detector, part) for part in _samples(text, detector.sample_chars)]
    tokens = sum(n for n, _ in parts)
    hits = [sum(col) for col in zip(*(h for _, h in parts))]
    main = detector._decide(tokens, hits, detector.min_tokens)
    if not main:
        return UNKNOWN
    found = set(main) | detector.everywhere
    for n, part_hits in parts:
        found.update(detector._decide(n, part_hits, detector.block_min_tokens))
    return Detection(main[0], frozenset(found))


def _detector(lists: dict[str, str], **params) -> LanguageDetector:
    return LanguageDetector(Rule(
        id="test.language", kind="language", category="language", order=5,
        description="generated lists", params=(("stopwords", lists), *params.items())))


@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_detect_equals_the_plain_count_on_every_corpus_document():
    cleaner = Cleaner()
    detector = cleaner.detector
    files = sorted(DATA.glob("*/*/*.txt"))
    assert len(files) > 1000
    seen_langs = set()
    for f in files:
        text = f.read_bytes().decode("utf-8")
        seen: dict = {}
        got = detector.detect(text, seen)
        assert got == plain_detect(detector, text), f.name
        assert detector.detect(text, seen) == got  # from the kept tallies
        seen_langs.add(got.language)
    # the cleaned texts (detected again by the Cleaner), a sample of them
    for f in files[::10]:
        out = cleaner.clean(f.read_bytes().decode("utf-8")).text
        assert detector.detect(out) == plain_detect(detector, out), f.name
    assert {"en", "de", ""} <= seen_langs  # decided ones and unknown ones were met


def test_counts_unpack_to_one_intersection_per_list():
    detector = Cleaner().detector
    for word, tally in detector._tallies.items():  # a stopword's field is 1 in its lists
        assert detector._unpack(tally) == [int(word.decode() in s)
                                           for s in detector.lists.values()]
    text = "The cat and the dog, der Hund und die Katze; le chat et le chien."
    assert detector._counts(text) == plain_counts(detector, text)
    assert detector._counts("") == (0, [0] * len(detector.codes))


_WORDS = ["a", "b", "ab", "der", "die", "the", "und", "and", "le", "la", "x_y", "42",
          "Die", "DER", "Straße", "STRASSE", "ß"]


@settings(deadline=None)
@given(lists=st.dictionaries(st.sampled_from(["en", "de", "fr", "xx"]),
                             st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6,
                                      unique=True).map(" ".join), min_size=1, max_size=4),
       words=st.lists(st.sampled_from(_WORDS + [" ", ", ", ".\n", "\u00a0", "—", "’"]),
                      max_size=80),
       sample_chars=st.integers(1, 40), min_tokens=st.integers(0, 6),
       block_min_tokens=st.integers(0, 8), near_ratio=st.sampled_from([0.5, 0.7, 1]),
       min_coverage=st.sampled_from([0, 0.1, 0.3]))
def test_detect_equals_the_plain_count_on_generated_text(
        lists, words, sample_chars, min_tokens, block_min_tokens, near_ratio, min_coverage):
    detector = _detector(lists, sample_chars=sample_chars, min_tokens=min_tokens,
                         block_min_tokens=block_min_tokens, near_ratio=near_ratio,
                         min_coverage=min_coverage)
    text = " ".join(words)
    assert detector.detect(text) == plain_detect(detector, text)
    seen: dict = {}
    assert detector.detect(text, seen) == detector.detect(text, seen) == detector.detect(text)


def test_a_field_at_its_fullest_does_not_carry_into_the_next():
    """Every word of a list in both samples: the summed field holds twice
    the list's length, the most it can."""
    words = "a b c"
    detector = _detector({"en": words, "de": words, "fr": "c"}, sample_chars=5,
                         min_tokens=1, block_min_tokens=1, min_coverage=0)
    text = "a b c a b c"
    assert detector._counts(text[:5]) == (3, [3, 3, 1])
    assert detector.detect(text) == plain_detect(detector, text)
    assert detector.detect(text).languages == {"en", "de"}


def plain_words(text: str) -> set[bytes]:
    return {w.encode("utf-8") for w in re.findall(r"\w+", text)}


@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_words_equal_findall_on_every_corpus_document():
    files = sorted(DATA.glob("*/*/*.txt"))
    for f in files:
        text = f.read_bytes().decode("utf-8")
        for part in (text, text.casefold()[:500], text[-500:]):
            assert words_of(part) == plain_words(part), f.name


# ASCII word and non-word characters, accented and non-Latin letters, digits of
# other scripts, a combining mark, curly quotes and dashes, odd spaces (NBSP,
# U+2003, the \x1c-\x1f separators), a letter beyond the BMP, a lone surrogate
_CHARS = "aZ9_ .,'-\t\n\x1c\x1féßİſ١٢Ωж中\u0301\u2019\u201c\u2014\u00a0\u2003\U0001d400\ud800"


@settings(deadline=None)
@given(st.text(st.sampled_from(_CHARS), max_size=60))
def test_words_equal_findall_on_generated_text(text):
    assert words_of(text) == plain_words(text)
    assert words_of(text.casefold()) == plain_words(text.casefold())
