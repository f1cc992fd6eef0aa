"""The one summary of a run: documents per status, removals per rule and category."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..reports.writers import FileReport
from ..result import RunStats

STATUSES = ("cleaned", "unchanged", "guarded", "skipped", "error")


def plural(n: int, word: str) -> str:
    """'1 file', '2 files'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class RunSummary:
    """Counts of a run, fed one :class:`FileReport` at a time (files, stdin or records)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    stats: RunStats = field(default_factory=RunStats)
    stopped: bool = False  # the reader of stdout went away: the run ended early

    def add(self, rep: FileReport) -> None:
        """Count one document's report (its removals too, when it was cleaned)."""
        self.counts[rep.status] += 1
        if rep.status in ("cleaned", "unchanged", "guarded"):
            _add_stats(self.stats, rep)

    def count(self, status: str) -> None:
        """Count a document that has no report (a skipped or broken JSONL record)."""
        self.counts[status] += 1

    def to_dict(self, mode: str) -> dict[str, Any]:
        """The ``summary`` of the json report."""
        stats = self.stats
        return {"mode": mode, **self.counts, "changes": stats.changes,
                "chars_removed": stats.chars_removed,
                "categories": dict(sorted(stats.categories.items())),
                "rules": dict(sorted(stats.rules.items()))}

    def line(self, check: bool, unit: str = "file") -> str:
        """'3 files cleaned (12 removals), 5 unchanged, 1 error'."""
        counts = self.counts
        verb = "would be cleaned" if check else "cleaned"
        parts = [f"{plural(counts['cleaned'], unit)} {verb} "
                 f"({plural(self.stats.changes, 'removal')})",
                 f"{counts['unchanged']} unchanged"]
        for key, word in (("guarded", "guarded"), ("skipped", "skipped"), ("error", "error")):
            if counts.get(key):
                parts.append(f"{counts[key]} {word}" + ("s" if key == "error" and counts[key] > 1
                                                        else ""))
        return ", ".join(parts)

    def exit_code(self, changed_is_failure: bool) -> int:
        """2 on an error; 1 when something changed and that counts as a failure; else 0."""
        if self.counts["error"]:
            return 2
        if self.counts["cleaned"] and changed_is_failure:
            return 1
        return 0


def _add_stats(stats: RunStats, rep: FileReport) -> None:
    """RunStats.add from a report (workers send reports, not Results)."""
    stats.documents += 1
    if rep.status == "guarded":
        stats.guarded += 1
        return
    if rep.status == "cleaned":
        stats.changed += 1
    stats.changes += len(rep.changes)
    stats.chars_removed += sum(c.end - c.start - len(c.replacement) for c in rep.changes)
    stats.categories.update(c.category for c in rep.changes)
    stats.rules.update(c.rule for c in rep.changes)
