"""The HTML audit report in a real browser: headless Chromium driven by Playwright.

Uses the system Chromium (Debian package ``chromium``; ``.ci/run`` installs it
when missing) through Playwright's ``executable_path``: ``playwright install``
is never run (it downloads a browser). Skipped only when no Chromium binary can
be found; set ``BOILERSTRIP_CHROMIUM`` to point at one.

``python tests/test_browser.py --screenshot docs/audit.png`` makes the README
screenshot.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

import boilerstrip
from boilerstrip.reports.html import format_size, write_html_report

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ASTRAL = ("\U0001F600 Smile \U0001F44D text with emoji before a removal.\n\n"
          "Already a subscriber? Log in.\n\nAnd \U0001F600 prose after it, as usual.\n")


def find_chromium() -> str | None:
    env = os.environ.get("BOILERSTRIP_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium binary found (apt-get install chromium, or set BOILERSTRIP_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Chromium is here but the playwright package is not: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


def corpus_files() -> list[str]:
    return sorted(glob.glob(str(ROOT / "bench" / "data" / "*" / "extract-*" / "*.txt")))


def sample_docs(n_bench: int = 60):
    c = boilerstrip.Cleaner()
    docs = [("examples/article.txt", c.clean(SEED)), ("astral.txt", c.clean(ASTRAL)),
            ("guarded.txt", boilerstrip.Cleaner(max_removed_share=0.05).clean(
                "Already a subscriber? Log in.\n\nA short body.\n"))]
    for f in corpus_files()[:n_bench]:
        docs.append((os.path.relpath(f, ROOT), c.clean(Path(f).read_text(encoding="utf-8"))))
    return docs


def open_report(browser, path: Path, width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector('html[data-ready="1"]', timeout=60_000)
    return page, requests, errors


def shown_count(page) -> int:
    return int(page.inner_text("#count").split()[1].replace(",", ""))


def wait_count(page, pred, timeout: float = 30.0) -> int:
    """Poll the shown-documents count until PRED holds (the page's CSP forbids
    the string evaluation wait_for_function uses)."""
    end = time.monotonic() + timeout
    while True:
        n = shown_count(page)
        if pred(n) or time.monotonic() > end:
            return n
        page.wait_for_timeout(20)


def marks_of(page) -> list[dict]:
    return page.eval_on_selector_all("#orig mark.chg", """ms => ms.map(m => ({
        start: +m.dataset.start, end: +m.dataset.end, rule: m.dataset.rule,
        cat: m.dataset.cat, text: m.textContent}))""")


def expected_marks(res) -> list[dict]:
    return [{"start": c.start, "end": c.end, "rule": c.rule, "cat": c.category, "text": c.text}
            for c in res.changes]


def test_report_in_chromium(browser, tmp_path):
    docs = sample_docs()
    out = tmp_path / "audit.html"
    write_html_report(out, docs)
    stats = boilerstrip.RunStats()
    for _, r in docs:
        stats.add(r)
    page, requests, errors = open_report(browser, out)

    # Nothing but the file itself was loaded.
    assert requests == [out.resolve().as_uri()]
    # Summary counts.
    assert page.inner_text("#stat-documents") == f"{stats.documents:,}"
    assert page.inner_text("#stat-changed") == f"{stats.changed:,}"
    assert page.inner_text("#stat-guarded") == "1"
    assert page.inner_text("#stat-chars").startswith(f"{stats.chars_removed:,} ")
    # The charts are drawn by the page and hold the report's counts.
    bars = page.eval_on_selector_all("#chart-cat g.bar", "gs => gs.map(g => [g.dataset.key, +g.dataset.count])")
    assert dict(bars) == dict(stats.categories) and len(bars) >= 5
    assert [n for _, n in bars] == sorted((n for _, n in bars), reverse=True)
    rule_bars = page.eval_on_selector_all("#chart-rule g.bar", "gs => gs.map(g => [g.dataset.key, +g.dataset.count])")
    assert dict(rule_bars) == dict(stats.rules)
    widths = page.eval_on_selector_all("#chart-cat g.bar rect:not(.hit)", "rs => rs.map(r => +r.getAttribute('width'))")
    assert widths[0] > widths[-1] > 0
    assert shown_count(page) == len(docs)

    # Filter by category: exactly the documents with such a change (guarded ones included).
    want = {i for i, (_, r) in enumerate(docs) if any(c.category == "login-prompt" for c in r.changes)}
    page.select_option("#fcat", "login-prompt")
    assert shown_count(page) == len(want) >= 3
    rows = page.eval_on_selector_all("#list .row", "rs => rs.map(r => +r.dataset.doc)")
    assert set(rows) == want
    # Status filter on top of it.
    page.select_option("#fstatus", "guarded")
    assert shown_count(page) == 1
    assert page.inner_text("#docname") == "guarded.txt"
    assert page.eval_on_selector_all("#orig mark.chg.would", "ms => ms.length") >= 1
    page.select_option("#fstatus", "")
    page.select_option("#fcat", "")

    # A bar click filters too, and clicking it again clears the filter.
    page.click('#chart-cat g.bar[data-key="login-prompt"]')
    assert page.input_value("#fcat") == "login-prompt" and shown_count(page) == len(want)
    page.click('#chart-cat g.bar[data-key="login-prompt"]')
    assert page.input_value("#fcat") == "" and shown_count(page) == len(docs)

    # Text search (debounced): one document has the seed's headline.
    page.fill("#q", "negotiators meet")
    assert wait_count(page, lambda n: n == 1) == 1
    assert page.inner_text("#docname") == "examples/article.txt"
    page.fill("#q", "")
    assert wait_count(page, lambda n: n == len(docs)) == len(docs)

    # The document view: every highlight is a change of the report, in place.
    page.click('#list .row[data-doc="0"]')
    seed = docs[0][1]
    assert marks_of(page) == expected_marks(seed)
    assert page.eval_on_selector("#orig", "e => e.textContent") == seed.original
    assert page.eval_on_selector("#clean", "e => e.textContent") == seed.text
    # Code-point offsets survive astral characters (UTF-16 surrogate pairs in JS).
    page.keyboard.press("j")
    assert page.inner_text("#docname") == "astral.txt"
    astral = docs[1][1]
    assert astral.changes and marks_of(page) == expected_marks(astral)
    assert page.eval_on_selector("#clean", "e => e.textContent") == astral.text
    page.keyboard.press("k")
    assert page.inner_text("#docname") == "examples/article.txt"

    # n/p walk the changes; the rule shows on keyboard focus (tooltip + info line).
    page.keyboard.press("n")
    page.keyboard.press("n")
    focused = page.evaluate("""() => { const m = document.activeElement;
        return [m.tagName, +m.dataset.n, m.dataset.rule, getComputedStyle(m, '::after').content]; }""")
    assert focused[:3] == ["MARK", 1, seed.changes[1].rule]
    assert seed.changes[1].rule in focused[3]
    assert seed.changes[1].rule in page.inner_text("#info")
    page.keyboard.press("p")
    assert page.evaluate("+document.activeElement.dataset.n") == 0
    page.hover("#orig mark.chg[data-n='3']")
    assert seed.changes[3].rule in page.inner_text("#info")
    assert errors == []
    page.close()


def test_report_fits_a_phone(browser, tmp_path):
    out = tmp_path / "audit.html"
    write_html_report(out, sample_docs(10))
    page, _, errors = open_report(browser, out, width=375, height=740)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    panes = page.eval_on_selector_all(".panes section", "ss => ss.map(s => s.getBoundingClientRect().x)")
    assert panes[0] == panes[1], "original and cleaned stack on a phone"
    assert errors == []
    page.close()


@pytest.mark.slow
def test_a_big_report_opens_and_filters(browser, tmp_path, full_size):
    """10,000 documents (every corpus file, cycled) with --slow; 2,000 (every
    sixth file) by default."""
    files = corpus_files()
    if not files:
        pytest.skip("bench/data corpus not present")
    n_docs = 10_000 if full_size else 2_000
    if not full_size:
        files = files[::6]
    c = boilerstrip.Cleaner()
    cleaned = [(os.path.relpath(f, ROOT), c.clean(Path(f).read_text(encoding="utf-8"))) for f in files]
    docs = [(f"{i:05d}/{name}", res)
            for i, (name, res) in zip(range(n_docs), itertools.cycle(cleaned))]
    out = tmp_path / "big.html"
    t0 = time.perf_counter()
    size = write_html_report(out, docs)
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    page, _, errors = open_report(browser, out)
    open_s = time.perf_counter() - t0
    assert shown_count(page) == n_docs
    t0 = time.perf_counter()
    page.select_option("#fstatus", "changed")
    changed = sum(1 for _, r in docs if r.status != "guarded" and r.changed)
    assert shown_count(page) == changed
    want = sum(1 for name, r in docs if r.status != "guarded" and r.changed
               and ("dispute" in r.original.lower() or "dispute" in name))
    page.fill("#q", "dispute")
    assert wait_count(page, lambda n: n == want) == want
    filter_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    page.keyboard.press("Escape")
    for _ in range(20):
        page.keyboard.press("j")
    step_s = (time.perf_counter() - t0) / 20
    print(f"\n{n_docs:,}-document report: {format_size(size)}, written in {write_s:.1f} s, "
          f"opened in {open_s:.1f} s, filter+search {filter_s:.2f} s, {step_s * 1000:.0f} ms per j")
    assert open_s < 30 and filter_s < 10 and step_s < 1.0
    assert errors == []
    page.close()


def screenshot(dest: str) -> None:
    """Write the README screenshot: the seed with its changes and a mixed corpus."""
    from playwright.sync_api import sync_playwright
    import tempfile
    exe = find_chromium()
    if exe is None:
        sys.exit("no Chromium binary found")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.html"
        write_html_report(out, sample_docs(400), title="boilerstrip audit report")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=exe, args=ARGS)
            page = b.new_page(viewport={"width": 1280, "height": 1100}, device_scale_factor=1)
            page.goto(out.resolve().as_uri() + "#doc=0")
            page.wait_for_selector('html[data-ready="1"]')
            for _ in range(6):
                page.keyboard.press("n")
            page.evaluate("window.scrollTo(0, 0)")  # the focused change shows its rule
            page.screenshot(path=dest)
            b.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        screenshot(sys.argv[2])
    else:
        sys.exit("usage: python tests/test_browser.py --screenshot docs/audit.png")
