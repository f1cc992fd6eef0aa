"""What the seven non-English language packs take and keep (tests/packs/coverage.txt).

The audit of session 14: for every pack, one or more template lines of each
category of the English pack (access, log-in, consent, newsletter, share,
related headers, comments, tags, advertisement labels, credits, crumbs, legal
lines, print/e-mail/font-size tools, reading time, previous/next links) in
the wording news and blog templates of that language print, and the dates that
stay. Each line is set into the language's news prose (tests/prose/LANG.txt)
as its own paragraph, mid-article or after the last line, and the output must
be that prose exactly: the line gone (or kept), not a word of the article lost.
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
#: the paragraph after which a mid-article line is set: inside the body, far from both ends
MID_PARAGRAPH = 6


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for raw in (HERE / "packs" / "coverage.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        lang, want, category, line = (part.strip() for part in raw.split("|", 3))
        rows.append((lang, want, category, line))
    return rows


ROWS = _rows()
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
