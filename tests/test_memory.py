"""The engine's memory per document: whole-document work goes a chunk at a
time, and cleaning one large document peaks at a bounded multiple of it."""

from __future__ import annotations

import gc
import pickle
import random
import sys
import tracemalloc
from pathlib import Path

import pytest

from boilerstrip.document import (CHUNK_CHARS, Attribution, Draft, casefold_all, line_text,
                                  split_lines, word_count)
from boilerstrip.engine.candidates import ScanCandidates, lines_holding, scan_chunks
from boilerstrip.engine.cleaner import Cleaner
from boilerstrip.engine.context import Context
from boilerstrip.rules.patterns import fold

ROOT = Path(__file__).resolve().parent.parent

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
    # each part folded as the literal shortcuts fold (rules.patterns.fold:
    # str.casefold, İ and ı as i)
    lines = _text(int(CHUNK_CHARS * 2.5), 7).split("\n")
    lines += ["", "", "ΣΑΣ", "ß" * 1000, "İNSIDE ıt"]
    assert list(casefold_all(lines)) == [fold(x) for x in lines]
    assert list(casefold_all(iter(lines))) == [fold(x) for x in lines]
    assert fold("İNSIDE ıt") == "inside it"
    assert list(casefold_all([])) == []
    assert list(casefold_all([""])) == [""]


def test_scan_chunks_find_what_one_scan_text_finds() -> None:
    lines = _text(20_000, 3).casefold().split("\n") + ["", "share this", "", "share"]
    whole = scan_chunks(lines, chunk_chars=len("\n".join(lines)) + 10)
    assert len(whole) == 1 and whole[0][1] == "\n".join(lines)
    for size in (1, 7, 100, 5_000):
        chunks = scan_chunks(iter(lines), chunk_chars=size)
        assert len(chunks) > 1
        assert [x for c in chunks for x in c[1].split("\n")] == lines
        for lit in ("a", "ss", "share", "σς", "\U0001f600", "zzzz-none"):
            assert lines_holding(chunks, lit) == lines_holding(whole, lit) == [
                i for i, x in enumerate(lines) if lit in x]
    assert scan_chunks([]) == [(0, "", [0])]


def test_line_text_is_the_slice() -> None:
    text = "plain\n  margins  \r\nwith cr\r\n\t\n"
    for ln in split_lines(text):
        for end in (ln.end, ln.end - 1 if text[ln.start:ln.end].endswith("\r") else ln.end):
            assert line_text(text, ln, end) == text[ln.start:end]
    plain = split_lines(text)[0]
    assert line_text(text, plain, plain.end) is plain.content  # no copy
    margins = split_lines(text)[1]
    same: dict[str, str] = {}
    first = line_text(text, margins, margins.end, same)
    assert first == "  margins  \r" and line_text(text, margins, margins.end, same) is first
    assert line_text(text, margins, margins.end) is not first  # without SAME: a new slice


def test_a_line_ends_where_the_next_starts_in_one_int() -> None:
    """Each line's ``next`` is the following line's ``start`` object, after a
    split and after a deletion (an int of 32 bytes less a line)."""
    text = "".join(f"line number {k}\n" for k in range(2_000))
    draft = Draft(text)
    draft.lines  # split now: the deletion shifts these
    draft.delete([(100, 130, Attribution("test.rule", "test"))])
    for lines, of in ((split_lines(text), text), (draft.lines, draft.text)):
        assert lines == split_lines(of)
        assert all(a.next is b.start for a, b in zip(lines[1000:], lines[1001:]))


#: Peak traced memory of cleaning one large document, in multiples of its
#: size in UTF-8, above the text itself. Measured: 14.7x (2 MB) and 15.5x
#: (5 MB); 30x before the whole-document work went chunk by chunk. (The text
#: of a document with an emoji takes 4 bytes a character: ~4x is one copy.)
MAX_PEAK_PER_BYTE = 20


