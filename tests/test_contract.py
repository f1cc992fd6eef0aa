"""The product contract as a first-day user tests it: every bad configuration,
selector or path is one line on stderr naming what is wrong, exit 2, no
traceback, and nothing is cleaned with a setting the user did not mean.

In-process (``cli.main``), so that the whole file runs in a few seconds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from _cli_helpers import PLAIN, RULE_FILE, SEED, SEED_B

import boilerstrip
from boilerstrip.cli import cli
from boilerstrip.errors import ConfigError
from boilerstrip.options import MAX_TIMEOUT, Options

SHARE_LINE = "Share this article\n\n"


def _cli(monkeypatch, capsys, cwd: Path, *args: str, stdin: bytes | None = None
         ) -> tuple[int, str, str]:
    """Run ``boilerstrip ARGS`` in CWD: (exit code, stdout, stderr)."""
    import io
    import sys

    monkeypatch.chdir(cwd)
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # click's usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(SEED_B)
    return tmp_path


# ------------------------------------------------------------ [tool.boilerstrip]

@pytest.mark.parametrize("body", ["tool = 3\n", 'tool = "boilerstrip"\n', "tool = [1]\n"])
def test_a_tool_key_that_is_not_a_table_holds_no_configuration(tmp_path, monkeypatch, capsys,
                                                                body):
    """``tool = 3`` is valid TOML: it has no [tool.boilerstrip], so the run goes
    on with the defaults (it used to end in a TypeError traceback)."""
    project = _project(tmp_path, body)
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    assert code == 1 and "Traceback" not in err
    assert (project / "a.txt").read_bytes() == SEED_B


@pytest.mark.parametrize("line, needle", [
    ("timeout = 0", "timeout: 0.0 is out of range"),
    ("timeout = -1", "timeout: -1.0 is out of range"),
    ("timeout = nan", "timeout: nan is out of range"),
    ("timeout = inf", "timeout: inf is out of range"),
    ("max-removed-share = 1.5", "max-removed-share: 1.5 is out of range"),
    ("max_removed_share = nan", "max_removed_share: nan is out of range"),
    ("jobs = -1", "jobs: -1 is out of range"),
    ('language = "klingon"', "language: "),
    ('report-format = "xml"', "report-format: 'xml' is not one of html, json, jsonl"),
    ("max-removed-share = 0.5\nmax_removed_share = 0.9", "are the same key"),
])
def test_a_bad_value_in_the_configuration_names_the_file_and_the_key(
        tmp_path, monkeypatch, capsys, line, needle):
    """Out-of-range numbers were either accepted (``jobs = -1``) or refused
    without naming the file they came from ("timeout must be ...")."""
    project = _project(tmp_path, f"[tool.boilerstrip]\n{line}\n")
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    _one_line_error(code, err, str(project / "pyproject.toml"), needle)
    assert (project / "a.txt").read_bytes() == SEED_B


def test_the_configurations_report_format_waits_for_a_report(tmp_path, monkeypatch, capsys):
    """``report-format = "jsonl"`` in the configuration says what a --report
    is written as; a run without --report used to stop with a usage error
    about a flag the user never typed."""
    project = _project(tmp_path, '[tool.boilerstrip]\nreport-format = "jsonl"\n')
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    assert code == 1, err
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt",
                        "--report", "removals.out")
    assert code == 1, err
    first = (project / "removals.out").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith('{"file": "a.txt"')  # jsonl: one record a line
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt",
                        "--report-format", "json")
    assert code == 2 and "--report-format needs --report" in err  # typed: still refused


@pytest.mark.parametrize("line, needle", [
    ('ignore = ["en.foo"]', "[tool.boilerstrip] ignore: no rule, category or pack is named "
                            "'en.foo'"),
    ('select = ["en.foo"]', "[tool.boilerstrip] select: no rule"),
    ('enable = "no-such-category"', "[tool.boilerstrip] enable: no rule"),
    ('rules = ["missing.yml"]', "[tool.boilerstrip] rules: no such rule file or folder: "
                                "missing.yml"),
    ('rules = "missing-folder/"', "[tool.boilerstrip] rules: no such rule file or folder: "
                                  "missing-folder/"),
    ('rules = "empty"', "[tool.boilerstrip] rules: no rule file (*.yml, *.yaml) in the "
                        "folder: empty"),
])
def test_a_selector_or_rule_path_of_the_configuration_names_the_file_and_the_key(
        tmp_path, monkeypatch, capsys, line, needle):
    """They were checked once the cleaner was built, where the file they came
    from was forgotten: 'ignore: no rule ...', '/abs/missing.yml: no such
    rule file' sent the user looking for a flag they never typed."""
    project = _project(tmp_path, f"[tool.boilerstrip]\n{line}\n")
    (project / "empty").mkdir()
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    _one_line_error(code, err, f"error: {project / 'pyproject.toml'}: {needle}")
    assert (project / "a.txt").read_bytes() == SEED_B


