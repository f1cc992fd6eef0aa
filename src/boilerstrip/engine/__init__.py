"""The engine layer: a :class:`Cleaner` applies a rule set to a document.

``cleaner.py`` (the Cleaner) runs the stages of ``stages.py``, one per rule
kind, over a :class:`~boilerstrip.document.Draft`, then the tidy pass of
``tidy.py``; ``candidates.py`` (with the literal index of ``index.py``)
decides which lines each stage looks at. The page profile's ``page-region``
kind is in ``page_region.py``, ftfy repairs in ``normalise.py``. The result
is a :class:`~boilerstrip.result.Result` (clean text plus report).
"""

from ..options import DEFAULT_MAX_REMOVED_SHARE, DEFAULT_TIMEOUT
from .cleaner import Cleaner, clean

__all__ = ["DEFAULT_MAX_REMOVED_SHARE", "DEFAULT_TIMEOUT", "Cleaner", "clean"]
