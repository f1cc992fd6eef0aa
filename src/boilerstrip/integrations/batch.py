"""Batched cleaning for dataframe and dataset engines (Hugging Face datasets,
Ray Data, PySpark, pandas), with the report travelling next to the text.

Every function here is a plain module-level function of columns, so engines can
pickle it (``functools.partial`` to bind options) and ship it to workers; each
worker process builds one :class:`~boilerstrip.Cleaner` per set of options and
reuses it (``boilerstrip.clean``'s cache).

    # Hugging Face datasets
    ds = ds.map(clean_batch, batched=True, num_proc=4,
                fn_kwargs={"text_field": "text", "report": "summary"})

    # Ray Data
    ds = ds.map_batches(clean_pandas, batch_format="pandas",
                        fn_kwargs={"text_field": "text"})

    # PySpark
    df = df.mapInPandas(functools.partial(clean_pandas_iter, text_field="text"),
                        schema=df.schema.add("boilerstrip", "string"))
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from ..engine import clean


def _report(result, report: str | None) -> Any:
    if report == "summary":
        from .summary import summary_of

        return summary_of(result)
    if report == "full":
        return result.to_dict()
    return None


def clean_batch(batch: dict[str, list], *, text_field: str = "text",
                report_field: str = "boilerstrip", report: str | None = "summary",
                as_json: bool = False, **options: Any) -> dict[str, list]:
    """Clean the TEXT_FIELD column of a batch (a dict of equal-length lists).

    Adds REPORT_FIELD with each document's report (a dict, or a JSON string with
    AS_JSON, for engines whose schemas prefer strings). Other columns are
    returned untouched. OPTIONS go to :class:`boilerstrip.Cleaner`.
    """
    texts = batch[text_field]
    out_texts: list[str] = []
    reports: list[Any] = []
    for text in texts:
        if text is None:
            out_texts.append(text)
            reports.append(None)
            continue
        result = clean(text, **options)
        out_texts.append(result.text)
        rep = _report(result, report)
        reports.append(json.dumps(rep, ensure_ascii=False) if as_json else rep)
    out = dict(batch)
    out[text_field] = out_texts
    if report is not None:
        out[report_field] = reports
    return out


def clean_pandas(df, *, text_field: str = "text", report_field: str = "boilerstrip",
                 report: str | None = "summary", **options: Any):
    """Clean a pandas DataFrame's TEXT_FIELD column; the report goes in REPORT_FIELD
    as a JSON string (Arrow-friendly)."""
    df = df.copy()
    res = clean_batch({text_field: list(df[text_field])}, text_field=text_field,
                      report_field=report_field, report=report, as_json=True, **options)
    df[text_field] = res[text_field]
    if report is not None:
        df[report_field] = res[report_field]
    return df


def clean_pandas_iter(frames: Iterable, **kwargs: Any) -> Iterator:
    """For PySpark's ``mapInPandas``: clean each DataFrame of the iterator."""
    for df in frames:
        yield clean_pandas(df, **kwargs)
