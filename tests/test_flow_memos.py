"""The per-rule-list memos of the stages give what building afresh gives.

``context.per_rule_list`` keeps what is derived from a stage's rule list by
the list's identity (a lookup, not a tuple of every rule hashed per call).
A memo that served one list's value for another would change which rules a
stage looks at: these tests hold it to the list it was built from.
"""

from __future__ import annotations

from boilerstrip.engine import context


def test_a_list_gets_its_own_value_and_keeps_it():
    memo: dict = {}
    built: list[list] = []

    def build(rules):
        built.append(rules)
        return sum(rules)

    a, b = [1, 2], [1, 2, 3]
    assert context.per_rule_list(memo, a, build) == 3
    assert context.per_rule_list(memo, b, build) == 6
    assert context.per_rule_list(memo, a, build) == 3
    assert built == [a, b]  # each built once


def test_a_new_list_never_gets_a_dead_lists_value():
    memo: dict = {}
    values = []
    for n in range(3 * context.RULE_LIST_MEMO):  # past the bound: cleared, built again
        rules = list(range(n % 7))
        values.append(context.per_rule_list(memo, rules, sum) == sum(rules))
        del rules  # its id may be reused by the next list: the memo holds it, so not
    assert all(values)
    assert len(memo) <= context.RULE_LIST_MEMO
