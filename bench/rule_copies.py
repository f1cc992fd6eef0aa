"""Rule copies for row 4 of bench/speed.py (rule count): every pattern rule
copied with new ids and its literal words swapped for corpus words of the
same first letter and frequency band, so that a copy is as selective as the
rule it copies."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Sequence

from boilerstrip.rules import Rule

_WORDS = re.compile(r"[a-z]{4,}")


def _pattern_words(pattern: str) -> list[tuple[int, int]]:
    """Spans of plain lowercase words (4+ letters) in PATTERN, outside escapes and classes."""
    spans = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            i += 1
            continue
        if ch == "[":
            in_class = True
            i += 1
            continue
        if ch == "(" and pattern.startswith("(?P<", i):
            i = pattern.find(">", i) + 1 or n
            continue
        m = _WORDS.match(pattern, i)
        if m and (i == 0 or not pattern[i - 1].isalpha()):
            spans.append(m.span())
            i = m.end()
            continue
        i += 1
    return spans


def vocabulary(texts: Sequence[str]) -> dict[str, int]:
    """Lowercase words (4-12 letters) of the corpus with their counts: the
    replacement words of generated rules."""
    from collections import Counter
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(re.findall(r"[a-z]{4,12}", t.lower()))
    return dict(counts)


def _band(count: int) -> int:
    """Frequency band of a word count (powers of two; unseen words join the rarest)."""
    return max(count, 1).bit_length()


def generated_rules(base: Sequence[Rule], copies: int, vocab: dict[str, int]) -> list[Rule]:
    """COPIES distinct variants of each pattern rule of BASE.

    Each copy gets a new id and its patterns' literal words replaced by other
    corpus words (deterministically) of the same first letter and the same
    frequency band in the corpus, so a copy is as selective as the rule it
    copies: a realistic phrase rule that sometimes matches, not a clone the
    prefilter would share, nor a rule made of the commonest words.
    """
    from boilerstrip.rules.patterns import compile_pattern

    pools: dict[tuple[str, int], list[str]] = {}
    for w, n in sorted(vocab.items()):
        pools.setdefault((w[0], _band(n)), []).append(w)
    out = []
    for k in range(1, copies + 1):
        for rule in base:
            if rule.kind not in ("line", "inline", "block", "section") or not rule.patterns:
                continue

            def swap(p: str) -> str:
                parts, last = [], 0
                for a, b in _pattern_words(p):
                    word = p[a:b]
                    band = _band(vocab.get(word, 0))
                    pool = (pools.get((word[0], band))
                            or min((v for (c, bd), v in pools.items() if c == word[0]),
                                   key=lambda v: abs(_band(vocab[v[0]]) - band), default=None)
                            or [word])
                    h = int(hashlib.md5(f"{k}:{word}".encode()).hexdigest(), 16)
                    parts.append(p[last:a])
                    parts.append(pool[h % len(pool)])
                    last = b
                parts.append(p[last:])
                new = "".join(parts)
                try:
                    compile_pattern(new, rule.flags)
                except Exception:
                    return p
                return new

            out.append(dataclasses.replace(
                rule, id=f"bench.copy{k}.{rule.id}", pack="bench",
                patterns=tuple(swap(p) for p in rule.patterns),
                unless=tuple(swap(p) for p in rule.unless)))
    return out
