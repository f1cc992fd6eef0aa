"""Row 6 of the speed bench (bench/jobs_row.py): which file system ran, the
tmpfs sub-row skipped where there is none, and the figures it reads from a
run (no timing is judged here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import jobs_row  # noqa: E402


def test_without_a_tmpfs_the_sub_row_is_skipped_with_a_note(tmp_path):
    plain = tmp_path / "not-a-mount"
    plain.mkdir()
    (disk, _base, _note), (label, base, note) = jobs_row.sides(str(plain))
    assert disk == "disk" and label == "tmpfs"
    if jobs_row.fs_type(str(plain)) != "tmpfs":
        assert base is None and note == f"no tmpfs at {plain}: skipped"
    assert jobs_row.tmpfs_root(str(tmp_path / "missing")) is None


@pytest.mark.skipif(not Path("/proc/self/mountinfo").exists(), reason="Linux only")
def test_the_file_system_is_the_deepest_mount_above_the_path(tmp_path):
    assert jobs_row.fs_type("/proc") == "proc"
    assert jobs_row.fs_type("/proc/self") == "proc"
    assert jobs_row.fs_type(str(tmp_path)) not in ("unknown", "proc")


def test_the_longest_path_is_the_parent_start_then_the_busiest_worker():
    one = jobs_row.Run(3.0, 2.9, 0.1, 0.0, 0.0, 0.0, ())
    two = jobs_row.Run(2.0, 0.3, 0.05, 3.0, 0.2, 0.25, (1.5, 1.7))
    assert one.critical == pytest.approx(3.0)
    assert two.critical == pytest.approx(0.25 + 1.7)
    s = jobs_row.summarise("tmpfs (tmpfs)", {1: [one, one], 2: [two, two]})
    assert s.ratio == pytest.approx(1.5) and s.critical[2] == pytest.approx(1.95)
    figures, ratio = jobs_row.describe(s, 10)
    assert ratio == "1.50x [1.50-1.50]" and "idle ~1.54x" in figures


def test_a_run_reports_the_cpu_of_its_parent_and_of_each_worker(tmp_path):
    src = tmp_path / "in"
    jobs_row.write_inputs(src, ["A short line of text.\n", "Another one, written here.\n"], 6)
    run = jobs_row.run_once(["clean", "--jobs", "2", "--exit-zero", "--output-dir",
                             str(tmp_path / "out"), str(src)])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{i:05d}.txt"
                                                                    for i in range(6)]
    assert run.parent_user > 0 and 0 < run.serial <= run.parent_user + run.parent_sys
    assert len(run.worker_cpu) == 2 and run.critical > run.serial
