"""``boilerstrip rules ...`` and ``boilerstrip explain`` through the installed CLI."""

from __future__ import annotations

import json
import re

from _cli_helpers import PLAIN, ROOT, RULE_FILE, SEED_B, err, no_traceback, run

import boilerstrip
from boilerstrip.engine.cleaner import _bundled_rules



# ------------------------------------------------------------------ rules list/show

def test_rules_list_shows_every_bundled_rule():
    proc = run("rules", "list")
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split() == ["ID", "CATEGORY", "KIND", "PACK", "ORDER"]
    ids = [ln.split()[0] for ln in lines[1:]]
    bundled = sorted(_bundled_rules(), key=lambda r: r.sort_key())
    assert ids == [r.id for r in bundled]
    row = next(ln for ln in lines if ln.startswith("en.login.already-subscriber "))
    assert row.split()[1:4] == ["login-prompt", "line", "en"]
    opt_in = [r.id for r in bundled if not r.enabled]
    for rid in opt_in:
        assert next(ln for ln in lines if ln.startswith(rid + " ")).endswith("opt-in")


def test_rules_list_filters_and_json(tmp_path):
    proc = run("rules", "list", "--category", "login-prompt", "--format", "json")
    data = json.loads(proc.stdout)
    assert data and {d["category"] for d in data} == {"login-prompt"}
    assert {"id", "kind", "pack", "order", "enabled", "source", "line"} <= set(data[0])
    proc = run("rules", "list", "--pack", "core")
    assert all(ln.split()[3] == "core" for ln in proc.stdout.decode().splitlines()[1:])
    f = tmp_path / "my.yml"
    f.write_text(RULE_FILE)
    proc = run("rules", "list", "--rules", str(f), "--pack", "my", "--format", "json")
    assert [d["id"] for d in json.loads(proc.stdout)] == ["my.note.wire"]


def test_rules_show():
    proc = run("rules", "show", "en.login.already-subscriber")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "category:    login-prompt" in out and "patterns:" in out
    assert "examples, removed:" in out and "examples, kept:" in out
    proc = run("rules", "show", "en.login.already-subscribr")
    assert proc.returncode == 2
    assert "did you mean en.login.already-subscriber" in err(proc)


def test_rules_categories():
    proc = run("rules", "categories")
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    assert [ln.split()[0] for ln in lines] == list(boilerstrip.CATEGORIES)
    assert any(ln.startswith("headline") and ln.endswith("(opt-in)") for ln in lines)


# ------------------------------------------------------------------ rules test/validate

def test_rules_test_bundled_pass():
    proc = run("rules", "test", "--select", "en.login")
    assert proc.returncode == 0, proc.stdout.decode() + err(proc)
    assert "all passed" in err(proc)


def test_rules_test_user_rules_failure_shows_a_diff(tmp_path):
    f = tmp_path / "my.yml"
    f.write_text(RULE_FILE)
    assert run("rules", "test", str(f)).returncode == 0
    bad = RULE_FILE.replace('keep: ["The wire was cut.", "No note here."]',
                       'keep: ["Wire note: kept?", "No note here."]').replace(
        'remove: ["Wire note: filed late", "wire note: none"]',
        'remove: ["Wire note: filed late", {text: "Body.\\n\\nwire note: x\\n", '
        'output: "Body!\\n"}]')
    f.write_text(bad)
    proc = run("rules", "test", str(f))
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert f"FAIL {f}:" in out and "my.note.wire: keep example 'Wire note: kept?'" in out
    assert "-Body!" in out and "+Body." in out  # the readable diff
    assert "2 of 4 examples failed (1 of 1 rule)" in err(proc)


