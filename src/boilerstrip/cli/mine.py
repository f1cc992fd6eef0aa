"""``boilerstrip mine``: the command line of :mod:`boilerstrip.mine`.

Registered by main.py so the mining command can grow
without touching the clean/explain/rules commands. Exit codes: 0 done (with or
without findings), 2 usage, rule, configuration or input error.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from .common import CONTEXT, Messages, apply_config, build_cleaner, rule_options, use_color
from ..errors import BoilerstripError, InputError
from ..io.names import shown
from ..pipeline.progress import Progress, stderr_is_tty


def _load_url_maps(paths: tuple[str, ...]) -> dict[str, Any]:
    urls: dict[str, Any] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise InputError(f"{path}: not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected a JSON object mapping file names to URLs")
        urls.update(data)
    return urls


@click.command("mine", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--min-docs", type=click.IntRange(min=2), default=3, show_default=True,
              metavar="N", help="Report lines found in at least N documents.")
@click.option("--top", type=click.IntRange(min=1), default=30, show_default=True, metavar="N",
              help="Report the N best findings.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (counts, findings with examples) instead of a table.")
@click.option("--suggest", metavar="DIR", type=click.Path(file_okay=False),
              help="Write one draft rule per finding into DIR, for review ('draft: true' "
                   "makes 'rules validate' refuse them until reviewed).")
@click.option("--text-field", default="text", show_default=True, metavar="NAME",
              help="JSONL: the field holding the text.")
@click.option("--url-field", default="url", show_default=True, metavar="NAME",
              help="JSONL: the field holding the page URL (its host is the site).")
@click.option("--urls", "url_maps", multiple=True, metavar="FILE",
              help="JSON object mapping file names (or stems) to URLs or to {\"url\": ...}, "
                   "to tell each file's site (repeatable).")
@click.option("--max-block-lines", type=click.IntRange(1, 10), default=3, show_default=True,
              metavar="N", help="Also count runs of up to N consecutive short lines.")
@click.option("--no-clean", is_flag=True,
              help="The texts are cleaned already: count them as they are.")
@click.option("--db", metavar="FILE", type=click.Path(dir_okay=False),
              help="Keep the counting database in FILE (default: a temporary file).")
@rule_options
@click.pass_context
def mine(ctx: click.Context, **p: Any) -> None:
    """Find the debris the rules miss: lines and short blocks that recur across
    many documents after cleaning.

    \b
    PATH is a text file, a JSONL file (.jsonl, .ndjson, optionally .gz) or a
    folder of *.txt and *.jsonl files. The site of a document comes from the
    JSONL URL field, from --urls, or from the first folder level below a folder
    argument (corpus/SITE/page.txt). Lines are compared with whitespace
    collapsed, digits as 0 and case folded; findings are ranked by sites, then
    documents. Counting happens in an on-disk SQLite file, so memory stays
    bounded on large corpora.

    \b
    Examples:
      boilerstrip mine corpus/ --min-docs 5 --top 20
      boilerstrip mine crawl.jsonl.gz --text-field content --json > debris.json
      boilerstrip mine corpus/ --suggest drafts/    # then review drafts/*.yml
    """
    msg = Messages(p["quiet"], p["verbose"], use_color(p["color"], sys.stderr))
    try:
        rv = _run(ctx, p, msg)
    except BoilerstripError as exc:
        sys.stderr.write(f"error: {shown(str(exc))}\n")
        rv = 2
    ctx.exit(rv)


def _run(ctx: click.Context, p: dict[str, Any], msg: Messages) -> int:
    from ..mine import format_findings, mine as run_mine, suggest

    apply_config(ctx, p, list(p["paths"]), msg)
    cleaner = None if p["no_clean"] else build_cleaner(p)
    urls = _load_url_maps(p["url_maps"])
    t0 = time.perf_counter()
    bar = None
    if not p["quiet"] and stderr_is_tty():  # as clean: a bar on a terminal, after a delay
        bar = msg.progress = Progress(sys.stderr, 0, None, unit="documents")
    try:
        report = run_mine(p["paths"], min_docs=p["min_docs"], top=p["top"], cleaner=cleaner,
                          clean=not p["no_clean"], max_block_lines=p["max_block_lines"],
                          text_field=p["text_field"], url_field=p["url_field"], urls=urls,
                          db=p["db"], progress=bar and (lambda nbytes: bar.update(1, nbytes)))
    finally:
        if bar is not None:
            bar.clear()
            msg.progress = None
    for note in report.skipped[:20]:
        msg.warning(f"skipped {note}")
    if len(report.skipped) > 20:
        msg.warning(f"skipped {len(report.skipped) - 20} more records or files")
    if p["as_json"]:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_findings(report))
    sys.stdout.flush()
    if p["suggest"]:
        files = suggest(report.findings, p["suggest"])
        msg.info(f"wrote {len(files)} draft rule{'s' if len(files) != 1 else ''} to "
                 f"{p['suggest']} (review them, then delete 'draft: true')")
    msg.detail(f"mined {report.documents} documents in {time.perf_counter() - t0:.1f} s")
    return 0
