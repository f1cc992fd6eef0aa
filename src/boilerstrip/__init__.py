"""boilerstrip: strip boilerplate from scraped article text, with a lossless report.

    >>> import boilerstrip
    >>> result = boilerstrip.clean("A paragraph of the article.\\n\\nAlready a subscriber? Log in.\\n")
    >>> result.text
    'A paragraph of the article.\\n'
    >>> [(c.rule, c.category) for c in result.removals]
    [('core.tidy.blank-lines', 'whitespace'), ('en.login.already-subscriber', 'login-prompt')]
    >>> result.restore() == result.original
    True

For many texts, build a :class:`Cleaner` once and call :meth:`Cleaner.clean`.
"""

from __future__ import annotations

from .rules.categories import CATEGORIES
from .engine import Cleaner, clean
from .errors import BoilerstripError, ConfigError, InputError, RuleError
from .options import Options
from .result import Change, Result, RunStats, Skipped, apply_changes
from .rules.loader import Rule, bundled_rules_dir, load_rules

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES", "BoilerstripError", "Change", "Cleaner", "ConfigError", "InputError",
    "Options", "Result", "Rule", "RuleError", "RunStats", "Skipped", "apply_changes",
    "bundled_rules_dir", "clean", "load_rules", "__version__",
]
