"""Every bundled rule's own examples: what it must remove and what it must keep."""

from __future__ import annotations

import pytest

import boilerstrip
from boilerstrip.rules.selftest import check_rule

RULES = boilerstrip.load_rules(boilerstrip.bundled_rules_dir())


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    failures = check_rule(rule)
    assert not failures, "\n".join(f.message() for f in failures)


def test_every_rule_has_examples_both_ways():
    for rule in RULES:
        assert len(rule.remove_examples) >= 2 and len(rule.keep_examples) >= 2, rule.id


def test_rule_ids_are_unique_and_categories_known():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.category in boilerstrip.CATEGORIES for r in RULES)
