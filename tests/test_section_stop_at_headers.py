"""`section.stop_at_headers`: a line that heads another section rule's region
ends this one, so that a tag list does not swallow the related list's header."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.engine import Cleaner
from boilerstrip.errors import RuleError

RULES = """\
rules:
  - id: t.section.tags
    kind: section
    category: tag-cloud
    order: 310
    description: A tag header and the short tag lines below it.
    pattern: 'tags'
    section:
      max_lines: 20
      line_max_words: 6
{extra}    examples:
      remove: ["Tags\\nbudget", "Tags\\ncouncil"]
      keep: ["Body.", "Other body."]
  - id: t.section.related
    kind: section
    category: related-links
    order: 320
    description: A related header and the headlines below it.
    pattern: 'more news from the region'
    section:
      max_lines: 10
      line_max_words: 25
    examples:
      remove: ["More news from the region\\nA headline", "More news from the region"]
      keep: ["Body.", "Other body."]
"""

TEXT = ("Body text of the article, which is long enough to be prose here.\n\n"
        "Tags\nbudget\ncouncil\n\n"
        "More news from the region\n"
        "Road repairs will begin in June after the long winter break\n"
        "Library cuts its opening hours at two branches this spring\n")
BODY = "Body text of the article, which is long enough to be prose here.\n"


def _cleaner(tmp_path, stop):
    path = tmp_path / "r.yml"
    extra = f"      stop_at_headers: {str(stop).lower()}\n" if stop is not None else ""
    path.write_text(RULES.format(extra=extra), encoding="utf-8")
    rules = boilerstrip.load_rules(path, cache=False)
    return Cleaner(default_rules=False, extra_rules=rules, allow_large_removals=True)


def test_the_tag_list_stops_at_the_related_header(tmp_path):
    result = _cleaner(tmp_path, True).clean(TEXT)
    assert result.text == BODY
    by_rule = {c.rule: c.text for c in result.removals if not c.rule.startswith("core.")}
    assert by_rule["t.section.tags"] == "Tags\nbudget\ncouncil\n"
    assert by_rule["t.section.related"].startswith("More news from the region\nRoad repairs")


@pytest.mark.parametrize("stop", [None, False])
def test_without_it_the_tag_list_swallows_the_header_and_orphans_the_headlines(tmp_path, stop):
    out = _cleaner(tmp_path, stop).clean(TEXT).text
    assert "More news from the region" not in out
    assert "Road repairs will begin in June" in out


def test_invalid_value_is_a_config_error(tmp_path):
    path = tmp_path / "r.yml"
    path.write_text(RULES.format(extra="      stop_at_headers: sometimes\n"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"r\.yml:\d+: t\.section\.tags: section\.stop_at_headers"):
        boilerstrip.load_rules(path, cache=False)