def test_rules_validate_reports_file_line_rule(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text(RULE_FILE)
    proc = run("rules", "validate", str(good))
    assert proc.returncode == 0 and "ok: 1 rule in 1 file" in err(proc)
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "a.yml").write_text(RULE_FILE.replace("kind: line", "kind: lien"))
    (folder / "b.yml").write_text(RULE_FILE.replace("pattern: 'wire note: .*'", "pattern: '(unclosed'")
                                  .replace("my.note.wire", "my.note.other"))
    proc = run("rules", "validate", str(folder))
    assert proc.returncode == 2
    lines = err(proc).splitlines()
    assert lines[0].startswith(f"{folder / 'a.yml'}:") and ": my.note.wire: " in lines[0]
    assert lines[1].startswith(f"{folder / 'b.yml'}:") and ": my.note.other: " in lines[1]
    assert lines[-1] == "2 errors in 2 files"
    no_traceback(proc)
    assert run("rules", "validate").returncode == 0  # the bundled rules
    proc = run("rules", "validate", str(tmp_path / "missing.yml"))
    assert proc.returncode == 2 and "no such rule file or folder" in err(proc)


#: One file, two rules, six faults.
MANY_FAULTS = """\
rules:
  - id: my.a
    kind: line
    category: advertisment
    order: 560
    pattern: '(unclosed'
    examples:
      remove: ["a", "b"]
      keep: ["c", "d"]
  - id: my.b
    kind: line
    category: advertisement
    order: 561
    description: Second.
    patern: 'x'
    match: partial
    examples:
      remove: ["a", "b"]
      keep: ["c", "d"]
"""


def test_rules_validate_reports_every_fault_of_every_file_like_a_linter(tmp_path):
    """Each fault is one `FILE:LINE: RULE_ID: message` line, all of them, then
    the count; exit 2. (Strict loading for cleaning still stops at the first.)"""
    bad = tmp_path / "bad.yml"
    bad.write_text(MANY_FAULTS)
    other = tmp_path / "other.yml"
    other.write_text(RULE_FILE.replace("order: 560", "order: -3")
                     .replace("kind: line", "kind: line\n    colour: red"))
    proc = run("rules", "validate", str(bad), str(other))
    assert proc.returncode == 2
    no_traceback(proc)
    lines = err(proc).splitlines()
    expected = [
        (bad, 2, "my.a", "rule has no 'description'"),
        (bad, 4, "my.a", "unknown category 'advertisment'"),
        (bad, 6, "my.a", "invalid regex '(unclosed'"),
        (bad, 10, "my.b", "give exactly one of 'pattern' or 'patterns'"),
        (bad, 15, "my.b", "unknown key 'patern'"),
        (bad, 16, "my.b", "match must be 'full' or 'search'"),
        (other, 5, "my.note.wire", "unknown key 'colour'"),
        (other, 6, "my.note.wire", "order must be between 0"),
    ]
    got = sorted(lines[:-1])
    want = sorted(f"{path}:{line}: {rid}: {msg}" for path, line, rid, msg in expected)
    assert len(got) == len(want), lines
    for g, w in zip(got, want):
        assert g.startswith(w), (g, w)
    assert lines[-1] == "8 errors in 2 files"
    # cleaning with the file is strict: one line, the first fault, exit 2
    proc = run("clean", "--rules", str(bad), input=PLAIN.encode())
    assert proc.returncode == 2
    assert err(proc).strip() == f"error: {bad}:2: my.a: rule has no 'description'"
    assert len(err(proc).strip().splitlines()) == 1


# (its examples still pass: a rule failing them is refused by clean)
RISKY_RULE = RULE_FILE.replace("pattern: 'wire note: .*'",
                               r"pattern: '(?:\S+\s*){0,6}wire note: .*'")


