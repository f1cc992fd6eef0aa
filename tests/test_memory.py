"""The engine's memory per document: whole-document work goes a chunk at a
time, and cleaning one large document peaks at a bounded multiple of it."""

from __future__ import annotations

import random

from boilerstrip.document import CHUNK_CHARS, casefold_all, word_count

#: whitespace of every sort str.split() knows, line breaks of every sort included
_SPACES = [" ", "\n", "\t", "\r\n", "\x1c", "\x85", "\u2028", "\u3000", "\xa0", "  \n\n"]


def _text(n_chars: int, seed: int) -> str:
    """Words of Latin, Greek, German and astral letters with every sort of
    space (a random stretch, repeated up to N_CHARS: quick to build)."""
    rnd = random.Random(seed)
    alphabet = "abcdefghijXYZß" "ΣσςİﬁÅ" "\U0001f600"
    parts: list[str] = []
    size = 0
    while size < 50_000:
        word = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
        parts.append(word + rnd.choice(_SPACES))
        size += len(parts[-1])
    return "".join(parts) * (n_chars // size + 1)


def test_word_count_in_chunks_is_split_once() -> None:
    for seed in range(3):
        text = _text(int(CHUNK_CHARS * 2.5), seed)
        assert word_count(text) == len(text.split())
        assert word_count(text[:-1] + "x") == len((text[:-1] + "x").split())
    one_line = "word " * (CHUNK_CHARS // 2)  # no line break to cut at
    assert word_count(one_line) == len(one_line.split())


def test_casefold_all_in_chunks_is_casefold_each() -> None:
    lines = _text(int(CHUNK_CHARS * 2.5), 7).split("\n")
    lines += ["", "", "ΣΑΣ", "ß" * 1000]
    assert casefold_all(lines) == [x.casefold() for x in lines]
    assert casefold_all([]) == []
    assert casefold_all([""]) == [""]
