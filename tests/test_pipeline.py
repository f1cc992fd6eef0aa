"""The document pipeline under ``boilerstrip clean``: the ordered pool, the one
loop to the sinks, and the run summary, without the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from boilerstrip.pipeline.clean import Outcome
from boilerstrip.pipeline.pool import ordered
from boilerstrip.pipeline.run import consume
from boilerstrip.pipeline.summary import RunSummary
from boilerstrip.reports.writers import FileReport


def _square_all(offset: int, batch: list[int]) -> list[int]:
    """A worker step: module level, so the pool can send it by name."""
    return [offset + x * x for x in batch]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_pool_keeps_the_input_order(jobs):
    batches = [list(range(k, k + 7)) for k in range(0, 70, 7)]
    got = [x for out in ordered(_square_all, batches, 1000, jobs) for x in out]
    assert got == [1000 + x * x for x in range(70)]


def test_closing_the_pool_early_stops_it():
    batches = ([k] for k in range(10_000))
    gen = ordered(_square_all, batches, 0, 2)
    assert next(gen) == [0] and next(gen) == [1]
    gen.close()  # must return, not wait for 10,000 batches
    with pytest.raises(StopIteration):
        next(gen)


_INHERITS = """
import gc
from boilerstrip.pipeline.pool import ordered
from test_pipeline import _call_state
got = [x for out in ordered(_call_state, [[1, 2], [3], [4, 5]], lambda x: -x, 2) for x in out]
assert got == [-1, -2, -3, -4, -5], got
assert gc.get_freeze_count() == 0, "the parent's heap is left frozen"
"""


def _call_state(state, batch: list[int]) -> list[int]:
    return [state(x) for x in batch]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_forked_workers_inherit_the_state_unpickled():
    """The workers get the state (the built cleaner) by fork, not by pickling
    it: a lambda cannot be pickled, so this fails unless they inherit it. In
    a fresh process: a thread left running by another test would rightly
    make the pool fall back to the platform's default start method."""
    tests = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [tests] + [p for p in (os.environ.get("PYTHONPATH"),) if p]))
    proc = subprocess.run([sys.executable, "-c", _INHERITS], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


class _Sink:
    def __init__(self, close_after: int | None = None) -> None:
        self.data: list[bytes] = []
        self.close_after = close_after

    @property
    def closed(self) -> bool:
        return self.close_after is not None and len(self.data) >= self.close_after

    def write(self, data: bytes) -> None:
        self.data.append(data)


def _record(n: int, status: str = "unchanged") -> Outcome:
    return Outcome(FileReport("in.jsonl", status, record=n), f"{n}\n".encode())


def _consume(outcomes, sink, skip: bool):
    said: list[tuple[str, str]] = []
    announced: list[FileReport] = []
    summary = consume(outcomes, RunSummary(), announce=announced.append,
                      say=lambda kind, text: said.append((kind, text)), sink=sink,
                      skip_bad_records=skip)
    return summary, said, announced


@pytest.mark.parametrize("skip", [True, False])
def test_a_bad_record_is_skipped_or_ends_the_run(skip):
    outcomes = [_record(1, "cleaned"), Outcome(None, error="in.jsonl:2: not valid JSON"),
                _record(3)]
    sink = _Sink()
    summary, said, announced = _consume(outcomes, sink, skip)
    if skip:
        assert sink.data == [b"1\n", b"3\n"] and len(announced) == 2
        assert said == [("warning", "in.jsonl:2: not valid JSON; record skipped")]
        assert summary.counts["skipped"] == 1 and summary.exit_code(True) == 1
    else:
        assert sink.data == [b"1\n"] and len(announced) == 1
        assert said == [("error", "in.jsonl:2: not valid JSON")]
        assert summary.counts["error"] == 1 and summary.exit_code(True) == 2


def test_a_closed_output_ends_the_run_quietly():
    sink = _Sink(close_after=2)
    summary, said, _ = _consume((_record(n) for n in range(1, 100)), sink, False)
    assert sink.data == [b"1\n", b"2\n"] and summary.stopped and not said


def test_summary_line_and_exit_codes():
    summary = RunSummary()
    for status in ("cleaned", "cleaned", "unchanged", "guarded", "error"):
        summary.add(FileReport("f", status))
    assert summary.line(check=True) == ("2 files would be cleaned (0 removals), 1 unchanged, "
                                        "1 guarded, 1 error")
    assert summary.exit_code(changed_is_failure=False) == 2
    summary.counts["error"] = 0
    assert summary.exit_code(True) == 1 and summary.exit_code(False) == 0


# ------------------------------------------------------------------ preparing before a fork

def _count_calls(calls: list, batch: list[int]) -> list[int]:
    return [len(calls)] * len(batch)


@pytest.mark.parametrize("jobs", [1, 2])
def test_prepare_runs_once_before_a_pool_and_never_with_one_job(jobs):
    calls: list[str] = []
    got = list(ordered(_square_all, [[1], [2], [3]], 0, jobs,
                       prepare=lambda: calls.append("prepared")))
    assert got == [[1], [4], [9]]
    from boilerstrip.pipeline.pool import _fork_context

    forked = jobs > 1 and _fork_context() is not None  # spawned workers would not inherit it
    assert calls == (["prepared"] if forked else [])


def test_the_cleaner_is_prepared_only_for_a_pool_with_enough_input():
    from boilerstrip.pipeline.run import PREPARE_BYTES_PER_WORKER, preparing

    class Stub:
        def prepare(self) -> None:
            pass

    stub = Stub()
    enough = 2 * PREPARE_BYTES_PER_WORKER
    assert preparing(stub, 2, enough) == stub.prepare
    assert preparing(stub, 2, enough - 1) is None  # less than that per worker
    assert preparing(stub, 1, 100 * enough) is None  # no pool, nothing to share
    assert preparing(stub, 2, None) is None  # size unknown (stdin)


# Written for this test: a few lines in each of four languages, long enough
# for the language detector, with a line of debris each.
_IN_LANGUAGES = {
    "de": "Die Regierung hat am Montag in der Hauptstadt einen neuen Plan für die Schulen "
          "vorgestellt, und die Lehrer sind mit dem Entwurf nicht zufrieden.\n"
          "Die Eltern wollen, dass die Kinder mehr Zeit für das Lesen haben.\nTeilen\n",
    "fr": "Le gouvernement a présenté lundi dans la capitale un nouveau plan pour les écoles, "
          "et les enseignants ne sont pas satisfaits du projet.\n"
          "Les parents veulent que les enfants aient plus de temps pour la lecture.\nPartager\n",
    "es": "El gobierno presentó el lunes en la capital un nuevo plan para las escuelas, y los "
          "maestros no están contentos con el proyecto.\n"
          "Los padres quieren que los niños tengan más tiempo para la lectura.\nCompartir\n",
    "en": "The government presented a new plan for the schools in the capital on Monday, and "
          "the teachers are not happy with the draft.\n"
          "Parents want the children to have more time for reading.\nShare this\n",
}


def test_a_prepared_cleaner_builds_nothing_more_and_cleans_the_same():
    """After ``prepare`` (what a pool's parent does before forking), a document
    in any pack language finds its stages and compiled literal index built."""
    from boilerstrip import Cleaner
    from boilerstrip.engine.index import TIERS

    prepared, fresh = Cleaner(), Cleaner()
    prepared.prepare()
    plans = dict(prepared._plans)
    for lang, text in _IN_LANGUAGES.items():
        detection = prepared.detect(text)
        assert detection.language == lang and detection.gated, (lang, detection)
        _stages, index = plans[detection.languages]
        assert all(index.for_lines(t)._split is not None for t in (*TIERS, None))
        assert prepared.clean(text) == fresh.clean(text)
    assert prepared._plans == plans  # nothing built on first use


_OWN_PROCESS = """
import gc, io, sys
sys.argv = ["boilerstrip", "clean"]
sys.stdin = io.TextIOWrapper(io.BytesIO(b"Just a line.\\n"))
from boilerstrip.cli import main
open("a.txt", "w").write("Another line.\\n")
assert main(["clean", "-q", "--check", "a.txt"]) == 0
assert gc.get_freeze_count() == 0, "a test calling main(ARGV) froze its heap"
code = main()
sys.stdout.flush()
assert code == 0 and gc.isenabled() and gc.get_freeze_count() > 0
"""


def test_the_command_freezes_its_start_up_heap_only_in_its_own_process(tmp_path):
    proc = subprocess.run([sys.executable, "-c", _OWN_PROCESS], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Just a line.\n"