def _large_document(n_bytes: int) -> str:
    """The bundled extracts joined until N_BYTES, after a line holding an
    emoji (as most large documents do: a whole-text string then takes 4
    bytes a character)."""
    parts = ["Reader comments \U0001f600 are welcome."]
    size = 0
    for path in sorted(ROOT.glob("bench/data/*/extract-*/*.txt")):
        parts.append(path.read_text("utf-8"))
        size += len(parts[-1].encode("utf-8"))
        if size >= n_bytes:
            break
    return "\n\n".join(parts)


@pytest.mark.slow
def test_peak_memory_of_one_large_document(full_size: bool, default_cleaner) -> None:
    text = _large_document(5_000_000 if full_size else 2_000_000)
    size = len(text.encode("utf-8"))
    default_cleaner.clean("warm up: the rules compiled, the index built " * 10)
    tracemalloc.start()
    try:
        held = tracemalloc.get_traced_memory()[0]
        result = default_cleaner.clean(text)
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    assert result.changes  # a real clean: removals applied, the text rebuilt
    assert peak <= MAX_PEAK_PER_BYTE * size, f"{peak / size:.1f}x the document"


def test_a_document_state_goes_when_clean_returns(default_cleaner) -> None:
    """No reference cycle keeps a document's lines and caches until the next
    full collection (which may come after the next large document)."""
    text = _large_document(300_000)
    default_cleaner.clean(text)
    gc.collect()
    gc.disable()
    try:
        result = default_cleaner.clean(text)
        alive = [type(o).__name__ for o in gc.get_objects()
                 if isinstance(o, (Context, Draft, ScanCandidates))]
    finally:
        gc.enable()
    assert result.changes and alive == []


