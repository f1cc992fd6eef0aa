"""``boilerstrip clean``: filter, batch in place, --check/--diff/--output-dir, reports,
options, configuration and exit codes, through the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _cli_helpers import (EXPECTED, EXPECTED_B, PLAIN, ROOT, RULE_FILE, SEED, SEED_B, err,
                          no_traceback, run)
from click.testing import CliRunner

import boilerstrip
from boilerstrip.cli import cli, main
from boilerstrip.result import apply_changes

JS_LINE = "Please enable JavaScript in your browser settings."


def tree(tmp_path: Path) -> Path:
    """corpus/ with a dirty file, a clean one, a nested dirty one and a non-text file."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "dirty.txt").write_bytes(SEED_B)
    (root / "clean.txt").write_text(PLAIN, encoding="utf-8")
    (root / "sub" / "nested.md").write_bytes(SEED_B)
    (root / "notes.rst").write_bytes(SEED_B)
    return root


# ------------------------------------------------------------------ filter

def test_filter_cleans_stdin_to_stdout_exactly():
    proc = run("clean", input=SEED_B)
    assert proc.stdout == EXPECTED_B
    assert proc.returncode == 0  # a filter that ran exits 0, changed or not (issue 20)
    assert proc.stderr == b""  # a filter is quiet


