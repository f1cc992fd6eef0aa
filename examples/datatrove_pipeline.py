"""Clean a folder of (gzipped) JSONL shards with datatrove and boilerstrip.

Run locally (2 workers, one task per input shard):

    pip install 'boilerstrip[datatrove]'
    python examples/datatrove_pipeline.py IN_DIR OUT_DIR --tasks 8 --workers 2

IN_DIR holds *.jsonl or *.jsonl.gz files with a "text" field (Common Crawl
WET files: pass --wet to read them with datatrove's WarcReader in WET mode).
OUT_DIR receives gzipped JSONL shards with the cleaned text and the report
summary in metadata["boilerstrip"], plus datatrove's logs and stats under
OUT_DIR/logs. Documents left empty are dropped (counted in the stats) and
written to OUT_DIR/dropped for review.

On a Slurm cluster change two lines: import SlurmPipelineExecutor instead of
LocalPipelineExecutor, and build it with
    SlurmPipelineExecutor(pipeline=..., tasks=N, time="02:00:00", partition="cpu",
                          logging_dir=..., job_name="boilerstrip")
(see datatrove's README for the other Slurm options).
"""

from __future__ import annotations

import argparse

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.writers import JsonlWriter

from boilerstrip.integrations.datatrove import BoilerstripCleaner


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--profile", default="article", choices=["article", "page"])
    ap.add_argument("--wet", action="store_true", help="read Common Crawl WET files")
    args = ap.parse_args(argv)
    reader = (WarcReader(args.input, glob_pattern="*.wet.gz") if args.wet
              else JsonlReader(args.input, glob_pattern="*.jsonl*"))
    # WET records are the whole visible text of a page: that is the page profile's job.
    profile = "page" if args.wet else args.profile
    LocalPipelineExecutor(
        pipeline=[
            reader,
            BoilerstripCleaner(profile=profile, report="summary", drop_empty=True,
                               exclusion_writer=JsonlWriter(f"{args.output}/dropped")),
            JsonlWriter(args.output, output_filename="${rank}.jsonl.gz"),
        ],
        tasks=args.tasks, workers=args.workers, logging_dir=f"{args.output}/logs",
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
