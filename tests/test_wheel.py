"""The built wheel carries the rules: installed outside the checkout, it cleans the example.

One build serves both checks: its log has no warning from the project's own
packaging, and the wheel holds every file of ``rules/``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What setuptools says when the packaging is ambiguous (e.g. a rules/ folder
#: missing from [tool.setuptools] packages) or out of date.
PACKAGING_WARNINGS = ("Package would be ignored", "absent from the `packages`",
                      "SetuptoolsDeprecationWarning", "BuildBackendWarning")


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory) -> tuple[Path, str]:
    """(the wheel, the build log), built from a copy so the checkout stays clean."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("src", "rules"):
        shutil.copytree(ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = base / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                            "-w", str(dist), str(src)], capture_output=True, text=True,
                           cwd=base)
    log = build.stdout + build.stderr
    assert build.returncode == 0, log[-2000:]
    return next(dist.glob("boilerstrip-*.whl")), log


def packaging_warnings(log: str) -> list[str]:
    """The lines of a build log that are setuptools warnings about this project."""
    return [line.strip() for line in log.splitlines()
            if any(w in line for w in PACKAGING_WARNINGS)]


def test_build_has_no_packaging_warning(built_wheel):
    _, log = built_wheel
    assert not packaging_warnings(log), "\n".join(packaging_warnings(log)[:10])


def test_packaging_warnings_are_recognised():
    # the check above would pass on any log if it recognised nothing
    seen = ("  BuildBackendWarning: Package 'boilerstrip._rules.en' is absent from the "
            "`packages` configuration.\n  # Package would be ignored #\n  ok\n")
    assert len(packaging_warnings(seen)) == 2


def test_wheel_holds_every_rule_file(built_wheel):
    wheel, _ = built_wheel
    prefix = "boilerstrip/_rules/"
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n[len(prefix):] for n in zf.namelist() if n.startswith(prefix)}
    in_checkout = {p.relative_to(ROOT / "rules").as_posix()
                   for p in (ROOT / "rules").rglob("*") if p.is_file()
                   and "__pycache__" not in p.parts}
    assert shipped == in_checkout


def test_wheel_installs_and_cleans_outside_the_checkout(built_wheel, tmp_path):
    wheel, _ = built_wheel
    # boilerstrip only from the wheel (put first on the path); its runtime
    # dependencies from the interpreter running the tests
    target = tmp_path / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr[-2000:]
    env = {"BOILERSTRIP_NO_CACHE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(target)}
    # and the bundled rules' snapshot is shipped, and passes its checks there
    where = subprocess.run([sys.executable, "-c", "import boilerstrip; print(boilerstrip.__file__); "
                            "print(boilerstrip.bundled_rules_dir()); "
                            "from boilerstrip.rules import snapshot; "
                            "assert snapshot.lookup(boilerstrip.bundled_rules_dir())"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.returncode == 0, where.stderr[-2000:]
    module, rules_dir = where.stdout.split()
    assert str(target) in module and str(target) in rules_dir  # not the checkout
    assert list(Path(rules_dir).rglob("*.yml"))
    out = subprocess.run([sys.executable, "-m", "boilerstrip", "clean", "--exit-zero"],
                         input=(ROOT / "examples" / "article.txt").read_bytes(),
                         capture_output=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout == (ROOT / "examples" / "article.expected.txt").read_bytes()
