"""The old import path of the engine, until the command line imports the new modules."""

from ..options import DEFAULT_MAX_REMOVED_SHARE, DEFAULT_TIMEOUT  # noqa: F401
from .cleaner import Cleaner, _bundled_rules, clean  # noqa: F401
