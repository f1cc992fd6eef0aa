"""The engine layer: a :class:`Cleaner` applies a rule set to a document.

Stages of rule kinds run in order over a :class:`~boilerstrip.document.Draft`;
the result is a :class:`~boilerstrip.result.Result` (clean text plus report).
"""

from .core import DEFAULT_MAX_REMOVED_SHARE, DEFAULT_TIMEOUT, Cleaner, clean

__all__ = ["DEFAULT_MAX_REMOVED_SHARE", "DEFAULT_TIMEOUT", "Cleaner", "clean"]