def test_a_deletion_does_not_hold_two_texts() -> None:
    """The draft drops its text before building the next one: a deletion in a
    large text costs about one text, not two (the old one and the new one)."""
    draft = Draft(_large_document(1_000_000))
    who = Attribution("test.rule", "test")
    tracemalloc.start()  # before the current text is made: its release is seen
    try:
        draft.replace([(0, 6, "READER", who)])  # the current text is no longer the original
        size = sys.getsizeof(draft.text)
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        draft.delete([(100, 200, who), (len(draft.text) // 2, len(draft.text) // 2 + 50, who)])
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    assert draft.text.startswith("READER comments")
    assert peak < 1.5 * size, f"{peak / size:.2f}x the text"  # 2x when both are held


def test_a_handed_text_gives_the_result_of_clean(default_cleaner) -> None:
    """clean_handed (the CLI's way: the caller gives its text up) gives what
    clean gives, the original rebuilt from the output and the changes when
    read, and not held before: with a BOM, guarded, unchanged or empty."""
    article = _large_document(60_000)
    guarding = Cleaner(max_removed_share=0.01)
    for cleaner in (default_cleaner, guarding):
        for text in (article, "\ufeff" + article, "\ufeff", "", "An article's one line.\n"):
            handed = [text]
            got = cleaner.clean_handed(handed)
            assert handed == []
            want = cleaner.clean(text)
            assert got.changed == want.changed
            assert got == want and pickle.loads(pickle.dumps(got)) == want
    lazy = default_cleaner.clean_handed([article])
    assert lazy.changed and "original" not in vars(lazy)  # known from the lengths
    assert lazy.original == article and vars(lazy)["original"] is lazy.original
    assert guarding.clean_handed([article]).status == "guarded"


def test_the_draft_lets_the_original_go_at_its_first_edit() -> None:
    text = "Share this\nThe council met on Tuesday.\n\nRelated stories\n"
    draft = Draft(text)
    who = Attribution("test.rule", "test")
    assert draft.original is text and draft.junctions() == []
    draft.delete([(0, 11, who)])
    assert draft.original is None and draft.text == text[11:]
    draft.delete([(len(draft.text) - 16, len(draft.text), who)])
    assert draft.junctions() == [(0, "Share this\n"), (len(draft.text), "Related stories\n")]
    assert [(c.start, c.text, c.line) for c in draft.changes()] == [
        (0, "Share this\n", 1), (len(text) - 16, "Related stories\n", 4)]


def _wide_text(n_chars: int) -> str:
    """ASCII lines with an emoji every ~50,000 characters: the whole text
    takes 4 bytes a character, most short stretches of it one."""
    line = "Share this story with a friend, or read the next one.\n"
    lines = [line] * (n_chars // len(line))
    for k in range(0, len(lines), 50_000 // len(line)):
        lines[k] = "Readers \U0001f600 wrote in.\n"
    return "".join(lines)


def test_a_long_text_scan_is_not_kept_and_finds_the_same_lines() -> None:
    """A text longer than KEEP_SCAN_CHARS is folded afresh a chunk at a time
    for each question (no folded copy of it is kept); what it finds is what
    a test of each line finds, in each view, within each ceiling."""
    from boilerstrip.engine.candidates import CONTENT, KEEP_SCAN_CHARS, WHOLE

    text = _wide_text(KEEP_SCAN_CHARS + 100_000) + "  SHARE   \n\n  Readers\n"
    ctx = Context(Draft(text))
    cands = ScanCandidates(ctx)
    lines = ctx.draft.lines
    for view in (CONTENT, WHOLE):
        for ceiling in (None, 1, 8):
            for lits in (["share"], ["readers", "\U0001f600"], ["zzz-none"], ["share", "share"]):
                want = [ln.index for ln in lines if ln.content and any(
                    lit in fold(ln.content if view == CONTENT else text[ln.start:ln.end])
                    for lit in lits) and (view == WHOLE or ceiling is None
                                          or ctx.words()[ln.index] <= ceiling)]
                assert cands.lines_with(lits, ceiling, view) == want
    assert cands.lines_with(["zzz-none"], None, WHOLE) == []
    assert cands._scans == {}  # nothing folded stays


def test_a_rebuild_copies_short_compact_pieces() -> None:
    """A text with a rare emoji takes 4 bytes a character; the pieces a
    rebuild copies of it take about one: an edit costs about one text,
    not two (one long slice of it would be as wide as the text)."""
    draft = Draft(_wide_text(1_000_000))
    who = Attribution("test.rule", "test")
    draft.replace([(0, 7, "READERS", who)])
    size, length = sys.getsizeof(draft.text), len(draft.text)
    tracemalloc.start()
    try:
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        draft.delete([(100, 200, who)])
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    assert draft.text.startswith("READERS \U0001f600") and len(draft.text) == length - 100
    assert peak < 1.45 * size, f"{peak / size:.2f}x the text"  # 2x: one wide slice


def test_a_reset_lets_the_old_lines_go() -> None:
    """After an edit and a reset, nothing of the context holds the old lines
    (two generations of a large document's lines would be held at once)."""
    draft = Draft("Share this\n\nThe council met on Tuesday.\n")
    ctx = Context(draft)
    old = draft.lines
    assert ctx.shown() == [0, 2]
    held = sys.getrefcount(old)
    draft.delete([(0, 11, Attribution("test.rule", "test"))])
    ctx.reset()
    assert sys.getrefcount(old) == held - 2  # the draft's and the context's
    assert ctx.shown() == [1]


def test_a_long_split_leaves_the_collector_as_it_found_it():
    """split_lines pauses the cyclic collector for a long text (one tuple a
    line, all live) and gives it back in the state it was in."""
    import gc

    from boilerstrip.document import _PAUSE_LINES, split_lines

    text = "a\n" * (_PAUSE_LINES + 5)
    assert gc.isenabled()
    assert len(split_lines(text)) == _PAUSE_LINES + 5 and gc.isenabled()
    gc.disable()
    try:
        split_lines(text)
        assert not gc.isenabled()
    finally:
        gc.enable()
