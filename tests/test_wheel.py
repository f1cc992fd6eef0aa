"""The built wheel carries the rules: installed outside the checkout, it cleans the example."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_cleans_outside_the_checkout(tmp_path):
    # build from a copy of what the wheel is made of, so the checkout stays clean
    src = tmp_path / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("src", "rules"):
        shutil.copytree(ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(dist), str(src)], capture_output=True, text=True,
                           cwd=tmp_path)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("boilerstrip-*.whl"))
    env_dir = tmp_path / "venv"
    # the runtime dependencies come from this interpreter's site-packages;
    # boilerstrip itself only from the wheel
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    inst = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps",
                           "--force-reinstall", str(wheel)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr[-2000:]
    where = subprocess.run([str(py), "-c", "import boilerstrip; print(boilerstrip.__file__); "
                            "print(boilerstrip.bundled_rules_dir())"],
                           capture_output=True, text=True, cwd=tmp_path)
    module, rules_dir = where.stdout.split()
    assert str(env_dir) in module and str(env_dir) in rules_dir  # not the checkout
    assert list(Path(rules_dir).rglob("*.yml"))
    out = subprocess.run([str(py), "-m", "boilerstrip", "clean", "--exit-zero"],
                         input=(ROOT / "examples" / "article.txt").read_bytes(),
                         capture_output=True, cwd=tmp_path,
                         env={"BOILERSTRIP_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout == (ROOT / "examples" / "article.expected.txt").read_bytes()
