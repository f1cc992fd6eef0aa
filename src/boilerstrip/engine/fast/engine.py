"""Which engine a Cleaner runs: the compiled prefilter when it is at hand.

``BOILERSTRIP_ENGINE`` decides:

* ``auto`` (the default): the compiled prefilter when ``hyperscan`` is
  installed and the rule set's database is in the cache, else the pure
  engine. A run never waits for a compile: ``boilerstrip rules build-fast``
  builds the database once (a batch run may build it first, see docs). A
  run that meets no document of ``SHORT_CHARS`` or more never even imports
  ``hyperscan`` nor looks for the database (:class:`WhenCached`);
* ``pure``: the pure engine, always;
* ``fast``: the compiled prefilter, compiling the database first when it is
  not cached (seconds); the pure engine still when ``hyperscan`` is missing.

The outputs are the same whichever runs: only the time differs.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import Sequence

from ...rules import cache
from ...rules.loader import Rule
from ..candidates import default_candidates

ENV = "BOILERSTRIP_ENGINE"
CHOICES = ("auto", "pure", "fast")
#: Documents shorter than this (characters) go to the pure engine: a short
#: document costs it little, and a one-line run never loads the database.
SHORT_CHARS = 1024


class FastEngineWarning(UserWarning):
    """``BOILERSTRIP_ENGINE`` asks for what cannot be: the fast engine where
    it cannot run as asked, or a value it does not know; the command line
    shows it as one ``warning:`` line."""


def _warn(message: str, value: str = "fast") -> None:
    warnings.warn(f"{ENV}={value}: {message}", FastEngineWarning, stacklevel=3)


def requested() -> str:
    """The engine asked for by the environment (unknown values mean ``auto``,
    with a warning: a typo must not pass for a choice)."""
    raw = os.environ.get(ENV, "auto")
    got = raw.strip().lower()
    if got in CHOICES:
        return got
    _warn(f"not one of {', '.join(CHOICES)}: auto", value=raw)
    return "auto"


def available() -> bool:
    """Whether the ``hyperscan`` package can be imported."""
    try:
        import hyperscan
    except ImportError:
        return False
    return hyperscan is not None


def installed() -> bool:
    """Whether a ``hyperscan`` package is there to import (not importing it:
    that loads the library, ~0.01 s a short run need not pay)."""
    from importlib.util import find_spec

    try:
        return find_spec("hyperscan") is not None
    except (ImportError, ValueError):
        return False


class WhenCached:
    """``auto``'s provider: the compiled prefilter when RULES' database is
    cached, found out (hyperscan imported, the cache looked at) when a
    document long enough to use it comes, or when :attr:`engine` is asked;
    until then, and without a database, the pure engine's."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = tuple(rules)
        self._lock = threading.Lock()
        self._fast = None
        self._decided = False

    def fast(self):
        """The FastProvider of the cached database, or None."""
        if not self._decided:
            with self._lock:
                if not self._decided:
                    self._fast = _cached_provider(self._rules)
                    self._decided = True
        return self._fast

    @property
    def engine(self) -> str:
        return "fast" if self.fast() is not None else "pure"

    def __call__(self, ctx, index):
        # a short document decides nothing (a one-line run imports nothing);
        # once decided, the provider itself keeps short ones on the pure
        # engine until a longer one has loaded the database
        if self._decided or len(ctx.draft.text) >= SHORT_CHARS:
            fast = self.fast()
            if fast is not None:
                return fast(ctx, index)
        return default_candidates(ctx, index)


def _cached_provider(rules: Sequence[Rule]):
    try:
        from . import database
        from .provider import FastProvider

        if not database.is_cached(rules):
            return None
    except ImportError:  # a hyperscan that does not import: the pure engine
        return None
    return FastProvider(load=lambda: database.load(rules))  # loaded on first use


def fast_provider(rules: Sequence[Rule]):
    """The candidate provider of the compiled prefilter for RULES (all the
    rules loaded), or None when the pure engine runs."""
    want = requested()
    if want == "pure":
        return None
    if want == "auto":
        return WhenCached(rules) if installed() else None
    if not available():
        if want == "fast":
            _warn("hyperscan is not installed (pip install 'boilerstrip[fast]'): "
                  "the pure engine runs")
        return None
    from . import database
    from .provider import FastProvider

    if want == "fast":
        accel = database.load(rules)
        if accel is None:
            try:
                accel = database.build(rules)
            except database.BuildError as exc:
                # the prefilter is optional: the pure engine runs, but the
                # user asked for the fast one and should know
                _warn(f"Hyperscan could not compile the rules' database ({exc}): "
                      f"the pure engine runs")
                return None
            folder = cache.cache_dir()
            if accel.path is None and folder is not None:
                _warn(f"the compiled database could not be stored in {folder} "
                      f"({accel.store_error}): every run compiles it again")
        return FastProvider(accel) if accel.rule_ids else None


def describe(rules: Sequence[Rule] | None = None) -> str:
    """Which engine a run with RULES (default: the bundled ones) uses, and why."""
    want = requested()
    if want == "pure":
        return f"pure ({ENV}=pure)"
    if not available():
        return "pure (the compiled prefilter needs: pip install 'boilerstrip[fast]')"
    import hyperscan

    from . import database

    if rules is None:
        from ...rules.loader import bundled_rule_set

        rules = bundled_rule_set().rules
    name = f"hyperscan {hyperscan.__version__}"
    if database.load(rules) is not None:
        return f"fast ({name}, database cached)"
    if want == "fast":
        return f"fast ({name}, database compiled on first use: {ENV}=fast)"
    if database.is_cached(rules):  # there is one, but load() refused it
        return (f"pure (the cached database fails its checks: boilerstrip rules build-fast "
                f"replaces it; {name})")
    return f"pure (no database for these rules yet: boilerstrip rules build-fast; {name})"