@pytest.mark.parametrize("args, needle", [
    (["--ignore", "en.foo"], "error: --ignore: no rule, category or pack is named 'en.foo'"),
    (["--enable", "en.foo"], "error: --enable: no rule"),
    (["--rules", "missing.yml"], "error: --rules: no such rule file or folder: missing.yml"),
    (["--rules", "empty"], "error: --rules: no rule file (*.yml, *.yaml) in the folder: empty"),
])
def test_the_same_mistake_on_the_command_line_names_the_flag(tmp_path, monkeypatch, capsys,
                                                              args, needle):
    """A value typed on the command line overrides the configuration's: the
    error names the flag, not the file (whose own value is fine)."""
    project = _project(tmp_path, '[tool.boilerstrip]\nignore = ["social-share"]\n'
                                 'enable = ["headline"]\n')
    (project / "empty").mkdir()
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", *args, "a.txt")
    _one_line_error(code, err, needle)
    assert "pyproject.toml" not in err


@pytest.mark.parametrize("command", [["rules", "list"], ["rules", "build-fast"]])
def test_a_rules_command_names_the_flag_of_a_rule_path_that_loads_nothing(
        tmp_path, monkeypatch, capsys, command):
    """An empty rule folder loaded no rule and said nothing: a run went on as
    if the user's rules were there."""
    (tmp_path / "empty").mkdir()
    code, _, err = _cli(monkeypatch, capsys, tmp_path, *command, "--rules", "empty")
    _one_line_error(code, err, "error: --rules: no rule file")


@pytest.mark.parametrize("command", [["clean"], ["explain", "-"]])
def test_a_language_no_pack_knows_names_its_flag_or_its_key(tmp_path, monkeypatch, capsys,
                                                            command):
    """'--language xx' passes the option's own check (a two-letter code) and
    fails once the packs are loaded, where the message said only "language
    'xx': ...", whether it was typed or read from the configuration."""
    code, out, err = _cli(monkeypatch, capsys, tmp_path, *command, "--language", "xx",
                          stdin=PLAIN.encode())
    _one_line_error(code, err, "error: --language: language 'xx': no rule pack")
    code, out, err = _cli(monkeypatch, capsys, tmp_path, *command, "--language", "xxx",
                          stdin=PLAIN.encode())
    _one_line_error(code, err, "error: --language: language must be auto, any or a two-")
    project = _project(tmp_path, '[tool.boilerstrip]\nlanguage = "xx"\n')
    code, out, err = _cli(monkeypatch, capsys, project, *command, stdin=PLAIN.encode())
    _one_line_error(code, err, f"error: {project / 'pyproject.toml'}: [tool.boilerstrip] "
                               f"language: language 'xx': no rule pack")
    assert out == ""


def test_the_configurations_report_field_waits_for_jsonl(tmp_path, monkeypatch, capsys):
    """``report-field`` only means something to a --jsonl run; a plain run
    with it in the configuration stopped with '--report-field is for --jsonl',
    a flag the user never typed."""
    project = _project(tmp_path, '[tool.boilerstrip]\nreport-field = "removals"\n')
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    assert code == 1 and "Traceback" not in err, err
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt",
                        "--report-field", "removals")
    assert code == 2 and "--report-field is for --jsonl" in err  # typed: still refused


# ------------------------------------------------------------ selectors

@pytest.mark.parametrize("option", ["ignore", "select", "enable"])
def test_a_selector_that_names_nothing_is_an_error(tmp_path, monkeypatch, capsys, option):
    """A typo in --ignore left the rule running; in --select it ran no rule
    at all, and the run said nothing."""
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "clean", f"--{option}", "social-shrae",
                          stdin=(SHARE_LINE + PLAIN).encode())
    _one_line_error(code, err, option, "'social-shrae'")
    assert out == ""
    project = _project(tmp_path, f'[tool.boilerstrip]\n{option} = ["no-such-category"]\n')
    code, _, err = _cli(monkeypatch, capsys, project, "clean", "--check", "a.txt")
    _one_line_error(code, err, "'no-such-category'")
    with pytest.raises(ConfigError, match="'social-shrae'"):
        boilerstrip.Cleaner(**{option: ["social-shrae"]})
    with pytest.raises(ConfigError, match="'social-shrae'"):
        boilerstrip.clean(PLAIN, **{option: ["social-shrae"]})


