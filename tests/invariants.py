"""The invariants every :class:`boilerstrip.Result` must satisfy, for any input.

Shared by the property, hostile-text and fault tests. ``check_result`` raises
``AssertionError`` naming the broken invariant; each check can fail on a real
engine bug (they are not restatements of how the engine computes its output).
"""

from __future__ import annotations

import boilerstrip
from boilerstrip import CATEGORIES, Result, apply_changes


def check_result(result: Result, original: str, rule_ids: set[str] | None = None) -> None:
    """Assert every report invariant of RESULT, the outcome of cleaning ORIGINAL."""
    assert result.original == original, "Result.original is not the input"
    assert result.status in ("cleaned", "guarded"), result.status
    n = len(original)
    prev_end = 0
    grown = 0
    for i, c in enumerate(result.changes):
        where = f"change {i} {c.rule} [{c.start}:{c.end}]"
        assert 0 <= c.start <= c.end <= n, f"{where}: offsets outside the text (len {n})"
        assert c.start >= prev_end, f"{where}: overlaps or precedes the previous change"
        assert original[c.start:c.end] == c.text, f"{where}: text is not original[start:end]"
        assert c.start < c.end or c.replacement, f"{where}: a change that changes nothing"
        assert c.text != c.replacement, f"{where}: replacement equal to the original text"
        assert c.category in CATEGORIES, f"{where}: unknown category {c.category!r}"
        if rule_ids is not None:
            assert c.rule in rule_ids or c.rule.startswith("core.tidy."), \
                f"{where}: rule id not in the rule set"
        if c.replacement:
            # only repairs replace; everything else removes
            assert c.category == "normalisation", f"{where}: a non-normalisation replacement"
            grown += max(0, len(c.replacement) - (c.end - c.start))
        prev_end = c.end
    would_be = apply_changes(original, result.changes)
    if result.status == "guarded":
        assert result.text == original, "a guarded result changed the text"
        assert result.changes, "a guarded result lists no would-be changes"
        assert not result.changed
    else:
        assert would_be == result.text, "apply_changes(original, changes) != result.text"
        assert result.changed == (result.text != original)
    assert result.restore() == original, "restore() does not give back the input"
    # output never longer than input, except by what repairs put in
    assert len(result.text) <= n + grown, "output longer than input beyond recorded repairs"
    # a leading BOM survives (it is never part of a change)
    if original.startswith("\ufeff"):
        assert result.text.startswith("\ufeff"), "leading BOM lost"
        assert all(c.start >= 1 for c in result.changes), "a change touches the BOM"
    result.to_dict()  # must not raise


def check_line_endings(result: Result) -> None:
    """Line endings survive: a CRLF-only text keeps only CRLF, a final newline is
    kept, and a text without one gets none unless its last line was removed (then
    the output ends like the last kept line did in the input)."""
    original, out = result.original, result.text
    if "\n" in original and "\n" not in original.replace("\r\n", ""):
        assert "\n" not in out.replace("\r\n", ""), "a bare LF appeared in a CRLF text"
    if "\r" not in original:
        assert "\r" not in out, "a CR appeared in a text that had none"
    elif "\n" not in original:  # old Mac breaks
        assert "\n" not in out, "an LF appeared in a CR-only text"
    if not out.lstrip("\ufeff"):
        return
    if original.endswith("\n"):
        assert out.endswith("\n"), "final newline lost"
    elif out.endswith("\n"):
        last = result.changes[-1] if result.changes else None
        assert last is not None and last.end == len(original), \
            "a final newline appeared although the last line was kept"


def rule_ids(cleaner: boilerstrip.Cleaner) -> set[str]:
    return {r.id for r in cleaner.all_rules}
