"""The rules layer: YAML rule files -> validated :class:`Rule` values.

``loader`` parses and validates rule files, ``cache`` keeps validated rules on
disk, ``patterns`` compiles and analyses their regexes, ``categories`` names
what a rule may remove, ``selftest`` runs each rule's own examples.
"""

from .categories import CATEGORIES, OPT_IN_CATEGORIES
from .loader import (PROFILES, Conditions, Example, Rule, SectionSpec, bundled_rules_dir,
                     check_unique, load_rules, parse_rule_text, rule_files, selector_matches)

__all__ = ["CATEGORIES", "OPT_IN_CATEGORIES", "PROFILES", "Conditions", "Example", "Rule",
           "SectionSpec", "bundled_rules_dir", "check_unique", "load_rules", "parse_rule_text",
           "rule_files", "selector_matches"]
