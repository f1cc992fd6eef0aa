"""Byte-exact decoding and atomic rewriting (boilerstrip.io.text), and config discovery."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _cli_helpers import unnamed_temps_work

import boilerstrip
from boilerstrip.config import find_config, find_project_root, load_config
from boilerstrip.errors import ConfigError, InputError
from boilerstrip.io.text import (BinaryFile, NotUTF8, abandon_write, atomic_write, decode,
                                encode, finish_write, start_write, sync_writes)


@pytest.mark.parametrize("data", [
    b"", b"plain\n", b"\xef\xbb\xbfwith bom\r\n", b"crlf\r\nand lf\nand cr\rend",
    "ünïcödé — “x” \U0001F600".encode(), b"no final newline",
])
def test_decode_encode_round_trip(data):
    dec = decode(data)
    assert encode(dec.text) == data
    assert dec.bom == data.startswith(b"\xef\xbb\xbf")


def test_bom_survives_cleaning():
    data = b"\xef\xbb\xbf" + "Body of the article, which stays here.\r\n\r\n".encode() + \
        b"Please enable JavaScript in your browser settings.\r\n"
    out = encode(boilerstrip.clean(decode(data).text).text)
    assert out == b"\xef\xbb\xbfBody of the article, which stays here.\r\n"


def test_invalid_utf8_names_the_offset():
    with pytest.raises(NotUTF8) as exc:
        decode(b"abc\xe9def", "f.txt")
    assert exc.value.offset == 3
    assert str(exc.value) == "f.txt: not valid UTF-8 (byte 0xE9 at offset 3: invalid continuation byte)"
    with pytest.raises(NotUTF8) as exc:
        decode(b"ok \xf0\x9f\x98", "t.txt")  # truncated at the end
    assert exc.value.offset == 3 and "unexpected end of data" in str(exc.value)


def test_binary_and_utf16():
    with pytest.raises(BinaryFile, match=r"NUL byte at offset 2"):
        decode(b"ab\x00cd", "b.bin")
    assert decode(b"a" * 9000 + b"\x00").text.endswith("\x00")  # NUL past the first 8 KiB
    with pytest.raises(InputError, match="UTF-16-BE text"):
        decode("hi".encode("utf-16-be").join([b"\xfe\xff", b""]), "u.txt")
    with pytest.raises(InputError, match="UTF-32-LE"):
        decode(b"\xff\xfe\x00\x00h\x00\x00\x00", "u.txt")


def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"old")
    f.chmod(0o604)
    atomic_write(f, b"new")
    assert f.read_bytes() == b"new" and f.stat().st_mode & 0o777 == 0o604
    assert os.listdir(tmp_path) == ["a.txt"]


def test_atomic_write_refuses_symlinks_and_cleans_up_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_bytes(b"x")
    link = tmp_path / "l.txt"
    link.symlink_to(target)
    with pytest.raises(InputError, match="symlink"):
        atomic_write(link, b"y")
    assert link.is_symlink() and target.read_bytes() == b"x"

    def boom(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InputError, match="cannot write: Input/output error"):
        atomic_write(target, b"y")
    assert target.read_bytes() == b"x"
    assert sorted(os.listdir(tmp_path)) == ["l.txt", "t.txt"]


def test_atomic_write_new_file_uses_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "n.txt", b"z")
    finally:
        os.umask(old)
    assert (tmp_path / "n.txt").stat().st_mode & 0o777 == 0o640


def test_pending_write_has_no_name_until_it_is_renamed(tmp_path):
    """Where O_TMPFILE works, a batch's temporary files are invisible until
    their rename: a SIGKILL mid-batch leaves nothing of them behind."""
    if not unnamed_temps_work(tmp_path):
        pytest.skip("no O_TMPFILE here")
    targets = [tmp_path / f"{i}.txt" for i in range(5)]
    for t in targets:
        t.write_bytes(b"old")
        t.chmod(0o640)
    pending = [start_write(t, b"new " + t.name.encode(), sync=False) for t in targets]
    assert sorted(os.listdir(tmp_path)) == sorted(t.name for t in targets)
    sync_writes(pending)
    abandon_write(pending[0])
    for p in pending[1:]:
        finish_write(p)
    assert sorted(os.listdir(tmp_path)) == sorted(t.name for t in targets)
    assert targets[0].read_bytes() == b"old"
    for t in targets[1:]:
        assert t.read_bytes() == b"new " + t.name.encode()
        assert t.stat().st_mode & 0o777 == 0o640


def test_pending_write_in_a_forked_child_uses_its_own_fd_table(tmp_path):
    """A worker forked after the parent wrote a file must name its unnamed
    files through its own /proc/self/fd, not the parent's."""
    if not unnamed_temps_work(tmp_path) or not hasattr(os, "fork"):
        pytest.skip("no O_TMPFILE or fork here")
    atomic_write(tmp_path / "parent.txt", b"p")  # opens the parent's /proc/self/fd
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        code = 1
        try:
            atomic_write(tmp_path / "child.txt", b"c")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "child.txt").read_bytes() == b"c"
    assert sorted(os.listdir(tmp_path)) == ["child.txt", "parent.txt"]


