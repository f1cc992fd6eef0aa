"""Faults during in-place cleaning: the CLI never damages a file.

* SIGKILL at random moments of a batch run: every file is byte-identical to its
  original or exactly the cleaned output, never truncated or mixed, and the
  next run leaves no temporary file behind;
* disk full (ENOSPC on write), permission denied, a file deleted or replaced
  while it is being cleaned: that file is reported and left as it was, the
  other files are cleaned;
* the API, the stdin filter and the batch mode give the same text, with
  ``--jobs 1`` and ``--jobs 2`` alike.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _cli_helpers import unnamed_temps_work

import boilerstrip
from boilerstrip import cli
from boilerstrip.io import text as textio
from boilerstrip.pipeline import files as runner

ROOT = Path(__file__).resolve().parent.parent
CMD = [sys.executable, "-m", "boilerstrip"]
TMP_SUFFIX = ".boilerstrip-tmp"

NAGS = ["Already a subscriber? Log in.", "Please enable JavaScript in your browser settings.",
        "Thank you for your patience while we verify access."]


def _documents(n: int) -> list[bytes]:
    """N varied documents: corpus extracts with debris added (most change when cleaned)."""
    files = sorted((ROOT / "bench" / "data").glob("*/extract-*/*.txt"))
    rng = random.Random(8)
    out = []
    for i in range(n):
        text = files[i % len(files)].read_text(encoding="utf-8")[:1200]
        if i % 5:
            paras = text.split("\n\n")
            paras.insert(rng.randrange(len(paras) + 1), NAGS[i % len(NAGS)])
            text = "\n\n".join(paras)
        out.append(text.encode("utf-8"))
    return out


def _expected(docs: list[bytes]) -> list[bytes]:
    c = boilerstrip.Cleaner()
    return [c.clean(d.decode("utf-8")).text.encode("utf-8") for d in docs]


def _write_tree(folder: Path, docs: list[bytes]) -> list[Path]:
    paths = []
    for i, d in enumerate(docs):
        p = folder / f"sub{i % 4}" / f"doc{i:04d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(d)
        paths.append(p)
    return paths


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(TMP_SUFFIX)]


@pytest.fixture(params=["unnamed", "named"])
def temp_kind(request, monkeypatch, tmp_path):
    """Run a test with both kinds of temporary file: unnamed until the rename
    (O_TMPFILE, Linux) and named from the start (everywhere else)."""
    if request.param == "unnamed":
        if not unnamed_temps_work(tmp_path):
            pytest.skip("no O_TMPFILE here")
    else:
        monkeypatch.setattr(textio, "_TMPFILE_OK", [False])
    return request.param


def _is_temp_fd(fd: int) -> bool:
    """Whether FD is open on one of our temporary files (named or not)."""
    where = os.readlink(f"/proc/self/fd/{fd}")
    return where.endswith(TMP_SUFFIX) or (where.endswith(" (deleted)")
                                          and os.fstat(fd).st_nlink == 0)


def _run(*args: str, stdin: bytes | None = None, cwd: Path | None = None):
    env = dict(os.environ, BOILERSTRIP_NO_CACHE="1")
    return subprocess.run(CMD + list(args), input=stdin, capture_output=True, cwd=cwd, env=env,
                          timeout=600)


# ------------------------------------------------------------------ SIGKILL

def _kill_rounds(tmp_path: Path, n_files: int, rounds: int) -> None:
    docs = _documents(n_files)
    expected = _expected(docs)
    assert sum(e != d for e, d in zip(expected, docs)) > n_files // 2
    folder = tmp_path / "corpus"
    paths = _write_tree(folder, docs)
    env = dict(os.environ, BOILERSTRIP_NO_CACHE="1")
    # how long a full run takes, to spread the kills over it
    t = time.perf_counter()
    full = _run("clean", str(folder), "--exit-zero")
    duration = time.perf_counter() - t
    assert full.returncode == 0, full.stderr
    assert [p.read_bytes() for p in paths] == expected
    rng = random.Random(20)
    unnamed = unnamed_temps_work(folder)
    states = {"original": 0, "cleaned": 0}
    for r in range(rounds):
        for p, d in zip(paths, docs):
            p.write_bytes(d)
        proc = subprocess.Popen(CMD + ["clean", str(folder)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if unnamed:  # only the file between its naming and its rename
            assert len(_temp_files(folder)) <= 1, _temp_files(folder)
        for p, d, e in zip(paths, docs, expected):
            got = p.read_bytes()
            assert got in (d, e), f"round {r}: {p.name} is neither original nor cleaned"
            states["original" if got == d and d != e else "cleaned"] += 1
    # the kills fell at different moments: some files were done, some not
    assert states["original"] and states["cleaned"], states
    # the next complete run finishes the job and leaves no temporary file behind
    final = _run("clean", str(folder), "--exit-zero")
    assert final.returncode == 0, final.stderr
    assert [p.read_bytes() for p in paths] == expected
    assert not _temp_files(folder), _temp_files(folder)


@pytest.mark.slow
def test_sigkill_never_leaves_a_damaged_file(tmp_path, full_size):
    if full_size:
        _kill_rounds(tmp_path, n_files=400, rounds=30)
    else:
        _kill_rounds(tmp_path, n_files=200, rounds=6)


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_syncs_each_folder_once_after_its_renames(tmp_path, monkeypatch, jobs):
    """Every rewritten file is on disk before its rename; the folders holding
    the renames are synced once each, when the run ends."""
    docs = _documents(6)
    paths = _write_tree(tmp_path, docs)
    synced: list[str] = []
    monkeypatch.setattr(runner, "fsync_folder", synced.append)
    code = cli.main(["clean", "--exit-zero", "--jobs", str(jobs), "-q", str(tmp_path)])
    assert code == 0
    assert [p.read_bytes() for p in paths] == _expected(docs)
    changed = {str(p.parent) for p, d, e in zip(paths, docs, _expected(docs)) if d != e}
    assert changed and sorted(synced) == sorted(changed)


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_renames_each_file_only_after_one_sync_of_its_batch(tmp_path, monkeypatch, jobs, temp_kind):
    """Files are written in batches: every temporary file of a batch is on disk
    (one sync for the batch) before the first rename of that batch."""
    docs = _documents(48)
    paths = _write_tree(tmp_path, docs)
    events: list[tuple[str, int]] = []
    real_sync, real_finish = textio.sync_writes, textio.finish_write

    def sync(pending):
        events.append(("sync", len(pending)))
        real_sync(pending)

    def finish(pending):
        events.append(("rename", 1))
        real_finish(pending)

    monkeypatch.setattr(runner, "sync_writes", sync)
    monkeypatch.setattr(runner, "finish_write", finish)
    code = cli.main(["clean", "--exit-zero", "--jobs", str(jobs), "-q", str(tmp_path)])
    assert code == 0
    assert [p.read_bytes() for p in paths] == _expected(docs)
    if jobs == 1:  # (with 2 jobs the events are in the workers)
        syncs = [n for kind, n in events if kind == "sync"]
        assert len(syncs) < len(paths) / 2, "one sync per batch, not per file"
        covered = 0
        for kind, n in events:
            if kind == "sync":
                covered += n
            else:
                covered -= 1
                assert covered >= 0, "a rename before the sync of its data"
    assert not _temp_files(tmp_path)


def test_failed_batch_sync_leaves_every_file_of_the_batch_as_it_was(tmp_path, monkeypatch, temp_kind):
    docs = _documents(40)  # batches of 5: one syncfs each
    paths = _write_tree(tmp_path, docs)
    calls = []

    def broken(fd):
        import ctypes
        calls.append(fd)
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(textio, "_SYNCFS", [broken])
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    code = cli.main(["clean", "-q", "--report", str(tmp_path / "r.json"), "--report-format", "json",
                     str(tmp_path / "sub0"), str(tmp_path / "sub1"), str(tmp_path / "sub2"),
                     str(tmp_path / "sub3")])
    assert code == 2
    assert [p.read_bytes() for p in paths] == docs
    assert not _temp_files(tmp_path)
    report = json.loads((tmp_path / "r.json").read_text())
    errors = [f for f in report["files"] if f["status"] == "error"]
    changed = [d for d, e in zip(docs, _expected(docs)) if d != e]
    assert len(errors) == len(changed)
    assert all(f["message"].startswith(f["file"] + ": cannot write: ") for f in errors)
    if sys.platform.startswith("linux"):
        assert calls, "the batch path (syncfs) was not exercised"


def test_batch_without_syncfs_syncs_each_file(tmp_path, monkeypatch, temp_kind):
    """Where the platform has no syncfs, each temporary file of a batch is
    fsynced before the renames."""
    docs = _documents(40)
    paths = _write_tree(tmp_path, docs)
    monkeypatch.setattr(textio, "_SYNCFS", [None])
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(_is_temp_fd(fd) if os.path.exists("/proc/self/fd") else fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code = cli.main(["clean", "--exit-zero", "-q", str(tmp_path)])
    assert code == 0
    assert [p.read_bytes() for p in paths] == _expected(docs)
    changed = sum(d != e for d, e in zip(docs, _expected(docs)))
    if os.path.exists("/proc/self/fd"):
        assert synced.count(True) == changed, "one fsync per rewritten file"
    else:
        assert len(synced) >= changed


def test_file_named_twice_is_written_before_it_is_read_again(tmp_path):
    f = tmp_path / "a.txt"
    doc = _documents(2)[1]
    f.write_bytes(doc)
    others = _write_tree(tmp_path / "more", _documents(38))
    # 40 files: batches of 5, so both namings fall in the first batch
    code = cli.main(["clean", "--exit-zero", "-q", str(f), str(f), *map(str, others)])
    assert code == 0, "the second reading must see the file as the first one wrote it"
    assert f.read_bytes() == _expected([doc])[0]


def test_stale_temp_file_is_removed_by_the_next_run(tmp_path):
    """What a kill between writing the temporary file and renaming it leaves behind."""
    docs = _documents(3)
    paths = _write_tree(tmp_path, docs)
    stale = paths[1].parent / f".{paths[1].name}.abc123{TMP_SUFFIX}"
    stale.write_bytes(docs[1][:100])
    assert _run("clean", str(tmp_path), "--exit-zero").returncode == 0
    assert not stale.exists()
    assert [p.read_bytes() for p in paths] == _expected(docs)


# ------------------------------------------------------------------ in-process faults

def _cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("BOILERSTRIP_NO_CACHE", "1")
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def tree(tmp_path):
    docs = _documents(6)
    docs = [d for d, e in zip(docs, _expected(docs)) if d != e][:4]
    assert len(docs) == 4
    paths = _write_tree(tmp_path, docs)
    return tmp_path, paths, docs, _expected(docs)


def _assert_one_failed(folder, paths, docs, expected, bad: int, code: int, out: str,
                       words: str) -> None:
    assert code == 2, out
    assert paths[bad].name in out and words in out.lower(), out
    for i, (p, d, e) in enumerate(zip(paths, docs, expected)):
        if i != bad:
            assert p.read_bytes() == e, f"{p.name} was not cleaned"
    assert not _temp_files(folder)


def test_disk_full_on_write(monkeypatch, capsys, tree, temp_kind):
    folder, paths, docs, expected = tree
    real_write = os.write
    victim = expected[1]

    def write(fd, data):
        if bytes(data[:200]) == victim[:200]:  # the victim's new content: half fits
            real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(textio.os, "write", write)
    code, out = _cli(monkeypatch, capsys, "clean", str(folder))
    assert paths[1].read_bytes() == docs[1]
    _assert_one_failed(folder, paths, docs, expected, 1, code, out, "no space left")


def test_permission_denied_on_folder(monkeypatch, capsys, tree, temp_kind):
    folder, paths, docs, expected = tree
    real_mkstemp, real_open = textio.tempfile.mkstemp, os.open
    victim_dir = str(paths[2].parent)

    def mkstemp(*a, dir=None, **k):
        if str(dir) == victim_dir:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_mkstemp(*a, dir=dir, **k)

    tmpfile = getattr(os, "O_TMPFILE", -1)

    def open_(path, flags, *a, **k):  # O_TMPFILE opens the folder itself
        if str(path) == victim_dir and flags & tmpfile == tmpfile:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(textio.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(textio.os, "open", open_)
    code, out = _cli(monkeypatch, capsys, "clean", str(folder))
    # every file of that folder failed; the others were cleaned
    for i, (p, d, e) in enumerate(zip(paths, docs, expected)):
        assert p.read_bytes() == (d if str(p.parent) == victim_dir else e)
    assert code == 2 and "permission denied" in out.lower() and paths[2].name in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_denied_real(tmp_path):
    docs = _documents(6)
    paths = _write_tree(tmp_path, docs)
    os.chmod(paths[0].parent, 0o555)
    try:
        r = _run("clean", str(tmp_path))
    finally:
        os.chmod(paths[0].parent, 0o755)
    assert r.returncode == 2 and "permission denied" in r.stderr.lower()
    assert paths[0].read_bytes() == docs[0]


def _during_clean(monkeypatch, victim: Path, action) -> None:
    """Run ACTION on VICTIM after it was read, while it is being cleaned."""
    real = runner.clean_bytes

    def clean_bytes(data, display, cleaner, opts):
        if display.endswith(victim.name):
            action(victim)
        return real(data, display, cleaner, opts)

    monkeypatch.setattr(runner, "clean_bytes", clean_bytes)


def test_file_deleted_mid_run(monkeypatch, capsys, tree):
    folder, paths, docs, expected = tree
    _during_clean(monkeypatch, paths[0], lambda p: p.unlink())
    code, out = _cli(monkeypatch, capsys, "clean", str(folder))
    assert not paths[0].exists(), "a file deleted during the run was written back"
    _assert_one_failed(folder, paths, docs, expected, 0, code, out, "changed")


def test_file_replaced_mid_run(monkeypatch, capsys, tree):
    folder, paths, docs, expected = tree
    new = b"Someone else wrote this while we were cleaning.\n"
    _during_clean(monkeypatch, paths[3], lambda p: p.write_bytes(new))
    code, out = _cli(monkeypatch, capsys, "clean", str(folder))
    assert paths[3].read_bytes() == new, "a concurrent edit was overwritten"
    _assert_one_failed(folder, paths, docs, expected, 3, code, out, "changed")


def test_file_renamed_over_mid_run(monkeypatch, capsys, tree):
    folder, paths, docs, expected = tree
    new = b"A new file moved into place.\n"

    def swap(p: Path) -> None:
        other = p.with_name("incoming.tmp")
        other.write_bytes(new)
        os.replace(other, p)

    _during_clean(monkeypatch, paths[2], swap)
    code, out = _cli(monkeypatch, capsys, "clean", str(folder))
    assert paths[2].read_bytes() == new
    _assert_one_failed(folder, paths, docs, expected, 2, code, out, "changed")


# ------------------------------------------------------------------ same result everywhere

def test_api_filter_batch_and_jobs_agree(tmp_path):
    docs = _documents(40)
    expected = _expected(docs)
    # filter
    for d, e in list(zip(docs, expected))[:8]:
        r = _run("clean", "-", stdin=d)
        assert r.stdout == e
    # batch into another folder, 1 and 2 jobs, with reports
    src = tmp_path / "src"
    paths = _write_tree(src, docs)
    reports = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        rep = tmp_path / f"report{jobs}.json"
        r = _run("clean", str(src), "--output-dir", str(out), "--jobs", jobs, "--exit-zero",
                 "--report", str(rep))
        assert r.returncode == 0, r.stderr
        for p, e in zip(paths, expected):
            assert (out / p.relative_to(src)).read_bytes() == e, (jobs, p)
        reports[jobs] = json.loads(rep.read_text(encoding="utf-8"))
    assert reports["1"] == reports["2"]
    # in place, 2 jobs
    r = _run("clean", str(src), "--jobs", "2", "--exit-zero")
    assert r.returncode == 0, r.stderr
    assert [p.read_bytes() for p in paths] == expected
    # the report's changes are the API's
    c = boilerstrip.Cleaner()
    api = {p.name: [ch.to_dict() for ch in c.clean(d.decode()).changes]
           for p, d in zip(paths, docs)}
    flat = json.dumps(reports["1"])
    for name, changes in api.items():
        for ch in changes:
            assert json.dumps(ch["text"])[1:-1] in flat, (name, ch["rule"])
