"""The line and section stages keep each rule's candidates to its position
window (``stages._in_window``): exactly the lines ``conditions_hold`` lets
through by position, so the window only saves work."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from boilerstrip.document import Draft
from boilerstrip.engine import stages
from boilerstrip.engine.context import CompiledRule, Positions, conditions_hold
from boilerstrip.rules.loader import parse_rule_text
from boilerstrip.rules.model import Conditions

_LINE_RULE = """rules:
  - id: user.subscribe-line
    kind: line
    category: paywall
    order: 20
    description: a whole-line subscription prompt
    pattern: 'subscribe now'
    examples:
      remove: ["Subscribe now", "subscribe now"]
      keep: ["We subscribe now and then.", "Subscribers"]
"""

_WINDOWS = [Conditions(first_lines=f, last_lines=la, not_first_lines=n, after_last_prose=p,
                       prose_min_words=3)
            for f in (None, 0, 1, 3) for la in (None, 0, 1, 3) for n in (None, 0, 1, 3)
            for p in (False, True)]


@given(st.lists(st.sampled_from(["", "  ", "Share this", "A short line.",
                                 "A sentence of running text that ends here.", "x y z"]),
                max_size=12))
def test_position_window_keeps_the_lines_conditions_hold_allows(contents):
    """The line and section stages look at a rule's candidates in its
    position window only: the lines ``conditions_hold`` would let through."""
    lines = Draft("\n".join(contents)).lines
    pos = Positions(lines)
    rule = parse_rule_text(_LINE_RULE, "line.yml", "user")[0]
    shown = [ln.index for ln in lines if ln.content]
    for when in _WINDOWS:
        cr = CompiledRule(dataclasses.replace(rule, when=when), None)
        allowed = [i for i in shown if conditions_hold(cr.rule, lines[i], lines[i],
                                                        lines[i].content, pos)]
        assert stages._in_window(cr, shown, shown, pos) == allowed, when
        some = shown[1::2]
        assert stages._in_window(cr, some, shown, pos) == [i for i in allowed if i in some]
