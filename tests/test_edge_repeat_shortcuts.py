"""The shortcuts of the edge-block and repeated-line detectors give what the
plain definitions give.

``edges.overlap`` intersects the block's content words with every word of
the body (``edges.words_in``: the body's words need no filter, the block's
passed it); ``edges.has_words`` stops counting once there are enough;
``repeats.repeated_lines`` finds its candidates with C-level iterators and
keys each line once. Each is compared here with the plain definition (the
code they replaced, kept below) on every bundled corpus document and on
generated text.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.engine import edges, repeats

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def _cfg() -> edges.EdgeConfig:
    rule = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
                if r.kind == "edge-block" and "end" in edges.edge_config(r).ends)
    return edges.edge_config(rule)


CFG = _cfg()


def _plain_overlap(block, body, cfg) -> float | None:
    words = edges.content_words(block, cfg)
    if not words:
        return None
    return len(words & edges.content_words(body, cfg)) / len(words)


def _plain_repeated_lines(contents, min_words: int, window: int) -> list[tuple[int, int]]:
    last = [c.rsplit(None, 1)[-1] for c in contents]
    candidates = sorted({i + d for d in range(1, window + 1)
                         for i, (a, b) in enumerate(zip(last, last[d:])) if a == b})
    out = []
    for i in candidates:
        key = repeats._key(contents[i])
        j = next((j for j in range(i - 1, max(-1, i - 1 - window), -1)
                  if last[j] == last[i] and repeats._key(contents[j]) == key), None)
        if j is not None and len(repeats._WORD.findall(key)) >= min_words:
            out.append((i, j))
    return out


def _check(contents: list[str], rng: random.Random) -> None:
    for window in (1, 2, 3):
        for min_words in (0, 3, 8):
            assert repeats.repeated_lines(contents, min_words, window) \
                == _plain_repeated_lines(contents, min_words, window)
    for least in (0, 1, 7, 100, 10_000):
        assert edges.has_words(contents, least) == (sum(len(t.split()) for t in contents) >= least)
    if contents:
        cut = rng.randrange(len(contents))
        block, body = contents[cut:cut + 6], contents[:cut]
        assert edges.overlap(block, body, CFG) == _plain_overlap(block, body, CFG)


def _contents(text: str) -> list[str]:
    return [s for s in (ln.strip() for ln in text.split("\n")) if s]


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="bench corpora not present")
def test_the_shortcuts_agree_with_the_definitions_on_the_corpora(full_size):
    files = sorted(DATA.glob("*/*/*.txt"))
    assert files
    rng = random.Random(14)
    if not full_size:
        files = files[::5]  # every fifth document: the full run under --slow
    found = 0
    for f in files:
        contents = _contents(f.read_bytes().decode("utf-8"))
        _check(contents, rng)
        found += bool(repeats.repeated_lines(contents, 8, 2))
    assert found  # some document repeats a line: the comparison saw hits


_LINES = ["The same caption of the photo gallery is printed twice on this page.",
          "* The same caption of the photo gallery is printed twice on this page.",
          "The same  caption of the photo gallery is printed twice on this page.",
          "- The same caption", "The same caption", "caption", "Reply", "page.",
          "Straße ÉTÉ Ünïcode wörds here", "STRASSE été ünïcode Wörds", "12 345", "x"]


@given(st.lists(st.one_of(st.sampled_from(_LINES),
                          st.text(st.characters(blacklist_categories=("Cs",)), min_size=1)),
                max_size=25), st.randoms())
def test_the_shortcuts_agree_with_the_definitions_on_generated_text(lines, rng):
    _check([s for s in (x.strip() for x in lines) if s and "\n" not in s], rng)
