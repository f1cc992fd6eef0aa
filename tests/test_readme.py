"""The README works as written: its commands run and print what it shows.

Every ``console`` block of README.md is a session: ``$ command`` lines, each
followed by the output it prints (stdout and stderr together). A block runs in
a fresh scratch folder laid out like a clone (a copy of ``examples/`` and of
the ``bench/`` paths the block names), plus the user's own files the README
names: the rule file it tells the reader to save as ``my-rules/house.yml`` and
a small ``corpus.jsonl.gz``. In a shown output, a line ``...`` stands for any
number of lines, and a line ending in ``…`` for any line starting with what
precedes it. A comment on a command that ends in ``exit N`` or says
``exit N: why`` is the exit status the command must have. ``sh`` blocks hold
the set-up commands and the commands that need the network; the offline part
of the first set-up command is run by its own test.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
EXE = shutil.which("boilerstrip")
needs_cli = pytest.mark.skipif(EXE is None, reason="the boilerstrip command is not installed")

#: The only two ways the README tells a newcomer to set things up.
SETUP_COMMANDS = (
    "python3 -m venv .venv && . .venv/bin/activate && python -m pip install . "
    "&& boilerstrip clean < examples/article.txt",
    "python3 -m venv .venv && . .venv/bin/activate && python -m pip install -e '.[test]' "
    "&& python -m pytest -q",
)
SIZE_LIMIT = 20_000
#: A newcomer reaches a cleaned file within this many lines.
FIRST_CLEAN_WITHIN = 60
USER_RULE_FILE = "my-rules/house.yml"
ANY_LINES = "..."


@dataclass
class Step:
    """One ``$ command`` of a console block and what the README shows for it."""

    command: str
    expected: list[str] = field(default_factory=list)
    exit_code: int | None = None


@dataclass
class Block:
    lang: str
    body: str
    line: int


def fenced_blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, with their first line number."""
    blocks = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        blocks.append(Block(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1))
    return blocks


