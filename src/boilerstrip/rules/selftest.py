"""Running the examples every rule carries (what it must remove, what it must keep).

Each rule is tested alone: a :class:`~boilerstrip.engine.Cleaner` holding only
that rule (tidy pass included, over-cleaning guard off) must change every
``remove`` example (to exactly its ``output`` when one is given) and leave
every ``keep`` example unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .loader import Example, Rule, bundled_rule_set


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


def check_rule(rule: Rule, candidates: Any = None) -> list[ExampleFailure]:
    """Run RULE's examples; return the failures (empty when all pass).

    A rule written for one language runs with the bundled language detector,
    as it does in a real run: its examples must be in its language (or too
    short to tell). CANDIDATES: the cleaner's candidate provider (default:
    the product's, which may load the compiled prefilter)."""
    from ..engine import Cleaner
    from ..engine.candidates import default_candidates

    provider = {"candidates": candidates or default_candidates}

    if rule.kind == "language":
        return check_language_rule(rule)
    examples = (*rule.remove_examples, *rule.keep_examples)
    detectors = [r for r in bundled_rule_set().rules if r.kind == "language"] \
        if rule.language or any(ex.language for ex in examples) else []
    if rule.kind == "sentence-cut":  # it cuts with the bundled line rules of its categories
        cats = set(rule.param_dict.get("categories", ()))
        detectors = [r for r in bundled_rule_set().rules
                     if r.id != rule.id and (r.kind == "language"
                                             or (r.kind == "line" and r.category in cats))]
    cleaner = Cleaner(profile=rule.profiles[0], default_rules=False,
                      extra_rules=[rule, *detectors], enable=[rule.id],
                      allow_large_removals=True, timeout=5.0, **provider)
    forced: dict[str, Cleaner] = {}

    def clean(ex: Example) -> str:
        """EX cleaned as its rule would on a page of the example's language."""
        if not ex.language:
            return cleaner.clean(ex.text).text
        if ex.language not in forced:
            forced[ex.language] = Cleaner.from_options(
                cleaner.options.replace(language=ex.language), extra_rules=[rule, *detectors],
                **provider)
        return forced[ex.language].clean(ex.text).text

    failures = []
    for ex in rule.remove_examples:
        out = clean(ex)
        if ex.output is not None:
            if out != ex.output:
                failures.append(ExampleFailure(rule, ex, ex.output, out))
        elif out == ex.text:
            failures.append(ExampleFailure(rule, ex, "removed", out))
    for ex in rule.keep_examples:
        out = clean(ex)
        if out != ex.text:
            failures.append(ExampleFailure(rule, ex, "kept", out))
    return failures


def check_language_rule(rule: Rule) -> list[ExampleFailure]:
    """A ``language`` rule's examples: each ``remove`` text is decided (as its
    ``output`` language when given), each ``keep`` text is left undecided."""
    from ..engine.language import LanguageDetector

    detector = LanguageDetector(rule)
    failures = []
    for ex in rule.remove_examples:
        got = detector.detect(ex.text).language
        if not got or (ex.output is not None and got != ex.output):
            failures.append(ExampleFailure(rule, ex, ex.output or "a language", got or "unknown"))
    for ex in rule.keep_examples:
        got = detector.detect(ex.text).language
        if got:
            failures.append(ExampleFailure(rule, ex, "kept", got))
    return failures


def check_rules(rules: Iterable[Rule]) -> list[ExampleFailure]:
    out: list[ExampleFailure] = []
    for rule in rules:
        out.extend(check_rule(rule))
    return out
