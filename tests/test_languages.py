"""Whole article pages in the eight languages of the packs (``tests/pages``),
written for this test, not taken from the bench corpora: a short article
with the debris that surrounds it on news sites (an ad label, a reading tip,
a share bar or tag list, a related list, comment prompts, a copyright line,
footer links). What must come back is the headline and the article
paragraphs, exactly: the packs working together on pages none of their rules
was written from."""

from __future__ import annotations

from pathlib import Path

import pytest

import boilerstrip

PAGES = Path(__file__).resolve().parent / "pages"
#: <lang>.txt or <lang>-<what>.txt, each with its .expected.txt
NAMES = sorted(p.stem for p in PAGES.glob("*.txt") if not p.stem.endswith(".expected"))


def test_every_language_of_the_packs_has_a_page():
    assert sorted({n.split("-")[0] for n in NAMES}) == ["de", "en", "es", "fr", "it", "nl",
                                                         "pl", "pt"]


@pytest.mark.parametrize("name", NAMES)
def test_article_page_comes_back_as_headline_and_paragraphs(name):
    page = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    expected = (PAGES / f"{name}.expected.txt").read_text(encoding="utf-8")
    result = boilerstrip.clean(page)
    assert result.text == expected
    assert result.restore() == page  # every removal is in the report
