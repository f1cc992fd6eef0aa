"""Ordinary news prose in the seven non-English packs' languages (tests/prose/,
written for this test, no corpus text): every removal from it is a false positive.

Each file is a headline and one- or two-sentence paragraphs that use the packs'
trigger words in their everyday sense ("share" a flat, "follow" a trial, a
"comment" in a newspaper, "subscribe" to a theatre season, "advertising" banned
near schools, a "login" for an exam, biscuits rather than cookies), plus
subheadings built on them ("Kommentar: ...", "Werbung im Netz: ..."). The packs
run as the detector decides (``auto``) and all at once (``any``: the rules of
every language on every text), so a rule of one language that takes another
language's prose shows here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import boilerstrip

PROSE = Path(__file__).parent / "prose"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl", "pt")


def _text(lang: str) -> str:
    return (PROSE / f"{lang}.txt").read_text(encoding="utf-8")


def test_every_language_has_a_few_dozen_paragraphs():
    for lang in LANGUAGES:
        paragraphs = [p for p in _text(lang).split("\n\n") if p.strip()]
        assert len(paragraphs) >= 40, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_detector_names_the_fixture_language(lang):
    assert boilerstrip.clean(_text(lang)).language == lang


@pytest.mark.parametrize("mode", ["auto", "any"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_news_prose_loses_nothing(lang, mode):
    result = boilerstrip.clean(_text(lang), language=mode)
    removed = [(c.rule, c.text) for c in result.changes if c.category != "whitespace"]
    assert not removed, f"{lang} prose taken ({mode}): {removed}"
    assert result.text == _text(lang)


def test_the_check_can_fail():
    # the same prose with two share and subscribe buttons glued in loses them
    text = _text("de") + "\nArtikel teilen\n\nJetzt abonnieren\n"
    result = boilerstrip.clean(text)
    assert [c for c in result.changes if c.category != "whitespace"]
    assert result.text.rstrip("\n") == _text("de").rstrip("\n")


def test_english_trails_on_an_undecided_page_are_not_the_it_or_pt_packs():
    # a page's menus and trails hold too few function words to decide its
    # language, so every pack runs; "Home" trails are English template words
    page = ("NEWS\nVIDEOS\nJOBS\nHome › World ›\nHome | Columns | News | Videos | Jobs\n"
            "Home » Mayor opens the new harbour bridge\n")
    result = boilerstrip.clean(page)
    assert result.language == ""
    takers = {c.rule for c in result.changes if c.category != "whitespace"}
    assert not {r for r in takers if r.startswith(("it.", "pt."))}, takers


def test_footer_links_are_each_packs_own():
    ids = {r.id for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())}
    assert "core.legal.footer-links" not in ids
    assert {f"{lang}.legal.footer-links" for lang in ("de", "en", "es", "fr", "it", "pt")} <= ids
    # an Italian footer with the English words Italian sites use goes on an Italian page
    text = _text("it") + "\nChi siamo | Contatti | Privacy policy | Cookie policy\n"
    result = boilerstrip.clean(text)
    assert [c.rule for c in result.changes if c.category != "whitespace"] == ["it.legal.footer-links"]
