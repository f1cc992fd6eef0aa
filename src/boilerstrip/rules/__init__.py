"""The rules layer: YAML rule files -> validated :class:`Rule` values.

``model`` holds the values (a :class:`Rule`, a :class:`RuleSet` of rules and
their warnings), ``loader`` parses and validates rule files, ``cache`` keeps
validated rules on disk, ``patterns`` compiles and analyses their regexes,
``risk`` finds patterns that can backtrack catastrophically or are too big to
compile, ``categories`` names what a rule may remove, ``selftest`` runs each
rule's own examples.
"""

from .categories import CATEGORIES, OPT_IN_CATEGORIES
from .loader import (Validation, bundled_rule_set, bundled_rules_dir, check_unique,
                     load_rule_set, load_rules, parse_rule_set, parse_rule_text, read_rule_set,
                     rule_files, selector_matches, validate_rule_files,
                     validate_rule_text)
from .model import PROFILES, Conditions, Example, Rule, RuleSet, SectionSpec

__all__ = ["CATEGORIES", "OPT_IN_CATEGORIES", "PROFILES", "Conditions", "Example", "Rule",
           "RuleSet", "SectionSpec", "Validation", "bundled_rule_set", "bundled_rules_dir",
           "check_unique", "load_rule_set", "load_rules", "parse_rule_set", "parse_rule_text",
           "read_rule_set", "rule_files", "selector_matches", "validate_rule_files",
           "validate_rule_text"]