def parse_session(body: str) -> list[Step]:
    """The steps of a console block (a command may continue on lines ending in ``\\``)."""
    steps: list[Step] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            code = re.search(r"#.*\bexit (\d)(?::|$)", command)
            steps.append(Step(command, exit_code=int(code.group(1)) if code else None))
        elif steps:
            steps[-1].expected.append(line)
        i += 1
    return steps


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ACTUAL is what EXPECTED shows (``...`` = any lines, ``abc…`` = a line starting ``abc``)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ANY_LINES:
        return any(output_matches(rest, actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    if head.endswith("…") and len(head) > 1:
        ok = actual[0].startswith(head[:-1])
    else:
        ok = actual[0] == head
    return ok and output_matches(rest, actual[1:])


def console_blocks() -> list[Block]:
    return [b for b in fenced_blocks(TEXT) if b.lang == "console"]


def user_rule_yaml() -> str:
    """The rule file the README tells the reader to save as my-rules/house.yml."""
    after = TEXT[TEXT.index(f"Save this as `{USER_RULE_FILE}`"):]
    return next(b.body for b in fenced_blocks(after) if b.lang == "yaml")


def make_scratch(folder: Path, commands: str = "") -> Path:
    """A folder laid out like a fresh clone, plus the user's files the README names.

    Of ``bench/``, only the files and folders COMMANDS name are copied (real
    copies: a symlinked folder could be treated differently from a clone's).
    """
    shutil.copytree(ROOT / "examples", folder / "examples")
    for name in sorted(set(re.findall(r"\bbench/[\w./-]*[\w]", commands))):
        source, target = ROOT / name, folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            shutil.copy2(source, target)
    rule = folder / USER_RULE_FILE
    rule.parent.mkdir()
    rule.write_text(user_rule_yaml(), encoding="utf-8")
    records = [{"id": 1, "text": "Already a subscriber? Log in.\n\nThe story, in one sentence.\n"},
               {"id": 2, "text": "Nothing to remove here.\n"}]
    with gzip.open(folder / "corpus.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    return folder


def shell(command: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run COMMAND as a reader would, in bash, with the boilerstrip under test first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    env["NO_COLOR"] = "1"
    env["PATH"] = os.pathsep.join([str(Path(EXE).parent), str(Path(sys.executable).parent),
                                   env.get("PATH", "")])
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


# --- the shape of the README ---------------------------------------------------------


def test_readme_is_under_the_size_limit():
    assert len(README.read_bytes()) < SIZE_LIMIT


def test_readme_has_exactly_the_two_setup_commands():
    lines = [line for b in fenced_blocks(TEXT) for line in b.body.splitlines()]
    assert [line for line in lines if "-m venv" in line] == list(SETUP_COMMANDS)
    # and no third way to install in a code block (extras are named in the prose)
    assert [line for line in lines if "pip install" in line] == list(SETUP_COMMANDS)


def test_the_first_command_reaches_a_cleaned_file_early():
    first = TEXT.splitlines().index(SETUP_COMMANDS[0]) + 1
    assert first <= FIRST_CLEAN_WITHIN


def test_ci_runs_the_readme_test_command_verbatim():
    """Fails until branch ci's .ci/run (a fresh venv running this very line) is merged."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert SETUP_COMMANDS[1] in ci


def test_every_console_block_was_parsed():
    blocks = console_blocks()
    assert len(blocks) >= 6
    for b in blocks:
        assert parse_session(b.body), f"README.md:{b.line}: a console block without a command"


def test_output_matching_wildcards():
    assert output_matches(["a", ANY_LINES, "z"], ["a", "b", "c", "z"])
    assert output_matches(["a", ANY_LINES], ["a"])
    assert output_matches(["wrote x (…"], ["wrote x (3 kB)"])
    assert not output_matches(["a", "z"], ["a", "b", "z"])
    assert not output_matches(["wrote x (…"], ["wrote y (3 kB)"])
    assert not output_matches(["a"], [])


def test_layout_section_matches_the_package_tree():
    """Every path the Layout table names exists, and every subpackage is named."""
    package = ROOT / "src" / "boilerstrip"
    section = TEXT[TEXT.index("## Layout"):]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    named = {n for row in rows for n in re.findall(r"`([\w.]+/?)`", row.split("|")[1])}
    assert named, "no Layout table"
    for name in named:
        assert (package / name).exists(), f"README Layout names {name}, not in src/boilerstrip"
    subpackages = {p.parent.name + "/" for p in package.glob("*/__init__.py")}
    assert subpackages <= named, f"not in the README's Layout: {sorted(subpackages - named)}"


# --- the commands and outputs -------------------------------------------------------


@needs_cli
@pytest.mark.parametrize("block", console_blocks(), ids=lambda b: f"README.md:{b.line}")
def test_console_block_runs_as_shown(block: Block, tmp_path: Path):
    scratch = make_scratch(tmp_path / "clone", block.body)
    for step in parse_session(block.body):
        done = shell(step.command, scratch)
        where = f"README.md:{block.line}: $ {step.command}"
        assert "Traceback" not in done.stdout, f"{where}\n{done.stdout}"
        if step.exit_code is not None:
            assert done.returncode == step.exit_code, f"{where}\n{done.stdout}"
        else:
            assert done.returncode in (0, 1), f"{where}\n{done.stdout}"
        assert output_matches(step.expected, done.stdout.splitlines()), (
            f"{where}\nshown:\n" + "\n".join(step.expected) + f"\nprinted:\n{done.stdout}")


@needs_cli
def test_first_command_prints_the_expected_article_and_exits_0(tmp_path: Path):
    """The offline part of set-up command 1. Exit 0 is the stdin filter's
    decision of issue 20 (branch cli); it fails before that is merged."""
    offline = SETUP_COMMANDS[0].rsplit(" && ", 1)[1]
    scratch = make_scratch(tmp_path / "clone")
    done = subprocess.run(["bash", "-c", offline], cwd=scratch, capture_output=True,
                          env={**os.environ, "NO_COLOR": "1",
                               "PATH": f"{Path(EXE).parent}{os.pathsep}{os.environ['PATH']}"})
    expected = (ROOT / "examples" / "article.expected.txt").read_bytes()
    assert done.stdout == expected
    assert done.returncode == 0, done.stderr


@needs_cli
def test_the_configuration_example_is_accepted(tmp_path: Path):
    toml = next(b.body for b in fenced_blocks(TEXT) if b.lang == "toml")
    scratch = make_scratch(tmp_path / "clone")
    (scratch / "pyproject.toml").write_text(toml, encoding="utf-8")
    done = shell("boilerstrip clean --check examples/", scratch)
    assert done.returncode == 1, done.stdout
    assert "would clean examples/article.txt" in done.stdout


def test_the_python_example_runs(tmp_path: Path, monkeypatch, capsys):
    code = next(b.body for b in fenced_blocks(TEXT) if b.lang == "python")
    monkeypatch.chdir(make_scratch(tmp_path / "clone"))
    namespace: dict = {}
    exec(compile(code, "README.md (python block)", "exec"), namespace)
    assert namespace["result"].changed
    assert not namespace["results"][0].text.startswith("Negotiators")  # enable=["headline"]
    assert [r.id for r in namespace["rules"]] == ["house.player.listen"]
    assert "en.login.already-subscriber login-prompt" in capsys.readouterr().out


# --- pre-commit ---------------------------------------------------------------------


def precommit_snippet() -> dict:
    body = next(b.body for b in fenced_blocks(TEXT) if b.lang == "yaml" and "repos:" in b.body)
    return yaml.safe_load(body)["repos"][0]


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_precommit_hook_ids_exist():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    shown = [h["id"] for h in precommit_snippet()["hooks"]]
    assert shown and set(shown) <= {h["id"] for h in hooks}
    assert "boilerstrip-check" in {h["id"] for h in hooks}  # the commented alternative


def test_precommit_rev_is_in_this_repository():
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not in a git checkout: cannot look the rev up")
    rev = str(precommit_snippet()["rev"])
    commit = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode != 0 and git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("shallow clone: the rev may be older than the history fetched")
    assert commit.returncode == 0, f"rev {rev} is not a tag or commit of this repository"
    assert git("merge-base", "--is-ancestor", commit.stdout.strip(), "HEAD").returncode == 0, (
        f"rev {rev} is not in the history of HEAD")
    manifest = git("show", f"{rev}:.pre-commit-hooks.yaml")
    assert manifest.returncode == 0, f"rev {rev} has no .pre-commit-hooks.yaml"
    ids = {h["id"] for h in yaml.safe_load(manifest.stdout)}
    assert {h["id"] for h in precommit_snippet()["hooks"]} <= ids


def test_the_rule_count_is_the_bundled_rule_sets():
    # it said 274 while 276 rules shipped: a number typed by hand drifts
    from boilerstrip.rules.loader import bundled_rule_set

    said = re.search(r"^(\d+) bundled rules live in", TEXT, re.M)
    assert said and int(said.group(1)) == len(bundled_rule_set().rules)


def test_the_documented_stage_order_is_the_kind_tables():
    from boilerstrip.rules.kinds import KINDS

    doc = (ROOT / "docs" / "rules.md").read_text("utf-8")
    said = re.search(r"the stages run in this order,\s*whatever the rules' `order` says:"
                     r"\s*([a-z ,\n-]+?)\s*\(the kind table", doc)
    assert said
    stages = [k for k in KINDS if k != "language"]  # no stage of its own
    assert re.split(r",\s*", said.group(1).strip()) == stages
