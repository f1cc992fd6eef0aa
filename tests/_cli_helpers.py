"""Helpers for the command-line tests: run the *installed* ``boilerstrip`` entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
EXPECTED = (ROOT / "examples" / "article.expected.txt").read_text(encoding="utf-8")
SEED_B = SEED.encode("utf-8")
EXPECTED_B = EXPECTED.encode("utf-8")
#: Prose that no rule touches.
PLAIN = ("The committee met on Tuesday to discuss the budget for the coming year, and "
         "members agreed to publish the full minutes next week.\n")

#: A small valid user rule file, shared by the CLI tests.
RULE_FILE = """\
rules:
  - id: my.note.wire
    category: source-credit
    kind: line
    order: 560
    description: Wire-service notes.
    pattern: 'wire note: .*'
    examples:
      remove: ["Wire note: filed late", "wire note: none"]
      keep: ["The wire was cut.", "No note here."]
"""

EXE = shutil.which("boilerstrip")


def unnamed_temps_work(folder: Path) -> bool:
    """Whether unnamed (O_TMPFILE) temporary files, which boilerstrip uses
    where it can, work in FOLDER. Probed here, not asked of boilerstrip: a
    test must not take the code under test's word for what it should do."""
    if not (hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")):
        return False
    try:
        os.close(os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600))
    except OSError:
        return False
    return True


def env(**extra: str) -> dict[str, str]:
    """A clean environment: no colour forcing, no progress delay surprises."""
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    e.update(extra)
    return e


def run(*args: str, input: bytes | None = None, cwd: Path | str | None = None,
        prefix: tuple[str, ...] = (), timeout: float = 120, **env_extra: str,
        ) -> subprocess.CompletedProcess:
    """Run ``boilerstrip ARGS`` in a subprocess; stdout/stderr as bytes."""
    if EXE is None:
        pytest.skip("the boilerstrip entry point is not installed")
    return subprocess.run([*prefix, EXE, *args], input=input, cwd=cwd, capture_output=True,
                          timeout=timeout, env=env(**env_extra),
                          stdin=None if input is not None else subprocess.DEVNULL)


def err(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8", "replace")


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")


def without_privileges() -> tuple[str, ...]:
    """A command prefix under which file permissions apply even to root (or skip)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner")
