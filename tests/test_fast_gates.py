"""The detectors' document gates (engine/fast/gates.py): a detector skipped
by its gate would have found nothing. Checked line by line (every line a
detector marks is counted by its gate) and document by document (the
gated stage gives the same removals as the detector run on every line),
on the bundled corpora and on generated text. Skips when ``hyperscan`` is
not installed."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

hyperscan = pytest.importorskip("hyperscan")

from boilerstrip.document import Draft  # noqa: E402
from boilerstrip.engine import kinds, replies, threads  # noqa: E402
from boilerstrip.engine.candidates import default_candidates  # noqa: E402
from boilerstrip.engine.context import Context  # noqa: E402
from boilerstrip.engine.fast import database, gates  # noqa: E402
from boilerstrip.engine.fast.provider import FastCandidates, FastProvider  # noqa: E402
from boilerstrip.rules.loader import bundled_rule_set  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
RULES = bundled_rule_set().rules
THREAD = threads.CompiledThread.of(next(r for r in RULES if r.kind == "comment-thread"))
TAIL = replies.CompiledReplyTail.of(next(r for r in RULES if r.kind == "reply-tail"))
GATE_IDS = {gates.gate_id(THREAD.rule.id, "record"), gates.gate_id(THREAD.rule.id, "header"),
            gates.gate_id(TAIL.rule.id, "opens"), gates.gate_id(TAIL.rule.id, "evidence")}


@pytest.fixture(scope="module")
def accel():
    """An accelerator of the two detector rules alone: their gate rules (a second)."""
    got = database.build([THREAD.rule, TAIL.rule], store=False)
    assert got.rule_ids == GATE_IDS  # every pattern widens: no gate is left out
    return got


def _candidates(accel, text: str) -> tuple[Context, FastCandidates]:
    ctx = Context(Draft(text))
    ctx.candidates = FastCandidates(ctx, None, FastProvider(accel))
    return ctx, ctx.candidates


def _gated_lines(accel, text: str) -> tuple[list, dict[str, set[int]]]:
    """The draft's lines and, per gate rule, the lines the scan names."""
    ctx, cands = _candidates(accel, text)
    return ctx.draft.lines, {g: set(cands.lines_of(g) or ()) for g in GATE_IDS}


def _check_lines(accel, text: str) -> int:
    """Every line a detector gives a kind the gate needs is among its gate's
    lines; how many such lines TEXT holds."""
    lines, got = _gated_lines(accel, text)
    record, header = (gates.gate_id(THREAD.rule.id, n) for n in ("record", "header"))
    opens, evidence = (gates.gate_id(TAIL.rule.id, n) for n in ("opens", "evidence"))
    opening = set(gates.tail_opening_kinds(TAIL.cfg.opens))
    seen = 0
    for ln in lines:
        if not ln.content:
            continue
        marks = threads.line_marks(ln.content, THREAD.cfg)
        found = replies.line_evidence(ln.content, TAIL.cfg)
        for need, holds in ((record, bool(marks & set(gates.RECORD_KINDS))),
                             (header, "header" in marks), (opens, bool(found & opening)),
                             (evidence, bool(found))):
            if holds:
                assert ln.index in got[need], (need, ln.content)
                seen += 1
    return seen


def _check_stages(accel, text: str) -> tuple[int, int]:
    """The gated stages remove what the detectors find on every line; how
    many of the two detectors the gates skipped and how many found something."""
    ctx, cands = _candidates(accel, text)
    skipped = found = 0
    for stage, detect, item in ((kinds._stage_comment_thread, threads.comment_thread, THREAD),
                                (kinds._stage_reply_tail, replies.reply_tail, TAIL)):
        ungated = detect([item], ctx.draft)
        assert stage([item], ctx) == ungated
        may = (gates.thread_may_fire if item is THREAD else gates.tail_may_fire)(item, cands)
        skipped += not may
        found += bool(ungated)
    return skipped, found


def _sample(full: bool) -> list[Path]:
    files = sorted(DATA.glob("*/*/*.txt"))
    return files if full else random.Random(13).sample(files, min(120, len(files)))


@pytest.mark.slow
def test_every_line_a_detector_marks_is_counted_by_its_gate(accel, full_size):
    assert sum(_check_lines(accel, p.read_text("utf-8")) for p in _sample(full_size)) > 50


@pytest.mark.slow
def test_gated_detectors_remove_what_ungated_ones_do_on_the_corpora(accel, full_size):
    skipped = found = 0
    for path in _sample(full_size):
        s, f = _check_stages(accel, path.read_text("utf-8"))
        skipped, found = skipped + s, found + f
    assert skipped > found > 0  # most documents skip; the detectors still fire