def test_only_the_users_rule_warnings_are_shown(tmp_path):
    """`-v clean` and `rules validate FILE` warn about the user's risky
    pattern, once, and never about the bundled rules."""
    f = tmp_path / "risky.yml"
    f.write_text(RISKY_RULE)
    cache = str(tmp_path / "cache")
    for args in (("clean", "-v", "--rules", str(f)), ("rules", "validate", str(f))):
        for _ in range(2):  # parsed, then served from the rule cache
            proc = run(*args, input=PLAIN.encode(), BOILERSTRIP_CACHE_DIR=cache)
            assert proc.returncode == 0, err(proc)
            warned = [ln for ln in err(proc).splitlines() if "more than one way" in ln]
            assert len(warned) == 1, err(proc)
            assert f"{f}:7: my.note.wire: " in warned[0]
            assert str(boilerstrip.bundled_rules_dir()) not in err(proc)


def test_rules_validate_duplicate_ids_across_files(tmp_path):
    (tmp_path / "a.yml").write_text(RULE_FILE)
    (tmp_path / "b.yml").write_text(RULE_FILE)
    proc = run("rules", "validate", str(tmp_path))
    assert proc.returncode == 2 and "duplicate rule id" in err(proc)


# ------------------------------------------------------------------ explain

def test_explain_marks_removals_in_place_with_rule_and_category():
    proc = run("explain", "examples/article.txt", cwd=ROOT)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert ("[-Please enable JavaScript in your browser settings.-]"
            "{en.javascript.enable: javascript-notice}") in out
    assert "[-in-]{" in out.splitlines()[0]
    result = boilerstrip.clean(SEED_B.decode())
    summary = out[out.index(f"{len(result.changes)} changes in"):]
    for cat, s in result.summary().items():
        assert any(ln.split()[:2] == [cat, str(s["changes"])] for ln in summary.splitlines())
    assert b"\x1b[" not in proc.stdout


def test_explain_colour_and_stdin_and_page_profile():
    proc = run("explain", "--color", "-", input=SEED_B)
    assert b"\x1b[31m" in proc.stdout and proc.returncode == 1
    assert run("explain", input=PLAIN.encode()).stdout.decode().strip() == \
        PLAIN.strip() + "\n\nnothing to remove\nlanguage en: language packs ran: en (and core)"
    proc = run("explain", "--profile", "page", input=SEED_B)
    assert proc.returncode in (0, 1)
    no_traceback(proc)


def test_explain_guarded_and_errors(tmp_path):
    proc = run("explain", input=b"Hello.\n\nAlready a subscriber? Log in.\n")
    assert "guarded" in proc.stdout.decode()
    proc = run("explain", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "no such file" in err(proc)
    proc = run("explain", input=b"\xff\xfeh\x00")
    assert proc.returncode == 2 and "UTF-16-LE" in err(proc)


def test_explain_whitespace_marks_are_opt_in():
    plain = run("explain", input=SEED_B).stdout.decode()
    shown = run("explain", "--show-whitespace", input=SEED_B).stdout.decode()
    assert "core.tidy.blank-lines" not in plain.split("\n\n")[0]
    assert "[-↵-]{core.tidy.blank-lines: whitespace}" in shown


def test_rules_validate_reports_each_rule_failing_the_kind_checks(tmp_path):
    """Faults found only when a cleaner is built (page-region params) are
    reported for every rule, not just the first."""
    region = (boilerstrip.bundled_rules_dir() / "page" / "region.yml").read_text()
    a = tmp_path / "a.yml"
    a.write_text(region.replace("page.region.article", "my.region.one")
                 .replace("length_low: 70", "length_low: -1"))
    b = tmp_path / "b.yml"
    # whatever the bundled cost is: the fault is its sign
    b.write_text(re.sub(r"(?m)^(\s*)line_cost: ", r"\1line_cost: -",
                        region.replace("page.region.article", "my.region.two")))
    proc = run("rules", "validate", str(a), str(b))
    assert proc.returncode == 2
    lines = err(proc).splitlines()
    assert any("my.region.one" in ln and "length_low" in ln for ln in lines), lines
    assert any("my.region.two" in ln and "line_cost" in ln for ln in lines), lines
    assert lines[-1] == "2 errors in 2 files"
    no_traceback(proc)
