"""`section.line_min_words`: a line shorter than that (a subheading) ends a section."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.errors import RuleError
from boilerstrip.engine import Cleaner

RULE = """\
rules:
  - id: t.section.related
    kind: section
    category: related-links
    order: 300
    description: A related-articles header and the headlines below it.
    pattern: 'read also'
    section:
      max_lines: 10
{extra}    examples:
      remove: ["Read also", "Read also\\nA headline of five words"]
      keep: ["Body.", "Other body."]
"""


def _cleaner(tmp_path, min_words):
    path = tmp_path / "r.yml"
    extra = f"      line_min_words: {min_words}\n" if min_words is not None else ""
    path.write_text(RULE.format(extra=extra), encoding="utf-8")
    rules = boilerstrip.load_rules(path, cache=False)
    return Cleaner(default_rules=False, extra_rules=rules, allow_large_removals=True)


TEXT = "Body text.\n\nRead also\nA related headline of six words\nBonus\nThe subheading's paragraph.\n"


def test_short_line_ends_the_section(tmp_path):
    out = _cleaner(tmp_path, 4).clean(TEXT).text
    assert out == "Body text.\n\nBonus\nThe subheading's paragraph.\n"


def test_without_the_key_short_lines_are_swallowed(tmp_path):
    out = _cleaner(tmp_path, None).clean(TEXT).text
    assert "Bonus" not in out


def test_invalid_value_is_a_config_error(tmp_path):
    path = tmp_path / "r.yml"
    path.write_text(RULE.format(extra="      line_min_words: many\n"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"r\.yml:\d+: t\.section\.related: section\.line_min_words"):
        boilerstrip.load_rules(path, cache=False)