def test_the_pure_engine_never_skips():
    # no scan, no count: the detectors run
    ctx = Context(Draft("A plain sentence of an article.\n" * 40))
    ctx.candidates = default_candidates(ctx, None)
    assert gates.thread_may_fire(THREAD, ctx.candidates)
    assert gates.tail_may_fire(TAIL, ctx.candidates)


def test_a_text_without_markers_skips_both_and_a_thread_does_not(accel):
    body = "A plain sentence of an article, long enough to stand above a thread.\n" * 12
    _ctx, cands = _candidates(accel, body)
    assert not gates.thread_may_fire(THREAD, cands)
    assert not gates.tail_may_fire(TAIL, cands)
    thread = body + "".join(f"Anna K.\n{d} March 2012 at 9:1{d} pm\nI liked it.\nReply\n"
                            for d in (3, 4, 5))
    ctx, cands = _candidates(accel, thread)
    assert gates.thread_may_fire(THREAD, cands)
    assert kinds._stage_comment_thread([THREAD], ctx)  # and it finds the thread
    tail = body + "@anna I liked it too :)\nGreat post!\nThanks for writing this.\n"
    ctx, cands = _candidates(accel, tail)
    assert gates.tail_may_fire(TAIL, cands)
    assert kinds._stage_reply_tail([TAIL], ctx)


def test_a_gate_that_cannot_scan_the_text_lets_it_through(accel):
    # lone surrogates do not encode: the pure engine answers, nothing is skipped
    _ctx, cands = _candidates(accel, "A plain sentence \ud800 of an article.\n" * 40)
    assert cands.lines_of(gates.gate_id(THREAD.rule.id, "record")) is None
    assert gates.thread_may_fire(THREAD, cands) and gates.tail_may_fire(TAIL, cands)


def test_marker_parts_and_list_items_are_counted():
    # the stretch a marker matches may start after a list number or a
    # separator, and end before one: the gate's pieces keep those contexts
    pieces = gates.gate_pieces("reply", ("ignorecase",), "part_start", "part_end")
    assert pieces is not None and len(pieces) == 1 and pieces[0].startswith("(?:^")
    assert gates.gate_pieces(r"(?:at\s+)?\d{1,2}:\d{2}", (), "part_start", "part_end")


# marker and evidence lines of all eight languages, written for this test,
# with prose, separators, list numbers and odd white space around them
_BITS = st.sampled_from([
    "Reply", "Antworten", "Répondre", "Responder", "Rispondi", "Reageer", "Odpowiedz",
    "Anna says:", "Jan sagt:", "Marie a écrit :", "3 hours ago", "vor 2 Stunden",
    "il y a 3 jours", "hace 2 días", "2 ore fa", "há 3 dias", "2 uur geleden",
    "3 godziny temu", "March 3, 2012 at 9:14 pm", "12/03/2012", "3. März 2012",
    "12 Comments", "5 Kommentare", "3 commentaires", "Posted by: Tom | 4/5/2011",
    "@anna", "Great post!", "Thanks for sharing", "Hi Anna,", "Hallo Jan, ", "Merci ",
    "Grazie ", "Obrigado", "Bedankt", "Dzięki", ":)", ";-)", "xD", "-Tom", "~Anna",
    "[...] a linking post [...]", "Best,", "Anna", " | ", " · ", " • ", "1. ", "* ", "o ",
    "The council met on Tuesday", " and ", ", ", ". ", "\xa0", "\t", "\r", "\x1c", "İ",
    "\u212a", "ſ", "x" * 50, "\n", "\n\n"])


@settings(deadline=None)
@given(st.lists(st.lists(_BITS | st.text(max_size=5), max_size=6), min_size=1, max_size=30))
def test_generated_text_gates_count_every_marked_line_and_skip_only_empty_handed(accel, lines):
    text = "\n".join("".join(parts) for parts in lines)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return  # the pure engine answers (test above)
    _check_lines(accel, text)
    # long enough above for a thread or a tail to be removed
    _check_stages(accel, "A plain sentence of an article here.\n" * 30 + text)


#: thread lines whose marker words are written with the odd characters that
#: case-fold to ASCII letters (long s, dotted capital I, the Kelvin sign)
_ODD_THREAD = "".join(f"Anna {d}\nTom ſays:\nI liked it.\nREPLİES\n\u212aim wrote:\nYes.\n"
                      for d in (3, 4, 5))


