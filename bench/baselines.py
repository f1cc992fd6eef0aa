"""Text-only baselines the quality bench compares boilerstrip with.

Each baseline is a function ``text -> cleaned text`` that only sees plain text.

identity
    the input, untouched.
c4
    the line-level rules of C4 (Raffel et al. 2020, section 2.2) with the defaults
    of datatrove's C4QualityFilter; its document-level filters are off, so the two
    rules that drop a whole document there (lorem ipsum, curly bracket) drop the
    line instead. Per line: strip it; drop it if a word is longer than 1000 chars;
    remove citation marks ([1], [edit], [citation needed]); drop it unless it ends
    in . ? ! " ' (and not in ...); drop it if it has fewer than 3 words; drop it if it
    contains "lorem ipsum", "javascript", "{", or a policy phrase ("terms of use",
    "privacy policy", "cookie policy", "uses cookies", "use of cookies",
    "use cookies"), case-insensitive. Kept lines are joined with newlines.
justext-text
    jusText's paragraph classifier (the `justext` package: its stoplists,
    ``classify_paragraphs`` and ``revise_paragraph_classification``, default
    thresholds) on the non-blank lines of the text as paragraphs. There is no HTML, so
    link density is 0 and no line is a heading. The stoplist is the one of
    JUSTEXT_LANGUAGES that covers most of the document's words; when even that one
    covers under 10% of them, jusText's language-independent mode is used (empty
    stoplist, stopword thresholds 0), as its CLI does for `-s None`. Lines
    classified "good" are kept.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache

# ------------------------------------------------------------------ identity


def identity(text: str) -> str:
    return text


# ------------------------------------------------------------------ c4

C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
C4_ELLIPSIS = "..."
C4_MIN_WORDS_PER_LINE = 3
C4_MAX_WORD_LENGTH = 1000
C4_POLICY_SUBSTRINGS = ("terms of use", "privacy policy", "cookie policy",
                        "uses cookies", "use of cookies", "use cookies")
_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")


def c4_keep_line(line: str) -> str | None:
    """The line as C4 keeps it (stripped, citations removed), or None if dropped."""
    line = line.strip()
    words = line.split()
    if any(len(w) > C4_MAX_WORD_LENGTH for w in words):
        return None
    line = _CITATION.sub("", line)
    if not line.endswith(C4_END_PUNCTUATION) or line.endswith(C4_ELLIPSIS):
        return None
    if len(words) < C4_MIN_WORDS_PER_LINE:
        return None
    lower = line.lower()
    if "lorem ipsum" in lower or "javascript" in lower or "{" in line:
        return None
    if any(p in lower for p in C4_POLICY_SUBSTRINGS):
        return None
    return line


def c4(text: str) -> str:
    kept = (c4_keep_line(line) for line in text.splitlines())
    return "\n".join(line for line in kept if line is not None)


# ------------------------------------------------------------------ justext-text

def justext_available() -> bool:
    return importlib.util.find_spec("justext") is not None


# The languages of the brief's embedded-list plan plus Russian. Restricting the choice
# matters: some of jusText's 100 stoplists are huge and noisy (Finnish has 6813 words,
# Marathi 2482) and would "win" on English text by sheer size.
JUSTEXT_LANGUAGES = ("English", "German", "French", "Spanish", "Italian", "Portuguese",
                     "Dutch", "Polish", "Russian")
JUSTEXT_MIN_COVERAGE = 0.10


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset]:
    import justext
    return {lang: frozenset(w.lower() for w in justext.get_stoplist(lang))
            for lang in JUSTEXT_LANGUAGES}


def best_stoplist(text: str) -> tuple[str | None, frozenset]:
    """(language, stoplist) covering most of the text's lower-cased words, or
    (None, empty set) when no stoplist covers JUSTEXT_MIN_COVERAGE of them."""
    counts = Counter(w.lower() for w in text.split())
    total = sum(counts.values())
    best, best_hits = None, 0
    for lang, stops in _stoplists().items():
        hits = sum(n for w, n in counts.items() if w in stops)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best is None or best_hits < JUSTEXT_MIN_COVERAGE * total:
        return None, frozenset()
    return best, _stoplists()[best]


class _TextParagraph:
    """A plain-text line with the attributes jusText's classifier reads."""

    dom_path = ""            # no tags: never a heading, never inside <select>
    is_heading = False
    chars_count_in_links = 0  # no links in plain text

    def __init__(self, line: str) -> None:
        self.raw = line
        self.text = " ".join(line.split())
        self.cf_class = self.class_type = ""
        self.heading = False

    def __len__(self) -> int:
        return len(self.text)

    @property
    def words_count(self) -> int:
        return len(self.text.split())

    def stopwords_density(self, stopwords) -> float:
        words = self.text.split()
        return sum(w.lower() in stopwords for w in words) / len(words) if words else 0

    def links_density(self) -> float:
        return 0.0


def justext_text(text: str) -> str:
    from justext.core import classify_paragraphs, revise_paragraph_classification
    paragraphs = [_TextParagraph(line) for line in text.splitlines() if line.strip()]
    if not paragraphs:
        return ""
    lang, stoplist = best_stoplist(text)
    if lang is None:  # language-independent mode
        classify_paragraphs(paragraphs, stoplist, stopwords_low=0, stopwords_high=0)
    else:
        classify_paragraphs(paragraphs, stoplist)
    revise_paragraph_classification(paragraphs)
    return "\n".join(p.raw for p in paragraphs if p.class_type == "good")


BASELINES = {"identity": identity, "c4": c4, "justext-text": justext_text}
