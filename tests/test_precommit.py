"""The pre-commit hooks end to end: ``pre-commit try-repo`` against this checkout.

The package files of the working tree (committed or not) are copied into a
snapshot repository, so that both hooks run from one hook environment (pre-commit
builds it once per repository revision: ~30 s, the deps come from PyPI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _cli_helpers import EXPECTED_B, PLAIN, ROOT, SEED_B

PRE_COMMIT = shutil.which("pre-commit")
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(not (PRE_COMMIT and GIT), reason="needs pre-commit and git")

PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "src",
                 "rules")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([GIT, *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, str, Path]:
    """(snapshot repo, its revision, PRE_COMMIT_HOME)."""
    base = tmp_path_factory.mktemp("precommit")
    snap = base / "boilerstrip"
    snap.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in PACKAGE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, snap / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, snap / name)
    git(snap, "init", "-q")
    git(snap, "add", "-A")
    git(snap, "commit", "-qm", "snapshot")
    return snap, git(snap, "rev-parse", "HEAD"), base / "pre-commit-home"


def project(tmp_path: Path) -> Path:
    repo = tmp_path / "corpus"
    (repo / "docs").mkdir(parents=True)
    (repo / "dirty.txt").write_bytes(SEED_B)
    (repo / "docs" / "clean.md").write_text(PLAIN, encoding="utf-8")
    (repo / "data.csv").write_bytes(SEED_B)  # not matched by the hooks' `files`
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "corpus")
    return repo


def try_repo(repo: Path, snapshot, hook: str) -> subprocess.CompletedProcess:
    snap, rev, home = snapshot
    proc = subprocess.run([PRE_COMMIT, "try-repo", str(snap), hook, "--ref", rev, "--all-files",
                           "--color", "never"],
                          cwd=repo, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)})
    if "An unexpected error has occurred" in proc.stdout + proc.stderr:
        log = home / "pre-commit.log"
        detail = log.read_text()[-2000:] if log.exists() else proc.stdout + proc.stderr
        if "Could not find a version" in detail or "NewConnectionError" in detail:
            pytest.skip("pre-commit could not install the hook's dependencies (no PyPI)")
        pytest.fail(f"pre-commit failed:\n{detail}")
    return proc


def test_manifest_is_valid():
    proc = subprocess.run([PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_hook_then_fix_hook(tmp_path, snapshot):
    repo = project(tmp_path)
    check = try_repo(repo, snapshot, "boilerstrip-check")
    assert check.returncode == 1, check.stdout
    assert "check scraped text for boilerplate" in check.stdout and "Failed" in check.stdout
    assert "would clean dirty.txt" in check.stdout
    assert (repo / "dirty.txt").read_bytes() == SEED_B  # the check changes nothing

    fix = try_repo(repo, snapshot, "boilerstrip")
    assert fix.returncode == 1, fix.stdout
    assert "files were modified by this hook" in fix.stdout
    assert "cleaned dirty.txt" in fix.stdout
    assert (repo / "dirty.txt").read_bytes() == EXPECTED_B
    assert (repo / "docs" / "clean.md").read_text(encoding="utf-8") == PLAIN
    assert (repo / "data.csv").read_bytes() == SEED_B
    assert git(repo, "status", "--porcelain") == "M dirty.txt"

    again = try_repo(repo, snapshot, "boilerstrip-check")
    assert again.returncode == 0, again.stdout
    assert "Passed" in again.stdout
