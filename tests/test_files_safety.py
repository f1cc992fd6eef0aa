"""Safety of the files boilerstrip writes and of the paths it is given (issue 19).

Every file written goes through a temporary file with an unpredictable name
beside its target; outputs never clobber inputs; hostile file names (newlines,
control characters, bytes that are not UTF-8) never crash a run nor forge a
line of its log.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from _cli_helpers import PLAIN, SEED_B, err, no_traceback, run
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
