"""The on-disk rule cache: same rules as a fresh parse, invalidated by any edit."""

from __future__ import annotations

import boilerstrip
from boilerstrip.rules import cache as rulecache
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


# ------------------------------------------------ compiled forms of patterns

import json
import os

import pytest

from boilerstrip.rules import patterns as matching


def _fresh_process_state(monkeypatch):
    """As in a new process: nothing compiled, nothing offered by the cache."""
    matching._compile.cache_clear()
    monkeypatch.setattr(matching, "_SEEDED", {})


def _no_source_compiling(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("compiled from source")
    monkeypatch.setattr(matching.regex, "compile", refuse)


def test_compiled_forms_rebuild_every_bundled_pattern_exactly():
    rules = load_rules(boilerstrip.bundled_rules_dir(), cache=False)
    n = 0
    for r in rules:
        for p in r.patterns + r.unless:
            form = matching.compiled_form(p, r.flags)
            assert form is not None, (r.id, p)
            # JSON round trip, as through the cache file
            got = matching._from_form(p, json.loads(json.dumps(form)))
            assert got._pickled_data == matching.compile_pattern(p, r.flags)._pickled_data
            n += 1
    assert n > 500


def test_cache_serves_compiled_patterns(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advert(?:isement)?"), encoding="utf-8")
    load_rules(f)  # fills the cache
    _fresh_process_state(monkeypatch)
    load_rules(f)  # a new process reading it
    assert ("Advert(?:isement)?", matching.flag_bits(("ignorecase",))) in matching._SEEDED
    _no_source_compiling(monkeypatch)
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("Text.\nAdvertisement\n").text == "Text.\n"
    assert not matching._SEEDED  # each form is used once, then the compiled pattern is memoised


def _cached_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    load_rules(f)
    (entry,) = (tmp_path / "cache").iterdir()
    return f, entry


def test_forms_of_another_regex_release_are_not_used(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    blob = json.loads(entry.read_text(encoding="utf-8"))
    blob["compiled_by"] = "1999.1.1:cpython-27"
    entry.write_text(json.dumps(blob), encoding="utf-8")
    _fresh_process_state(monkeypatch)
    assert load_rules(f)[0].id == "t.ad-label"  # the rules are still served
    assert not matching._SEEDED


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no file owners here")
def test_forms_in_a_file_others_can_write_are_not_used(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    entry.chmod(0o664)
    _fresh_process_state(monkeypatch)
    assert load_rules(f)[0].id == "t.ad-label"
    assert not matching._SEEDED
    entry.chmod(0o600)
    load_rules(f)
    assert matching._SEEDED


def _rewrite_forms(entry, change, rehash):
    import hashlib
    blob = json.loads(entry.read_text(encoding="utf-8"))
    rows = json.loads(blob["compiled"])
    for row in rows:
        change(row[2])
    blob["compiled"] = json.dumps(rows)
    if rehash:
        blob["compiled_sha256"] = hashlib.sha256(blob["compiled"].encode()).hexdigest()
    entry.write_text(json.dumps(blob), encoding="utf-8")
    os.chmod(entry, 0o600)


def test_damaged_compiled_code_is_never_used(tmp_path, monkeypatch):
    # one flipped byte of engine code: valid base64, a plausible form, but
    # the checksum no longer matches (such code can loop or match wrongly)
    import base64

    def flip(form):
        code = bytearray(base64.b64decode(form[1]))
        code[len(code) // 2] ^= 0x01
        form[1] = base64.b64encode(bytes(code)).decode()
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _rewrite_forms(entry, flip, rehash=False)
    _fresh_process_state(monkeypatch)
    assert load_rules(f)[0].id == "t.ad-label"
    assert not matching._SEEDED
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("Text.\nAdvertisement\n").text == "Text.\n"


def test_an_unreadable_form_falls_back_to_compiling(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _rewrite_forms(entry, lambda form: form.__setitem__(1, "not base64 !"), rehash=True)
    _fresh_process_state(monkeypatch)
    load_rules(f)
    assert matching._SEEDED  # offered, then refused when compiled
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("Text.\nAdvertisement\n").text == "Text.\n"
