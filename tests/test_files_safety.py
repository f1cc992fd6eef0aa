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
