"""A datatrove pipeline step that cleans ``Document.text`` with boilerstrip.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    LocalPipelineExecutor(pipeline=[
        JsonlReader("in/"),
        BoilerstripCleaner(profile="article", report="summary", drop_empty=True),
        JsonlWriter("out/"),
    ], tasks=4, workers=2).run()

Install with ``pip install 'boilerstrip[datatrove]'``. The step follows
datatrove's conventions: options in the constructor, one ``Cleaner`` built per
task (lazily, in the worker, so the step pickles as its options only), time
tracked with ``track_time``, counters with ``stat_update``:

=====================  =====================================================
stat                   meaning
=====================  =====================================================
``total``              documents seen
``changed``            documents whose text changed
``guarded``            documents the over-cleaning guard left unchanged
``dropped_guarded``    guarded documents dropped (``drop_guarded=True``)
``dropped_empty``      documents empty after cleaning, dropped (``drop_empty=True``)
``forwarded``          documents passed on
``removals``           changes made (per document: mean, min, max...)
``chars_removed``      characters removed
``category_<name>``    changes per category
=====================  =====================================================

The report travels in ``Document.metadata[metadata_key]``: ``report="summary"``
stores ``{status, removals, chars_removed, categories}``, ``report="full"``
stores :meth:`boilerstrip.Result.to_dict` (every change with offsets and text),
``report=None`` stores nothing.
"""

from __future__ import annotations

from typing import Any, Iterable

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from ..engine import Cleaner
from ..options import DEFAULT_TIMEOUT, Options
from .summary import summary_of


class BoilerstripCleaner(PipelineStep):
    """Clean each document's text; store the report in its metadata.

    :param profile: ``"article"`` (extractor output) or ``"page"`` (full page text).
    :param rules: extra rule files or folders.
    :param ignore: rule ids, packs or categories to disable.
    :param select: only run the rules these selectors name.
    :param enable: opt-in rules or categories to switch on.
    :param default_rules: load the bundled rules.
    :param report: ``"summary"``, ``"full"`` or ``None``.
    :param metadata_key: where the report goes in ``Document.metadata``.
    :param drop_guarded: drop documents the over-cleaning guard flags.
    :param drop_empty: drop documents with no text left after cleaning.
    :param max_removed_share: the guard's threshold (None: the profile's default).
    :param allow_large_removals: turn the guard off.
    :param exclusion_writer: a datatrove writer that receives dropped documents.
    """

    name = "🧹 boilerstrip"
    type = "✂️ - FORMAT"

    def __init__(self, profile: str = "article", rules: Iterable[str] = (),
                 ignore: Iterable[str] = (), select: Iterable[str] = (),
                 enable: Iterable[str] = (), default_rules: bool = True,
                 report: str | None = "summary", metadata_key: str = "boilerstrip",
                 drop_guarded: bool = False, drop_empty: bool = False,
                 max_removed_share: float | None = None, allow_large_removals: bool = False,
                 timeout: float | None = DEFAULT_TIMEOUT, exclusion_writer=None) -> None:
        super().__init__()
        if report not in ("summary", "full", None):
            raise ValueError("report must be 'summary', 'full' or None")
        self.options = Options(profile=profile, rules=rules, ignore=ignore,  # one string: one item
                               select=select, enable=enable,
                               default_rules=default_rules, max_removed_share=max_removed_share,
                               allow_large_removals=allow_large_removals, timeout=timeout)
        self.report = report
        self.metadata_key = metadata_key
        self.drop_guarded = drop_guarded
        self.drop_empty = drop_empty
        self.exclusion_writer = exclusion_writer
        # Built once per task, in the worker; never pickled.
        self._cleaner: Cleaner | None = None
        # Fail fast in the driver on bad options or rules.
        Cleaner.from_options(self.options)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cleaner"] = None
        return state

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner.from_options(self.options)
        return self._cleaner

    def clean_document(self, doc) -> str | None:
        """Clean DOC in place; return the reason to drop it, or None to keep it."""
        result = self.cleaner.clean(doc.text)
        self.stat_update("total")
        if self.report == "summary":
            doc.metadata[self.metadata_key] = summary_of(result)
        elif self.report == "full":
            doc.metadata[self.metadata_key] = result.to_dict()
        if result.status == "guarded":
            self.stat_update("guarded")
            if self.drop_guarded:
                return "guarded"
            return None
        if result.changed:
            self.stat_update("changed")
            doc.text = result.text
        self.stat_update("removals", value=len(result.removals))
        self.stat_update("chars_removed", value=len(result.original) - len(result.text),
                         unit="doc")
        for category, n in result.summary().items():
            self.stat_update(f"category_{category}", value=n["changes"])
        if self.drop_empty and not result.text.strip():
            return "empty"
        return None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1,
            ) -> DocumentsPipeline:
        import contextlib

        writer_ctx = self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext()
        with writer_ctx as writer:
            for doc in data:
                with self.track_time():
                    reason = self.clean_document(doc)
                if reason is None:
                    self.stat_update("forwarded")
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(f"dropped_{reason}")
                    if writer is not None:
                        doc.metadata["filter_reason"] = reason
                        writer.write(doc, rank)
