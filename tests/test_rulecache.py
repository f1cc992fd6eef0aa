"""The on-disk rule cache: same rules as a fresh parse, invalidated by any edit."""

from __future__ import annotations

import boilerstrip
from boilerstrip import rulecache
from boilerstrip.rules import load_rules

RULE = """rules:
  - id: t.ad-label
    kind: line
    category: advertisement
    order: 500
    description: ad label
    pattern: '{word}'
    examples:
      remove: ["{word}", "{word}"]
      keep: ["An {word} spending report.", "More text here."]
"""


def test_cached_rules_equal_parsed_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    fresh = load_rules(boilerstrip.bundled_rules_dir(), cache=False)
    first = load_rules(boilerstrip.bundled_rules_dir())   # fills the cache
    second = load_rules(boilerstrip.bundled_rules_dir())  # reads it
    assert any((tmp_path / "cache").iterdir())
    assert fresh == first == second


def test_edit_invalidates_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    assert load_rules(f)[0].patterns == ("Advertisement",)
    f.write_text(RULE.format(word="Anzeige"), encoding="utf-8")
    rules = load_rules(f)
    assert rules[0].patterns == ("Anzeige",)
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("Text.\nAnzeige\n").text == "Text.\n"


def test_corrupt_cache_falls_back_to_parsing(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    load_rules(f)
    for entry in (tmp_path / "cache").iterdir():
        entry.write_text("{not json", encoding="utf-8")
    assert load_rules(f)[0].id == "t.ad-label"


def test_cache_can_be_disabled(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_NO_CACHE", "1")
    assert rulecache.cache_dir() is None
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    assert load_rules(f)[0].id == "t.ad-label"
