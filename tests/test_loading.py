"""Strict rule loading: every kind of bad rule file is one RuleError, on one line,
naming the file, the line and (when it is known) the rule id.

Each test writes a small rule file that differs from a valid one in one way
and asserts the exact line the message points at.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import boilerstrip
from boilerstrip import Cleaner, RuleError, load_rules
from boilerstrip.rules import parse_rule_text

VALID = """\
rules:
  - id: user.test-rule
    kind: line
    category: advertisement
    order: 600
    description: A test rule.
    pattern: 'sponsored content'
    examples:
      remove: ["Sponsored content", "SPONSORED CONTENT"]
      keep: ["The sponsored content rules changed.", "Nothing here."]
"""
# line numbers in VALID
L_RULE, L_KIND, L_CATEGORY, L_ORDER, L_DESC, L_PATTERN, L_EXAMPLES, L_REMOVE, L_KEEP = range(2, 11)
RID = "user.test-rule"


def edit(text: str = VALID, *, replace: dict[int, str] | None = None,
         insert: dict[int, str] | None = None) -> str:
    """VALID with 1-based lines replaced (None deletes) and lines inserted before others."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines, 1):
        for new in (insert or {}).get(i, "").splitlines():
            out.append(new)
        if replace and i in replace:
            if replace[i] is not None:
                out.extend(replace[i].splitlines())
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def load_error(tmp_path: Path, text: str | bytes, name: str = "bad.yml") -> tuple[RuleError, Path]:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(RuleError) as info:
        load_rules(path, cache=False)
    return info.value, path


def assert_names(err: RuleError, path: Path, line: int | None, rule_id: str | None,
                 *words: str) -> None:
    msg = str(err)
    assert "\n" not in msg and "Traceback" not in msg
    assert err.path == str(path), msg
    assert err.line == line, msg
    assert err.rule_id == rule_id, msg
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    if rule_id:
        prefix += f"{rule_id}: "
    assert msg.startswith(prefix), msg
    for w in words:
        assert w.lower() in msg.lower(), msg


def test_valid_file_loads(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text(VALID, encoding="utf-8")
    (rule,) = load_rules(path, cache=False)
    assert (rule.id, rule.line, rule.source) == (RID, L_RULE, str(path))
    assert Cleaner(default_rules=False, rules=[path], allow_large_removals=True).clean(
        "Text.\n\nSponsored content\n").text == "Text.\n"


# ------------------------------------------------------------------ keys and types

def test_unknown_key(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_PATTERN: "    colour: red"}))
    assert_names(err, p, L_PATTERN, RID, "unknown key 'colour'")


def test_unknown_key_in_when(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    when:\n      max_wordz: 3"}))
    assert_names(err, p, L_EXAMPLES + 1, RID, "unknown key 'max_wordz'")


def test_key_not_allowed_for_kind(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    section:\n      max_lines: 3"}))
    assert_names(err, p, L_EXAMPLES, RID, "unknown key 'section'", "line rule")


def test_wrong_type_order(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_ORDER: "    order: soon"}))
    assert_names(err, p, L_ORDER, RID, "order must be an integer")


@pytest.mark.parametrize("value", ["1.5", "1e99", "true", "[1]", "{a: 1}", "-3",
                                   "99999999999999"])
def test_wrong_order_values(tmp_path, value):
    err, p = load_error(tmp_path, edit(replace={L_ORDER: f"    order: {value}"}))
    assert_names(err, p, L_ORDER, RID, "order must be")


def test_wrong_type_when_value(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    when:\n      max_words: many"}))
    assert_names(err, p, L_EXAMPLES + 1, RID, "when.max_words must be an integer")


def test_when_not_a_mapping(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    when: [1, 2]"}))
    assert_names(err, p, L_EXAMPLES, RID, "when must be a mapping")


def test_duplicate_key(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    order: 7"}))
    assert_names(err, p, L_EXAMPLES, RID, "duplicate key 'order'")


def test_unknown_kind(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_KIND: "    kind: paragraph"}))
    assert_names(err, p, L_KIND, RID, "unknown kind 'paragraph'")


def test_unknown_category(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_CATEGORY: "    category: spam"}))
    assert_names(err, p, L_CATEGORY, RID, "unknown category 'spam'")


def test_unknown_flag(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    flags: [ignorecase, multiline]"}))
    assert_names(err, p, L_EXAMPLES, RID, "unknown flag 'multiline'")


def test_bad_profile(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    profiles: [mobile]"}))
    assert_names(err, p, L_EXAMPLES, RID, "profiles")


def test_bad_match_value(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    match: fuzzy"}))
    assert_names(err, p, L_EXAMPLES, RID, "match must be")


def test_missing_required_key(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_DESC: None}))
    assert_names(err, p, L_RULE, RID, "no 'description'")


def test_missing_id(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_RULE: "  - kind: line", L_KIND: None}))
    assert_names(err, p, L_RULE, None, "no 'id'")


