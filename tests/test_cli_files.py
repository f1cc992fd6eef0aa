"""Odd files through the installed ``boilerstrip clean``: encodings, line endings,
binary, empty, huge, symlinks, permissions, and atomic rewrites."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
from _cli_helpers import (EXPECTED_B, SEED, SEED_B, err, no_traceback, run,
                          without_privileges)

import boilerstrip

JS = "Please enable JavaScript in your browser settings."
BODY = ("The committee met on Tuesday to discuss the budget for the coming year, and members "
        "agreed to publish the full minutes next week after the review.")
# a second paragraph: the same one twice in a row would be a repeated line
# (core.layout.repeated-line) once the line between them is gone
BODY2 = ("The minutes will name every member who voted, and the chair said the "
         "review would be finished before the end of the month.")


def one_line_summary(proc) -> str:
    return err(proc).strip().splitlines()[-1]


# ------------------------------------------------------------------ encodings and endings

@pytest.mark.parametrize("data, expected", [
    # UTF-8 BOM kept
    (b"\xef\xbb\xbf" + SEED_B, b"\xef\xbb\xbf" + EXPECTED_B),
    # CRLF kept everywhere
    (SEED_B.replace(b"\n", b"\r\n"), EXPECTED_B.replace(b"\n", b"\r\n")),
    # no final newline kept
    ((BODY + "\n\n" + JS).encode(), (BODY + "\n").encode()),
    ((BODY + "\n\n" + JS + "\n\n" + BODY2).encode(), (BODY + "\n\n" + BODY2).encode()),
    # mixed endings: each kept line keeps its own
    ((BODY + "\r\n\r\n" + JS + "\n\n" + BODY2 + "\r\n").encode(),
     (BODY + "\r\n\r\n" + BODY2 + "\r\n").encode()),
], ids=["utf8-bom", "crlf", "no-final-newline", "no-final-newline-kept-last", "mixed"])
def test_bytes_round_trip_except_removals(tmp_path, data, expected):
    f = tmp_path / "a.txt"
    f.write_bytes(data)
    proc = run("clean", str(f))
    assert proc.returncode == 1, err(proc)
    assert f.read_bytes() == expected
    assert run("clean", input=data).stdout == expected


def test_invalid_utf8_is_an_error_with_offset_and_the_file_is_untouched(tmp_path):
    f = tmp_path / "bad.txt"
    data = SEED_B + b"\nna\xefve\n"
    f.write_bytes(data)
    old = time.time() - 100
    os.utime(f, (old, old))
    mtime = f.stat().st_mtime_ns
    good = tmp_path / "good.txt"
    good.write_bytes(SEED_B)
    proc = run("clean", str(f), str(good))
    assert proc.returncode == 2
    assert (f"error: {f}: not valid UTF-8 (byte 0xEF at offset {len(SEED_B) + 3}: "
            "invalid continuation byte)") in err(proc)
    assert f.read_bytes() == data and f.stat().st_mtime_ns == mtime
    assert good.read_bytes() == EXPECTED_B  # the other file was still cleaned
    assert one_line_summary(proc).endswith("1 error")
    proc = run("clean", str(f), "--on-invalid-utf8", "skip")
    assert proc.returncode == 0 and "skipped" in err(proc)
    assert f.read_bytes() == data


@pytest.mark.parametrize("bom, name", [(b"\xff\xfe", "UTF-16-LE"), (b"\xfe\xff", "UTF-16-BE"),
                                       (b"\xff\xfe\x00\x00", "UTF-32-LE")])
def test_utf16_and_utf32_are_refused_clearly(tmp_path, bom, name):
    f = tmp_path / "u.txt"
    data = bom + "Hello".encode(name.lower().replace("-le", "-le").replace("-be", "-be"))
    f.write_bytes(data)
    proc = run("clean", str(f))
    assert proc.returncode == 2
    assert f"{name} text" in err(proc) and "convert it to UTF-8" in err(proc)
    assert f.read_bytes() == data
    no_traceback(proc)


def test_binary_file_is_skipped_without_changing_the_exit_code(tmp_path):
    f = tmp_path / "data.txt"
    data = b"PK\x03\x04\x00\x00" + SEED_B
    f.write_bytes(data)
    proc = run("clean", str(f))
    assert proc.returncode == 0
    assert f"note: {f}: skipped: binary file (NUL byte at offset 4)" in err(proc)
    assert f.read_bytes() == data
    assert one_line_summary(proc) == "0 files cleaned (0 removals), 0 unchanged, 1 skipped"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", b"\n", b"\r\n\r\n", b"\xef\xbb\xbf"],
                         ids=["empty", "whitespace", "newline", "crlf-blank", "bom-only"])
def test_empty_and_blank_files_are_left_alone(tmp_path, data):
    f = tmp_path / "e.txt"
    f.write_bytes(data)
    proc = run("clean", str(f))
    assert proc.returncode == 0, err(proc)
    assert f.read_bytes() == data
    assert one_line_summary(proc) == "0 files cleaned (0 removals), 1 unchanged"
    assert run("clean", input=data).stdout == data


def test_a_10_mb_single_line(tmp_path):
    f = tmp_path / "big.txt"
    data = ("lorem ipsum dolor sit amet " * 400_000).encode()[:10_000_000]
    f.write_bytes(data)
    t0 = time.perf_counter()
    proc = run("clean", str(f), timeout=120)
    took = time.perf_counter() - t0
    assert proc.returncode == 0, err(proc)
    assert f.read_bytes() == data
    assert took < 60
    no_traceback(proc)


# ------------------------------------------------------------------ symlinks

def test_symlinks_inside_a_folder_are_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(SEED_B)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "real.txt").write_bytes(SEED_B)
    (tree / "link.txt").symlink_to(outside)
    (tree / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    proc = run("clean", str(tree))
    assert proc.returncode == 1
    assert outside.read_bytes() == SEED_B
    assert (tree / "link.txt").is_symlink()
    assert (tree / "real.txt").read_bytes() == EXPECTED_B
    assert f"{tree / 'link.txt'}: skipped: symlink (not followed)" in err(proc)
    assert f"{tree / 'dirlink'}: skipped: symlink (not followed)" in err(proc)


def test_named_symlink_inside_the_tree_rewrites_its_target_and_stays_a_link(tmp_path):
    (tmp_path / "real.txt").write_bytes(SEED_B)
    (tmp_path / "link.txt").symlink_to("real.txt")
    proc = run("clean", "link.txt", cwd=tmp_path)
    assert proc.returncode == 1, err(proc)
    assert (tmp_path / "link.txt").is_symlink()
    assert os.readlink(tmp_path / "link.txt") == "real.txt"
    assert (tmp_path / "real.txt").read_bytes() == EXPECTED_B


def test_named_symlink_out_of_the_tree_is_skipped(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(SEED_B)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.txt").symlink_to(outside)
    proc = run("clean", "link.txt", cwd=tree)
    assert proc.returncode == 0
    assert outside.read_bytes() == SEED_B and (tree / "link.txt").is_symlink()
    assert "link.txt: skipped: symlink to" in err(proc) and "outside the current folder" in err(proc)


def test_dangling_symlink_is_an_error(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nothing")
    proc = run("clean", "gone.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert err(proc).splitlines()[0] == "error: gone.txt: dangling symlink"


# ------------------------------------------------------------------ permissions

def test_unreadable_file_is_an_error_and_others_go_on(tmp_path):
    prefix = without_privileges()
    locked = tmp_path / "locked.txt"
    locked.write_bytes(SEED_B)
    locked.chmod(0)
    other = tmp_path / "other.txt"
    other.write_bytes(SEED_B)
    try:
        proc = run("clean", str(locked), str(other), prefix=prefix)
    finally:
        locked.chmod(0o644)
    assert proc.returncode == 2
    assert f"error: {locked}: cannot read: permission denied" in err(proc)
    assert other.read_bytes() == EXPECTED_B and locked.read_bytes() == SEED_B
    no_traceback(proc)


def test_read_only_folder_is_an_error_and_leaves_the_file(tmp_path):
    prefix = without_privileges()
    ro = tmp_path / "ro"
    ro.mkdir()
    f = ro / "a.txt"
    f.write_bytes(SEED_B)
    ro.chmod(0o555)
    try:
        proc = run("clean", str(ro), prefix=prefix)
        listing = sorted(p.name for p in ro.iterdir())
    finally:
        ro.chmod(0o755)
    assert proc.returncode == 2
    assert f"error: {f}: cannot write: permission denied on folder {ro}" in err(proc)
    assert f.read_bytes() == SEED_B and listing == ["a.txt"]
    no_traceback(proc)


def test_unreadable_folder_is_reported(tmp_path):
    prefix = without_privileges()
    top = tmp_path / "top"
    (top / "closed").mkdir(parents=True)
    (top / "closed" / "x.txt").write_bytes(SEED_B)
    (top / "a.txt").write_bytes(SEED_B)
    (top / "closed").chmod(0)
    try:
        proc = run("clean", str(top), prefix=prefix)
    finally:
        (top / "closed").chmod(0o755)
    assert proc.returncode == 2
    assert f"error: {top / 'closed'}: cannot list folder: Permission denied" in err(proc)
    assert (top / "a.txt").read_bytes() == EXPECTED_B


def test_a_folder_named_like_a_text_file(tmp_path):
    (tmp_path / "odd.txt").mkdir()
    (tmp_path / "odd.txt" / "in.txt").write_bytes(SEED_B)
    proc = run("clean", str(tmp_path))
    assert proc.returncode == 1
    assert (tmp_path / "odd.txt" / "in.txt").read_bytes() == EXPECTED_B


# ------------------------------------------------------------------ atomicity

def test_readers_see_the_original_or_the_cleaned_file_never_a_mix(tmp_path):
    """Clean a big file over and over while a reader polls it."""
    big_in = (SEED + "\n") * 300  # ~750 kB
    big_out = boilerstrip.Cleaner(allow_large_removals=True).clean(big_in).text
    data_in, data_out = big_in.encode(), big_out.encode()
    f = tmp_path / "big.txt"
    seen: list[bytes] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(f.read_bytes())
            time.sleep(0.002)  # leave the CPU to the CLI

    f.write_bytes(data_in)
    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(2):
            f.write_bytes(data_in)  # not atomic itself: done before the reader check below
            proc = run("clean", "--allow-large-removals", str(f))
            assert proc.returncode == 1, err(proc)
    finally:
        stop.set()
        t.join()
    assert f.read_bytes() == data_out
    assert len(seen) > 2
    # Reads that raced with the test's own write_bytes may be partial; the CLI's
    # rewrites must never produce anything but the two complete versions, so a
    # mix of the two (a prefix of one and the rest of the other) never appears.
    for s in seen:
        if s not in (data_in, data_out):
            assert data_in.startswith(s), "a read saw a mixed or truncated cleaned file"


def test_failed_write_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    from boilerstrip.cli import main

    f = tmp_path / "a.txt"
    f.write_bytes(SEED_B)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    assert main(["clean", "-q", str(f)]) == 2
    assert f.read_bytes() == SEED_B
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_interrupted_run_leaves_whole_files(tmp_path):
    """Kill the CLI mid-run: every file is the original or fully cleaned."""
    files = []
    for i in range(60):
        f = tmp_path / f"{i:02}.txt"
        f.write_bytes(((SEED + "\n") * 20).encode())
        files.append(f)
    big_out = boilerstrip.Cleaner().clean((SEED + "\n") * 20).text.encode()
    from _cli_helpers import EXE, env, unnamed_temps_work

    unnamed = unnamed_temps_work(tmp_path)

    proc = subprocess.Popen([EXE, "clean", str(tmp_path)], env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(f.stat().st_size == len(big_out) for f in files):
            break  # the first files are done: kill it in the middle of the run
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    original = ((SEED + "\n") * 20).encode()
    states = [f.read_bytes() for f in files]
    assert all(s in (big_out, original) for s in states)
    assert big_out in states
    leftovers = [p.name for p in tmp_path.iterdir() if p not in files]
    # unnamed temporary files: at most the one between its naming and its
    # rename; named ones (no O_TMPFILE): at most a batch
    assert len(leftovers) <= (1 if unnamed else 32), leftovers
