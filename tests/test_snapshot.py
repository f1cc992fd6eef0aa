"""The bundled rules' snapshot (``rules/snapshot.py``): current, equal to a
fresh parse, and never trusted when stale or damaged."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys

import pytest

import boilerstrip
from boilerstrip.rules import cache, loader, patterns, snapshot

REGENERATE = "stale snapshot of the bundled rules: run python -m boilerstrip.rules.snapshot"


def _exact(rule_set) -> list[str]:
    # dataclass equality ignores the order of a dict's keys, which a
    # vocabulary's alternation follows: compare the rules as written out
    return [json.dumps(dataclasses.asdict(r), ensure_ascii=False) for r in rule_set.rules]


def _made_by() -> str:
    """The ``regex`` release and Python the shipped compiled forms are of."""
    return json.loads(snapshot.ASSET.read_bytes().partition(b"\n")[2])["compiled_by"]


@pytest.fixture
def fresh_process(monkeypatch, tmp_path):
    """As in a new process: snapshot unread, bundled rules unloaded, nothing
    compiled or offered, an empty user cache."""
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot, "_READ", snapshot._MISSING)
    monkeypatch.setattr(loader, "_BUNDLED", None)
    monkeypatch.setattr(patterns, "_SEEDED", {})
    patterns._compile.cache_clear()


def _parses(monkeypatch) -> list[str]:
    """The paths of the rule files parsed from YAML from now on."""
    parsed: list[str] = []
    real = loader.parse_rule_set

    def spy(text, path="<string>", pack=""):
        parsed.append(path)
        return real(text, path, pack)
    monkeypatch.setattr(loader, "parse_rule_set", spy)
    return parsed


def test_snapshot_is_current():
    folder = boilerstrip.bundled_rules_dir()
    fresh = snapshot.build(folder, snapshot._old_forms())
    assert snapshot.stale_parts(snapshot.ASSET.read_bytes(), fresh) == [], REGENERATE


def test_bundled_rules_come_from_the_snapshot_exactly_as_parsed(fresh_process, monkeypatch,
                                                                tmp_path):
    parsed = _parses(monkeypatch)
    shipped = loader.bundled_rule_set()
    assert parsed == [] and not (tmp_path / "cache").exists()  # no YAML, no user cache
    # compiled forms offered when made by this regex release on this Python
    assert bool(patterns._SEEDED) == (_made_by() == patterns.FORM_KEY)
    fresh = loader.read_rule_set(boilerstrip.bundled_rules_dir(), cache=False)
    assert _exact(shipped) == _exact(fresh)
    assert [r.source for r in shipped.rules] == [r.source for r in fresh.rules]


def test_building_twice_gives_the_same_bytes():
    folder = boilerstrip.bundled_rules_dir()
    old = snapshot._old_forms()
    if _made_by() != patterns.FORM_KEY:
        pytest.skip(f"the snapshot's compiled forms are of {_made_by()}")
    assert old  # the shipped forms are reused: regex's own output varies by process
    assert snapshot.build(folder, old) == snapshot.build(folder, old)


def test_an_edited_rule_file_is_parsed_the_others_come_from_the_snapshot(
        fresh_process, monkeypatch, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(boilerstrip.bundled_rules_dir(), folder)
    edited = folder / "core" / "fragments.yml"
    text = edited.read_text("utf-8")
    edited.write_text(text.replace("A lone short lowercase word", "A single lowercase word"),
                      "utf-8")
    parsed = _parses(monkeypatch)
    got = loader.read_rule_set(folder, cache=False, shipped=snapshot.lookup(folder))
    assert parsed == [str(edited)]
    (rule,) = [r for r in got.rules if r.id == "core.fragment.leading-lowercase-word"]
    assert rule.description.startswith("A single lowercase word")
    assert len(got.rules) == len(loader.read_rule_set(folder, cache=False).rules)


@pytest.mark.parametrize("damage", ["flip", "truncate", "digest-of-other-bytes", "not json"])
def test_a_damaged_snapshot_is_ignored(fresh_process, monkeypatch, tmp_path, damage):
    raw = snapshot.ASSET.read_bytes()
    digest, _, body = raw.partition(b"\n")
    if damage == "flip":  # one bit of compiled code or of a rule: the digest catches it
        k = len(body) // 2
        raw = digest + b"\n" + body[:k] + bytes([body[k] ^ 1]) + body[k + 1:]
    elif damage == "truncate":
        raw = raw[:len(raw) // 2]
    elif damage == "digest-of-other-bytes":
        raw = b"0" * 64 + b"\n" + body
    else:
        import hashlib
        body = b"{not json"
        raw = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    bad = tmp_path / "rules-snapshot.json"
    bad.write_bytes(raw)
    monkeypatch.setattr(snapshot, "ASSET", bad)
    assert snapshot.lookup(boilerstrip.bundled_rules_dir()) is None
    assert not patterns._SEEDED
    parsed = _parses(monkeypatch)
    rules = loader.bundled_rule_set()
    assert len(parsed) > 50 and len(rules.rules) > 200  # parsed, as without a snapshot


def test_a_snapshot_of_other_validating_code_is_ignored(fresh_process, monkeypatch):
    monkeypatch.setattr(cache, "_code_hash", lambda: "0123456789abcdef")
    assert snapshot.lookup(boilerstrip.bundled_rules_dir()) is None


def test_forms_of_another_regex_release_are_not_used(fresh_process, monkeypatch):
    monkeypatch.setattr(patterns, "FORM_KEY", "1999.1.1:cpython-27")
    parsed = _parses(monkeypatch)
    loader.bundled_rule_set()
    assert parsed == [] and not patterns._SEEDED  # rules and analyses still served
    result = boilerstrip.Cleaner().clean("A paragraph of the article.\n\n"
                                         "Already a subscriber? Log in.\n")
    assert [c.rule for c in result.removals][-1] == "en.login.already-subscriber"


def test_check_command_says_stale_and_exits_1(tmp_path):
    stale = tmp_path / "snap.json"
    raw = snapshot.ASSET.read_bytes()
    blob = json.loads(raw.partition(b"\n")[2])
    blob["files"] = blob["files"][1:]  # as if a rule file had been added since
    stale.write_bytes(b"x\n" + json.dumps(blob).encode())
    code = ("import sys; from pathlib import Path; from boilerstrip.rules import snapshot; "
            f"snapshot.ASSET = Path({str(stale)!r}); sys.exit(snapshot.main(['--check']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("stale: ") and ": missing" in proc.stderr
