"""The run options of ``boilerstrip clean``, as one frozen value.

:class:`~boilerstrip.options.Options` says what a cleaner does;
:class:`RunOptions` says how a run feeds it and where the results go: which
files, how many workers, what to do with bad input, where the report goes.
The ``clean`` command's flags and the run keys of ``[tool.boilerstrip]`` are
both derived from these fields (help, flag and config type in the metadata),
so a run option is declared here once.

    >>> RunOptions(jobs=4).jobs
    4
    >>> RunOptions(include=["*.txt"]).include
    ('*.txt',)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable

from ..options import option

DEFAULT_INCLUDE = ("*.txt", "*.md")


@dataclass(frozen=True)
class RunOptions:
    """How one ``clean`` run reads, writes and reports (immutable, picklable).

    Fields are in the order of ``boilerstrip clean --help``.
    """

    check: bool = option(False, "Change nothing; exit 1 if any file would change.",
                         config=None)
    diff: bool = option(
        False, "Change nothing; print a unified diff of what would change to stdout.",
        config=None)
    output_dir: str | None = option(
        None, "Write cleaned copies under DIR (paths mirrored relative to each folder "
              "argument) instead of rewriting the inputs.", config=None, metavar="DIR",
        folder=True)
    report: str | None = option(
        None, "Write every removal (file, rule, category, line, offsets, text) to FILE; "
              "'-' is stdout when the text goes elsewhere.", config=None, metavar="FILE|-")
    report_format: str | None = option(
        None, "json, jsonl or html (default: from the --report suffix, else json).",
        config="string", metavar="FORMAT")
    include: tuple[str, ...] = option(
        (), "Files to clean inside folders (repeatable; default *.txt and *.md).",
        config="list", metavar="GLOB")
    exclude: tuple[str, ...] = option(
        (), "Files or folders to leave out (repeatable; added to .git, .venv, "
            "node_modules...).", config="list", metavar="GLOB")
    force_exclude: bool = option(
        False, "Apply --exclude to files named on the command line too (for pre-commit).",
        config="boolean")
    stdin_filename: str | None = option(
        None, "Name of stdin in messages and reports.", config=None, metavar="NAME")
    jobs: int = option(
        1, "Worker processes (0 = all cores). The output does not depend on it.",
        config="integer", short="-j", bounds={"min": 0}, show_default=True)
    on_invalid_utf8: str = option(
        "error", "What to do with a file that is not valid UTF-8.", config="string",
        choices=("error", "skip"), show_default=True)
    exit_zero: bool = option(
        False, "Exit 0 even when files were cleaned or something would change (errors "
               "still exit 2). The stdin-to-stdout filter exits 0 without it.", config=None)
    jsonl: bool = option(
        False, "Input is JSON Lines (FILE or stdin; .gz/.zst by suffix): clean each "
               "record's text field.", config=None)
    text_field: str = option(
        "text", "JSONL: the field holding the text.", config="string", metavar="NAME",
        show_default=True)
    report_field: str | None = option(
        None, "JSONL: add the record's removals under this field.", config="string",
        metavar="NAME")
    on_bad_record: str = option(
        "error", "JSONL: stop at a malformed record or one without the text field, or skip "
                 "it (counted).", config="string", choices=("error", "skip"),
        show_default=True)
    output: str | None = option(
        None, "JSONL: write records to FILE (.gz/.zst compress) instead of stdout.",
        config=None, short="-o", metavar="FILE")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.metadata["config"] == "list":
                object.__setattr__(self, f.name, tuple(getattr(self, f.name)))

    @property
    def globs(self) -> tuple[str, ...]:
        """The --include patterns, or the default ones."""
        return self.include or DEFAULT_INCLUDE

    @property
    def changes_nothing(self) -> bool:
        """--check and --diff only say what would change."""
        return self.check or self.diff

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> RunOptions:
        """The run options found in VALUES (other keys are left out)."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def run_option_fields() -> Iterable[dataclasses.Field]:
    """The fields of :class:`RunOptions` with their help, config type and flag."""
    return dataclasses.fields(RunOptions)