def test_filter_in_a_pipefail_pipeline_succeeds():
    proc = subprocess.run(["bash", "-c", "set -o pipefail; boilerstrip clean < examples/article.txt"
                           " | wc -l"], cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == EXPECTED.count("\n")


def test_filter_unchanged_text_passes_through_and_exits_0():
    proc = run("clean", "-", input=PLAIN.encode())
    assert proc.returncode == 0
    assert proc.stdout == PLAIN.encode()


def test_filter_exit_zero_and_check():
    assert run("clean", "--exit-zero", input=SEED_B).returncode == 0
    proc = run("clean", "--check", input=SEED_B)
    assert proc.returncode == 1 and proc.stdout == b""  # --check: "would change"
    assert run("clean", "--check", "--exit-zero", input=SEED_B).returncode == 0
    assert run("clean", "--check", input=PLAIN.encode()).returncode == 0


def test_filter_stdin_filename_names_the_input_in_messages():
    proc = run("clean", "--stdin-filename", "page.txt", input=b"caf\xe9\n")
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert err(proc).strip() == ("error: page.txt: not valid UTF-8 (byte 0xE9 at offset 3: "
                                 "invalid continuation byte)")


def test_filter_skip_invalid_utf8_passes_bytes_through():
    proc = run("clean", "--on-invalid-utf8", "skip", input=b"caf\xe9\n")
    assert proc.returncode == 0
    assert proc.stdout == b"caf\xe9\n"
    assert "skipped" in err(proc)


def test_filter_diff_goes_to_stdout():
    proc = run("clean", "--diff", "--stdin-filename", "a.txt", input=SEED_B)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert out.startswith("--- a/a.txt\n+++ b/a.txt\n")
    assert f"-{JS_LINE}\n" in out


def test_closed_stdout_ends_quietly_with_the_right_exit_code(tmp_path):
    big = (SEED + "\n") * 400  # ~1 MB: more than a pipe buffer
    proc = subprocess.Popen([sys.executable, "-m", "boilerstrip", "clean"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    # Feed stdin from a thread-free file instead of a pipe to avoid a deadlock.
    proc.stdin.write(big.encode())
    proc.stdin.close()
    head = proc.stdout.read(100)
    proc.stdout.close()  # like `| head -c 100`
    rc = proc.wait(timeout=60)
    stderr = proc.stderr.read()
    assert head == EXPECTED_B[:100]
    assert stderr == b"", stderr.decode()
    assert rc == 0  # the filter ran: exit 0, changed or not (issue 20)


def test_closed_stdout_in_a_shell_pipeline():
    proc = subprocess.run(["bash", "-o", "pipefail", "-c",
                           "for i in $(seq 300); do cat examples/article.txt; done | "
                           "boilerstrip clean --diff - | head -n 3"],
                          cwd=ROOT, capture_output=True, timeout=60)
    assert proc.stdout.decode().splitlines()[0] == "--- a/<stdin>"
    assert b"Traceback" not in proc.stderr and b"Broken pipe" not in proc.stderr
    assert proc.returncode == 1  # the diff's "would change", not a crash


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "boilerstrip", "clean"], input=SEED_B,
                          capture_output=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == EXPECTED_B


def test_no_arguments_on_a_terminal_is_a_usage_error():
    # CliRunner's stdin is not a TTY; force the check through the helper.
    from boilerstrip.cli import clean as clean_command

    orig = clean_command.stdin_is_tty
    clean_command.stdin_is_tty = lambda: True
    try:
        result = CliRunner().invoke(cli, ["clean"])
    finally:
        clean_command.stdin_is_tty = orig
    assert result.exit_code == 2
    assert "stdin is a terminal" in result.output


# ------------------------------------------------------------------ batch in place

def test_batch_cleans_changed_files_in_place_and_leaves_others_untouched(tmp_path):
    root = tree(tmp_path)
    old = time.time() - 3600
    os.utime(root / "clean.txt", (old, old))
    before = os.stat(root / "clean.txt")
    proc = run("clean", str(root))
    assert proc.returncode == 1, err(proc)
    assert (root / "dirty.txt").read_bytes() == EXPECTED_B
    assert (root / "sub" / "nested.md").read_bytes() == EXPECTED_B
    assert (root / "notes.rst").read_bytes() == SEED_B  # not in --include
    after = os.stat(root / "clean.txt")
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    n = len(boilerstrip.clean(SEED).changes)
    lines = err(proc).splitlines()
    assert f"cleaned {root / 'dirty.txt'} ({n} removals)" in lines
    assert f"cleaned {root / 'sub' / 'nested.md'} ({n} removals)" in lines
    assert lines[-1] == f"2 files cleaned ({2 * n} removals), 1 unchanged"
    again = run("clean", str(root))
    assert again.returncode == 0
    assert err(again).strip() == "0 files cleaned (0 removals), 3 unchanged"


def test_batch_keeps_permission_bits(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED_B)
    f.chmod(0o640)
    assert run("clean", str(f)).returncode == 1
    assert f.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name != "a.txt"]  # no temp file left


def test_check_changes_nothing(tmp_path):
    root = tree(tmp_path)
    proc = run("clean", "--check", str(root))
    assert proc.returncode == 1
    assert (root / "dirty.txt").read_bytes() == SEED_B
    assert f"would clean {root / 'dirty.txt'}" in err(proc)
    assert "2 files would be cleaned" in err(proc)
    assert run("clean", "--check", str(root / "clean.txt")).returncode == 0


def test_diff_applies_with_git_apply_and_changes_nothing(tmp_path):
    root = tree(tmp_path)
    proc = run("clean", "--diff", "dirty.txt", "clean.txt", cwd=root)
    assert proc.returncode == 1
    assert (root / "dirty.txt").read_bytes() == SEED_B
    patch = tmp_path / "p.diff"
    patch.write_bytes(proc.stdout)
    applied = subprocess.run(["git", "apply", "--unsafe-paths", str(patch)], cwd=root,
                             capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (root / "dirty.txt").read_bytes() == EXPECTED_B


def test_diff_marks_a_missing_final_newline(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Body of the article, which stays.\n\n" + JS_LINE, encoding="utf-8")
    out = run("clean", "--diff", str(f)).stdout.decode()
    assert "\\ No newline at end of file" in out


def test_output_dir_mirrors_folders_and_flattens_files(tmp_path):
    root = tree(tmp_path)
    out = tmp_path / "out"
    single = tmp_path / "single.txt"
    single.write_bytes(SEED_B)
    proc = run("clean", str(root), str(single), "--output-dir", str(out))
    assert proc.returncode == 1, err(proc)
    assert (out / "dirty.txt").read_bytes() == EXPECTED_B
    assert (out / "sub" / "nested.md").read_bytes() == EXPECTED_B
    assert (out / "clean.txt").read_text(encoding="utf-8") == PLAIN  # unchanged copies too
    assert (out / "single.txt").read_bytes() == EXPECTED_B
    assert not (out / "notes.rst").exists()
    assert (root / "dirty.txt").read_bytes() == SEED_B and single.read_bytes() == SEED_B


def test_output_dir_inside_the_tree_is_not_walked(tmp_path):
    root = tree(tmp_path)
    run("clean", str(root), "--output-dir", str(root / "cleaned"))
    proc = run("clean", str(root), "--output-dir", str(root / "cleaned"), "-v")
    assert "cleaned/dirty.txt" not in err(proc).replace("skipped: it is the --output-dir", "")
    assert not (root / "cleaned" / "cleaned").exists()


def test_output_dir_name_collision_is_an_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_bytes(SEED_B)
    (tmp_path / "b" / "x.txt").write_bytes(SEED_B)
    proc = run("clean", "a/x.txt", "b/x.txt", "--output-dir", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert "would overwrite the copy of a/x.txt" in err(proc)
    assert (tmp_path / "out" / "x.txt").read_bytes() == EXPECTED_B


def test_include_and_exclude_globs(tmp_path):
    root = tree(tmp_path)
    (root / "drafts").mkdir()
    (root / "drafts" / "d.txt").write_bytes(SEED_B)
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_bytes(SEED_B)
    proc = run("clean", str(root), "--include", "*.rst", "--exclude", "drafts")
    assert proc.returncode == 1
    assert (root / "notes.rst").read_bytes() == EXPECTED_B
    assert (root / "dirty.txt").read_bytes() == SEED_B  # --include replaced the defaults
    assert (root / "drafts" / "d.txt").read_bytes() == SEED_B
    assert (root / ".git" / "x.txt").read_bytes() == SEED_B
    proc = run("clean", str(root), "--exclude", "sub/*.md")
    assert (root / "sub" / "nested.md").read_bytes() == SEED_B
    assert (root / "dirty.txt").read_bytes() == EXPECTED_B


def test_force_exclude_applies_to_named_files(tmp_path):
    (tmp_path / "drafts").mkdir()
    f = tmp_path / "drafts" / "d.txt"
    f.write_bytes(SEED_B)
    assert run("clean", "drafts/d.txt", "--exclude", "drafts", "--force-exclude",
               cwd=tmp_path).returncode == 0
    assert f.read_bytes() == SEED_B
    assert run("clean", "drafts/d.txt", "--exclude", "drafts", cwd=tmp_path).returncode == 1


def test_force_exclude_passes_an_excluded_stdin_through():
    args = ("clean", "--force-exclude", "--exclude", "drafts", "--stdin-filename")
    proc = run(*args, "drafts/d.txt", input=SEED_B)
    assert proc.returncode == 0 and proc.stdout == SEED_B
    assert run(*args, "final/d.txt", input=SEED_B).stdout == EXPECTED_B
    assert run(*args, ".git/d.txt", input=SEED_B).stdout == SEED_B  # the default excludes
    assert run(*args, "./drafts/d.txt", input=SEED_B).stdout == SEED_B


def test_no_files_found(tmp_path):
    proc = run("clean", str(tmp_path))
    assert proc.returncode == 0
    assert err(proc).strip() == "no files to clean"


def test_missing_path_is_an_error_but_others_are_processed(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED_B)
    proc = run("clean", str(tmp_path / "nope.txt"), str(f))
    assert proc.returncode == 2
    assert f"error: {tmp_path / 'nope.txt'}: no such file or folder" in err(proc)
    assert f.read_bytes() == EXPECTED_B


def test_quiet_and_verbose(tmp_path):
    root = tree(tmp_path)
    proc = run("clean", "--check", "-q", str(root))
    assert proc.returncode == 1 and proc.stderr == b""
    proc = run("clean", "--check", "-v", str(root))
    assert f"unchanged {root / 'clean.txt'}" in err(proc)
    assert "active of" in err(proc)


def test_colour_follows_flags_and_no_color(tmp_path):
    root = tree(tmp_path)
    assert b"\x1b[" in run("clean", "--check", "--color", str(root)).stderr
    assert b"\x1b[" not in run("clean", "--check", str(root)).stderr  # not a TTY
    assert b"\x1b[" not in run("clean", "--check", "--diff", str(root), NO_COLOR="1").stdout
    assert b"\x1b[31m-" in run("clean", "--diff", "--color", str(root)).stdout


def test_guarded_document_is_left_unchanged_and_counted(tmp_path):
    f = tmp_path / "short.txt"
    f.write_text("Hello.\n\nAlready a subscriber? Log in.\n", encoding="utf-8")
    proc = run("clean", str(f))
    assert proc.returncode == 0
    assert f.read_text(encoding="utf-8") == "Hello.\n\nAlready a subscriber? Log in.\n"
    assert "guarded" in err(proc) and "1 guarded" in err(proc).splitlines()[-1]
    proc = run("clean", str(f), "--allow-large-removals")
    assert proc.returncode == 1 and f.read_text(encoding="utf-8") == "Hello.\n"


def test_explain_exits_as_clean_does_on_a_guarded_text(tmp_path):
    f = tmp_path / "short.txt"
    f.write_text("Hello.\n\nAlready a subscriber? Log in.\n", encoding="utf-8")
    assert run("clean", "--check", str(f)).returncode == 0  # guarded: left as it is
    proc = run("explain", str(f))
    assert proc.returncode == 0, err(proc)
    assert "Already a subscriber" in proc.stdout.decode()  # still shown
    assert run("explain", str(f), "--allow-large-removals").returncode == 1


def test_max_removed_share_option(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED_B)
    proc = run("clean", "--check", "--max-removed-share", "0.05", str(f))
    assert proc.returncode == 0 and "guarded" in err(proc)
    assert run("clean", "--max-removed-share", "1.5", str(f)).returncode == 2


# ------------------------------------------------------------------ jobs

def test_jobs_output_is_identical_to_one_job(tmp_path):
    texts = [SEED, PLAIN, SEED.replace("Rome", "Paris"), "Just a line.\n", SEED + "\n" + PLAIN]
    results = []
    for jobs in ("1", "2", "0"):
        root = tmp_path / f"j{jobs}"
        for i in range(24):
            d = root / f"d{i % 3}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"f{i:02}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
        proc = run("clean", "--diff", "--report", "-", "--report-format", "jsonl", "-j", jobs,
                   ".", cwd=root)
        assert proc.returncode == 2  # usage: --report - with --diff both on stdout
        proc = run("clean", "--diff", "-j", jobs, ".", cwd=root)
        rep = root.parent / f"r{jobs}.jsonl"
        proc2 = run("clean", "--check", "-j", jobs, "--report", str(rep), ".", cwd=root)
        results.append((proc.returncode, proc.stdout, proc.stderr, proc2.returncode,
                        proc2.stderr, rep.read_bytes()))
    assert results[0][0] == 1 and results[0][1]
    assert results[0] == results[1] == results[2]


# ------------------------------------------------------------------ reports

def test_jsonl_report_records_rebuild_the_output(tmp_path):
    root = tree(tmp_path)
    rep = tmp_path / "r.jsonl"
    proc = run("clean", "--check", str(root), "--report", str(rep))
    assert proc.returncode == 1
    records = [json.loads(line) for line in rep.read_text(encoding="utf-8").splitlines()]
    by_file: dict[str, list] = {}
    for r in records:
        assert set(r) >= {"file", "rule", "category", "line", "start", "end", "text",
                          "replacement", "status"}
        assert r["category"] in boilerstrip.CATEGORIES and r["status"] == "cleaned"
        by_file.setdefault(r["file"], []).append(r)
    assert set(by_file) == {str(root / "dirty.txt"), str(root / "sub" / "nested.md")}
    from boilerstrip import Change

    for recs in by_file.values():
        for r in recs:
            assert SEED[r["start"]:r["end"]] == r["text"]
            assert SEED[:r["start"]].count("\n") + 1 == r["line"]
        assert apply_changes(SEED, [Change.from_dict(r) for r in recs]) == EXPECTED


def test_json_report_has_every_file_with_its_status(tmp_path):
    root = tree(tmp_path)
    (root / "bad.txt").write_bytes(b"\xff\n")
    (root / "bin.txt").write_bytes(b"a\x00b")
    proc = run("clean", str(root), "--report", "-", "--report-format", "json", "-q")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    status = {Path(f["file"]).name: f["status"] for f in doc["files"]}
    assert status == {"dirty.txt": "cleaned", "clean.txt": "unchanged", "nested.md": "cleaned",
                      "bin.txt": "skipped", "bad.txt": "error"}
    bad = next(f for f in doc["files"] if f["status"] == "error")
    assert "not valid UTF-8 (byte 0xFF at offset 0" in bad["message"]
    s = doc["summary"]
    assert (s["cleaned"], s["unchanged"], s["skipped"], s["error"]) == (2, 1, 1, 1)
    assert s["changes"] == 2 * len(boilerstrip.clean(SEED).changes)
    assert s["categories"]["login-prompt"] == 2


def test_guarded_records_carry_their_status(tmp_path):
    f = tmp_path / "short.txt"
    f.write_text("Hello.\n\nAlready a subscriber? Log in.\n", encoding="utf-8")
    rep = tmp_path / "r.jsonl"
    run("clean", str(f), "--report", str(rep))
    recs = [json.loads(x) for x in rep.read_text().splitlines()]
    assert recs and {r["status"] for r in recs} == {"guarded"}


def test_html_report_is_written(tmp_path):
    root = tree(tmp_path)
    rep = tmp_path / "audit.html"
    proc = run("clean", "--check", str(root), "--report", str(rep))
    assert proc.returncode == 1, err(proc)
    page = rep.read_text(encoding="utf-8")
    assert page.startswith("<!") and "en.login.already-subscriber" in page


def test_report_format_errors():
    proc = run("clean", "--report", "-", input=SEED_B)
    assert proc.returncode == 2 and "--report - needs stdout" in err(proc)
    proc = run("clean", "--check", "--report", "x.out", "--report-format", "yaml",
               input=SEED_B)
    assert proc.returncode == 2 and "unknown report format 'yaml'" in err(proc)


def test_filter_report_to_stdout_with_check():
    proc = run("clean", "--check", "--report", "-", "--report-format", "jsonl",
               "--stdin-filename", "x.txt", input=SEED_B)
    assert proc.returncode == 1
    recs = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert {r["file"] for r in recs} == {"x.txt"}


# ------------------------------------------------------------------ rules and options



def test_rules_options(tmp_path):
    rules = tmp_path / "my.yml"
    rules.write_text(RULE_FILE, encoding="utf-8")
    text = (PLAIN + "\nWire note: filed late\n\n" + JS_LINE + "\n").encode()
    out = run("clean", "--rules", str(rules), input=text).stdout.decode()
    assert "Wire note" not in out and JS_LINE not in out
    out = run("clean", "--rules", str(rules), "--no-default-rules", input=text).stdout.decode()
    assert "Wire note" not in out and JS_LINE in out
    out = run("clean", "--ignore", "javascript-notice", input=text).stdout.decode()
    assert JS_LINE in out
    out = run("clean", "--rules", str(rules), "--select", "my", input=text).stdout.decode()
    assert "Wire note" not in out and JS_LINE in out
    assert run("clean", "--profile", "page", input=SEED_B).returncode in (0, 1)
    assert run("clean", "--timeout", "2", input=SEED_B).stdout == EXPECTED_B


def test_invalid_rule_file_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(RULE_FILE.replace("kind: line", "kind: lien"), encoding="utf-8")
    proc = run("clean", "--rules", str(bad), input=SEED_B)
    assert proc.returncode == 2 and proc.stdout == b""
    line = err(proc).strip()
    assert line.startswith(f"error: {bad}:") and "my.note.wire" in line
    assert len(err(proc).strip().splitlines()) == 1
    no_traceback(proc)


def test_usage_errors_exit_2():
    for args in (["clean", "--bogus"], ["clean", "-", "x.txt"], ["clean", "--check", "--diff",
                                                                  "--output-dir", "o", "x"],
                 ["clean", "-o", "x.jsonl", "x.txt"], ["clean", "--jobs", "-1"],
                 ["nosuchcommand"]):
        proc = run(*args, input=b"")
        assert proc.returncode == 2, args
        no_traceback(proc)


# ------------------------------------------------------------------ configuration

def test_pyproject_config_is_found_from_the_paths_and_cli_wins(tmp_path):
    proj = tmp_path / "proj"
    (proj / "data").mkdir(parents=True)
    (proj / "pyproject.toml").write_text(
        '[tool.boilerstrip]\nignore = ["javascript-notice"]\ninclude = ["*.text"]\n',
        encoding="utf-8")
    f = proj / "data" / "a.text"
    f.write_bytes(SEED_B)
    (proj / "data" / "b.txt").write_bytes(SEED_B)
    proc = run("clean", "--check", "-v", str(proj / "data"), cwd=tmp_path)
    assert f"config: {proj / 'pyproject.toml'}" in err(proc)
    assert "a.text" in err(proc) and "b.txt" not in err(proc)
    run("clean", str(f), cwd=tmp_path)
    assert JS_LINE in f.read_text(encoding="utf-8")  # ignored by the config
    f.write_bytes(SEED_B)
    run("clean", str(f), "--ignore", "tag-cloud", cwd=tmp_path)
    assert JS_LINE not in f.read_text(encoding="utf-8")  # the flag replaced the list


def test_config_lookup_stops_at_the_repository_root(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.boilerstrip]\nprofile = "nope"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a.txt").write_bytes(SEED_B)
    assert run("clean", "--check", "a.txt", cwd=repo).returncode == 1  # outer file not read
    proc = run("clean", "--check", str(tmp_path / "pyproject.toml"), cwd=tmp_path)
    assert proc.returncode == 2 and "'nope' is not one of article, page" in err(proc)


def test_explicit_config_file_and_bad_keys(tmp_path):
    cfg = tmp_path / "bs.toml"
    cfg.write_text('ignore = ["javascript-notice"]\n', encoding="utf-8")
    out = run("clean", "--config", str(cfg), input=SEED_B).stdout.decode()
    assert JS_LINE in out
    cfg.write_text('[tool.boilerstrip]\nignroe = ["x"]\n', encoding="utf-8")
    proc = run("clean", "--config", str(cfg), input=SEED_B)
    assert proc.returncode == 2 and "unknown key 'ignroe'" in err(proc)
    cfg.write_text('[tool.boilerstrip]\njobs = "two"\n', encoding="utf-8")
    proc = run("clean", "--config", str(cfg), input=SEED_B)
    assert proc.returncode == 2 and "jobs: expected an integer" in err(proc)
    cfg.write_text('[tool.boilerstrip\n', encoding="utf-8")
    proc = run("clean", "--config", str(cfg), input=SEED_B)
    assert proc.returncode == 2 and "invalid TOML" in err(proc)
    proc = run("clean", "--config", str(tmp_path / "none.toml"), input=SEED_B)
    assert proc.returncode == 2 and "no such configuration file" in err(proc)


def test_every_cleaning_and_run_option_is_a_flag_and_a_config_key():
    """The flags and the [tool.boilerstrip] keys are derived from the two option
    values, so a field added there reaches both without another list to edit."""
    import dataclasses

    from boilerstrip.config import config_keys
    from boilerstrip.options import Options, key_of
    from boilerstrip.pipeline.options import RunOptions

    params = {p.name for p in cli.commands["clean"].params}
    for f in (*dataclasses.fields(Options), *dataclasses.fields(RunOptions)):
        assert key_of(f) in params, f.name
    keys = config_keys()
    assert {key_of(f) for f in dataclasses.fields(Options)} <= set(keys)
    assert {"include", "exclude", "jobs", "on_invalid_utf8", "text_field",
            "on_bad_record"} <= set(keys) and "check" not in keys


def test_flags_become_the_options_value_the_cleaner_is_built_from():
    from boilerstrip.cli.common import cleaning_options
    from boilerstrip.options import Options

    ctx = cli.commands["clean"].make_context("clean", [
        "--no-default-rules", "--ignore", "a", "--ignore", "b", "--timeout", "2",
        "--profile", "page", "--max-removed-share", "0.5", "--allow-large-removals"])
    assert cleaning_options(ctx.params) == Options(
        profile="page", default_rules=False, ignore=("a", "b"), timeout=2.0,
        max_removed_share=0.5, allow_large_removals=True)
    plain = cli.commands["clean"].make_context("clean", [])
    assert cleaning_options(plain.params) == Options()


def test_config_rules_paths_are_relative_to_the_config(tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "my.yml").write_text(RULE_FILE, encoding="utf-8")
    (proj / "pyproject.toml").write_text('[tool.boilerstrip]\nrules = ["my.yml"]\n')
    f = proj / "a.txt"
    f.write_text(PLAIN + "\nWire note: filed late\n", encoding="utf-8")
    assert run("clean", str(f), cwd=tmp_path).returncode == 1
    assert "Wire note" not in f.read_text()


# ------------------------------------------------------------------ progress

class _Terminal:
    """A stderr stand-in that says it is a terminal and keeps what it gets."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_progress_bar_counts_files_and_bytes(tmp_path):
    from boilerstrip.pipeline.clean import DocumentOptions
    from boilerstrip.pipeline.files import Task, collect
    from boilerstrip.pipeline.progress import Progress
    from boilerstrip.pipeline.run import consume, file_outcomes
    from boilerstrip.pipeline.summary import RunSummary

    root = tmp_path / "many"
    root.mkdir()
    for i in range(30):
        (root / f"{i}.txt").write_bytes(SEED_B)
    items, _ = collect([str(root)], ("*.txt",), ())
    total = sum(t.size for t in items if isinstance(t, Task))
    term = _Terminal()
    bar = Progress(term, 30, total, delay=0)  # the delay is a parameter, 0 for the test
    summary = consume(file_outcomes(items, boilerstrip.Cleaner(), DocumentOptions(write=False)),
                      RunSummary(), announce=lambda rep: None, say=lambda *a: None,
                      progress=bar)
    assert summary.counts["cleaned"] == 30
    assert (bar.items, bar.bytes) == (30, total)
    bar.update(0, force=True)
    assert "30/30 files" in term.text and "MB/s" in term.text and "\r\x1b[K" in term.text


def _on_a_terminal(monkeypatch, module, *args: str) -> tuple[int, str]:
    """Run ``boilerstrip ARGS`` in-process with stderr on a (fake) terminal and
    the bar's delay handed in as 0 (MODULE: where the command finds Progress)."""
    import functools

    from boilerstrip.pipeline import progress

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(module, "Progress", functools.partial(progress.Progress, delay=0))
    monkeypatch.setattr(module, "stderr_is_tty", lambda: True)
    return main(list(args)), term.text


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(30):
        (root / f"{i}.txt").write_text(f"Item {i}.\n" + SEED, encoding="utf-8")
    return root


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch):
    from boilerstrip.pipeline import progress

    root = _corpus(tmp_path)
    code, shown = _on_a_terminal(monkeypatch, progress, "clean", "--check", str(root))
    assert code == 1
    assert "/30 files" in shown and "MB/s" in shown and "\r\x1b[K" in shown
    plain = run("clean", "--check", str(root))  # stderr is not a terminal
    assert b"\r" not in plain.stderr and b"MB/s" not in plain.stderr


def test_mine_shows_progress_on_a_terminal_like_clean(tmp_path, monkeypatch):
    from boilerstrip.cli import mine as mine_command

    root = _corpus(tmp_path)
    code, shown = _on_a_terminal(monkeypatch, mine_command, "mine", str(root))
    assert code == 0
    assert " documents  " in shown and "MB/s" in shown and "\r\x1b[K" in shown
    plain = run("mine", str(root))
    assert plain.returncode == 0 and b"MB/s" not in plain.stderr


# ------------------------------------------------------------------ in-process

def test_main_returns_exit_codes_in_process(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED_B)
    assert main(["clean", "--check", "-q", str(f)]) == 1
    assert main(["clean", "-q", str(f)]) == 1
    assert f.read_bytes() == EXPECTED_B
    assert main(["clean", "-q", str(f)]) == 0
    assert main(["clean", "--nope"]) == 2
    assert main(["--version"]) == 0


def test_clirunner_filter():
    result = CliRunner().invoke(cli, ["clean"], input=SEED_B)
    assert result.exit_code == 0
    assert result.stdout_bytes == EXPECTED_B


@pytest.mark.parametrize("args", [["clean", "--help"], ["explain", "--help"],
                                  ["rules", "list", "--help"], ["--help"]])
def test_help(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and "Usage:" in result.output
