"""The compiled prefilter (engine/fast/): never fewer candidates than the
true matches, the same outputs as the pure engine, a safe cache and an
engine switch. Skips when ``hyperscan`` is not installed (``.[test]`` pulls
it where its wheel exists)."""

from __future__ import annotations

import functools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings, strategies as st

hyperscan = pytest.importorskip("hyperscan")

from boilerstrip import Cleaner  # noqa: E402
from boilerstrip.document import Draft  # noqa: E402
from boilerstrip.engine.candidates import default_candidates  # noqa: E402
from boilerstrip.engine.context import Context  # noqa: E402
from boilerstrip.engine.fast import database, engine  # noqa: E402
from boilerstrip.engine.fast.provider import FastCandidates, FastProvider  # noqa: E402
from boilerstrip.rules.loader import bundled_rule_set  # noqa: E402
from boilerstrip.rules.model import Rule  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


@pytest.fixture(scope="module")
def accel():
    """The accelerator of the bundled rules, compiled once (seconds), not cached."""
    return database.build(bundled_rule_set().rules, store=False)


def _rx(rule: Rule, p: str) -> regex.Pattern:
    return _compiled(p, tuple(rule.flags))


@functools.lru_cache(maxsize=None)
def _compiled(p: str, flags: tuple[str, ...]) -> regex.Pattern:
    bits = regex.IGNORECASE if "ignorecase" in flags else 0
    bits |= regex.VERBOSE if "verbose" in flags else 0
    bits |= regex.ASCII if "ascii" in flags else 0
    return regex.compile(p, bits | regex.VERSION0)


def true_matches(rules, line: str) -> set[str]:
    """Brute force: the served rules one of whose patterns matches LINE as
    their stage would try it (content for line and section rules, the whole
    line for inline ones; ``when`` and ``unless`` aside)."""
    out = set()
    content = line.strip()
    subject = line[:-1] if line.endswith("\r") else line
    for rule in rules:
        for p in rule.patterns:
            rx = _rx(rule, p)
            if rule.kind == "inline":
                hit = rx.search(subject)
            elif rule.match == "full":
                hit = rx.fullmatch(content)
            else:
                hit = rx.search(content)
            if hit:
                out.add(rule.id)
                break
    return out


def fast_rules(accel, text: str) -> list[frozenset[str]] | None:
    """The accelerator's rules of each line of TEXT, through the provider."""
    ctx = Context(Draft(text))
    got = FastCandidates(ctx, None, FastProvider(accel))._line_rules(
        list(range(len(ctx.draft.lines))))
    return got


def _served(accel, rules):
    return [r for r in rules if r.id in accel.rule_ids]


def _sample(full: bool) -> list[Path]:
    files = sorted(DATA.glob("*/*/*.txt"))
    return files if full else random.Random(21).sample(files, min(50, len(files)))


@pytest.mark.slow
def test_candidates_cover_every_true_match_on_the_corpora(accel, full_size):
    rules = _served(accel, bundled_rule_set().rules)
    pairs = 0
    for path in _sample(full_size):
        text = path.read_text("utf-8")
        got = fast_rules(accel, text)
        for line, ids in zip(text.split("\n"), got):
            truth = true_matches(rules, line)
            assert truth <= ids, (path.name, line, truth - ids)
            pairs += len(truth)
    assert pairs > 50


@pytest.mark.slow
def test_block_candidates_cover_every_line_holding_a_literal(accel, full_size):
    # block rules are served by their case-folded literals: every line the
    # pure engine's literal scan would find must be a candidate
    blocks = [(r.id, database.block_literals(r)) for r in bundled_rule_set().rules
              if r.id in accel.rule_ids and r.kind == "block"]
    assert blocks
    found = 0
    for path in _sample(full_size):
        text = path.read_text("utf-8")
        got = fast_rules(accel, text)
        for line, ids in zip(text.split("\n"), got):
            folded = line.casefold()
            for rid, lits in blocks:
                if any(lit in folded for lit in lits):
                    assert rid in ids, (path.name, line)
                    found += 1
    assert found > 10


_VIDEO = Rule(id="test.video-tail", category="media", kind="line", description="", order=500,
              patterns=(
    r"\S.{5,}[ \x85\xa0]\[video\]",), flags=("ignorecase",), match="search")


def test_the_vectorscan_drop_case_is_found():
    accel = database.build([_VIDEO], store=False)
    assert accel.rule_ids == {"test.video-tail"}
    for n in (5, 46, 47, 48, 120):
        got = fast_rules(accel, "x" * n + " [video]\n")
        assert got == [frozenset({"test.video-tail"})], n


