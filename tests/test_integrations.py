"""The datatrove step and the batched recipes give the same texts as the CLI.

The engines (datatrove, datasets, pandas, Ray, PySpark) come with the ``test``
extra, so a missing one fails here rather than skipping; only PySpark's Java
runtime, a system program, may be absent (skipped with a reason).
"""

from __future__ import annotations

import gzip
import json
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Small on purpose: the engines are what is tested here, not the rules; a few
# dozen real documents from both corpora are enough to cross task boundaries.
CORPUS = sorted((ROOT / "bench" / "data" / "sh181" / "extract-trafilatura").glob("*.txt"))[:16] \
    + sorted((ROOT / "bench" / "data" / "tf-dev" / "extract-trafilatura").glob("*.txt"))[:16]
SHARDS = 2


@pytest.fixture(scope="module")
def jsonl_input(tmp_path_factory):
    """(folder with in/shard*.jsonl, records, {id: text as `boilerstrip clean --jsonl` cleans it})."""
    d = tmp_path_factory.mktemp("jsonl")
    src = d / "in"
    src.mkdir()
    records = [{"id": p.stem, "text": p.read_bytes().decode("utf-8"), "url": p.name}
               for p in CORPUS]
    assert len(records) == 32
    # one shard per datatrove task
    for k in range(SHARDS):
        with open(src / f"shard{k}.jsonl", "w", encoding="utf-8") as fh:
            for r in records[k::SHARDS]:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    expected: dict[str, str] = {}
    for f in sorted(src.glob("*.jsonl")):
        expected.update(_cli_texts(f))
    assert any(expected[r["id"]] != r["text"] for r in records)  # something to clean
    return d, records, expected


def _cli_texts(path: Path) -> dict[str, str]:
    """`boilerstrip clean --jsonl` over one file: {id: cleaned text}."""
    exe = shutil.which("boilerstrip")
    proc = subprocess.run([exe, "clean", "--jsonl", str(path)], capture_output=True)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return {r["id"]: r["text"] for r in map(json.loads, proc.stdout.decode().splitlines())}


def test_datatrove_pipeline_matches_cli(jsonl_input, tmp_path):
    """The documented pipeline, with datatrove's default compression (gzip out)."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    d, records, expected = jsonl_input
    step = BoilerstripCleaner(report="summary")
    assert pickle.loads(pickle.dumps(step)).options == step.options
    out = tmp_path / "out"
    logs = tmp_path / "logs"
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(d / "in")),
        step,
        JsonlWriter(str(out)),
    ], tasks=SHARDS, workers=2, logging_dir=str(logs)).run()

    got: dict[str, dict] = {}
    written = sorted(out.glob("*.jsonl.gz"))
    assert len(written) == SHARDS
    for f in written:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                got[r["id"]] = r
    assert len(got) == len(records)
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
    import datasets

    from boilerstrip.integrations.batch import clean_batch

    d, records, expected = jsonl_input
    ds = datasets.Dataset.from_list(records)
    out = ds.map(clean_batch, batched=True, batch_size=8, num_proc=2,
                 fn_kwargs={"text_field": "text", "report": "summary"})
    assert [r["text"] for r in out] == [expected[r["id"]] for r in records]
    assert all(r["boilerstrip"]["status"] in ("cleaned", "guarded") for r in out)
    assert out[0]["url"] == records[0]["url"]  # other columns untouched


def test_pandas_recipe_report_is_json():
    import pandas as pd

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


@pytest.fixture(scope="module")
def ray_session():
    """One local Ray runtime for the module (starting one costs seconds)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             ignore_reinit_error=True)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def spark_session():
    """One local Spark session for the module (a JVM start costs seconds)."""
    if not shutil.which("java"):
        pytest.skip("PySpark needs a Java runtime (apt-get install default-jre-headless)")
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield spark
    spark.stop()


def test_ray_map_batches_recipe(ray_session):
    from boilerstrip.integrations.batch import clean_pandas

    # two blocks, one per CPU: each block is a task, and forty of them cost seconds
    ds = ray_session.data.from_items([{"id": i, "text": DIRTY if i % 2 else BODY}
                                      for i in range(40)], override_num_blocks=2)
    rows = ds.map_batches(clean_pandas, batch_format="pandas",
                          fn_kwargs={"text_field": "text"}).take_all()
    assert len(rows) == 40
    assert all(r["text"] == BODY for r in rows)
    reports = [json.loads(r["boilerstrip"]) for r in rows]
    assert sum(1 for r in reports if r["categories"].get("login-prompt")) == 20


def test_spark_map_in_pandas_recipe(spark_session):
    """The recipe as docs/recipes.md writes it, schema included (a copy of the
    input's: StructType.add would change the input frame's own schema)."""
    import functools

    from pyspark.sql.types import StringType, StructField, StructType

    from boilerstrip.integrations.batch import clean_pandas_iter

    df = spark_session.createDataFrame([(i, DIRTY if i % 2 else BODY) for i in range(30)],
                                       "id long, text string")
    schema = StructType(df.schema.fields + [StructField("boilerstrip", StringType())])
    out = df.mapInPandas(functools.partial(clean_pandas_iter, text_field="text"),
                         schema=schema)
    rows = out.collect()
    assert out.columns == ["id", "text", "boilerstrip"]
    assert len(rows) == 30
    assert all(r["text"] == BODY for r in rows)
    assert sum(json.loads(r["boilerstrip"])["removals"] > 0 for r in rows) == 15
