"""A stage may ask a candidate provider about every non-blank line and keep
the lines it wants afterwards (the sentence cut keeps long lines, the inline
stage lines without a kept verdict): that is the same as asking about the
lines it wants alone, for every provider. These tests compare the two ways on
the bundled corpora and on generated documents, for the pure providers (scan
and line index) and the fast one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.document import Draft
from boilerstrip.engine.candidates import CONTENT, WHOLE
from boilerstrip.engine.context import Context

import reference

ROOT = Path(__file__).resolve().parents[1]
DATA = sorted(ROOT.glob("bench/data/*/*/*.txt"))


@pytest.fixture(scope="module")
def providers():
    """(name, provider) of the pure providers and, when its database can be
    had, the fast one."""
    out = [("scan", reference.scanned), ("index", reference.indexed)]
    cleaner = boilerstrip.Cleaner()
    if cleaner.engine == "fast":  # the cached database
        out.append(("fast", cleaner._provider))
    else:
        pytest.importorskip("hyperscan", reason="the fast engine is not installed")
        from boilerstrip.engine.fast import database
        from boilerstrip.engine.fast.provider import FastProvider
        from boilerstrip.rules.loader import bundled_rule_set

        out.append(("fast", FastProvider(database.build(bundled_rule_set().rules,
                                                        store=False))))
    return out


@pytest.fixture(scope="module")
def cleaner():
    return boilerstrip.Cleaner()


def _asked_lists(cleaner, text):
    """(rules, view) of every stage of TEXT's plan that asks by line: the
    line and section stages (CONTENT), the inline stage and each sentence
    cut's line rules (WHOLE)."""
    stages, index = cleaner._plan(cleaner.detect(text))
    asked = []
    for kind, items in stages:
        if kind in ("line", "section"):
            asked.append((items, CONTENT))
        elif kind == "inline":
            asked.append((items, WHOLE))
        elif kind == "sentence-cut":
            asked.extend((rules, WHOLE) for _cut, rules in items if rules)
    return asked, index


def _compare(cleaner, providers, text, rng):
    """Every provider's answer about every non-blank line, kept to a subset,
    against its answer about that subset; the number of candidates seen."""
    asked, index = _asked_lists(cleaner, text)
    seen = 0
    for name, provider in providers:
        ctx = Context(Draft(text))
        ctx.candidates = provider(ctx, index)
        shown = ctx.shown()
        least = rng.randint(1, 20)
        subsets = [
            [i for i in shown if ctx.line_words(i) >= least],  # the sentence cut's
            [i for i in shown if rng.random() < 0.5],  # lines without a kept verdict
            list(shown),
        ]
        for rules, view in asked:
            whole = ctx.candidates.for_rules(rules, shown, view)
            seen += sum(map(len, whole.values()))
            for subset in subsets:
                keep = set(subset)
                kept = {k: got for k, got in ((k, [i for i in found if i in keep])
                                              for k, found in whole.items()) if got}
                assert kept == ctx.candidates.for_rules(rules, subset, view), \
                    (name, len(rules), view, least)
    return seen


@pytest.mark.slow
def test_asking_about_all_lines_then_keeping_some_equals_asking_about_those(
        cleaner, providers, full_size):
    files = DATA if full_size else random.Random(13).sample(DATA, min(40, len(DATA)))
    rng = random.Random(7)
    seen = sum(_compare(cleaner, providers, f.read_bytes().decode("utf-8"), rng)
               for f in files)
    assert seen > 100  # the stages had candidates to keep or drop


_LINES = st.sampled_from([
    "Share this article", "Sign up for our newsletter", "Read more: the budget plan",
    "Photo: Jane Doe", "Advertisement", "Comments", "Related articles",
    "The council met on Tuesday and agreed the budget after a long debate. "
    "Subscribe to our channel for more videos.",
    "Follow us on Mastodon for the latest news about the council and its budget today.",
    "She said she would share the plan next year, the minister added on Monday.",
    "Kommentare", "Weiterlesen", "Foto: Max Muster", "", "  ",
])


@settings(max_examples=40, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=30), st.integers(0, 2**16))
def test_subsets_on_generated_documents(providers, cleaner, lines, seed):
    _compare(cleaner, providers, "\n".join(lines) + "\n", random.Random(seed))
