"""``--output-dir`` copies: a new file is linked whole at once and its data
synced when the run ends; a file it replaces is replaced only after the data
of its replacement reached the disk (as in-place rewrites)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _cli_helpers import unnamed_temps_work

import boilerstrip
from boilerstrip import cli
from boilerstrip.io import text as textio
from boilerstrip.pipeline import files as runner
from boilerstrip.pipeline.clean import DocumentOptions

NAG = "Please enable JavaScript in your browser settings."
TMP_SUFFIX = ".boilerstrip-tmp"


def _inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(n):
        p = folder / f"note{i:03d}.txt"
        p.write_text(f"Note {i}: the river rose by {i} centimetres overnight.\n\n{NAG}\n",
                     encoding="utf-8")
        paths.append(p)
    return paths


def _cleaned(p: Path) -> bytes:
    return boilerstrip.clean(p.read_text(encoding="utf-8")).text.encode("utf-8")


@pytest.fixture
def unnamed(tmp_path):
    if not unnamed_temps_work(tmp_path):
        pytest.skip("no O_TMPFILE here: every write is synced before its rename")


@pytest.mark.parametrize("jobs", [1, 2])
def test_new_copies_are_synced_once_at_the_end(tmp_path, monkeypatch, unnamed, jobs):
    paths = _inputs(tmp_path / "in", 40)
    out = tmp_path / "out"
    events: list[tuple] = []
    real_data, real_folder = runner.sync_data, runner.fsync_folder
    real_sync = runner.sync_writes

    def sync_writes(pending):
        events.append(("batch", len(pending)))
        real_sync(pending)

    monkeypatch.setattr(runner, "sync_writes", sync_writes)
    monkeypatch.setattr(runner, "sync_data", lambda f: (events.append(("data", list(f))),
                                                        real_data(f)))
    monkeypatch.setattr(runner, "fsync_folder", lambda f: (events.append(("folder", f)),
                                                           real_folder(f)))
    code = cli.main(["clean", "--exit-zero", "-q", "--jobs", str(jobs), "--output-dir",
                     str(out), str(tmp_path / "in")])
    assert code == 0
    assert [(out / p.name).read_bytes() for p in paths] == [_cleaned(p) for p in paths]
    if jobs == 1:  # (with 2 jobs the batches run in the workers)
        assert [n for kind, n in events if kind == "batch"] and \
            all(n == 0 for kind, n in events if kind == "batch"), "no data sync per batch"
    ends = [e for e in events if e[0] != "batch"]
    assert ends == [("data", [str(out)]), ("folder", str(out))]
    assert not list(out.rglob("*" + TMP_SUFFIX))


def test_an_existing_copy_is_replaced_only_after_its_data_sync(tmp_path, monkeypatch, unnamed):
    paths = _inputs(tmp_path / "in", 12)
    old = tmp_path / "out"
    old.mkdir(parents=True)
    for p in paths[::2]:  # half of them from an earlier run
        (old / p.name).write_bytes(b"an older copy\n")
    events: list[tuple] = []
    real_sync, real_finish = runner.sync_writes, runner.finish_write

    def sync_writes(pending):
        events.append(("sync", {str(p.target) for p in pending}))
        real_sync(pending)

    def finish(pending):
        events.append(("link", str(pending.target)))
        real_finish(pending)

    monkeypatch.setattr(runner, "sync_writes", sync_writes)
    monkeypatch.setattr(runner, "finish_write", finish)
    code = cli.main(["clean", "--exit-zero", "-q", "--output-dir", str(tmp_path / "out"),
                     str(tmp_path / "in")])
    assert code == 0
    assert [(old / p.name).read_bytes() for p in paths] == [_cleaned(p) for p in paths]
    synced: set[str] = set()
    for kind, what in events:
        if kind == "sync":
            synced |= what
        elif what in {str(old / p.name) for p in paths[::2]}:
            assert what in synced, "an existing file replaced before the data sync"
    assert synced == {str(old / p.name) for p in paths[::2]}


def test_a_target_that_appears_meanwhile_is_replaced_data_first(tmp_path, monkeypatch, unnamed):
    target = tmp_path / "new.txt"
    pending = textio.start_write(target, b"the new text\n", sync=False)
    assert pending.fresh
    target.write_bytes(b"someone else's file\n")  # appears before the link
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    fd = pending.fd
    textio.finish_write(pending)
    assert synced == [fd], "its data on disk before it replaced a file"
    assert target.read_bytes() == b"the new text\n"
    assert not pending.fresh
    assert not list(tmp_path.glob("*" + TMP_SUFFIX))


def test_a_fresh_file_is_linked_under_its_name_whole(tmp_path, unnamed):
    target = tmp_path / "sub" / "copy.txt"
    target.parent.mkdir()
    pending = textio.start_write(target, b"x" * 100_000, sync=False)
    assert pending.fresh and not target.exists()
    textio.finish_write(pending)
    assert target.read_bytes() == b"x" * 100_000
    assert os.listdir(target.parent) == ["copy.txt"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_batch_makes_each_output_folder_once(tmp_path, monkeypatch):
    """Copies of files from interleaved folders all land in their mirrored
    folders, each made (or found) once per batch, not once per file."""
    src = tmp_path / "in"
    names = []
    for i in range(12):
        p = src / f"part{i % 3}" / f"note{i:02d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Note {i}: the ferry left at {i} o'clock.\n\n{NAG}\n", encoding="utf-8")
        names.append(p)
    (tmp_path / "out" / "part1").mkdir(parents=True)  # one of them is there already
    made = []
    real = runner._mkdirs
    monkeypatch.setattr(runner, "_mkdirs", lambda folder, display: (made.append(folder),
                                                                      real(folder, display)))
    tasks = [runner.Task(str(p), str(p), str(p), str(tmp_path / "out" / p.parent.name / p.name),
                         p.stat().st_size) for p in names]
    outcomes = runner.process_batch(tasks, boilerstrip.Cleaner(), DocumentOptions())
    assert all(o.report.status != "error" for o in outcomes)
    for p in names:
        assert (tmp_path / "out" / p.parent.name / p.name).read_bytes() == _cleaned(p)
    assert sorted(map(str, made)) == sorted(str(tmp_path / "out" / f"part{k}") for k in range(3))