_BITS = st.sampled_from(["Share this", "share on Facebook", "[video]", "© 2024 Foo GmbH",
                         "Read more:", "Getty Images", "Foto: dpa", "Weiterlesen",
                         "All rights reserved", "Lees ook", "\u212a", "ſ", "İ", "é",
                         "x" * 48, " ", "\xa0", "\x85", "\t", "\r", "|", "»", "1234", "\U0001f600"])


@settings(deadline=None)
@given(st.lists(st.lists(_BITS | st.text(max_size=6), max_size=8), min_size=1, max_size=6))
def test_generated_text_candidates_cover_true_matches(accel, lines):
    rules = _served(accel, bundled_rule_set().rules) + [_VIDEO]
    text = "\n".join("".join(parts).replace("\n", " ") for parts in lines)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert fast_rules(accel, text) is None  # the pure provider answers
        return
    got = fast_rules(accel, text)
    for line, ids in zip(text.split("\n"), got):
        assert true_matches([r for r in rules if r.id in accel.rule_ids], line) <= ids


@pytest.fixture(scope="module")
def fast_cleaner(accel):
    def make(**kw):
        # every document through the accelerator, the short ones too
        c = Cleaner(**kw, candidates=FastProvider(accel, short_chars=0))
        assert c.engine == "fast"
        return c
    return make


def pure(ctx, index):
    """The pure engine's provider, handed in: used as given, never swapped."""
    return default_candidates(ctx, index)


def _same(a, b) -> None:
    assert a.text == b.text and a.changes == b.changes and a.status == b.status
    assert a.skipped == b.skipped


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["article", "page"])
def test_outputs_and_reports_identical_to_the_pure_engine(fast_cleaner, profile, full_size):
    fast = fast_cleaner(profile=profile)
    pure_cleaner = Cleaner(profile=profile, candidates=pure)
    assert pure_cleaner.engine == "pure"
    for path in _sample(full_size):
        text = path.read_text("utf-8")
        _same(fast.clean(text), pure_cleaner.clean(text))


@settings(deadline=None)
@given(st.lists(st.lists(_BITS | st.text(max_size=6), max_size=8), max_size=10))
def test_generated_text_cleans_the_same(fast_cleaner, lines):
    text = "\n".join("".join(parts) for parts in lines)
    _same(fast_cleaner().clean(text), Cleaner(candidates=pure).clean(text))


def test_a_long_text_scanned_line_by_line_gives_the_same_candidates_and_outputs(
        accel, fast_cleaner, monkeypatch):
    # texts over WHOLE_SCAN_CHARS are scanned a distinct line at a time: the
    # map of rules to lines, and so the outputs, must not depend on the route
    from boilerstrip.engine.fast import provider

    paths = random.Random(7).sample(sorted(DATA.glob("*/extract-*/*.txt")), 12)
    texts = [p.read_text("utf-8") for p in paths]
    whole = [fast_rules(accel, t) for t in texts]
    c = fast_cleaner()
    before = [c.clean(t) for t in texts]
    monkeypatch.setattr(provider, "WHOLE_SCAN_CHARS", 0)
    assert [fast_rules(accel, t) for t in texts] == whole
    assert any(any(ids) for got in whole for ids in got)
    for t, a in zip(texts, before):
        _same(c.clean(t), a)
        _same(a, Cleaner(candidates=pure).clean(t))


def test_a_stage_without_any_hit_is_skipped_and_one_with_hits_is_not(accel):
    # the per-document map answers "may any line match one of these rules?"
    from boilerstrip.engine.context import CompiledRule

    rules = bundled_rule_set().rules
    share = [CompiledRule(r, None) for r in rules
             if r.id in accel.rule_ids and r.kind == "line" and r.pack == "en"]
    ctx = Context(Draft("A plain sentence of an article.\n" * 40))
    cands = FastCandidates(ctx, None, FastProvider(accel))
    ctx.candidates = cands
    assert not cands.may_hit(share, "content")
    assert cands.for_rules(share, list(range(40)), "content") == {}
    ctx = Context(Draft("A plain sentence of an article.\n" * 40 + "Please enable JavaScript.\n"))
    cands = FastCandidates(ctx, None, FastProvider(accel))
    every = [CompiledRule(r, None) for r in rules if r.id in accel.rule_ids and r.kind == "line"]
    assert cands.may_hit(every, "content")
    assert 40 in {i for got in cands.for_rules(every, list(range(41)), "content").values()
                  for i in got}


