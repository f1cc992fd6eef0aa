"""``boilerstrip clean --jsonl``: streaming JSON Lines corpora through the installed CLI."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_helpers import EXE, EXPECTED, PLAIN, SEED, env, err, no_traceback, run

import boilerstrip

CLEANER = boilerstrip.Cleaner()


def records(n: int = 6) -> list[dict]:
    out = []
    for i in range(n):
        text = [SEED, PLAIN, SEED.replace("\n", "\r\n"), "Ünïcode prose stays — “quoted”.\n"][i % 4]
        out.append({"id": i, "url": f"https://example.org/{i}", "text": text,
                    "meta": {"score": 0.1 * i, "tags": ["a", "b"], "big": 2 ** 70}})
    return out


def write_jsonl(path: Path, recs: list[dict], opener=open) -> bytes:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()
    with opener(path, "wb") as f:
        f.write(data)
    return data


def parse(data: bytes) -> list[dict]:
    return [json.loads(x) for x in data.decode().splitlines()]


def test_records_are_cleaned_in_order_with_other_fields_untouched(tmp_path):
    src = tmp_path / "in.jsonl"
    recs = records()
    data = write_jsonl(src, recs)
    proc = run("clean", "--jsonl", str(src))
    assert proc.returncode == 1, err(proc)
    out = parse(proc.stdout)
    assert [r["id"] for r in out] == [r["id"] for r in recs]
    for before, after in zip(recs, out):
        assert after["text"] == CLEANER.clean(before["text"]).text
        assert {k: v for k, v in after.items() if k != "text"} == \
            {k: v for k, v in before.items() if k != "text"}
    assert out[0]["text"] == EXPECTED
    # records whose text did not change are written back byte for byte
    in_lines = data.splitlines(keepends=True)
    out_lines = proc.stdout.splitlines(keepends=True)
    assert out_lines[1] == in_lines[1] and out_lines[3] == in_lines[3]
    assert err(proc).strip().splitlines()[-1] == (
        f"3 records cleaned ({3 * len(CLEANER.clean(SEED).changes)} removals), 3 unchanged")


def test_text_field_and_report_field(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"body": SEED, "n": 1}, {"body": PLAIN, "n": 2}])
    proc = run("clean", "--jsonl", str(src), "--text-field", "body", "--report-field",
               "removed")
    out = parse(proc.stdout)
    assert out[0]["body"] == EXPECTED
    rem = out[0]["removed"]
    assert len(rem) == len(CLEANER.clean(SEED).changes)
    for r in rem:
        assert SEED[r["start"]:r["end"]] == r["text"] and r["status"] == "cleaned"
        assert {"rule", "category", "line"} <= set(r)
    assert out[1]["removed"] == [] and out[1]["body"] == PLAIN


def test_stdin_and_compressed_stdin(tmp_path):
    data = "".join(json.dumps(r) + "\n" for r in records(4)).encode()
    plain = run("clean", "--jsonl", input=data)
    assert plain.returncode == 1
    gz = run("clean", "--jsonl", "-", input=gzip.compress(data))
    assert gz.stdout == plain.stdout


def test_gzip_in_and_out_by_suffix(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    write_jsonl(src, records(), gzip.open)
    dst = tmp_path / "out.jsonl.gz"
    proc = run("clean", "--jsonl", str(src), "-o", str(dst))
    assert proc.returncode == 1 and proc.stdout == b""
    out = parse(gzip.decompress(dst.read_bytes()))
    assert out[0]["text"] == EXPECTED and len(out) == 6
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_zstd_in_and_out_by_suffix(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    src = tmp_path / "in.jsonl.zst"
    data = "".join(json.dumps(r) + "\n" for r in records()).encode()
    src.write_bytes(zstandard.ZstdCompressor().compress(data))
    dst = tmp_path / "out.jsonl.zst"
    proc = run("clean", "--jsonl", str(src), "-o", str(dst))
    assert proc.returncode == 1, err(proc)
    with zstandard.ZstdDecompressor().stream_reader(open(dst, "rb")) as r:
        out = parse(r.read())
    assert out[0]["text"] == EXPECTED and len(out) == 6


def test_zstd_without_the_package_is_a_clear_error(tmp_path):
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "zstandard.py").write_text("raise ImportError('not installed')\n")
    src = tmp_path / "in.jsonl.zst"
    src.write_bytes(b"\x28\xb5\x2f\xfd")
    proc = run("clean", "--jsonl", str(src), PYTHONPATH=str(stub))
    assert proc.returncode == 2
    assert err(proc).strip() == (f"error: {src}: Zstandard files need the 'zstandard' "
                                 f"package (pip install zstandard)")


OK = json.dumps({"text": PLAIN}).encode() + b"\n"
AFTER = json.dumps({"text": PLAIN.upper()}).encode() + b"\n"
BAD = [
    (b"not json\n", "not valid JSON: Expecting value (column 1)"),
    (b"[1, 2]\n", "record is a JSON list, not an object"),
    (b'{"body": "x"}\n', "record has no 'text' field"),
    (b'{"text": null}\n', "field 'text' is null, not a string"),
    (b'{"text": "caf\xe9"}\n', "not valid UTF-8"),
]


@pytest.mark.parametrize("bad, what", BAD, ids=["json", "list", "field", "null", "utf8"])
def test_bad_record_is_an_error_naming_the_line(tmp_path, bad, what):
    src = tmp_path / "in.jsonl"
    src.write_bytes(OK + bad + AFTER)
    dst = tmp_path / "out.jsonl"
    proc = run("clean", "--jsonl", str(src), "-o", str(dst))
    assert proc.returncode == 2
    assert f"error: {src}:2: {what}" in err(proc)
    assert not dst.exists()  # no half-written output
    assert [p.name for p in tmp_path.iterdir()] == ["in.jsonl"]
    skip = run("clean", "--jsonl", str(src), "--on-bad-record", "skip")
    assert skip.returncode == 0
    assert skip.stdout == OK + AFTER
    assert f"warning: {src}:2: {what}" in err(skip)
    assert err(skip).strip().splitlines()[-1] == \
        "0 records cleaned (0 removals), 2 unchanged, 1 skipped"
    no_traceback(proc)


def test_blank_lines_pass_through(tmp_path):
    data = b'{"text": "A line."}\n\n{"text": "B line."}\n'
    proc = run("clean", "--jsonl", input=data)
    assert proc.returncode == 0 and proc.stdout == data


def test_check_and_report(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(4))
    rep = tmp_path / "r.jsonl"
    proc = run("clean", "--jsonl", "--check", str(src), "--report", str(rep))
    assert proc.returncode == 1 and proc.stdout == b""
    recs = [json.loads(x) for x in rep.read_text().splitlines()]
    assert {r["record"] for r in recs} == {1, 3}
    assert all(r["file"] == str(src) for r in recs)
    assert run("clean", "--jsonl", "--check", input=b'{"text": "Nothing here."}\n'
               ).returncode == 0


def test_jobs_give_the_same_output(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(40))
    one = run("clean", "--jsonl", str(src))
    two = run("clean", "--jsonl", str(src), "-j", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stderr == two.stderr
    # many batches in flight (cheap rules keep it fast), results still in input order
    rules = tmp_path / "cheap.yml"
    rules.write_text(CHEAP_RULE)
    write_jsonl(src, records(4000))
    opts = ["--no-default-rules", "--rules", str(rules), "--report-field", "r"]
    one = run("clean", "--jsonl", str(src), *opts)
    two = run("clean", "--jsonl", str(src), *opts, "-j", "2")
    assert one.returncode == 1 and one.stdout == two.stdout and one.stderr == two.stderr
    assert [json.loads(x)["id"] for x in two.stdout.splitlines()] == list(range(4000))


def test_closed_stdout_ends_quietly(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(400))
    proc = subprocess.run(["bash", "-o", "pipefail", "-c",
                           f"{EXE} clean --jsonl {src} | head -n 2 >/dev/null"],
                          capture_output=True, env=env(), timeout=120)
    assert proc.stderr == b""
    assert proc.returncode == 1


def test_usage_errors(tmp_path):
    for args in (["clean", "--jsonl", "a", "b"], ["clean", "--jsonl", "--diff", "x"],
                 ["clean", "--jsonl", "--output-dir", "d", "x"],
                 ["clean", "--report-field", "r", "x.txt"]):
        proc = run(*args)
        assert proc.returncode == 2, args
    proc = run("clean", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 2
    assert err(proc).strip() == f"error: {tmp_path / 'missing.jsonl'}: no such file"


# ------------------------------------------------------------------ memory

#: One cheap rule: memory flatness is a property of the streaming, not of the
#: rules, and the default rules would make a 20 MB run take minutes of CPU.
CHEAP_RULE = """\
rules:
  - id: t.js
    category: javascript-notice
    kind: line
    order: 500
    description: test rule
    pattern: 'please enable javascript.*'
    examples:
      remove: ["Please enable JavaScript.", "please enable javascript now"]
      keep: ["JavaScript is a language.", "Please enable it."]
