"""The bundled example: default rules give exactly what a user wants back."""

from __future__ import annotations

import boilerstrip


def test_seed_is_cleaned_exactly(root):
    text = (root / "examples" / "article.txt").read_text(encoding="utf-8")
    expected = (root / "examples" / "article.expected.txt").read_text(encoding="utf-8")
    result = boilerstrip.clean(text)
    assert result.text == expected
    assert result.restore() == text


def test_seed_report_names_rule_and_category_for_each_piece(root):
    text = (root / "examples" / "article.txt").read_text(encoding="utf-8")
    result = boilerstrip.clean(text)
    removed = {c.text.strip(): c.category for c in result.removals if c.text.strip()}
    assert removed["in"] == "leading-fragment"
    assert removed["Please enable JavaScript in your browser settings."] == "javascript-notice"
    assert removed["We are having trouble retrieving the article content."] == "javascript-notice"
    assert removed["Already a subscriber?\xa0Log in."] == "login-prompt"
    assert removed["Thank you for your patience while we verify access."] == "paywall"
    assert removed["Want all of The Times?\xa0Subscribe."] == "subscription-nag"
    assert removed["Source: Elections - nytimes.com"] == "source-credit"
    tag = [c for c in result.removals if c.text.startswith("Tagcloud:")]
    assert tag and tag[0].category == "tag-cloud"
    assert "Top Republicans call Kamala Harris" in tag[0].text
    for c in result.changes:
        assert c.rule and c.category in boilerstrip.CATEGORIES
