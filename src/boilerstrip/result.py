"""The report: what was changed, by which rule, where.

A :class:`Result` is a first-class value (in the spirit of ftfy's
``fix_and_explain``): the clean text together with every change made to the
original, as :class:`Change` records. Offsets are code points into the
**original** text, half-open, ordered and non-overlapping, so the report alone
rebuilds the input (:meth:`Result.restore`) or the output (:func:`apply_changes`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence


@dataclass(frozen=True)
class Change:
    """One change to the original text.

    ``text`` is ``original[start:end]``; ``replacement`` is what stands in the
    output instead (empty for a removal, the repaired characters for a
    normalisation). ``detail`` says why, when a score or a condition decided it.
    """

    start: int
    end: int
    text: str
    replacement: str
    rule: str
    category: str
    line: int = 0
    detail: str = ""

    @property
    def is_removal(self) -> bool:
        return self.replacement == ""

    def to_dict(self) -> dict[str, Any]:
        d = {"rule": self.rule, "category": self.category, "line": self.line,
             "start": self.start, "end": self.end, "text": self.text,
             "replacement": self.replacement}
        if self.detail:
            d["detail"] = self.detail
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Change":
        return cls(start=d["start"], end=d["end"], text=d["text"],
                   replacement=d.get("replacement", ""), rule=d["rule"],
                   category=d["category"], line=d.get("line", 0), detail=d.get("detail", ""))


@dataclass(frozen=True)
class Skipped:
    """A rule that was skipped on this document (its pattern hit the time limit)."""

    rule: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


def apply_changes(original: str, changes: Sequence[Change]) -> str:
    """The text that results from applying CHANGES to ORIGINAL."""
    out: list[str] = []
    pos = 0
    for c in changes:
        out.append(original[pos:c.start])
        out.append(c.replacement)
        pos = c.end
    out.append(original[pos:])
    return "".join(out)


def restore_text(output: str, changes: Sequence[Change]) -> str:
    """Rebuild the original text from the OUTPUT and its CHANGES."""
    parts: list[str] = []
    pos_out = 0
    pos_orig = 0
    for c in changes:
        keep = c.start - pos_orig
        parts.append(output[pos_out:pos_out + keep])
        parts.append(c.text)
        pos_out += keep + len(c.replacement)
        pos_orig = c.end
    parts.append(output[pos_out:])
    return "".join(parts)


@dataclass(frozen=True)
class Result:
    """The outcome of cleaning one text.

    ``status`` is ``"cleaned"`` (changes applied; possibly none) or
    ``"guarded"``: the rules would have removed more than the over-cleaning
    guard allows, so the text is returned unchanged and the would-be changes are
    listed in ``changes`` but not applied (``applied`` is False).

    A result made by :meth:`rebuilding` holds no ``original`` until it is
    first read: it is then rebuilt from the text and the changes.
    """

    original: str
    text: str
    changes: tuple[Change, ...]
    status: str = "cleaned"
    skipped: tuple[Skipped, ...] = ()
    profile: str = "article"
    removed_share: float = 0.0
    #: the document's language as detected (or forced); "" when unknown
    language: str = ""
    #: the languages whose packs ran; empty: every pack ran (no gating)
    languages: tuple[str, ...] = ()

    @classmethod
    def rebuilding(cls, text: str, changes: tuple[Change, ...], **fields: Any) -> Result:
        """The applied result of TEXT and CHANGES (and FIELDS, the others but
        ``original`` and ``status``), whose original is rebuilt when first
        read: a caller that never reads it (the CLI checking or rewriting a
        large file) never holds it next to the text."""
        result = cls("", text, changes, **fields)
        del result.__dict__["original"]  # read through __getattr__, once
        return result

    def __getattr__(self, name: str) -> Any:
        # only a missing field comes here: the original of a rebuilding result
        if name != "original" or "text" not in self.__dict__:
            raise AttributeError(name)
        original = restore_text(self.text, self.changes)
        object.__setattr__(self, "original", original)
        return original

    @property
    def applied(self) -> bool:
        return self.status != "guarded"

    @property
    def changed(self) -> bool:
        """Whether the output differs from the input."""
        if "original" not in self.__dict__ and sum(
                len(c.text) - len(c.replacement) for c in self.changes):
            return True  # of another length: known without rebuilding the original
        return self.text != self.original

    @property
    def removals(self) -> tuple[Change, ...]:
        """The changes that remove text (normalisation replacements left out)."""
        return tuple(c for c in self.changes if c.is_removal)

    @property
    def replacements(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.is_removal)

    def restore(self) -> str:
        """Rebuild the original input exactly from the output and the report."""
        if not self.applied:
            return self.text
        return restore_text(self.text, self.changes)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per category: number of changes and characters removed/replaced."""
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            s = out.setdefault(c.category, {"changes": 0, "chars": 0})
            s["changes"] += 1
            s["chars"] += c.end - c.start
        return dict(sorted(out.items()))

    def by_rule(self) -> Counter[str]:
        return Counter(c.rule for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form of the report (the text itself left out)."""
        return {
            "status": self.status,
            "profile": self.profile,
            "changed": self.changed,
            "chars_in": len(self.original),
            "chars_out": len(self.text),
            "removed_share": round(self.removed_share, 4),
            "language": self.language,
            "languages": list(self.languages),
            "changes": [c.to_dict() for c in self.changes],
            "skipped": [s.to_dict() for s in self.skipped],
            "summary": self.summary(),
        }


@dataclass
class RunStats:
    """Totals over many documents (for the CLI summary and integrations)."""

    documents: int = 0
    changed: int = 0
    guarded: int = 0
    changes: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        self.documents += 1
        self.chars_in += len(result.original)
        if result.status == "guarded":
            self.guarded += 1
            return
        if result.changed:
            self.changed += 1
        self.changes += len(result.changes)
        self.chars_removed += sum(c.end - c.start - len(c.replacement) for c in result.changes)
        self.categories.update(c.category for c in result.changes)
        self.rules.update(c.rule for c in result.changes)

    def merge(self, other: Iterable["RunStats"]) -> None:
        for o in other:
            self.documents += o.documents
            self.changed += o.changed
            self.guarded += o.guarded
            self.changes += o.changes
            self.chars_in += o.chars_in
            self.chars_removed += o.chars_removed
            self.categories.update(o.categories)
            self.rules.update(o.rules)