@pytest.mark.parametrize("selector", [
    "social-share",                # a category
    "headline",                    # an opt-in category
    "en",                          # a pack
    "en.social",                   # an id prefix
    "en.social.share-label",       # a rule id
    "cookie-notice",               # a category of the vocabulary, whatever the rules loaded
])
def test_every_kind_of_selector_is_still_accepted(selector):
    boilerstrip.Cleaner(ignore=[selector])
    boilerstrip.Cleaner(default_rules=False, ignore=["cookie-notice"])


def test_a_user_rules_id_and_pack_are_selectors(tmp_path):
    rules = tmp_path / "my.yml"
    rules.write_text(RULE_FILE, encoding="utf-8")
    cleaner = boilerstrip.Cleaner(rules=[rules], select=["my"])
    assert [r.id for r in cleaner.rules] == ["my.note.wire"]
    with pytest.raises(ConfigError):
        boilerstrip.Cleaner(select=["my"])  # without the file, 'my' names nothing


# ------------------------------------------------------------ the regex time limit

@pytest.mark.parametrize("timeout", [math.inf, 1e15, 1e308])
def test_a_timeout_past_what_the_regex_module_counts_is_refused(timeout):
    """The regex module counts the limit in a fixed-size integer: past some
    10**12 s every call timed out at once, and every rule was skipped with a
    warning about its time limit."""
    with pytest.raises(ConfigError, match="at most"):
        Options(timeout=timeout)


def test_the_longest_timeout_still_lets_every_rule_run():
    result = boilerstrip.clean(SHARE_LINE + PLAIN, timeout=MAX_TIMEOUT)
    assert result.text == PLAIN and not result.skipped


def test_timeout_inf_on_the_command_line_is_a_usage_error(tmp_path, monkeypatch, capsys):
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "clean", "--timeout", "inf",
                          stdin=(SHARE_LINE + PLAIN).encode())
    assert code == 2 and "--timeout" in err and out == ""


# ------------------------------------------------------------ paths

def test_explain_on_a_folder_is_one_line(tmp_path, monkeypatch, capsys):
    """explain reads files; a folder named to it ended in IsADirectoryError."""
    (tmp_path / "docs").mkdir()
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "explain", "docs")
    _one_line_error(code, err, "docs: is a folder")


def test_explain_skips_a_binary_file_as_clean_does(tmp_path, monkeypatch, capsys):
    """It said 'error: FILE: skipped: binary file' and exited 2; clean skips
    such a file with a note and goes on."""
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "a.txt").write_bytes(SEED_B)
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "explain", "blob.txt", "a.txt")
    assert code == 1 and "Traceback" not in err  # a.txt would change
    assert err.strip() == "note: blob.txt: skipped: binary file (NUL byte at offset 0)"
    assert "==> a.txt <==" in out and "blob" not in out


# ------------------------------------------------------------ rules validate

def test_validate_reports_a_duplicate_id_inside_one_file_once(tmp_path, monkeypatch, capsys):
    body = RULE_FILE + RULE_FILE.split("rules:\n", 1)[1]
    (tmp_path / "dup.yml").write_text(body, encoding="utf-8")
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "rules", "validate", "dup.yml")
    faults = [line for line in (out + err).splitlines() if "duplicate rule id" in line]
    assert code == 2 and len(faults) == 1, out + err


# ------------------------------------------------------------ the Python API

@pytest.mark.parametrize("build", [
    lambda: boilerstrip.Cleaner(ignore="social-share"),
    lambda: boilerstrip.Cleaner.from_options(Options(ignore="social-share")),
])
def test_one_string_is_one_selector_not_a_list_of_characters(build):
    """``Cleaner(ignore="social-share")`` took the string as the list of its
    characters: nothing was ignored, silently (now: nothing named 's')."""
    cleaner = build()
    assert cleaner.ignore == ("social-share",)
    assert cleaner.clean(SHARE_LINE + PLAIN).text == SHARE_LINE + PLAIN


def test_one_rule_path_as_a_string_is_one_path(tmp_path):
    rules = tmp_path / "my.yml"
    rules.write_text(RULE_FILE, encoding="utf-8")
    cleaner = boilerstrip.Cleaner(rules=str(rules))
    assert "my.note.wire" in {r.id for r in cleaner.rules}


