"""Hostile and damaged input to the JSONL reader and ``mine`` (issue 19): cut or
corrupt compressed streams, records that must round-trip byte for byte,
records built to exhaust the stack or memory, and a full disk."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from _cli_helpers import err, no_traceback, run

from boilerstrip.io.compressed import ZstdFrameWalker

zstandard = pytest.importorskip("zstandard")


def corpus(n: int = 40) -> bytes:
    """N records whose text the bundled rules change (a share line)."""
    return "".join(json.dumps({"id": i, "text": f"Record {i} says hello.\nShare this article\n"})
                   + "\n" for i in range(n)).encode()


def left_behind(folder: Path) -> list[str]:
    """Files a run should not have left in FOLDER (outputs, temporary files)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".out", "out")))


def assert_refused(proc, name: str, what: str) -> None:
    """Exit 2, no traceback, and a first error line naming the file and saying WHAT."""
    no_traceback(proc)
    assert proc.returncode == 2, err(proc)
    errors = [ln for ln in err(proc).splitlines() if ln.startswith("error:")]
    assert errors and name in errors[0] and what in errors[0], err(proc)


# ------------------------------------------------------- compressed input

def zstd_frames() -> tuple[bytes, set[int]]:
    """A stream of three frames (with and without checksum and content size,
    a skippable frame between them) and the offsets where a frame ends."""
    data = corpus()
    parts = [zstandard.ZstdCompressor(write_checksum=True).compress(data[:500]),
             b"\x5a\x2a\x4d\x18" + (3).to_bytes(4, "little") + b"pad",
             zstandard.ZstdCompressor(write_content_size=False).compress(data[500:]),
             zstandard.ZstdCompressor(level=19).compress(b"")]
    ends, pos = set(), 0
    for p in parts:
        pos += len(p)
        ends.add(pos)
    return b"".join(parts), ends


