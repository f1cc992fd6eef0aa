"""The README's test command makes a ``.venv/`` inside the checkout: neither the
in-place cleaner nor pytest may walk into it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from _cli_helpers import EXPECTED_B, ROOT, SEED_B, run


def fake_venv(top: Path) -> Path:
    """A folder shaped like a virtual environment (pyvenv.cfg, bin/activate)."""
    venv = top / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
    (venv / "bin" / "activate").write_text("# activate\n")
    return venv


def test_in_place_cleaning_of_the_checkout_leaves_dot_venv_alone(tmp_path):
    venv = fake_venv(tmp_path)
    inside = venv / "lib" / "site-packages" / "pkg" / "README.txt"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(SEED_B)
    article = tmp_path / "article.txt"
    article.write_bytes(SEED_B)
    proc = run("clean", "--exit-zero", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert article.read_bytes() == EXPECTED_B  # the walk did clean the checkout
    assert inside.read_bytes() == SEED_B


def test_pytest_does_not_collect_from_dot_venv(tmp_path):
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mine.py").write_text("def test_here():\n    pass\n")
    site = fake_venv(tmp_path) / "lib" / "site-packages"
    site.mkdir(parents=True)
    (site / "test_theirs.py").write_text("def test_there():\n    pass\n")
    # the whole folder named: testpaths alone would keep the bare command out of .venv
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", "."],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test_here" in proc.stdout and "test_there" not in proc.stdout, proc.stdout
