"""Regex calls with a time limit, for patterns that are not rule patterns
(the page-region rule's params): a timeout counts as no match."""

from __future__ import annotations

import regex


class TimedPattern:
    """A pattern whose calls run with a time limit of TIMEOUT seconds.

    A call that exceeds it counts as no match: a hostile or unlucky pattern
    can cost at most the limit per call, never hang a run.
    """

    __slots__ = ("rx", "timeout")

    def __init__(self, rx: regex.Pattern, timeout: float) -> None:
        self.rx = rx
        self.timeout = timeout

    def search(self, text: str):
        try:
            return self.rx.search(text, timeout=self.timeout)
        except TimeoutError:
            return None

    def fullmatch(self, text: str):
        try:
            return self.rx.fullmatch(text, timeout=self.timeout)
        except TimeoutError:
            return None


class AnyOf:
    """A list of patterns asked one question: does any of them match?

    One combined alternation answers it in one regex call; when that call
    runs out of time, each pattern is asked on its own (each with its own
    limit, a timeout counting as no match), so the answer is always the one
    the patterns give one by one.
    """

    __slots__ = ("patterns", "combined", "single", "timeout")

    def __init__(self, patterns: tuple[TimedPattern, ...]) -> None:
        self.patterns = patterns
        self.combined: regex.Pattern | None = None
        self.single = patterns[0] if len(patterns) == 1 else None
        self.timeout = max((p.timeout for p in patterns), default=0.0)
        if len(patterns) > 1:
            try:
                self.combined = regex.compile(
                    "|".join(f"(?:{p.rx.pattern})" for p in patterns), regex.IGNORECASE | regex.V0)
            except regex.error:  # e.g. group names repeated across patterns
                self.combined = None

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def search(self, text: str) -> bool:
        return self._ask("search", text)

    def fullmatch(self, text: str) -> bool:
        return self._ask("fullmatch", text)

    def _ask(self, how: str, text: str) -> bool:
        """Whether any pattern matches TEXT the way HOW says (``search``/``fullmatch``)."""
        if self.single is not None:
            return getattr(self.single, how)(text) is not None
        if self.combined is not None:
            try:
                return getattr(self.combined, how)(text, timeout=self.timeout) is not None
            except TimeoutError:
                pass
        return any(getattr(p, how)(text) is not None for p in self.patterns)
