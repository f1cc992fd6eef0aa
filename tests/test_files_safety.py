"""Safety of the files boilerstrip writes and of the paths it is given (issue 19).

Every file written goes through a temporary file with an unpredictable name
beside its target; outputs never clobber inputs; hostile file names (newlines,
control characters, bytes that are not UTF-8) never crash a run nor forge a
line of its log.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _cli_helpers import EXE, PLAIN, env, err, no_traceback, run
from boilerstrip.cli import main
from boilerstrip.errors import InputError
from boilerstrip.reports.html import HtmlReportWriter

#: A line the bundled rules remove.
DEBRIS = "Share this article on Facebook\n"


def test_html_report_temp_name_is_not_predictable(tmp_path):
    # another user who can write the folder plants a link where the old
    # writer put its temporary file (.NAME.<pid>.tmp): it must not be followed
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    planted = tmp_path / f".r.html.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    with HtmlReportWriter(tmp_path / "r.html") as w:
        w.add({"file": "a.txt", "original": "x\n", "text": "x\n", "changes": []})
    assert victim.read_text() == "precious\n"
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".r.html." + f"{os.getpid()}.tmp", "r.html", "victim"])


def test_html_report_does_not_replace_a_symlink(tmp_path):
    (tmp_path / "real.html").write_text("old")
    (tmp_path / "r.html").symlink_to(tmp_path / "real.html")
    with pytest.raises(InputError, match="r.html: .*symlink"):
        HtmlReportWriter(tmp_path / "r.html")
    assert (tmp_path / "r.html").is_symlink()
    assert (tmp_path / "real.html").read_text() == "old"


def test_atomic_file_keeps_the_mode_and_drops_its_temp_on_failure(tmp_path):
    from boilerstrip.io.text import AtomicFile

    out = tmp_path / "r.json"
    out.write_text("old")
    out.chmod(0o640)
    f = AtomicFile(out)
    f.write("new")
    f.commit()
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o640
    f = AtomicFile(out)
    f.write("half")
    f.abort()
    assert out.read_text() == "new" and os.listdir(tmp_path) == ["r.json"]


# ------------------------------------------------------------------ mine --db

def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"{i}.txt").write_text(f"Story {i} about the budget.\nSubscribe to our daily "
                                         f"digest now\n", encoding="utf-8")
    return corpus


def test_mine_db_refuses_an_input_or_a_foreign_file(tmp_path):
    corpus = _corpus(tmp_path)
    doc = corpus / "0.txt"
    before = doc.read_bytes()
    proc = run("mine", str(doc), str(corpus), "--min-docs", "2", "--db", str(doc))
    no_traceback(proc)
    assert proc.returncode == 2 and "one of the inputs" in err(proc)
    assert len(err(proc).strip().splitlines()) == 1
    assert doc.read_bytes() == before
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my notes, not a database\n")
    proc = run("mine", str(corpus), "--db", str(notes))
    assert proc.returncode == 2 and "not a boilerstrip mine database" in err(proc)
    assert notes.read_bytes() == b"my notes, not a database\n"
    other = tmp_path / "other.sqlite"  # a SQLite database, but someone else's
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    proc = run("mine", str(corpus), "--db", str(other))
    assert proc.returncode == 2 and "not a boilerstrip mine database" in err(proc)


def test_mine_db_is_written_atomically_and_can_be_reused(tmp_path):
    corpus = _corpus(tmp_path)
    db = tmp_path / "out" / "counts.sqlite"
    db.parent.mkdir()
    for _ in range(2):  # the second run replaces the first run's database
        proc = run("mine", str(corpus), "--min-docs", "2", "--db", str(db))
        no_traceback(proc)
        assert proc.returncode == 0, err(proc)
        assert os.listdir(db.parent) == ["counts.sqlite"]
        con = sqlite3.connect(db)
        assert con.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == 4
        con.close()


# ------------------------------------------------------------------ outputs that are inputs

@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "html"])
def test_report_naming_an_input_is_refused(tmp_path, how, fmt):
    doc = tmp_path / "doc.txt"
    doc.write_text("A sentence about the budget.\n" + DEBRIS, encoding="utf-8")
    before = doc.read_bytes()
    report = {"same": doc, "symlink": tmp_path / "r", "hardlink": tmp_path / "r"}[how]
    if how == "symlink":
        report.symlink_to(doc)
    elif how == "hardlink":
        os.link(doc, report)
    proc = run("clean", "--check", str(tmp_path), "--include", "*", "--report", str(report),
               "--report-format", fmt)
    no_traceback(proc)
    assert proc.returncode == 2, err(proc)
    # a symlink is refused as such before anything is read
    assert ("symlink" if how == "symlink" else "names the input") in err(proc)
    assert len(err(proc).splitlines()) == 1
    assert doc.read_bytes() == before
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".boilerstrip-tmp")]


def test_jsonl_output_or_report_naming_the_input_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Hello.\n" + DEBRIS}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    for opt in ("-o", "--report"):
        proc = run("clean", "--jsonl", str(src), opt, str(src))
        no_traceback(proc)
        assert proc.returncode == 2 and "names the input" in err(proc), err(proc)
        assert src.read_bytes() == before


def test_report_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    resource = pytest.importorskip("resource")
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i}.txt").write_text(f"Story {i}.\n" + DEBRIS, encoding="utf-8")
    old = tmp_path / "r.json"
    old.write_text("previous report\n")

    def small_files() -> None:  # writes past 2 kB fail (EFBIG; Python ignores SIGXFSZ)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    for fmt in ("json", "jsonl", "html"):
        proc = run("clean", "--check", str(folder), "--report", str(old), "--report-format",
                   fmt)
        assert proc.returncode == 1, err(proc)  # without a limit, it works
        old.write_text("previous report\n")
        proc = subprocess.run([EXE, "clean", "--check", str(folder), "--report", str(old),
                               "--report-format", fmt], capture_output=True, env=env(),
                              preexec_fn=small_files, timeout=120)
        no_traceback(proc)
        assert proc.returncode == 2, err(proc)
        last = err(proc).strip().splitlines()[-1]
        assert last.startswith(f"error: {old}: cannot write:"), last
        assert old.read_text() == "previous report\n"
        assert sorted(os.listdir(tmp_path)) == ["docs", "r.json"]


# ------------------------------------------------------------------ hostile file names

def _hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "names"
    folder.mkdir()
    for raw in (b"a\xff.txt", b"b\nerror: forged.txt", b"c\x1b[31m.txt", b"d.txt"):
        with open(os.path.join(os.fsencode(folder), raw), "wb") as f:
            f.write(b"A sentence about the budget and the plan.\nMore about it here.\n"
                    + DEBRIS.encode())
    return folder


def test_non_utf8_and_control_names_in_reports_and_diffs(tmp_path):
    folder = _hostile_folder(tmp_path)
    for fmt in ("json", "jsonl"):
        rep = tmp_path / f"r.{fmt}"
        proc = run("clean", "--diff", str(folder), "--report", str(rep))
        no_traceback(proc)
        assert proc.returncode == 1, err(proc)
        assert proc.stdout.count(b"\n--- ") + proc.stdout.startswith(b"--- ") == 4
        assert b'--- "a/' + os.fsencode(folder).lstrip(b"/") + b'/a\\377.txt"' in proc.stdout
        assert b'/b\\nerror: forged.txt"' in proc.stdout
        text = rep.read_text(encoding="utf-8")
        if fmt == "json":
            files = json.loads(text)["files"]
        else:
            files = [json.loads(line) for line in text.splitlines()]
        assert len(files) == 4
        names = sorted(f["file"].rsplit("/", 1)[1] for f in files)
        assert names == ["a\\xff.txt", "b\nerror: forged.txt", "c\x1b[31m.txt", "d.txt"]
        exact = {os.fsencode(folder) + b"/a\xff.txt"}
        assert {base64.b64decode(f["file_bytes"]) for f in files if "file_bytes" in f} == exact


def test_names_cannot_forge_log_lines(tmp_path):
    folder = _hostile_folder(tmp_path)
    proc = run("clean", "--check", "-v", str(folder))
    no_traceback(proc)
    lines = err(proc).splitlines()
    assert not any(line.startswith("error: forged") for line in lines)
    assert any("b\\nerror: forged.txt" in line for line in lines)
    assert b"\x1b" not in proc.stderr


# ------------------------------------------------------------------ item 12: files and paths

ARTICLE = ("A sentence about the budget and the plan for next year.\n" + DEBRIS
           + "More about the budget here, with the figures.\n")


def _article(path: Path) -> bytes:
    path.write_text(ARTICLE, encoding="utf-8")
    return path.read_bytes()


def test_hard_linked_and_read_only_files_are_not_rewritten(tmp_path):
    linked, other, ro, plain = (tmp_path / n for n in ("l.txt", "l2.txt", "ro.txt", "p.txt"))
    before = _article(linked)
    os.link(linked, other)
    _article(ro)
    ro.chmod(0o444)
    _article(plain)
    proc = run("clean", str(linked), str(ro), str(plain))
    no_traceback(proc)
    assert proc.returncode == 2
    assert "2 hard links" in err(proc) and "read-only" in err(proc)
    assert linked.read_bytes() == other.read_bytes() == before
    assert os.stat(linked).st_ino == os.stat(other).st_ino
    assert ro.read_bytes() == before and stat.S_IMODE(ro.stat().st_mode) == 0o444
    assert plain.read_bytes() != before  # the others are still cleaned
    proc = run("clean", "--check", str(linked), str(ro))
    assert proc.returncode == 1  # --check only says what would change


def test_output_dir_keeps_an_existing_outputs_mode_and_symlink(tmp_path):
    (tmp_path / "in").mkdir()
    _article(tmp_path / "in" / "a.txt")
    _article(tmp_path / "in" / "b.txt")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old")
    (out / "a.txt").chmod(0o600)
    (tmp_path / "elsewhere").write_text("keep")
    (out / "b.txt").symlink_to(tmp_path / "elsewhere")
    proc = run("clean", str(tmp_path / "in"), "--output-dir", str(out))
    no_traceback(proc)
    assert stat.S_IMODE((out / "a.txt").stat().st_mode) == 0o600
    assert (out / "a.txt").read_text() != "old"
    assert (out / "b.txt").is_symlink() and (tmp_path / "elsewhere").read_text() == "keep"
    assert proc.returncode == 2 and "symlink" in err(proc)


def test_a_path_named_twice_is_cleaned_once_with_jobs(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        _article(tmp_path / name)
    proc = run("clean", "-j", "2", "a.txt", "./a.txt", "a.txt", ".", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1, err(proc)
    assert "error" not in err(proc)
    assert "3 files cleaned" in err(proc)


def test_folder_and_file_symlinks_out_of_the_tree_are_both_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    before = _article(outside / "x.txt")
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    _article(work / "sub" / "y.txt")
    (work / "dirlink").symlink_to(outside)
    (work / "filelink").symlink_to(outside / "x.txt")
    (work / "inlink").symlink_to(work / "sub")
    proc = run("clean", "dirlink", "filelink", cwd=work)
    no_traceback(proc)
    assert err(proc).count("outside the current folder") == 2, err(proc)
    assert (outside / "x.txt").read_bytes() == before
    proc = run("clean", "inlink", cwd=work)  # a link that stays inside is followed
    assert proc.returncode == 1 and (work / "sub" / "y.txt").read_bytes() != before


def test_config_rule_paths_cannot_leave_the_project(tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text("password: hunter2\n")
    proj = tmp_path / "proj"
    proj.mkdir()
    for path in (str(secret), "../secret.yml"):
        (proj / "pyproject.toml").write_text(f'[tool.boilerstrip]\nrules = ["{path}"]\n')
        proc = run("clean", input=PLAIN.encode(), cwd=proj)
        no_traceback(proc)
        assert proc.returncode == 2 and "outside the folder" in err(proc)
        assert "password" not in err(proc) and "hunter2" not in err(proc)


def test_explain_refuses_fifos_and_devices(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        proc = run("explain", path, timeout=20)
        no_traceback(proc)
        assert proc.returncode == 2 and "not a regular file" in err(proc)


def test_jobs_has_an_upper_bound(tmp_path):
    _article(tmp_path / "a.txt")
    proc = run("clean", "--check", "-j", "100000", "a.txt", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1 and "--jobs 100000 is more than 4 per core" in err(proc)


def test_jsonl_output_keeps_its_mode_and_is_not_a_symlink_replaced(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": ARTICLE}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    proc = run("clean", "--jsonl", str(src), "-o", str(out))
    no_traceback(proc)
    assert proc.returncode == 1, err(proc)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and DEBRIS not in out.read_text()
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    proc = run("clean", "--jsonl", str(src), "-o", str(link))
    no_traceback(proc)
    assert proc.returncode == 2 and "symlink" in err(proc)
    assert link.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "link.jsonl", "out.jsonl"]


# ------------------------------------------------------------------ fuzz: any file name

#: Small by default (each example runs the command line four times), larger with --slow.
FUZZ_EXAMPLES = 300 if settings().max_examples >= 1000 else 25

#: A name is any bytes but "/" and NUL; "f" + ... + ".txt" keeps it a file the
#: default --include takes and no --exclude default (".git", "venv"...) hits.
NAMES = st.binary(min_size=0, max_size=24).map(
    lambda b: b"f" + b.replace(b"/", b"_").replace(b"\0", b"_") + b".txt")


def _main(args: list[str], cwd: str) -> tuple[int, bytes, str]:
    """Run the command line in this process (fast enough for a fuzz test);
    any uncaught exception is a failure of the test, as a traceback would be."""
    import contextlib
    import io

    out, errs = io.BytesIO(), io.BytesIO()
    sout = io.TextIOWrapper(out, encoding="utf-8")
    serr = io.TextIOWrapper(errs, encoding="utf-8", errors="backslashreplace")
    old = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(sout), contextlib.redirect_stderr(serr):
            rc = main(args)
            sout.flush()
            serr.flush()
    finally:
        os.chdir(old)
    return rc, out.getvalue(), errs.getvalue().decode("utf-8")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAMES, min_size=1, max_size=3, unique=True))
def test_fuzz_any_file_name(names):
    import tempfile

    with tempfile.TemporaryDirectory() as top:
        folder = os.path.join(os.fsencode(top), b"d")
        os.mkdir(folder)
        for raw in names:
            with open(os.path.join(folder, raw), "wb") as f:
                f.write(ARTICLE.encode())
        n = len(names)
        rc, out, errs = _main(["clean", "--check", "d"], top)
        assert rc == 1 and f"{n} file{'s' if n > 1 else ''} would be cleaned" in errs, errs
        assert len(errs.splitlines()) == n + 1  # one line per file and the summary: no forged line
        rc, out, errs = _main(["clean", "--diff", "d"], top)
        assert rc == 1 and out.count(b"\n+++ ") + out.startswith(b"+++ ") == n, errs
        rc, out, errs = _main(["clean", "--check", "d", "--report", "r.json"], top)
        assert rc == 1, errs
        with open(os.path.join(top, "r.json"), encoding="utf-8") as f:
            files = json.load(f)["files"]
        stored = {base64.b64decode(d["file_bytes"]) if "file_bytes" in d
                  else d["file"].encode("utf-8") for d in files}
        assert stored == {b"d/" + raw for raw in names}
        rc, out, errs = _main(["clean", "d"], top)
        assert rc == 1 and f"{n} file{'s' if n > 1 else ''} cleaned" in errs, errs
        for raw in names:
            with open(os.path.join(folder, raw), "rb") as f:
                assert DEBRIS.encode() not in f.read()
        assert sorted(os.listdir(folder)) == sorted(names)  # no temporary file left


def test_mine_suggest_does_not_write_through_a_planted_symlink(tmp_path):
    corpus = _corpus(tmp_path)
    drafts = tmp_path / "drafts"
    proc = run("mine", str(corpus), "--min-docs", "2", "--suggest", str(drafts))
    assert proc.returncode == 0, err(proc)
    names = sorted(p.name for p in drafts.iterdir())
    assert names
    victim = tmp_path / "victim"  # does not exist: the links dangle
    for name in names:
        (drafts / name).unlink()
        (drafts / name).symlink_to(victim)
    proc = run("mine", str(corpus), "--min-docs", "2", "--suggest", str(drafts))
    no_traceback(proc)
    assert proc.returncode == 0, err(proc)
    assert not victim.exists()
    assert all((drafts / name).is_symlink() for name in names)
    assert len(list(drafts.iterdir())) == 2 * len(names)  # new names beside the links


def test_a_file_with_a_name_of_255_bytes_is_rewritten(tmp_path):
    name = "é" * 125 + ".txt"  # 254 bytes in UTF-8
    before = _article(tmp_path / name)
    proc = run("clean", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1, err(proc)
    assert (tmp_path / name).read_bytes() != before
    assert os.listdir(tmp_path) == [name]
