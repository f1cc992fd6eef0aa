"""Running the examples every rule carries (what it must remove, what it must keep).

Each rule is tested alone: a :class:`~boilerstrip.engine.Cleaner` holding only
that rule (tidy pass included, over-cleaning guard off) must change every
``remove`` example (to exactly its ``output`` when one is given) and leave
every ``keep`` example unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .loader import Example, Rule


@dataclass(frozen=True)
class ExampleFailure:
    """One example that did not behave as its rule says."""

    rule: Rule
    example: Example
    expected: str  # "removed", "kept" or the exact output
    got: str

    def message(self) -> str:
        loc = f"{self.rule.source}:{self.example.line}" if self.example.line else self.rule.source
        what = "remove" if self.expected != "kept" else "keep"
        return (f"{loc}: {self.rule.id}: {what} example {self.example.text!r}: "
                f"expected {self.expected if self.expected in ('removed', 'kept') else repr(self.expected)}, "
                f"got {self.got!r}")


def check_rule(rule: Rule) -> list[ExampleFailure]:
    """Run RULE's examples; return the failures (empty when all pass)."""
    from ..engine import Cleaner

    cleaner = Cleaner(profile=rule.profiles[0], default_rules=False, extra_rules=[rule],
                      enable=[rule.id], allow_large_removals=True, timeout=5.0)
    failures = []
    for ex in rule.remove_examples:
        out = cleaner.clean(ex.text).text
        if ex.output is not None:
            if out != ex.output:
                failures.append(ExampleFailure(rule, ex, ex.output, out))
        elif out == ex.text:
            failures.append(ExampleFailure(rule, ex, "removed", out))
    for ex in rule.keep_examples:
        out = cleaner.clean(ex.text).text
        if out != ex.text:
            failures.append(ExampleFailure(rule, ex, "kept", out))
    return failures


def check_rules(rules: Iterable[Rule]) -> list[ExampleFailure]:
    out: list[ExampleFailure] = []
    for rule in rules:
        out.extend(check_rule(rule))
    return out