@pytest.mark.parametrize("bad_id", ["NoDots", "user..x", "user.Test", ".user.x", "user.x y"])
def test_malformed_id(tmp_path, bad_id):
    err, p = load_error(tmp_path, edit(replace={L_RULE: f"  - id: '{bad_id}'"}))
    assert_names(err, p, L_RULE, bad_id, "id must be")


def test_draft_rule_refused(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    draft: true"}))
    assert_names(err, p, L_EXAMPLES, RID, "draft")


# ------------------------------------------------------------------ patterns

def test_invalid_regex(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_PATTERN: "    pattern: 'sponsored (content'"}))
    assert_names(err, p, L_PATTERN, RID, "invalid regex")


def test_invalid_regex_in_list_names_its_own_line(tmp_path):
    text = edit(replace={L_PATTERN: "    patterns:\n      - 'ok'\n      - 'a{2,1}'"})
    err, p = load_error(tmp_path, text)
    assert_names(err, p, L_PATTERN + 2, RID, "invalid regex")


def test_invalid_unless_regex(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    unless: ['(?<name']"}))
    assert_names(err, p, L_EXAMPLES, RID, "invalid regex")


@pytest.mark.parametrize("value", ["42", "true", "{a: b}", "[[nested]]", "~", "''", "[]"])
def test_non_string_pattern(tmp_path, value):
    err, p = load_error(tmp_path, edit(replace={L_PATTERN: f"    pattern: {value}"}))
    assert_names(err, p, L_PATTERN, RID, "pattern")


def test_pattern_and_patterns_both(tmp_path):
    err, p = load_error(tmp_path, edit(insert={L_EXAMPLES: "    patterns: ['x']"}))
    assert_names(err, p, L_RULE, RID, "exactly one of 'pattern' or 'patterns'")


def test_no_pattern(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_PATTERN: None}))
    assert_names(err, p, L_RULE, RID, "exactly one of 'pattern' or 'patterns'")


# ------------------------------------------------------------------ examples

def test_missing_examples(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_EXAMPLES: None, L_REMOVE: None, L_KEEP: None}))
    assert_names(err, p, L_RULE, RID, "no examples")


def test_too_few_keep_examples(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_KEEP: '      keep: ["Nothing here."]'}))
    assert_names(err, p, L_KEEP, RID, "examples.keep needs at least 2", "has 1")


def test_missing_remove_examples(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_REMOVE: None}))
    # the line of the examples block (its first key)
    assert_names(err, p, L_EXAMPLES + 1, RID, "examples.remove needs at least 2", "has 0")


def test_example_not_a_string(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_REMOVE: '      remove: ["Sponsored", 12]'}))
    assert_names(err, p, L_REMOVE, RID, "must be a string")


def test_example_mapping_without_text(tmp_path):
    text = edit(replace={L_REMOVE: '      remove:\n        - output: ""\n        - "Sponsored"'})
    err, p = load_error(tmp_path, text)
    assert_names(err, p, L_REMOVE + 1, RID, "has no 'text'")


# ------------------------------------------------------------------ ids across files

def test_duplicate_id_in_one_file(tmp_path):
    second = VALID.split("\n", 1)[1]  # the rule without the "rules:" line
    err, p = load_error(tmp_path, VALID + second)
    assert_names(err, p, L_RULE + 9, RID, "duplicate rule id", f"{p}:{L_RULE}")


def test_duplicate_id_across_files(tmp_path):
    (tmp_path / "a.yml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yml").write_text(VALID, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path, cache=False)
    assert_names(info.value, tmp_path / "b.yml", L_RULE, RID, "duplicate rule id",
                 f"{tmp_path / 'a.yml'}:{L_RULE}")


def test_user_rule_reusing_a_bundled_id(tmp_path):
    bundled = boilerstrip.load_rules(boilerstrip.bundled_rules_dir())[0]
    path = tmp_path / "mine.yml"
    path.write_text(VALID.replace(RID, bundled.id), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        Cleaner(rules=[path])
    assert_names(info.value, path, L_RULE, bundled.id, "duplicate rule id", bundled.source)


# ------------------------------------------------------------------ file level

def test_yaml_syntax_error(tmp_path):
    err, p = load_error(tmp_path, edit(replace={L_DESC: "    description: [unclosed"}))
    assert err.path == str(p) and err.line is not None
    assert L_DESC <= err.line <= L_DESC + 2, str(err)
    assert str(err).startswith(f"{p}:{err.line}: invalid YAML")
    assert "\n" not in str(err)


def test_tab_indentation(tmp_path):
    err, p = load_error(tmp_path, VALID.replace("    kind: line", "\tkind: line"))
    assert err.path == str(p) and err.line == L_KIND, str(err)


def test_empty_file(tmp_path):
    err, p = load_error(tmp_path, "")
    assert_names(err, p, 1, None, "empty rule file")


@pytest.mark.parametrize("text,words", [("- a\n- b\n", "mapping"),
                                        ("rules: 3\n", "list"),
                                        ("rule:\n  - id: x.y\n", "unknown key 'rule'"),
                                        ("hello\n", "mapping"),
                                        ("rules:\n  - just a string\n", "a rule must be a mapping")])
def test_wrong_top_level_shape(tmp_path, text, words):
    err, p = load_error(tmp_path, text)
    assert err.path == str(p) and err.line is not None, str(err)
    assert words in str(err), str(err)


def test_not_utf8(tmp_path):
    err, p = load_error(tmp_path, VALID.encode("utf-8").replace(b"A test", b"A t\xe9st"))
    assert err.path == str(p) and "not UTF-8" in str(err)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert [r.id for r in load_rules(path, cache=False)] == [RID]


def test_missing_file(tmp_path):
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path / "nope.yml", cache=False)
    assert str(tmp_path / "nope.yml") in str(info.value)


