"""What the language packs take and keep (tests/packs/coverage.txt, coverage-en.txt).

The audit of session 14: for every pack, one or more template lines of each
category of the English pack (access, log-in, consent, newsletter, share,
related headers, comments, tags, advertisement labels, credits, crumbs, legal
lines, print/e-mail/font-size tools, reading time, previous/next links) in
the wording news and blog templates of that language print, and the dates that
stay. Each line is set into the language's news prose (tests/prose/LANG.txt)
as its own paragraph, mid-article or after the last line, and the output must
be that prose exactly: the line gone (or kept), not a word of the article lost.

English (coverage-en.txt, session 15) has more categories: the English pack
is the largest and runs on every page whose language is undecided. There a
LINE may hold "\\n" to set a header and its list as one block.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import boilerstrip

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import rule_audit  # noqa: E402

HERE = Path(__file__).parent
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl", "pt")
#: the English fixture's categories: the web's debris of news sites, blogs and forums
ENGLISH_CATEGORIES = {"access", "login", "subscription", "newsletter", "consent", "javascript",
                      "share", "ads", "nav", "tools", "reading", "related", "tags", "credit",
                      "media", "comments", "forum", "legal", "prose", "headline", "date"}
#: the paragraph after which a mid-article line is set: inside the body, far from both ends
MID_PARAGRAPH = 6


def _rows(name: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for raw in (HERE / "packs" / name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        lang, want, category, line = (part.strip() for part in raw.split("|", 3))
        rows.append((lang, want, category, line.replace("\\n", "\n")))
    return rows


ROWS = _rows("coverage.txt") + _rows("coverage-en.txt")
CLEANER = boilerstrip.Cleaner()


def _prose(lang: str) -> str:
    return (HERE / "prose" / f"{lang}.txt").read_text(encoding="utf-8")


def _with_line(prose: str, line: str, where: str) -> str:
    if where == "end":
        return prose.rstrip("\n") + "\n\n" + line + "\n"
    paragraphs = prose.split("\n\n")
    return "\n\n".join(paragraphs[:MID_PARAGRAPH] + [line] + paragraphs[MID_PARAGRAPH:])


def test_every_pack_covers_the_english_categories():
    wanted = {"access", "consent", "newsletter", "share", "related", "comments", "tags",
              "ads", "credit", "crumb", "legal", "tools", "reading", "date", "nav"}
    for lang in LANGUAGES:
        have = {category for row_lang, _, category, _ in ROWS if row_lang == lang}
        assert wanted <= have, (lang, sorted(wanted - have))


def test_the_english_fixture_covers_its_categories_both_ways():
    english = [row for row in ROWS if row[0] == "en"]
    assert len(english) >= 250
    assert {category for _, _, category, _ in english} == ENGLISH_CATEGORIES
    # every debris category has a few lines; the prose kept is a good share
    per = {c: sum(1 for _, want, cat, _ in english if cat == c and want != "keep")
           for c in ENGLISH_CATEGORIES - {"prose", "headline", "date"}}
    assert min(per.values()) >= 2, per
    assert sum(1 for _, want, _, _ in english if want == "keep") >= 35
    # headers with their lists, not only the headers
    assert sum(1 for *_, line in english if "\n" in line) >= 4



@pytest.mark.parametrize("lang,want,category,line", ROWS,
                         ids=[f"{r[0]}-{r[1]}-{r[3][:30]}" for r in ROWS])
def test_pack_line(lang, want, category, line):
    prose = _prose(lang)
    places = ["end"] if want == "drop-at-end" else ["mid", "end"]
    for where in places:
        text = _with_line(prose, line, where)
        result = CLEANER.clean(text)
        assert result.language == lang, (where, result.language)
        if want == "keep":
            assert result.text == text, f"{category} line taken ({where}): {line!r}"
        else:
            assert result.text.rstrip("\n") == prose.rstrip("\n"), (
                f"{category} line not taken, or prose lost ({where}): {line!r}")


def test_the_lines_copy_no_bundled_corpus():
    lines = [rule_audit.RuleLine("coverage", "tests/packs/coverage.txt", want, line)
             for _, want, _, line in ROWS]
    documents = rule_audit.corpus_documents(rule_audit.BUNDLED_CORPORA)
    copies = rule_audit.find_copies(lines, documents)
    assert not copies, "\n".join(c.message() for c in copies)


@pytest.mark.parametrize("mode", ["auto", "any"])
def test_english_news_prose_loses_nothing(mode):
    # tests/prose/en.txt: the English pack's trigger words in their everyday sense
    # ("Search teams", "Print runs", "Remember me as ...", "Page 2 of the report"),
    # subheadings built on them, and lines written to sit at the rules' edges
    prose = _prose("en")
    assert len([p for p in prose.split("\n\n") if p.strip()]) >= 80
    result = boilerstrip.clean(prose, language=mode)
    removed = [(c.rule, c.text) for c in result.changes if c.category != "whitespace"]
    assert not removed, removed
    assert result.text == prose