def test_the_datatrove_step_takes_one_string_as_one_item():
    pytest.importorskip("datatrove")
    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    assert BoilerstripCleaner(ignore="social-share").options.ignore == ("social-share",)


@pytest.mark.parametrize("options", [{"max_removed_share": "0.5"}, {"language": 3}])
def test_a_wrong_type_of_option_is_a_config_error(options):
    """They raised TypeError ('<' not supported between 'float' and 'str')."""
    with pytest.raises(ConfigError):
        boilerstrip.Cleaner(**options)


# ------------------------------------------------------------ user rules failing their examples

def test_a_user_rule_failing_its_own_examples_is_refused(tmp_path, monkeypatch, capsys):
    """Its examples say what it removes and keeps; one that removes a keep
    example was loaded and cleaned every file with it, silently (only
    ``rules test`` told)."""
    bad = tmp_path / "my.yml"
    bad.write_text(RULE_FILE.replace('keep: ["The wire was cut."',
                                     'keep: ["Wire note: filed late", "The wire was cut."'),
                   encoding="utf-8")
    text = (PLAIN + "\nWire note: filed late\n").encode()
    for command in (["clean"], ["explain", "-"]):
        code, out, err = _cli(monkeypatch, capsys, tmp_path, *command, "--rules", "my.yml",
                              stdin=text)
        _one_line_error(code, err, "my.yml:10: my.note.wire: keep example",
                        "boilerstrip rules test my.yml")
        assert out == ""
    (tmp_path / "pyproject.toml").write_text('[tool.boilerstrip]\nrules = ["my.yml"]\n')
    (tmp_path / "a.txt").write_bytes(text)
    code, _, err = _cli(monkeypatch, capsys, tmp_path, "clean", "a.txt")
    _one_line_error(code, err, "my.note.wire: keep example")
    assert (tmp_path / "a.txt").read_bytes() == text


def test_a_user_rule_passing_its_examples_cleans(tmp_path, monkeypatch, capsys):
    (tmp_path / "my.yml").write_text(RULE_FILE, encoding="utf-8")
    code, out, err = _cli(monkeypatch, capsys, tmp_path, "clean", "--rules", "my.yml",
                          stdin=(PLAIN + "\nWire note: filed late\n").encode())
    assert code == 0 and out == PLAIN, err


# ------------------------------------------------------------ rules list / test / validate filters

@pytest.mark.parametrize("args, needle", [
    (["rules", "list", "--category", "no-such-category"], "--category"),
    (["rules", "list", "--kind", "lines"], "--kind"),
    (["rules", "test", "--select", "en.no-such-rule"], "--select"),
])
def test_a_filter_that_names_nothing_is_a_usage_error(tmp_path, monkeypatch, capsys, args,
                                                      needle):
    """They printed '0 rules' (list) or '0 rules, 0 examples: all passed'
    (test) and exited 0: a typo read as a pass."""
    code, out, err = _cli(monkeypatch, capsys, tmp_path, *args)
    assert code == 2 and needle in err and "no " in err and "Traceback" not in err


@pytest.mark.parametrize("char", ["\x00", "\x07", "\ufffe"])
def test_a_control_character_in_a_rule_file_names_its_line(tmp_path, monkeypatch, capsys, char):
    """The YAML reader's error gave a character position, not the line."""
    bad = RULE_FILE.replace("Wire-service notes.", f"Wire-service{char} notes.")
    (tmp_path / "bad.yml").write_text(bad, encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, tmp_path, "clean", "--rules", "bad.yml",
                        stdin=PLAIN.encode())
    _one_line_error(code, err, "bad.yml:6: invalid YAML: control character")


# ------------------------------------------------------------ old Mac line breaks (CR only)

def test_explain_shows_a_cr_only_text_one_line_at_a_time(tmp_path, monkeypatch, capsys):
    """On a terminal a bare CR writes the next line over the one before: the
    view adds a line feed after each (the text's own CR is still shown)."""
    (tmp_path / "cr.txt").write_bytes(SEED_B.replace(b"\n", b"\r"))
    code, out, _ = _cli(monkeypatch, capsys, tmp_path, "explain", "cr.txt")
    assert code == 0  # one line to the rules (engine/line_breaks.py): nothing removed
    assert out.count("\r") == out.count("\r\n") == SEED.count("\n")
    assert "\r\nNegotiators Meet in Rome" in out