def test_short_documents_wait_for_a_loaded_database_then_take_it(accel):
    # a short document never loads the database (a one-line run waits for
    # nothing); once a longer one has loaded it, short ones use it too
    loads = []
    provider = FastProvider(load=lambda: loads.append(1) or accel)
    short = Context(Draft("Share this\nA line of the article.\n"))
    assert not isinstance(provider(short, None), FastCandidates)
    assert loads == []
    long = Context(Draft("A plain sentence of an article.\n" * 40))
    assert isinstance(provider(long, None), FastCandidates)
    assert isinstance(provider(short, None), FastCandidates)
    assert loads == [1]
    # given at once (BOILERSTRIP_ENGINE=fast), it answers for short ones from the start
    assert isinstance(FastProvider(accel)(short, None), FastCandidates)


def test_pieces_that_keep_the_line_start_answer_for_a_line_content_only(accel):
    # a sentence cut tries line rules on a sentence inside a line (the WHOLE
    # view): a rule whose pieces keep a line anchor goes to the literal scan there
    from boilerstrip.engine.context import CompiledRule

    assert "en.ad.label-short" in accel.anchored_ids <= accel.rule_ids
    anchored = [CompiledRule(r, None) for r in bundled_rule_set().rules
                if r.id in accel.anchored_ids]
    ctx = Context(Draft("The council met on Tuesday to vote on the budget. Ad\nAd\n"))
    cands = FastCandidates(ctx, None, FastProvider(accel))
    ctx.candidates = cands
    k = next(k for k, cr in enumerate(anchored) if cr.rule.id == "en.ad.label-short")
    assert cands.for_rules(anchored, [0, 1], "content")[k] == [1]
    assert cands.for_rules(anchored, [0, 1], "whole")[k] == [0, 1]


def test_text_that_does_not_encode_falls_back_to_the_pure_engine(fast_cleaner):
    text = "Body text of the article here.\nShare this \ud800 on Facebook\nShare this\n"
    _same(fast_cleaner().clean(text), Cleaner(candidates=pure).clean(text))


def test_the_engine_switch_and_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    rules = [_VIDEO]
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "auto")
    # nothing cached: no wait for a compile
    assert engine.fast_provider(rules).engine == "pure"
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "fast")
    assert engine.fast_provider(rules) is not None  # compiled first, and cached
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "auto")
    assert engine.fast_provider(rules).engine == "fast"
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "pure")
    assert engine.fast_provider(rules) is None
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "auto")
    (entry,) = tmp_path.glob("fast-*.hsdb")
    raw = bytearray(entry.read_bytes())
    raw[-10] ^= 1  # a changed database no longer carries a valid seal
    entry.write_bytes(bytes(raw))
    assert database.load(rules) is None
    entry.unlink()
    assert database.load(rules) is None


def test_a_short_run_never_imports_hyperscan(tmp_path):
    # importing it loads the library: ~0.01 s of a one-line run's start-up
    code = ("import sys, boilerstrip; c = boilerstrip.Cleaner(); c.clean('x ' * 400); "
            "assert 'hyperscan' not in sys.modules, 'imported'; "
            "assert c.engine == 'pure' and 'hyperscan' in sys.modules")
    env = dict(os.environ, BOILERSTRIP_CACHE_DIR=str(tmp_path), BOILERSTRIP_ENGINE="auto")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-800:]


def test_rules_build_fast_prebuilds_the_database_a_later_run_uses(tmp_path, monkeypatch):
    from _cli_helpers import RULE_FILE, err, no_traceback, run

    rules = tmp_path / "mine.yml"
    rules.write_text(RULE_FILE, "utf-8")
    cache = tmp_path / "cache"
    args = ("rules", "build-fast", "--no-default-rules", "--rules", str(rules))
    proc = run(*args, BOILERSTRIP_CACHE_DIR=str(cache))
    assert proc.returncode == 0, err(proc)
    assert "1 of 1 line/section/inline rule served" in err(proc)
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(cache))
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "auto")
    assert Cleaner(default_rules=False, rules=[rules]).engine == "fast"
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "pure")
    assert Cleaner(default_rules=False, rules=[rules]).engine == "pure"
    proc = run(*args, BOILERSTRIP_NO_CACHE="1")
    assert proc.returncode == 2 and err(proc).count("\n") == 1
    no_traceback(proc)


