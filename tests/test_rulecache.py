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


def _thread_rules(tmp_path):
    """A copy of the bundled comment-thread and reply-tail rules, as a user's
    rule folder (the bundled folder takes seconds to parse into a new cache)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("comment-thread.yml", "reply-tail.yml"):
        (folder / name).write_bytes((boilerstrip.bundled_rules_dir() / "core" / name).read_bytes())
    return folder


def _fresh_vocabularies(monkeypatch):
    from boilerstrip.engine import vocabulary

    _fresh_process_state(monkeypatch)
    if hasattr(matching, "compile_joined"):  # (the test runs on code without it, and fails)
        matching.compile_joined.cache_clear()
    monkeypatch.setattr(vocabulary, "_BOUNDED", set(), raising=False)


def test_cache_serves_the_compiled_vocabularies_of_thread_rules(tmp_path, monkeypatch):
    # a Cleaner's build compiled the marker vocabularies from source in every
    # process (~0.04 s of a one-line run's start-up)
    from boilerstrip.rules import risk

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    folder = _thread_rules(tmp_path)
    load_rules(folder)  # fills the cache
    _fresh_vocabularies(monkeypatch)
    rules = load_rules(folder)  # a new process reading it
    _no_source_compiling(monkeypatch)

    def unchecked(_p):
        raise AssertionError("bounds checked again")
    monkeypatch.setattr(risk, "check_bounds", unchecked)  # vocabularies and patterns alike
    c = boilerstrip.Cleaner(default_rules=False, rules=[folder])
    example = next(r for r in rules if r.kind == "comment-thread").remove_examples[0]
    assert c.clean(example.text).removals


def test_compiled_vocabularies_rebuild_exactly_and_a_damaged_one_is_compiled_again(
        tmp_path, monkeypatch):
    from boilerstrip.engine.vocabulary import derived_patterns

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    folder = _thread_rules(tmp_path)
    rows = derived_patterns(load_rules(folder, cache=False))
    assert len(rows) >= 10
    for pattern, names in rows:
        form = json.loads(json.dumps(matching.compiled_form(pattern, names, joined=True)))
        assert matching._from_form(pattern, form)._pickled_data == \
            matching.compile_joined(pattern, names)._pickled_data
    load_rules(folder)
    for entry in (tmp_path / "cache").glob("rules-*.json"):
        _rewrite_forms(entry, lambda form: form.__setitem__(1, "not base64 !"), rehash=True)
    _fresh_vocabularies(monkeypatch)
    rules = load_rules(folder)
    c = boilerstrip.Cleaner(default_rules=False, rules=[folder])
    example = next(r for r in rules if r.kind == "comment-thread").remove_examples[0]
    assert c.clean(example.text).removals


def _cached_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    load_rules(f)
    (entry,) = (tmp_path / "cache").glob("rules-*.json")
    return f, entry


def _read_blob(entry):
    key = (entry.parent / "key").read_bytes()
    return json.loads(rulecache.unseal(key, entry.read_bytes()))


def _write_blob(entry, blob, *, seal: bool):
    """Write BLOB to ENTRY, sealed with the cache's key as boilerstrip itself
    would (SEAL) or under its old seal, which no longer matches."""
    key = (entry.parent / "key").read_bytes()
    payload = json.dumps(blob).encode()
    old_mac = entry.read_bytes().partition(b"\n")[0]
    entry.write_bytes(rulecache.seal(key, payload) if seal else old_mac + b"\n" + payload)
    os.chmod(entry, 0o600)


def test_forms_of_another_regex_release_are_not_used(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    blob = _read_blob(entry)
    blob["compiled_by"] = "1999.1.1:cpython-27"
    _write_blob(entry, blob, seal=True)
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
    blob = _read_blob(entry)
    for row in blob["compiled"]:
        change(row[2])
    _write_blob(entry, blob, seal=rehash)


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


# ------------------------------------------------ entries nobody checked are not trusted

import subprocess
import sys
import time

POSIX = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no file owners here")


def _poison(entry, *, seal: bool):
    """Make the cached rule remove every line starting 'The' instead of ads."""
    blob = _read_blob(entry)
    blob["rules"][0]["patterns"] = ["The .*"]
    blob["analyses"] = []
    _write_blob(entry, blob, seal=seal)


def _serves_the_file(f):
    """The rules come from the rule file, not from a poisoned entry."""
    assert load_rules(f)[0].patterns == ("Advertisement",)
    c = boilerstrip.Cleaner(default_rules=False, rules=[f])
    assert c.clean("The text is kept.\nAdvertisement\n").text == "The text is kept.\n"


def test_entry_changed_without_the_key_is_ignored_and_rewritten(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _poison(entry, seal=False)
    _serves_the_file(f)
    assert _read_blob(entry)["rules"][0]["patterns"] == ["Advertisement"]  # rewritten
    assert rulecache.get(f, f.read_bytes(), f.parent.name) is not None


@POSIX
def test_entry_others_can_write_is_ignored_even_when_sealed(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _poison(entry, seal=True)
    entry.chmod(0o646)
    _serves_the_file(f)
    assert entry.stat().st_mode & 0o777 == 0o600  # rewritten, private


@POSIX
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_entry_of_another_user_is_ignored_even_when_sealed(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _poison(entry, seal=True)
    os.chown(entry, 65534, 65534)
    _serves_the_file(f)
    assert entry.stat().st_uid == os.geteuid()


@POSIX
def test_a_key_others_can_read_seals_nothing(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    _poison(entry, seal=True)
    key = entry.parent / "key"
    key.chmod(0o644)  # anyone could have read it and forged the entry
    _serves_the_file(f)
    assert key.stat().st_mode & 0o777 == 0o600  # a new key replaced it


def test_oversized_entry_is_not_read(tmp_path, monkeypatch):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    monkeypatch.setattr(rulecache, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    assert rulecache.get(f, f.read_bytes(), f.parent.name) is None
    monkeypatch.setattr(rulecache, "MAX_ENTRY_BYTES", entry.stat().st_size)
    assert rulecache.get(f, f.read_bytes(), f.parent.name) is not None


def _load_in_child(f, cache):
    """load_rules in a new process limited to 1 GiB, with a time limit."""
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from boilerstrip.rules import load_rules; print(load_rules(sys.argv[1])[0].patterns)")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, timeout=60,
                          env={**os.environ, "BOILERSTRIP_CACHE_DIR": str(cache)})
    assert time.perf_counter() - t < 30
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "('Advertisement',)"


@POSIX
@pytest.mark.parametrize("make", ["fifo", "link to /dev/zero", "folder"])
def test_entry_that_is_not_a_regular_file_neither_hangs_nor_exhausts_memory(tmp_path,
                                                                          monkeypatch, make):
    f, entry = _cached_entry(tmp_path, monkeypatch)
    entry.unlink()
    if make == "fifo":
        os.mkfifo(entry)
    elif make == "folder":
        entry.mkdir()
    else:
        entry.symlink_to("/dev/zero")
    _load_in_child(f, entry.parent)
    if make != "folder":  # a folder cannot be replaced by a file: the cache just goes unused
        assert entry.is_file() and not entry.is_symlink()  # rewritten
        assert rulecache.get(f, f.read_bytes(), f.parent.name) is not None


def test_a_cache_folder_that_is_a_file_is_never_fatal(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(blocker))
    f = tmp_path / "r.yml"
    f.write_text(RULE.format(word="Advertisement"), encoding="utf-8")
    assert load_rules(f)[0].patterns == ("Advertisement",)
    assert load_rules(f)[0].patterns == ("Advertisement",)


def test_a_key_another_process_made_first_is_kept(tmp_path, monkeypatch):
    # two runs on a fresh cache: both read "no key", both made one, and the
    # last writer's replaced the first's, whose sealed entries then all failed
    theirs = b"k" * rulecache._KEY_BYTES
    real_read = rulecache.read_private
    calls = []

    def late(path, limit, **kw):
        calls.append(path)
        if len(calls) == 1:  # our first look: none yet; the other process writes one now
            path.write_bytes(theirs)
            os.chmod(path, 0o600)
            return None
        return real_read(path, limit, **kw)

    monkeypatch.setattr(rulecache, "read_private", late)
    assert rulecache._key(tmp_path, create=True) == theirs
    assert (tmp_path / rulecache._KEY_NAME).read_bytes() == theirs
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