def test_gate_pieces_narrow_odd_case_folds_and_name_their_lines_apart(accel):
    rows = gates.gate_rows([THREAD.rule, TAIL.rule])
    for _gid, widened in rows:
        assert not any(gates._ODD_FOLD.search(p) for pieces in widened for p in pieces)
        assert (gates.ODD_FOLD_PIECE,) in widened
    assert gates.ascii_folded(((r"[Ss\x{17f}]a[Ii\x{130}]d", "x"),)) == (
        (("[Ss]a[Ii]d", "x"), (gates.ODD_FOLD_PIECE,)))
    odd = [ln.index for ln in _candidates(accel, _ODD_THREAD)[0].draft.lines
           if threads.line_marks(ln.content, THREAD.cfg) & set(gates.RECORD_KINDS)
           and any(c in ln.content for c in "ſİ\u212a")]
    assert odd  # the detector marks lines through their odd letters...
    assert _check_lines(accel, _ODD_THREAD) >= len(odd)  # ...and the gate names them


def test_without_the_odd_fold_piece_the_narrowed_gate_would_miss_lines(monkeypatch):
    # the piece is what keeps narrowing exact: a gate built without it misses
    monkeypatch.setattr(gates, "ODD_FOLD_PIECE", "q{9}z")
    bare = database.build([THREAD.rule, TAIL.rule], store=False)
    lines, got = _gated_lines(bare, _ODD_THREAD)
    record = gates.gate_id(THREAD.rule.id, "record")
    assert any(threads.line_marks(ln.content, THREAD.cfg) & set(gates.RECORD_KINDS)
               and ln.index not in got[record] for ln in lines)


# ------------------------------------------------ odd case folds kept apart
# (database.odd_folds_apart): every line a rule's piece finds, the narrowed
# piece finds too, checked with ``regex`` (Hyperscan's \x{..} read as \U)


def _rx(piece: str):
    import regex

    return regex.compile(regex.sub(r"\\x\{([0-9a-fA-F]+)\}",
                                   lambda m: "\\U%08x" % int(m.group(1), 16), piece))


@functools.lru_cache(maxsize=1)
def _narrowed_pieces() -> tuple:
    """(piece, what the scan looks for instead) of each bundled rule piece
    and gate piece that ``odd_folds_apart`` changes."""
    from boilerstrip.engine.fast.widen import widen

    raw = []
    for rule in database.served(RULES):
        anchored = rule.kind in ("line", "section") and rule.match == "full"
        for pattern in rule.patterns:
            raw += [database.factored(p) for p in widen(pattern, rule.flags, anchored) or ()]
    for rule in (THREAD.rule, TAIL.rule):
        for pattern in gates._vocabulary(rule, gates.RECORD_KINDS + ("header",)) or ():
            raw += gates.gate_pieces(pattern, ("ignorecase",), "part_start", "part_end") or ()
    return tuple((_rx(p), _rx(database.odd_folds_apart(p))) for p in dict.fromkeys(raw)
                 if database.odd_folds_apart(p) != p)


def _assert_narrowed_find(lines) -> int:
    found = 0
    for line in lines:
        for whole, narrowed in _narrowed_pieces():
            if whole.search(line):
                assert narrowed.search(line), (whole.pattern[:80], line)
                found += 1
    return found


def test_odd_folds_apart_finds_what_the_piece_finds_written_oddly():
    assert len(_narrowed_pieces()) > 100  # most word pieces have such a class
    assert database.odd_folds_apart("[Ss\\x{17f}]ays") == f"(?:[Ss]ays)|{gates.ODD_FOLD_PIECE}"
    assert database.odd_folds_apart("[^Ss\\x{17f}]") == "[^Ss\\x{17f}]"  # a negated class stays
    assert _assert_narrowed_find(["Tom ſays:", "REPLİES", "\u212aommentare", "Tom says:"]) >= 3


@pytest.mark.slow
def test_odd_folds_apart_finds_every_line_the_piece_finds_on_the_corpora(full_size):
    # every piece on every line is slow (300 files: about 2 minutes): full size
    # is a wide sample, the default a small one
    files = sorted(DATA.glob("*/*/*.txt"))
    files = random.Random(22).sample(files, min(300 if full_size else 15, len(files)))
    lines = [ln for f in files for ln in f.read_text("utf-8").split("\n")]
    assert _assert_narrowed_find(lines) > 0


@settings(deadline=None, max_examples=25)
@given(st.lists(_BITS | st.text(max_size=4), max_size=8))
def test_generated_text_odd_folds_apart_finds_what_the_piece_finds(parts):
    _assert_narrowed_find(["".join(parts).replace("\n", " ")])