def test_the_zstd_frame_walker_tells_every_frame_end_from_every_cut():
    stream, ends = zstd_frames()
    for cut in range(len(stream) + 1):
        walker = ZstdFrameWalker()
        walker.feed(stream[:cut])
        assert walker.complete == (cut in ends or cut == 0), cut
    # fed in chunks of every size, it says the same
    for size in (1, 2, 3, 7, 64):
        walker = ZstdFrameWalker()
        for i in range(0, len(stream), size):
            walker.feed(stream[i:i + size])
        assert walker.complete and walker.frames == 4


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
@pytest.mark.parametrize("skip", [False, True])
def test_a_cut_compressed_input_is_an_error_not_a_shorter_output(tmp_path, suffix, skip):
    data = corpus()
    packed = gzip.compress(data) if suffix == ".gz" else zstandard.compress(data)
    for cut in (len(packed) - 4, len(packed) // 2, 12):
        src = tmp_path / f"part.jsonl{suffix}"
        src.write_bytes(packed[:cut])
        args = ["clean", "--jsonl", str(src), "-o", str(tmp_path / "out.jsonl")]
        proc = run(*args, *(["--on-bad-record", "skip"] if skip else []))
        assert_refused(proc, str(src), "truncated")
        assert left_behind(tmp_path) == []


def test_a_file_named_gz_that_is_not_gzip_is_an_error(tmp_path):
    src = tmp_path / "plain.jsonl.gz"
    src.write_bytes(corpus())
    proc = run("clean", "--jsonl", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert_refused(proc, str(src), "damaged gzip data")
    assert left_behind(tmp_path) == []


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_trailing_garbage_and_flipped_bytes_are_errors(tmp_path, suffix):
    data = corpus()
    packed = gzip.compress(data) if suffix == ".gz" else \
        zstandard.ZstdCompressor(write_checksum=True).compress(data)
    flipped = bytearray(packed)
    flipped[len(packed) // 2] ^= 0xFF
    for bad in (packed + b"junk", bytes(flipped)):
        src = tmp_path / f"bad.jsonl{suffix}"
        src.write_bytes(bad)
        proc = run("clean", "--jsonl", str(src), "--on-bad-record", "skip")
        assert_refused(proc, str(src), "")


def test_whole_multi_frame_and_multi_member_inputs_still_read(tmp_path):
    data = corpus()
    stream, _ = zstd_frames()
    (tmp_path / "a.jsonl.zst").write_bytes(stream)
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(data[:300]) + gzip.compress(data[300:]))
    (tmp_path / "a.jsonl").write_bytes(data)
    plain = run("clean", "--jsonl", str(tmp_path / "a.jsonl"))
    assert plain.returncode == 1, err(plain)
    for name in ("a.jsonl.zst", "a.jsonl.gz"):
        proc = run("clean", "--jsonl", str(tmp_path / name))
        assert proc.returncode == 1 and proc.stdout == plain.stdout, err(proc)
    # compressed stdin is checked too
    proc = run("clean", "--jsonl", "-", input=stream[:-5])
    assert_refused(proc, "<stdin>", "truncated zstd data")


# ------------------------------------------------------- exact round trip

SHARE = "Share this article\nThe council met on Monday.\n"
CLEANED = "The council met on Monday.\n"


def clean_line(line: bytes, **opts) -> bytes:
    """The output line of the JSONL cleaner for LINE (the bundled rules)."""
    import boilerstrip
    from boilerstrip.io.jsonl import JsonlOptions, clean_record

    done = clean_record(line, 1, boilerstrip.Cleaner(), JsonlOptions(**opts))
    assert not done.error, done.error
    return done.line


@pytest.mark.parametrize("template", [
    # numbers json.dumps would rewrite, duplicate keys, odd spacing, escapes
    '{"n": 1e400, "text": %s, "d": 0.1000000000000000000000001}',
    '{ "k":1,"k" :2 ,\t"text" :%s ,"u":"\\u00e9\\/","big":123456789012345678901234567890 }',
    # a duplicate text key: the last one is the record's text (as json.loads reads it)
    '{"text": "first", "x": -0.0, "text": %s}',
])
def test_only_the_text_value_changes_byte_for_byte(template):
    line = (template % json.dumps(SHARE)).encode() + b"\r\n"
    assert clean_line(line) == (template % json.dumps(CLEANED)).encode() + b"\r\n"


def test_the_report_field_is_added_or_replaced_and_nothing_else_moves():
    line = '{"id": 7, "text": %s , "r": "old", "z": 1E+2 }\n' % json.dumps(SHARE)
    out = clean_line(line.encode(), report_field="r").decode()
    head, tail = out.split('"r": ', 1)
    assert head == '{"id": 7, "text": %s , ' % json.dumps(CLEANED)
    report, end = json.JSONDecoder().raw_decode(tail)
    assert tail[end:] == ', "z": 1E+2 }\n'
    assert [r["rule"] for r in report] == ["en.social.share-label"]
    added = clean_line(b'{"text": "No boilerplate.", "id": 1e999}', report_field="r")
    assert added == b'{"text": "No boilerplate.", "id": 1e999, "r": []}'


def test_the_cli_round_trips_unchanged_bytes_of_a_cleaned_record(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"meta": {"score": 1e400, "p": 3.14159265358979323846264338},'
                    b' "text": "Share this article\\nKept prose.\\n", "meta": null}\n')
    proc = run("clean", "--jsonl", str(src))
    assert proc.returncode == 1, err(proc)
    assert proc.stdout == (b'{"meta": {"score": 1e400, "p": 3.14159265358979323846264338},'
                           b' "text": "Kept prose.\\n", "meta": null}\n')


# ------------------------------------------------- records built to crash

DEEP = b'{"text": "a", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_nested_200000_deep_is_a_bad_record(tmp_path, jobs):
    src = tmp_path / "deep.jsonl"
    src.write_bytes(DEEP + b'{"text": "Share this article\\nKept.\\n"}\n')
    proc = run("clean", "--jsonl", str(src), "-j", jobs)
    assert_refused(proc, f"{src}:1", "nested too deeply")
    proc = run("clean", "--jsonl", str(src), "-j", jobs, "--on-bad-record", "skip")
    no_traceback(proc)
    assert proc.stdout == b'{"text": "Kept.\\n"}\n'
    assert "1 skipped" in err(proc)


@pytest.mark.parametrize("line, what", [
    (DEEP, "nested too deeply"),
    (b'{"text": "caf\xe9"}\n', "not valid UTF-8"),
    (b'{"text": "a", "n": [1,\n', "not valid JSON"),
])
def test_mine_names_the_bad_record(tmp_path, line, what):
    src = tmp_path / "c.jsonl"
    src.write_bytes(b'{"text": "fine"}\n' + line)
    proc = run("mine", str(src))
    assert_refused(proc, f"{src}:2", what)


def test_a_huge_integer_is_valid_json_for_clean_and_mine(tmp_path):
    src = tmp_path / "big.jsonl"
    big = b"9" * 5000
    kept = b"Kept prose of the record, in a sentence of many words.\\n"
    src.write_bytes(b'{"n": ' + big + b', "text": "Share this article\\n' + kept + b'"}\n')
    proc = run("clean", "--jsonl", str(src))
    no_traceback(proc)
    assert proc.returncode == 1 and proc.stdout == b'{"n": ' + big + b', "text": "' + kept + b'"}\n'
    proc = run("mine", str(src))
    no_traceback(proc)
    assert proc.returncode == 0 and "1 documents" in proc.stdout.decode()


def test_a_lone_surrogate_escape_with_a_report(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_bytes(b'{"text": "Share this article\\nHello \\ud800 world.\\n", "id": 1}\n')
    for fmt in ("json", "jsonl"):
        report = tmp_path / f"r.{fmt}"
        proc = run("clean", "--jsonl", str(src), "--report", str(report),
                   "--report-field", "removed")
        no_traceback(proc)
        assert proc.returncode == 1, err(proc)
        out = json.loads(proc.stdout)
        assert [r["text"] for r in out["removed"]][0] == "Share this article\n"
        # the lone surrogate stays a \ud800 escape: the report is valid UTF-8 JSON
        assert "\\ud800" in report.read_text(encoding="utf-8")
        assert "\ud800" in removed_texts(report, fmt)


def removed_texts(path: Path, fmt: str) -> list[str]:
    """The removed texts listed in a JSON or JSONL report."""
    if fmt == "json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return [r["text"] for f in doc["files"] for r in f["removals"]]
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    return [r["text"] for r in rows if "text" in r]


def test_a_full_disk_while_writing_the_output_leaves_nothing(tmp_path):
    import resource
    import signal
    import subprocess

    from _cli_helpers import EXE, env

    src = tmp_path / "in.jsonl"
    pad = json.dumps("x" * 10_000)  # 1.5 MB of output: past the output buffer
    src.write_bytes(corpus(150).replace(b'{"id"', b'{"pad": ' + pad.encode() + b', "id"'))

    def small_files() -> None:  # writes past 64 KiB fail as on a full disk (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))

    out = tmp_path / "out.jsonl"
    proc = subprocess.run([EXE, "clean", "--jsonl", str(src), "-o", str(out)],
                          capture_output=True, env=env(), preexec_fn=small_files, timeout=120)
    assert_refused(proc, str(out), "cannot write")
    assert left_behind(tmp_path) == []


# ------------------------------------------------------- bounded memory

def peak_rss_mb(*args: str, **env_extra: str) -> tuple[float, bytes]:
    """Run ``boilerstrip ARGS`` as the only child of a fresh Python and return
    its peak resident memory in MB, and its stderr."""
    import subprocess
    import sys

    from _cli_helpers import EXE, env

    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.PIPE)\n"
             "sys.stderr.buffer.write(p.stderr)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    proc = subprocess.run([sys.executable, "-c", probe, EXE, *args], capture_output=True,
                          env=env(**env_extra), timeout=300)
    return int(proc.stdout) / 1024, proc.stderr


def test_one_huge_record_in_a_small_gzip_stops_at_the_limit(tmp_path):
    import zlib

    src = tmp_path / "bomb.jsonl.gz"
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    ok = b'{"text": "Share this article\\nA line of prose that stays.\\n"}\n'
    with open(src, "wb") as f:
        f.write(pack.compress(ok + b'{"text": "'))
        chunk = b"a" * (1 << 20)
        for _ in range(200):  # one 200 MB line
            f.write(pack.compress(chunk))
        f.write(pack.compress(b'"}\n' + ok) + pack.flush())
    assert src.stat().st_size < 1 << 20
    peak, stderr = peak_rss_mb("clean", "--jsonl", str(src), "--on-bad-record", "skip",
                               BOILERSTRIP_MAX_DOCUMENT_MB="4")
    text = stderr.decode()
    assert "Traceback" not in text
    assert f"{src}:2: record larger than the 4 MB limit" in text
    assert "2 records cleaned (2 removals), 0 unchanged, 1 skipped" in text
    assert peak < 120, f"peak RSS {peak:.0f} MB for a 200 MB record over a 4 MB limit"
    proc = run("clean", "--jsonl", str(src), BOILERSTRIP_MAX_DOCUMENT_MB="4")
    assert_refused(proc, f"{src}:2", "larger than the 4 MB limit")


def test_a_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    data = ("Share this article\n" + "A sentence of prose. " * 100_000 + "\n").encode()
    big.write_bytes(data)
    assert len(data) > 2 << 20
    proc = run("clean", str(big), BOILERSTRIP_MAX_DOCUMENT_MB="2")
    assert_refused(proc, str(big), "larger than the 2 MB limit")
    assert big.read_bytes() == data
    proc = run("clean", str(big), BOILERSTRIP_MAX_DOCUMENT_MB="lots")
    assert_refused(proc, "BOILERSTRIP_MAX_DOCUMENT_MB", "positive number")


def test_mine_skips_a_huge_record_and_refuses_a_cut_gzip(tmp_path):
    src = tmp_path / "c.jsonl.gz"
    # the huge record first: the records after it must still be found again
    # at their offsets (for the examples)
    data = b'{"text": "' + b"b" * (3 << 20) + b'"}\n' + b"".join(
        b'{"text": "Share this article\\nProse number %d.\\n"}\n' % i for i in range(3))
    src.write_bytes(gzip.compress(data))
    proc = run("mine", str(src), "--no-clean", "--min-docs", "2",
               BOILERSTRIP_MAX_DOCUMENT_MB="1")
    no_traceback(proc)
    assert proc.returncode == 0, err(proc)
    assert f"{src}:1: record larger than the 1 MB limit" in err(proc)
    assert "3 documents" in proc.stdout.decode()
    # the example is read again from the record after the huge one
    assert "> Share this article \u23ce Prose number 0.\n" in proc.stdout.decode()
    src.write_bytes(gzip.compress(data)[:-20])
    assert_refused(run("mine", str(src)), str(src), "truncated gzip data")


def test_stdin_over_the_limit_is_refused():
    data = ("A sentence of prose. " * 150_000 + "\n").encode()
    proc = run("clean", input=data, BOILERSTRIP_MAX_DOCUMENT_MB="2")
    assert_refused(proc, "<stdin>", "larger than the 2 MB limit")
    assert proc.stdout == b""
    assert run("clean", input=data, BOILERSTRIP_MAX_DOCUMENT_MB="4").stdout == data


# ------------------------------------------------------- killed mid-run

def test_a_run_killed_mid_output_leaves_no_temporary_file(tmp_path):
    import signal
    import subprocess
    import time

    from _cli_helpers import EXE, env, unnamed_temps_work

    if not unnamed_temps_work(tmp_path):
        pytest.skip("no unnamed temporary files here: a kill leaves one named file")
    out = tmp_path / "out" / "clean.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([EXE, "clean", "--jsonl", "-", "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env())
    try:
        proc.stdin.write(corpus(500))
        proc.stdin.flush()  # stdin stays open: the run waits for more records
        deadline = time.monotonic() + 60
        while not _has_file_open_in(proc.pid, out.parent):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        proc.kill()
        proc.stdin.close()
    assert list(out.parent.iterdir()) == []