"""


def _generate(path: Path, megabytes: int) -> int:
    """A JSONL file of about MEGABYTES, with boilerplate in most records; its line count."""
    rec = [json.dumps({"id": i, "text": t}) + "\n"
           for i, t in enumerate([SEED, PLAIN * 3, SEED.replace("Rome", "Doha")])]
    block = "".join(rec).encode() * 50
    n = lines = 0
    with open(path, "wb") as f:
        while n < megabytes * 1_000_000:
            f.write(block)
            n += len(block)
            lines += 150
    return lines


def _peak_rss_kb(args: list[str]) -> tuple[int, int]:
    """Run ARGS in a child of a fresh Python and return (exit code, its peak RSS in kB)."""
    code = ("import resource, subprocess, sys\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env(),
                         timeout=3600, check=True)
    rc, rss = out.stdout.split()
    return int(rc), int(rss)


def _memory_is_flat(tmp_path: Path, megabytes: int, jobs: str) -> None:
    rules = tmp_path / "cheap.yml"
    rules.write_text(CHEAP_RULE)
    small = tmp_path / "small.jsonl"
    big = tmp_path / "big.jsonl"
    _generate(small, 1)
    lines = _generate(big, megabytes)
    size = big.stat().st_size
    opts = ["--no-default-rules", "--rules", str(rules), "-j", jobs]
    rc_small, rss_small = _peak_rss_kb([EXE, "clean", "--jsonl", str(small), *opts])
    rc_big, rss_big = _peak_rss_kb([EXE, "clean", "--jsonl", str(big), *opts,
                                    "-o", str(tmp_path / "out.jsonl.gz")])
    assert rc_small == rc_big == 1
    growth_mb = (rss_big - rss_small) / 1024
    # The file is `megabytes` MB; memory may not grow with it.
    assert growth_mb < 20, f"peak RSS grew by {growth_mb:.0f} MB on a {size / 1e6:.0f} MB file"
    with gzip.open(tmp_path / "out.jsonl.gz", "rb") as f:
        assert sum(1 for _ in f) == lines  # every record written back


def test_memory_stays_flat_on_a_20_mb_file(tmp_path):
    _memory_is_flat(tmp_path, 20, "1")


@pytest.mark.slow
def test_memory_stays_flat_on_a_big_file_with_jobs(tmp_path, full_size):
    _memory_is_flat(tmp_path, 300 if full_size else 20, "0")


# ------------------------------------------------------------------ one pipeline

def test_a_guarded_record_is_worded_as_a_guarded_file(tmp_path):
    short = "Hello.\n\nAlready a subscriber? Log in.\n"
    txt = tmp_path / "short.txt"
    txt.write_text(short, encoding="utf-8")
    src = tmp_path / "short.jsonl"
    write_jsonl(src, [{"text": short}])
    as_file = err(run("clean", "--check", str(txt))).splitlines()[0]
    as_record = [ln for ln in err(run("clean", "--jsonl", "-v", str(src))).splitlines()
                 if "guarded:" in ln]
    assert as_file.startswith(f"{txt}: guarded: ")
    assert as_record == [f"{src}:1: guarded: " + as_file.split(": guarded: ", 1)[1]]
    assert "(limit 80%)" in as_record[0]


def _progress_steps(path: Path, jobs: int) -> tuple[list[int], int]:
    """The byte steps a progress bar gets, record by record, on PATH."""
    from boilerstrip.io import jsonl as jsonl_io
    from boilerstrip.pipeline.run import record_outcomes

    source = jsonl_io.open_source(str(path))
    try:
        steps = [o.size for o in record_outcomes(source, boilerstrip.Cleaner(default_rules=False),
                                                 jsonl_io.JsonlOptions(name=str(path)), jobs)]
    finally:
        source.close()
    return steps, path.stat().st_size


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_on_compressed_input_follows_the_records_done(tmp_path, jobs):
    # Words drawn at random compress about 3:1: a 1.5 MB .gz read in 1 MB chunks
    # made the bar jump 0% -> 70% -> 100%, then sit at 100% while records were left.
    import random

    rnd = random.Random(7)
    vocab = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9)))
             for _ in range(3000)]
    recs = [{"id": i, "text": " ".join(rnd.choice(vocab) for _ in range(300)) + ".\n"}
            for i in range(2000)]
    src = tmp_path / "big.jsonl.gz"
    write_jsonl(src, recs, gzip.open)
    steps, size = _progress_steps(src, jobs)
    assert len(steps) == len(recs)
    assert sum(steps) == size                   # ends exactly at the compressed size
    assert max(steps) < size * 0.05             # no jump
    assert sum(steps[:-len(steps) // 10]) < size * 0.95  # not at 100% with a tenth to go
