"""Normalisation: ftfy repairs of mojibake and broken characters, as recorded edits.

ftfy runs line by line (it fixes text segment by segment anyway), and only on
lines that could change: an ASCII line without an escape character cannot, and
a non-ASCII line can only change when ftfy's own mojibake detector, a C1
control character, a surrogate or an escape is present. That pre-check gives
the same output as running ftfy on every line (``tests/test_normalise.py``
proves it) at a fraction of the cost. Each repaired line is diffed against the
original so the report holds small replacements (``"Ã©" -> "é"``), never a
silent rewrite.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator

import ftfy
import regex
from ftfy import badness

#: ftfy options of the bundled normalisation rule: repair broken text, never
#: restyle good text (no quote uncurling, no width or ligature folding, no
#: Unicode normal form, no line-break rewriting; offsets and snippets survive).
DEFAULT_FTFY_OPTIONS: dict[str, Any] = {
    "unescape_html": False,
    "remove_terminal_escapes": True,
    "fix_encoding": True,
    "restore_byte_a0": True,
    "replace_lossy_sequences": True,
    "decode_inconsistent_utf8": True,
    "fix_c1_controls": True,
    "fix_latin_ligatures": False,
    "fix_character_width": False,
    "uncurl_quotes": False,
    "fix_line_breaks": False,
    "fix_surrogates": True,
    "remove_control_chars": False,
    "normalization": None,
}
FTFY_OPTION_NAMES = frozenset(DEFAULT_FTFY_OPTIONS)

# What can make ftfy change a non-ASCII line under the options above.
_SUSPECT = regex.compile(r"[\x80-\x9f\ud800-\udfff\x1b]")


def ftfy_config(options: dict[str, Any] | None = None) -> ftfy.TextFixerConfig:
    opts = dict(DEFAULT_FTFY_OPTIONS)
    opts.update(options or {})
    unknown = set(opts) - FTFY_OPTION_NAMES
    if unknown:
        raise ValueError(f"unknown ftfy option(s): {', '.join(sorted(unknown))}")
    if opts.get("fix_line_breaks"):
        raise ValueError("fix_line_breaks would rewrite line endings; it is not supported")
    opts["explain"] = False
    return ftfy.TextFixerConfig(**opts)


def may_need_fixing(line: str, config: ftfy.TextFixerConfig) -> bool:
    """Cheap test: False guarantees that ftfy leaves LINE unchanged under CONFIG."""
    if line.isascii():
        return "\x1b" in line
    if config.unescape_html or config.fix_latin_ligatures or config.fix_character_width \
            or config.uncurl_quotes or config.remove_control_chars or config.normalization:
        return True  # options that touch ordinary characters: no shortcut
    return bool(_SUSPECT.search(line)) or badness.is_bad(line)


def fix_line(line: str, config: ftfy.TextFixerConfig) -> str:
    """ftfy's repair of one line (no line ending inside)."""
    return ftfy.fix_text(line, config)


def line_edits(text: str, config: ftfy.TextFixerConfig,
               ) -> Iterator[tuple[int, int, str]]:
    """Replacements ``(start, end, new)`` that ftfy makes to TEXT, line by line."""
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        if line and may_need_fixing(line, config):
            fixed = fix_line(line, config)
            if fixed != line:
                for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
                        None, line, fixed, autojunk=False).get_opcodes():
                    if tag != "equal":
                        yield pos + i1, pos + i2, fixed[j1:j2]
        if nl < 0:
            break
        pos = nl + 1
