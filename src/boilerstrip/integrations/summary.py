"""Report helpers shared by the integrations, importable without datatrove."""

from __future__ import annotations

from typing import Any

from ..result import Result


def summary_of(result: Result) -> dict[str, Any]:
    """The compact per-document report: status, removal count, characters
    removed and changes per category."""
    cats: dict[str, int] = {}
    for c in result.changes:
        cats[c.category] = cats.get(c.category, 0) + 1
    return {
        "status": result.status,
        "removals": len(result.removals),
        "chars_removed": len(result.original) - len(result.text),
        "categories": cats,
    }
