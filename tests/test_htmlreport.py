"""The HTML audit report file: self-contained, data embedded once and exactly,
accessible colours. (The page's behaviour in a browser: tests/test_browser.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import boilerstrip
from boilerstrip import Change, InputError, RunStats
from boilerstrip.rules.categories import CATEGORIES
from boilerstrip.reports.html import (HtmlReportWriter, category_colours, contrast_ratio,
                                    write_html_report)
from boilerstrip.result import apply_changes

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")


def embedded(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def sample_docs():
    c = boilerstrip.Cleaner()
    guard = boilerstrip.Cleaner(max_removed_share=0.05)
    return [
        ("seed.txt", c.clean(SEED)),
        ("plain.txt", c.clean("Just one sentence of prose that nobody would remove.\n")),
        ("guarded.txt", guard.clean("Already a subscriber? Log in.\n\nA short body.\n")),
        ("astral.txt", c.clean("\U0001F600 Smile \U0001F600 text here.\n\n"
                               "Already a subscriber? Log in.\n")),
    ]


def test_report_embeds_every_document_and_matches_run_stats(tmp_path):
    docs = sample_docs()
    out = tmp_path / "audit.html"
    size = write_html_report(out, docs)
    assert size == out.stat().st_size > 0
    data = embedded(out)
    stats = RunStats()
    for _, r in docs:
        stats.add(r)
    s = data["summary"]
    assert (s["documents"], s["changed"], s["guarded"], s["changes"], s["chars_removed"]) == \
        (stats.documents, stats.changed, stats.guarded, stats.changes, stats.chars_removed)
    assert s["categories"] == dict(stats.categories)
    assert s["rules"] == dict(stats.rules)
    assert stats.guarded == 1 and stats.changed >= 2
    rules = data["rules"]
    for (name, res), entry in zip(docs, data["docs"]):
        ename, code, original, rows = entry[:4]
        assert ename == name and original == res.original
        assert code == (2 if res.status == "guarded" else 1 if res.changed else 0)
        changes = [Change(r[0], r[1], original[r[0]:r[1]], r[3] if len(r) > 3 else "",
                          rules[r[2]][0], rules[r[2]][1]) for r in rows]
        assert [(c.start, c.end, c.rule, c.category, c.replacement) for c in changes] == \
            [(c.start, c.end, c.rule, c.category, c.replacement) for c in res.changes]
        if res.status != "guarded":
            assert apply_changes(original, changes) == res.text
        assert len(entry) == 4, "the cleaned text is rebuilt from the changes, not stored"


def test_texts_stored_once_and_no_external_resources(tmp_path):
    out = tmp_path / "a.html"
    write_html_report(out, sample_docs())
    page = out.read_text(encoding="utf-8")
    # The seed's headline is kept by cleaning, yet stored only once (originals only).
    assert page.count("Negotiators Meet in Rome") == 1
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)\s*=", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert re.findall(r"https?://[^\s\"')]+", page) == ["http://www.w3.org/2000/svg"]
    assert "default-src 'none'" in page  # CSP: the page may not fetch anything


def test_script_breaking_text_and_lone_surrogates_are_embedded_safely(tmp_path):
    nasty = "</script><script>alert(1)</script> <!-- x \u2028 \udcff end.\n"
    c = boilerstrip.Cleaner()
    out = tmp_path / "n.html"
    write_html_report(out, [("nasty.txt", c.clean(nasty))])
    page = out.read_text(encoding="utf-8")
    assert "alert(1)</script>" not in page
    assert embedded(out)["docs"][0][2] == nasty


def test_records_are_accepted_and_checked(tmp_path):
    res = boilerstrip.clean(SEED)
    rec = {"file": "rec.txt", "original": SEED, "text": res.text, "status": res.status,
           "changes": [c.to_dict() for c in res.changes]}
    odd = dict(rec, file="odd.txt", text="edited by hand\n")
    out = tmp_path / "r.html"
    write_html_report(out, [rec, odd])
    docs = embedded(out)["docs"]
    assert len(docs[0]) == 4
    assert docs[1][4] == "edited by hand\n"  # a text that isn't the changes applied is kept as given
    bad = dict(rec, changes=[dict(rec["changes"][0], start=rec["changes"][0]["start"] + 1)])
    with pytest.raises(InputError, match=r"document rec\.txt: change 1 .* does not match"):
        write_html_report(tmp_path / "bad.html", [bad])
    assert not (tmp_path / "bad.html").exists()
    assert not list(tmp_path.glob(".bad.html*")), "the unfinished file is removed"
    with pytest.raises(InputError, match="no 'original'"):
        write_html_report(tmp_path / "x.html", [{"file": "x", "changes": []}])


def test_streaming_writer_and_unwritable_path(tmp_path):
    with HtmlReportWriter(tmp_path / "s.html", title="Run <1>") as w:
        for name, res in sample_docs():
            w.add(name, res)
    assert w.size > 0 and w.stats.documents == 4
    assert "<title>Run &lt;1&gt;</title>" in (tmp_path / "s.html").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"r\.html: cannot write: folder .*missing-dir does not"):
        HtmlReportWriter(tmp_path / "missing-dir" / "r.html")


def test_empty_report_is_valid(tmp_path):
    out = tmp_path / "e.html"
    write_html_report(out, [])
    data = embedded(out)
    assert data["docs"] == [] and data["summary"]["documents"] == 0


def test_category_colours_meet_wcag_aa():
    cols = category_colours(list(CATEGORIES) + ["some-new-category"])
    for cat, (bg, ink) in cols.items():
        assert contrast_ratio(bg, "#111111") >= 7.0, cat    # highlighted text (AAA, AA is 4.5)
        assert contrast_ratio(ink, "#ffffff") >= 4.5, cat   # bars and underlines on white
    assert len({bg for bg, _ in cols.values()}) == len(cols)


def test_fixed_css_colour_pairs_meet_wcag_aa():
    css = (Path(boilerstrip.__file__).parent / "_assets" / "report.html").read_text("utf-8")
    pairs = 0
    for block in re.findall(r"\{([^{}]*)\}", css):
        bg = re.search(r"background:\s*(#[0-9a-f]{6})\b", block)
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})\b", block)
        if bg and fg:
            pairs += 1
            assert contrast_ratio(bg.group(1), fg.group(1)) >= 4.5, block
    assert pairs >= 4
    assert contrast_ratio("#545454", "#f6f6f4") >= 4.5  # muted text on the side panel
