"""Rule hygiene: no rule description or example copies a run of 8 words from a
corpus document (bench/rule_audit.py). The bundled corpora are always checked;
the shared ones (../shared/corpus, dragnet-dev among them) when they are there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import boilerstrip

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import rule_audit  # noqa: E402
from bench.rule_audit import RuleLine, find_copies, words  # noqa: E402

RULES = boilerstrip.load_rules(boilerstrip.bundled_rules_dir())


def _line(text: str) -> RuleLine:
    return RuleLine("x.y.z", "x.yml:1", "remove", text)


def test_words_fold_case_and_apostrophes():
    assert words("We\u2019ll ASSUME you're fine, OK?") == ["we'll", "assume", "you're", "fine", "ok"]


def test_a_run_of_ten_words_from_one_document_is_a_copy():
    doc = "Intro. One two three four five six seven eight nine ten eleven. Outro."
    copies = find_copies([_line("x one two three four five six seven eight nine ten"),
                          _line("one two three four five six seven eight nine"),
                          _line("two three four five six seven eight nine ten twelve")],
                         [("c/page/1.txt", doc)], run=10)
    assert [c.line.text for c in copies] == ["x one two three four five six seven eight nine ten"]
    assert copies[0].document == "c/page/1.txt"
    assert copies[0].words == "one two three four five six seven eight nine ten"


def test_the_default_run_is_eight_words():
    doc = "Intro. alpha beta gamma delta epsilon zeta eta theta. Outro."
    eight = _line("so alpha beta gamma delta epsilon zeta eta theta")
    seven = _line("alpha beta gamma delta epsilon zeta eta iota")
    assert [c.line for c in find_copies([eight, seven], [("c/page/2.txt", doc)])] == [eight]


def test_a_run_split_over_two_documents_is_no_copy():
    line = _line("one two three four five six seven eight nine ten")
    assert find_copies([line], [("a", "one two three four five"),
                                ("b", "six seven eight nine ten")], run=10) == []


def test_snippets_of_a_document_count_as_its_text(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "gold").mkdir(parents=True)
    (corpus / "gold" / "1.txt").write_text("gold text\n", encoding="utf-8")
    (corpus / "snippets.json").write_text(
        '{"d1": {"with": ["a b"], "without": ["c d"]}}', encoding="utf-8")
    assert dict(rule_audit.corpus_documents(tmp_path)) == {
        "c/gold/1.txt": "gold text\n", "c/snippets.json#d1": "a b\nc d"}


def _assert_no_copies(root: Path) -> None:
    copies = rule_audit.audit(RULES, [root])
    assert not copies, f"{len(copies)} copied lines:\n" + "\n".join(c.message() for c in copies)


def test_rules_copy_no_bundled_corpus():
    _assert_no_copies(rule_audit.BUNDLED_CORPORA)


@pytest.mark.skipif(not rule_audit.SHARED_CORPORA.is_dir(), reason="../shared/corpus absent")
def test_rules_copy_no_shared_corpus():
    _assert_no_copies(rule_audit.SHARED_CORPORA)