# ------------------------------------------------------------------ config

def test_project_root_like_black(tmp_path):
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.boilerstrip]\nprofile = 'page'\n")
    assert find_project_root([tmp_path / "a" / "b" / "c"]) == tmp_path / "a" / "b"
    assert find_config([tmp_path / "a" / "b" / "c" / "x.txt"]) == tmp_path / "a" / "b" / "pyproject.toml"
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.other]\n")
    # up to the .git folder; its pyproject has no [tool.boilerstrip]: no settings
    assert find_project_root([tmp_path / "a" / "b" / "c"]) == tmp_path / "a"
    assert load_config(find_config([tmp_path / "a" / "b"])).values == {}


def test_config_values_are_validated(tmp_path):
    f = tmp_path / "pyproject.toml"
    (tmp_path / "my").mkdir()  # a rule path that would load no rule is refused
    (tmp_path / "my" / "house.yml").write_text("rules: []\n")
    f.write_text("[tool.boilerstrip]\nrules = 'my'\nmax-removed-share = 1\n"
                 "allow_large_removals = true\nexclude = ['a', 'b']\n")
    cfg = load_config(f)
    assert cfg.values == {"rules": [str(tmp_path / "my")], "max_removed_share": 1.0,
                          "allow_large_removals": True, "exclude": ["a", "b"]}
    for bad, msg in [("jobs = true", "expected an integer"), ("ignore = [1]", "list of strings"),
                     ("on-invalid-utf8 = 'replace'", "not one of error, skip"),
                     ("colour = 1", "unknown key 'colour'")]:
        f.write_text(f"[tool.boilerstrip]\n{bad}\n")
        with pytest.raises(ConfigError, match=msg):
            load_config(f)


def test_explicit_config_without_table_reads_top_level(tmp_path):
    f = tmp_path / "b.toml"
    f.write_text("select = ['en']\n")
    assert load_config(f, explicit=True).values == {"select": ["en"]}
    assert load_config(f).values == {}
    assert load_config(None).path is None


def test_paths_are_relative_to_cwd_when_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    assert find_project_root(["-"]) == Path(tmp_path)


# ------------------------------------------------------------------ reading

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from boilerstrip.io import text as textio  # noqa: E402


def _read_reference(path: Path, limit: int) -> bytes | None:
    """What read_regular must give: the file's bytes, None when over LIMIT."""
    data = path.read_bytes()
    return data if len(data) <= limit else None


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3000), limit=st.integers(0, 3000),
       reported=st.integers(0, 3000))
def test_read_regular_gives_the_whole_file_whatever_fstat_said(tmp_path_factory, data, limit,
                                                                reported):
    """The first read asks for the size fstat gave (+1); a file that grew
    since (REPORTED below its real size) is still read to its end, or refused
    once past LIMIT, as reading LIMIT + 1 bytes at once did."""
    path = tmp_path_factory.mktemp("read") / "f.txt"
    path.write_bytes(data)
    real_fstat = os.fstat

    class Shrunk:  # the stat of a file that was smaller when it was looked at
        def __init__(self, st):
            self._st = st

        def __getattr__(self, name):
            return min(self._st.st_size, reported) if name == "st_size" else \
                getattr(self._st, name)

    want = _read_reference(path, limit)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fstat", lambda fd: Shrunk(real_fstat(fd)))
        if want is None:
            with pytest.raises(InputError, match="larger than"):
                textio.read_regular(path, "f.txt", limit=limit)
        else:
            assert textio.read_regular(path, "f.txt", limit=limit) == want


def test_read_regular_never_asks_for_the_whole_limit_at_once(tmp_path, monkeypatch):
    path = tmp_path / "small.txt"
    path.write_bytes(b"a short document\n")
    asked = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: (asked.append(n), real_read(fd, n))[1])
    assert textio.read_regular(path) == b"a short document\n"
    assert asked[0] == 18 and len(asked) == 2, "one read of size + 1, one that finds the end"
    assert max(asked) <= 1 << 16, "never a buffer of the 64 MB limit"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert textio.read_regular(empty) == b""