def _has_file_open_in(pid: int, folder: Path) -> bool:
    """Whether process PID has a file of FOLDER open (its output's temporary file)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(f"{folder}/") for link in links)


# ------------------------------------------------------- fuzzing the reader

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from boilerstrip.errors import InputError  # noqa: E402
from boilerstrip.io.compressed import open_decompressed  # noqa: E402
from boilerstrip.io.jsonl import JsonlOptions, clean_record  # noqa: E402
from boilerstrip.io.limits import bounded_lines  # noqa: E402

_FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def cleaner():
    import boilerstrip

    return boilerstrip.Cleaner()


@_FUZZ
@given(line=st.one_of(st.binary(max_size=200),
                      st.builds(lambda a, b: a + b, st.sampled_from(
                          [b'{"text": "', b'{"text": ', b'[', b'{"text": "a", "x": [', b'"\\ud8']),
                          st.binary(max_size=60))),
       limit=st.integers(4, 300))
def test_any_bytes_make_a_record_or_a_one_line_error(cleaner, line, limit):
    for n, got in bounded_lines(io_bytes(line + b"\n"), limit):
        done = clean_record(got, n, cleaner, JsonlOptions(max_record_bytes=limit))
        if done.error:
            assert done.line is None and "\n" not in done.error
            assert done.error.startswith(f"<stdin>:{n}: ")
        else:
            assert done.line is not None and done.line.endswith(got[len(got.rstrip(b"\r\n")):])
            assert len(got.rstrip(b"\r\n")) <= limit  # a cut line is never written


def io_bytes(data: bytes):
    import io

    return io.BufferedReader(io.BytesIO(data), 16)


@_FUZZ
@given(data=st.binary(max_size=400), limit=st.integers(1, 50))
def test_bounded_lines_give_back_every_line_that_fits(data, limit):
    lines = [ln for _, ln in bounded_lines(io_bytes(data), limit)]
    import io

    whole = io.BytesIO(data).readlines()  # split at LF only, as JSON Lines are
    assert len(lines) == len(whole)
    for got, want in zip(lines, whole):
        assert got == (want if len(want) <= limit + 2 else want[:limit + 2])


@_FUZZ
@given(data=st.binary(max_size=300), kind=st.sampled_from(["gzip", "zstd"]),
       packed=st.booleans(), cut=st.integers(0, 400))
def test_any_compressed_bytes_read_fully_or_raise_an_input_error(data, kind, packed, cut):
    if packed:  # a real stream, maybe cut short
        whole = gzip.compress(data) if kind == "gzip" else zstandard.compress(data)
        data = whole[:cut]
    try:
        out = open_decompressed(kind, io_bytes(data), "x").read()
    except InputError as exc:
        assert str(exc).startswith("x: ") and "\n" not in str(exc)
        assert not packed or cut < len(whole)
    else:
        assert not packed or cut >= len(whole) or (cut == 0 and kind == "gzip") or out == b""


# JSON numbers json.dumps would not write back as they were
_NUMBERS = st.sampled_from(["1e400", "-1E+400", "0.1000000000000000000000001", "-0",
                            "-0.0", "1" * 30, "3.0", "1e-400", "12E2"])
_SCALARS = st.one_of(_NUMBERS, st.just("null"), st.just("true"),
                     st.text(max_size=8).map(lambda s: json.dumps(s, ensure_ascii=False)),
                     st.text(max_size=8).map(json.dumps))
_SPACE = st.sampled_from(["", " ", "  ", "\t", " \t "])


@st.composite
def raw_values(draw, depth: int = 2) -> str:
    """The JSON text of a value, spelled as a person or another tool might."""
    if depth == 0 or draw(st.booleans()):
        return draw(_SCALARS)
    items = draw(st.lists(raw_values(depth - 1), max_size=3))
    if draw(st.booleans()):
        return "[" + ",".join(draw(_SPACE) + i + draw(_SPACE) for i in items) + "]"
    keys = draw(st.lists(st.sampled_from(["a", "b", "é", "text"]), min_size=len(items),
                         max_size=len(items)))
    return "{" + ",".join(f'{draw(_SPACE)}"{k}"{draw(_SPACE)}:{draw(_SPACE)}{v}'
                          for k, v in zip(keys, items)) + "}"


_TEXTS = st.lists(st.sampled_from(["Share this article", "Read more:", "Advertisement",
                                   "The council met on Monday to talk about roads.",
                                   "Prices rose by 3% in May, the office said.", "",
                                   "Follow us on Twitter", "Ünïcode “quoted” prose\u2028here."]),
                  max_size=6).map(lambda ls: "\n".join(ls) + "\n")


@_FUZZ
@given(before=st.lists(st.tuples(st.sampled_from(["id", "meta", "url", "a", "id"]),
                                 raw_values()), max_size=4),
       after=st.lists(st.tuples(st.sampled_from(["id", "z", "meta"]), raw_values()),
                      max_size=3),
       text=_TEXTS, ascii_text=st.booleans(), pad=_SPACE, ending=st.sampled_from(["\n", "\r\n", ""]))
def test_valid_records_keep_every_byte_but_the_text(cleaner, before, after, text, ascii_text,
                                                    pad, ending):
    members = [f'"{k}":{pad}{v}' for k, v in before]
    head = "{" + pad + ",".join(members) + ("," if members else "") + pad + '"text":' + pad
    tail = pad + "".join(f',{pad}"{k}": {v}' for k, v in after) + pad + "}" + ending
    line = (head + json.dumps(text, ensure_ascii=ascii_text) + tail).encode()
    done = clean_record(line, 1, cleaner, JsonlOptions())
    assert not done.error, done.error
    new = cleaner.clean(text).text
    if new == text:
        assert done.line == line
    else:
        assert done.line == (head + json.dumps(new, ensure_ascii=False) + tail).encode()


def test_compressed_stdin_is_recognised_when_its_first_bytes_come_one_by_one():
    import subprocess

    from _cli_helpers import EXE, env

    packed = gzip.compress(corpus(3))
    proc = subprocess.Popen([EXE, "clean", "--jsonl", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    for i in range(3):  # the magic bytes arrive in separate writes, each read alone
        _wait_for_pipe_read(proc.pid)
        proc.stdin.write(packed[i:i + 1])
        proc.stdin.flush()
    out, errs = proc.communicate(packed[3:], timeout=60)
    assert proc.returncode == 1, errs.decode()
    assert out == corpus(3).replace(b"\\nShare this article\\n", b"\\n")


def _wait_for_pipe_read(pid: int) -> None:
    """Wait until process PID waits for its stdin pipe (skip where Linux's
    /proc/PID/wchan does not say)."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            wchan = Path(f"/proc/{pid}/wchan").read_text()
        except OSError:
            pytest.skip("no /proc/PID/wchan here")
        if "pipe_read" in wchan or "pipe_wait" in wchan:
            time.sleep(0.1)
            return
        time.sleep(0.02)
    pytest.fail("the run never waited for its stdin")


def test_a_blank_line_over_the_limit_is_not_written_back_cut(cleaner):
    data = b'{"text": "a"}\n' + b" " * 100 + b"\n" + b'{"text": "b"}\n'
    opts = JsonlOptions(max_record_bytes=20)
    done = [clean_record(line, n, cleaner, opts) for n, line in bounded_lines(io_bytes(data), 20)]
    assert [d.line for d in done] == [b'{"text": "a"}\n', None, b'{"text": "b"}\n']
    assert "record larger than" in done[1].error


def test_explain_on_a_file_over_the_limit_is_refused(tmp_path):
    # (an endless /dev/zero is refused before any read: tests/test_files_safety.py)
    big = tmp_path / "big.txt"
    big.write_bytes(b"A line of text.\n" * (1 << 17))  # 2 MB
    proc = run("explain", str(big), BOILERSTRIP_MAX_DOCUMENT_MB="1", timeout=60)
    assert_refused(proc, "big.txt", "larger than the 1 MB limit")