def test_unreadable_file(tmp_path):
    import os

    path = tmp_path / "locked.yml"
    path.write_text(VALID, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        with pytest.raises(RuleError) as info:
            load_rules(path, cache=False)
        assert str(path) in str(info.value) and "cannot read" in str(info.value)
    finally:
        path.chmod(0o644)


def test_bad_file_in_folder_names_that_file(tmp_path):
    (tmp_path / "a.yml").write_text(VALID, encoding="utf-8")
    bad = tmp_path / "sub" / "b.yaml"
    bad.parent.mkdir()
    bad.write_text(edit(replace={L_KIND: "    kind: nope"}).replace(RID, "user.other"),
                   encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path, cache=False)
    assert_names(info.value, bad, L_KIND, "user.other", "unknown kind")


def test_parse_rule_text_names_given_path():
    with pytest.raises(RuleError) as info:
        parse_rule_text(edit(replace={L_ORDER: "    order: x"}), "somewhere/rules.yml")
    assert str(info.value).startswith(f"somewhere/rules.yml:{L_ORDER}: {RID}: ")


# ------------------------------------------------------------------ options that fail late

def test_bad_normalisation_params_fail_at_load_not_at_clean(tmp_path):
    """An unknown ftfy option is a RuleError when the Cleaner is built, never an
    exception in the middle of cleaning a document."""
    text = """\
rules:
  - id: user.fix
    kind: normalisation
    category: normalisation
    order: 10
    description: Repairs.
    params:
      fix_everything: true
    examples:
      remove: ["Ã©t\u00e9", "cafÃ©"]
      keep: ["plain", "text"]
"""
    path = tmp_path / "norm.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        c = Cleaner(default_rules=False, rules=[path])
        c.clean("cafÃ©\n")
    assert_names(info.value, path, 8, "user.fix", "fix_everything")


def test_loading_bundled_rules_is_fast_and_clean():
    t = time.perf_counter()
    rules = load_rules(boilerstrip.bundled_rules_dir(), cache=False)
    assert rules and time.perf_counter() - t < 20


# ------------------------------------------------------------------ rule sets

def test_rule_set_warns_about_user_files_only(tmp_path, monkeypatch):
    """Loading bundled plus user rules returns one value with the user's
    warnings; the bundled rules' warnings stay out unless asked for (``rules
    validate`` without a path reads them)."""
    from boilerstrip.rules import loader, risk

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    # every pattern counts as risky: the bundled rules would now warn too
    monkeypatch.setattr(risk, "risky_pattern", lambda pattern, flags=(): "risky")
    monkeypatch.setattr(loader, "_BUNDLED", None)
    user = tmp_path / "user.yml"
    user.write_text(VALID, encoding="utf-8")
    rule_set = loader.load_rule_set([user])
    assert RID in {r.id for r in rule_set.rules} and len(rule_set.rules) > 100
    assert [(w.path, w.line, w.rule_id) for w in rule_set.warnings] == [
        (str(user), L_PATTERN, RID)]
    bundled = loader.validate_rule_files([boilerstrip.bundled_rules_dir()])
    assert bundled.faults == () and len(bundled.warnings) > 100
    assert loader.load_rule_set([user], default_rules=False).rules == (
        loader.read_rule_set(user).rules)


def test_validation_collects_what_strict_loading_raises_first(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(edit(replace={L_CATEGORY: "    category: advertisment", L_DESC: None,
                                  L_PATTERN: "    pattern: '(unclosed'"}), encoding="utf-8")
    err, _ = load_error(tmp_path, path.read_text(encoding="utf-8"))
    found = boilerstrip.rules.validate_rule_files([path])
    assert str(found.faults[0]) == str(err)
    assert [(f.line, f.rule_id) for f in found.faults] == [
        (L_RULE, RID), (L_CATEGORY, RID), (L_PATTERN - 1, RID)]
    assert found.rules == () and found.files == 1


def test_loader_and_cache_import_each_other_in_one_direction_only():
    import ast

    folder = Path(boilerstrip.rules.__file__).parent
    cache_imports = {node.module for node in ast.walk(ast.parse((folder / "cache.py").read_text()))
                     if isinstance(node, ast.ImportFrom)}
    assert "loader" not in cache_imports and cache_imports >= {"model"}
