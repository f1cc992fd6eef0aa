"""``boilerstrip explain``: each removal shown in place, with its rule."""

from __future__ import annotations

import sys
from typing import Any

import click

from .common import (CONTEXT, Messages, Stdout, apply_config, build_cleaner, exits,
                     rule_options, stdin_is_tty, use_color)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="FILE...|-")
@click.option("--show-whitespace", is_flag=True,
              help="Also mark the blank lines and spaces the tidy pass removes.")
@click.option("--summary-only", is_flag=True, help="Print only the per-category summary.")
@click.option("--stdin-filename", metavar="NAME", help="Name of stdin in the output.")
@rule_options
@click.pass_context
@exits
def explain(ctx: click.Context, **p: Any) -> int:
    """Show each removal in place, with its rule id and category, then a summary.

    Reads FILE (or stdin with '-' or no FILE). Exit 0 when nothing would be
    removed (or the over-cleaning guard keeps the text as it is), 1 otherwise,
    2 on error. A binary file is skipped with a note, as clean skips it.
    """
    from ..engine.line_breaks import lone_cr_shown
    from ..errors import InputError
    from ..reports.explain import render, summary
    from ..io.limits import max_document_bytes, read_limited
    from ..io.text import BinaryFile, decode, read_regular

    paths = p["paths"] or ("-",)
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (stdin) cannot be mixed with other files")
    msg = Messages(p["quiet"], p["verbose"], use_color(p["color"], sys.stderr))
    apply_config(ctx, p, [x for x in paths if x != "-"] or ["."], msg)
    cleaner = build_cleaner(p)
    color = use_color(p["color"], sys.stdout)
    out = Stdout()
    status = 0
    for path in paths:
        name = (p["stdin_filename"] or "<stdin>") if path == "-" else path
        try:
            if path == "-":
                if stdin_is_tty() and not p["paths"]:
                    raise click.UsageError("no FILE given and stdin is a terminal")
                data = read_limited(sys.stdin.buffer, name, max_document_bytes())
            else:
                data = read_regular(path)  # a FIFO or /dev/zero is refused, not waited on
            text = decode(data, name).text
        except BinaryFile as exc:  # as clean does: skipped with a note ("error: ...: skipped")
            msg.note(str(exc))
            continue
        except InputError as exc:
            msg.error(str(exc))
            status = 2
            continue
        result = cleaner.clean(text)
        if len(paths) > 1:
            head = f"==> {name} <=="
            out.write(((f"\x1b[1m{head}\x1b[0m" if color else head) + "\n").encode())
        if not p["summary_only"]:
            body = lone_cr_shown(render(result, color, p["show_whitespace"]))
            if body and not body.endswith("\n"):
                body += "\n"
            out.write(body.encode("utf-8"))
            out.write(b"\n" if body.strip() else b"")
        out.write(summary(result, name if len(paths) > 1 else "", color).encode("utf-8"))
        if result.changed and status == 0:  # a guarded text is left as it is: 0, as clean
            status = 1
    out.flush()
    return status

