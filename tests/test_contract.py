"""The product contract as a first-day user tests it: every bad configuration,
selector or path is one line on stderr naming what is wrong, exit 2, no
traceback, and nothing is cleaned with a setting the user did not mean.

In-process (``cli.main``), so that the whole file runs in a few seconds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from _cli_helpers import PLAIN, SEED_B

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