def test_version_names_the_engine(tmp_path):
    from _cli_helpers import run

    proc = run("--version", BOILERSTRIP_ENGINE="pure", BOILERSTRIP_CACHE_DIR=str(tmp_path))
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines()[1] == "engine: pure (BOILERSTRIP_ENGINE=pure)"
    proc = run("--version", BOILERSTRIP_CACHE_DIR=str(tmp_path))
    assert "engine: pure (no database for these rules yet: boilerstrip rules build-fast" in (
        proc.stdout.decode())


def test_a_failed_compile_means_the_pure_engine_and_a_one_line_error(tmp_path, monkeypatch):
    from _cli_helpers import RULE_FILE

    from boilerstrip.cli.main import main

    def refuse(table):
        raise hyperscan.error("refused")

    monkeypatch.setattr(database, "compile_table", refuse)
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "fast")
    with pytest.warns(engine.FastEngineWarning, match="could not compile.*refused"):
        assert engine.fast_provider([_VIDEO]) is None  # asked for, so said
    rules = tmp_path / "mine.yml"
    rules.write_text(RULE_FILE, "utf-8")
    assert main(["rules", "build-fast", "--no-default-rules", "--rules", str(rules)]) == 2


def test_the_cache_keeps_only_the_newest_databases(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    stale = []
    for k in range(database.KEEP_ENTRIES + 2):
        old = tmp_path / f"fast-old{k}.hsdb"
        old.write_bytes(b"x")
        os.utime(old, (1000 + k, 1000 + k))
        stale.append(old)
    accel = database.build([_VIDEO])
    left = set(tmp_path.glob("fast-*.hsdb"))
    assert accel.path in left and len(left) == database.KEEP_ENTRIES
    assert set(stale[-(database.KEEP_ENTRIES - 1):]) <= left  # the newest stay
    assert database.load([_VIDEO]) is not None


def test_fast_with_a_cache_it_cannot_write_says_so_in_one_line(tmp_path, monkeypatch):
    # it compiled for seconds on every run, and never said why
    from _cli_helpers import RULE_FILE, err, no_traceback, run

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "fast")
    with pytest.warns(engine.FastEngineWarning, match="could not be stored in"):
        assert engine.fast_provider([_VIDEO]) is not None  # compiled all the same
    rules = tmp_path / "mine.yml"
    rules.write_text(RULE_FILE, "utf-8")
    proc = run("clean", "--no-default-rules", "--rules", str(rules),
               input=b"Wire note: filed late\nText.\n", BOILERSTRIP_ENGINE="fast",
               BOILERSTRIP_CACHE_DIR=str(blocker / "cache"))
    assert proc.returncode == 0 and proc.stdout == b"Text.\n"
    assert err(proc).startswith("warning: BOILERSTRIP_ENGINE=fast: the compiled database")
    assert "Not a directory" in err(proc)  # why, not only that it failed
    assert err(proc).count("\n") == 1
    no_traceback(proc)
    proc = run("rules", "build-fast", "--no-default-rules", "--rules", str(rules),
               BOILERSTRIP_CACHE_DIR=str(blocker / "cache"))
    assert proc.returncode == 2 and "Not a directory" in err(proc)
    assert err(proc).count("\n") == 1


def test_describe_tells_a_corrupt_database_from_a_missing_one(tmp_path, monkeypatch):
    # --version said "no database for these rules yet" of one that fails its checks
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "auto")
    assert "no database for these rules yet" in engine.describe([_VIDEO])
    database.build([_VIDEO])
    assert engine.describe([_VIDEO]).startswith("fast (")
    (entry,) = tmp_path.glob("fast-*.hsdb")
    raw = bytearray(entry.read_bytes())
    raw[-10] ^= 1
    entry.write_bytes(bytes(raw))
    assert "the cached database fails its checks" in engine.describe([_VIDEO])


def test_fast_without_hyperscan_and_an_unknown_engine_say_so(monkeypatch):
    # both fell back to the pure engine in silence
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "fast")
    monkeypatch.setattr(engine, "available", lambda: False)
    with pytest.warns(engine.FastEngineWarning, match="hyperscan is not installed"):
        assert engine.fast_provider([_VIDEO]) is None
    monkeypatch.setenv("BOILERSTRIP_ENGINE", "fsat")
    with pytest.warns(engine.FastEngineWarning, match="BOILERSTRIP_ENGINE=fsat: not one of"):
        assert engine.requested() == "auto"
