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
