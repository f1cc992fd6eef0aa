"""The datatrove step and the batched recipes give the same texts as the CLI."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import boilerstrip

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "bench" / "data" / "sh181" / "extract-trafilatura").glob("*.txt"))[:120] \
    + sorted((ROOT / "bench" / "data" / "tf-dev" / "extract-trafilatura").glob("*.txt"))[:180]


@pytest.fixture(scope="module")
def jsonl_input(tmp_path_factory):
    d = tmp_path_factory.mktemp("jsonl")
    src = d / "in"
    src.mkdir()
    records = [{"id": p.stem, "text": p.read_bytes().decode("utf-8"), "url": p.name}
               for p in CORPUS]
    assert len(records) >= 200
    # four shards, so that four datatrove tasks each get one
    for k in range(4):
        with open(src / f"shard{k}.jsonl", "w", encoding="utf-8") as fh:
            for r in records[k::4]:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return d, records


def _cli_texts(path: Path) -> dict[str, str]:
    """`boilerstrip clean --jsonl` over one file: {id: cleaned text}."""
    exe = shutil.which("boilerstrip")
    proc = subprocess.run([exe, "clean", "--jsonl", str(path)], capture_output=True)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return {r["id"]: r["text"] for r in map(json.loads, proc.stdout.decode().splitlines())}


def test_datatrove_pipeline_matches_cli(jsonl_input, tmp_path):
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    d, records = jsonl_input
    step = BoilerstripCleaner(report="summary")
    assert pickle.loads(pickle.dumps(step)).options == step.options
    out = tmp_path / "out"
    logs = tmp_path / "logs"
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(d / "in"), compression=None),
        step,
        JsonlWriter(str(out), compression=None),
    ], tasks=4, workers=2, logging_dir=str(logs)).run()

    got: dict[str, dict] = {}
    for f in sorted(out.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            got[r["id"]] = r
    assert len(got) == len(records)

    expected: dict[str, str] = {}
    for f in sorted((d / "in").glob("*.jsonl")):
        expected.update(_cli_texts(f))
    assert {k: v["text"] for k, v in got.items()} == expected

    # the report travels in the metadata and the stats add up
    changed = sum(1 for r in records if expected[r["id"]] != r["text"])
    assert sum(1 for r in got.values() if r["metadata"]["boilerstrip"]["removals"]) >= changed
    stats = json.loads((logs / "stats.json").read_text())
    mine = next(s for s in stats if "boilerstrip" in s["name"])["stats"]

    def total(name: str) -> int:
        # datatrove writes plain counters as ints, valued ones as {"total": ...}
        v = mine.get(name, 0)
        return v if isinstance(v, (int, float)) else v["total"]

    assert total("total") == len(records)
    assert total("forwarded") == len(records)
    assert total("changed") == changed
    removals = sum(r["metadata"]["boilerstrip"]["removals"] for r in got.values())
    assert total("removals") == removals


def test_datatrove_drops_guarded_and_empty(tmp_path):
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    docs = [Document(text="Already a subscriber? Log in.\n", id="a"),
            Document(text="A real paragraph of the article, long enough to stay.\n", id="b")]
    step = BoilerstripCleaner(drop_empty=True, allow_large_removals=True)
    kept = list(step.run(iter(docs)))
    assert [d.id for d in kept] == ["b"]
    assert step.stats["dropped_empty"].total == 1

    docs = [Document(text="Already a subscriber? Log in.\nShort line.\n", id="c")]
    guarded = BoilerstripCleaner(drop_guarded=True, max_removed_share=0.3)
    assert list(guarded.run(iter(docs))) == []
    assert guarded.stats["dropped_guarded"].total == 1


def test_datasets_map_recipe(jsonl_input):
    datasets = pytest.importorskip("datasets")
    from boilerstrip.integrations.batch import clean_batch

    d, records = jsonl_input
    ds = datasets.Dataset.from_list(records[:200])
    out = ds.map(clean_batch, batched=True, batch_size=32, num_proc=2,
                 fn_kwargs={"text_field": "text", "report": "summary"})
    expected = {}
    for f in sorted((d / "in").glob("*.jsonl")):
        expected.update(_cli_texts(f))
    assert [r["text"] for r in out] == [expected[r["id"]] for r in records[:200]]
    assert all(r["boilerstrip"]["status"] in ("cleaned", "guarded") for r in out)
    assert out[0]["url"] == records[0]["url"]  # other columns untouched


def test_pandas_recipe_report_is_json():
    pd = pytest.importorskip("pandas")
    from boilerstrip.integrations.batch import clean_pandas

    body = "The council approved the budget after a long debate on Tuesday night.\n"
    df = pd.DataFrame({"text": [body + "\nAlready a subscriber? Log in.\n", "Plain."],
                       "n": [1, 2]})
    out = clean_pandas(df)
    assert list(out["text"]) == [body, "Plain."]
    assert json.loads(out["boilerstrip"][0])["categories"]["login-prompt"] == 1
    assert list(out["n"]) == [1, 2]


BODY = "The council approved the budget after a long debate on Tuesday night.\n"
DIRTY = BODY + "\nAlready a subscriber? Log in.\n"


def test_ray_map_batches_recipe():
    ray = pytest.importorskip("ray")
    from boilerstrip.integrations.batch import clean_pandas

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             ignore_reinit_error=True)
    try:
        ds = ray.data.from_items([{"id": i, "text": DIRTY if i % 2 else BODY} for i in range(40)])
        rows = ds.map_batches(clean_pandas, batch_format="pandas",
                              fn_kwargs={"text_field": "text"}).take_all()
    finally:
        ray.shutdown()
    assert len(rows) == 40
    assert all(r["text"] == BODY for r in rows)
    reports = [json.loads(r["boilerstrip"]) for r in rows]
    assert sum(1 for r in reports if r["categories"].get("login-prompt")) == 20


def test_spark_map_in_pandas_recipe():
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("PySpark needs a Java runtime (apt-get install default-jre-headless)")
    import functools

    from pyspark.sql import SparkSession

    from boilerstrip.integrations.batch import clean_pandas_iter

    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        df = spark.createDataFrame([(i, DIRTY if i % 2 else BODY) for i in range(30)],
                                   "id long, text string")
        rows = df.mapInPandas(functools.partial(clean_pandas_iter, text_field="text"),
                              schema="id long, text string, boilerstrip string").collect()
    finally:
        spark.stop()
    assert len(rows) == 30
    assert all(r["text"] == BODY for r in rows)
    assert sum(json.loads(r["boilerstrip"])["removals"] > 0 for r in rows) == 15
