"""Which language a document is in, cheaply: which language packs may run on it.

A ``language`` rule (``rules/core/language.yml``) holds one list of function
words per language. A text's language is the list holding most of its
(distinct) words, when that list holds at least ``min_coverage`` of them and
the text has at least ``min_tokens`` of them; a list covering at least ``near_ratio`` of
the winner's count is a close call and counts too (Spanish and Portuguese share
many function words: both packs run rather than the wrong one alone). The
text is judged from two samples, its start and its end (the cost is small
and bounded whatever its size), counting distinct words; a sample of at
least ``block_min_tokens`` words decided the same way adds its language(s),
so a page mixing languages (an article followed by comments or a footer in
another) runs the packs of each. The
packs of ``everywhere`` (English: the language of most site templates' buttons
and prompts, "Post a Comment" on a German blog) run on every document.

Too short or no list covers enough: the language is unknown and every pack runs,
as before there was gating, so short inputs (a rule's examples, a one-line
filter call) keep working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ..rules.model import Rule

#: a word, for counting (digits and all: they match no stopword)
_WORD = re.compile(r"\w+")
#: UTF-8 bytes with every ASCII byte that is not a word character (``\w``:
#: letters, digits, "_") made a space; the bytes of other characters kept
_ASCII_GAPS = bytes(b if chr(b) in "_" or chr(b).isalnum() or b >= 0x80 else 0x20
                    for b in range(256))


def words_of(text: str) -> set[bytes]:
    r"""The distinct ``\w+`` words of TEXT, UTF-8 encoded: ``re.findall``'s
    words, at a third less cost. Splitting TEXT's bytes at its ASCII
    non-word characters gives runs that are whole words when ASCII (both
    ends are non-word characters); a run holding other characters (an
    accented word, or one glued to a curly quote or a dash) is split by the
    regex, those runs only. (UTF-8 bytes of a non-ASCII character are all
    0x80 or more: no run cuts one; a lone surrogate passes as its bytes.)"""
    runs = set(text.encode("utf-8", "surrogatepass").translate(_ASCII_GAPS).split())
    if text.isascii():
        return runs
    words = set(filter(bytes.isascii, runs))
    mixed = runs - words
    if mixed:
        glued = b" ".join(mixed).decode("utf-8", "surrogatepass")
        words.update(w.encode("utf-8") for w in _WORD.findall(glued))
    return words


#: param -> (type, default); a rule giving only ``stopwords`` is usable
PARAMS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "stopwords": (dict, None),            # language code -> list or space-separated string
    "min_tokens": (int, 12),              # fewer word tokens: unknown
    "min_coverage": ((int, float), 0.15),  # the winning list's share of the tokens
    "near_ratio": ((int, float), 0.7),    # a list with this share of the winner's count ties
    "block_min_tokens": (int, 25),        # a sample this long can add its own language
    "everywhere": (tuple, ()),            # packs that run on every document, decided or not
    "sample_chars": (int, 500),           # size of each of the two samples judged
}


@dataclass(frozen=True)
class Detection:
    """What the detector found: LANGUAGE, the document's main language ("" when
    unknown), and LANGUAGES, those whose packs run (empty: every pack runs)."""

    language: str = ""
    languages: frozenset[str] = frozenset()

    @property
    def gated(self) -> bool:
        return bool(self.languages)


UNKNOWN = Detection()


def stopword_lists(value: Any, fail) -> Any:
    """A rule's ``stopwords`` param VALUE, with a reference resolved: a string
    names the bundled ``language`` rule whose lists it uses (the language
    profiles, kept once: ``stopwords: core.language.detect``); anything else
    is VALUE itself. FAIL(message) builds the error for an unknown name."""
    if not isinstance(value, str):
        return value
    from ..rules.loader import bundled_rule_set  # the bundled rules: trusted, loaded once

    found = [r for r in bundled_rule_set().rules if r.id == value and r.kind == "language"]
    if not found:
        raise fail(f"param 'stopwords': {value!r} is not a bundled language rule")
    return found[0].param_dict.get("stopwords")


def parse_stopwords(raw: Any, fail) -> dict[str, frozenset[str]]:
    """The ``stopwords`` param as language code -> casefolded words; FAIL(message)
    builds the error raised for a malformed one."""
    if not isinstance(raw, dict) or not raw:
        raise fail("param 'stopwords' must be a non-empty mapping of language code -> word list")
    out: dict[str, frozenset[str]] = {}
    for lang, words in raw.items():
        if isinstance(words, str):
            words = tuple(words.split())
        if not isinstance(words, tuple) or not words or not all(
                isinstance(w, str) and w for w in words):
            raise fail(f"stopwords for {lang!r} must be a non-empty list of words "
                       f"or a space-separated string")
        out[str(lang)] = frozenset(w.casefold() for w in words)
    return out


class LanguageDetector:
    """A ``language`` rule's params, checked and compiled once."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        raw = rule.param_dict
        unknown = sorted(set(raw) - set(PARAMS))
        if unknown:
            raise rule.error(f"unknown language param(s): {', '.join(unknown)} "
                             f"(known: {', '.join(PARAMS)})")
        for name, (typ, default) in PARAMS.items():
            value = raw.get(name, default)
            if name == "stopwords":
                continue
            if name == "everywhere":
                if isinstance(value, str):
                    value = (value,)
                if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                    raise rule.error("language param 'everywhere' must be a list of language codes")
                self.everywhere = frozenset(value)
                continue
            if isinstance(value, bool) or not isinstance(value, typ) or value < 0:
                raise rule.error(f"language param {name!r} must be a number of at least 0, "
                                 f"not {value!r}")
            setattr(self, name, value)
        if not 0 < self.near_ratio <= 1:
            raise rule.error("language param 'near_ratio' must be in (0, 1]")
        if self.sample_chars < 1:  # text[-0:] is the whole text, not an empty sample
            raise rule.error("language param 'sample_chars' must be at least 1")
        self.lists = parse_stopwords(raw.get("stopwords"), lambda m: rule.error("language " + m))
        self.codes: tuple[str, ...] = tuple(self.lists)
        # the stopwords UTF-8 encoded, as words_of gives a text's words
        self._every: frozenset[bytes] = frozenset(
            w.encode("utf-8", "surrogatepass") for w in frozenset().union(*self.lists.values()))
        # Each stopword as one int holding a 1 in the field of every list it
        # is in: the sum over a sample's stopwords holds every list's count,
        # one C-speed sum instead of one set intersection per list. A field
        # holds up to two samples' counts (each at most its list's length),
        # so no field carries into the next.
        self._field_bits = (2 * max(map(len, self.lists.values()))).bit_length()
        self._field_mask = (1 << self._field_bits) - 1
        self._shifts = tuple(range(0, self._field_bits * len(self.codes), self._field_bits))
        self._tallies: dict[bytes, int] = dict.fromkeys(self._every, 0)
        for shift, stops in zip(self._shifts, self.lists.values()):
            for word in stops:
                self._tallies[word.encode("utf-8", "surrogatepass")] += 1 << shift

    def _tally(self, text: str, seen: dict | None = None) -> tuple[int, int]:
        """(distinct words, stopword tally) of TEXT: its words (``words_of``),
        one intersection with every list's words, and one sum of
        those words' tallies (unpacked by :meth:`_unpack`). SEEN, when given,
        keeps the tallies by sample: a cleaned text whose start or end is
        the input's is not counted twice."""
        if seen is not None:
            got = seen.get(text)
            if got is not None:
                return got
        words = words_of(text.casefold())
        got = len(words), sum(map(self._tallies.__getitem__, self._every & words))
        if seen is not None:
            seen[text] = got
        return got

    def _unpack(self, tally: int) -> list[int]:
        """The count of each list (in ``codes`` order) held in TALLY."""
        mask = self._field_mask
        return [(tally >> shift) & mask for shift in self._shifts]

    def _counts(self, text: str, seen: dict | None = None) -> tuple[int, list[int]]:
        """(distinct words, distinct stopwords of each list) of TEXT."""
        tokens, tally = self._tally(text, seen)
        return tokens, self._unpack(tally)

    def _decide(self, tokens: int, hits: Sequence[int], min_tokens: int) -> tuple[str, ...]:
        """The winning language and its close calls, best first; () when unknown."""
        if tokens < min_tokens or not hits:
            return ()
        best = max(hits)
        if best == 0 or best / tokens < self.min_coverage:
            return ()
        bar = self.near_ratio * best
        close = [k for k, n in enumerate(hits) if n >= bar]
        if len(close) > 1:  # mostly one: nothing to rank
            close.sort(key=lambda k: (-hits[k], k))
        return tuple([self.codes[k] for k in close])

    def ends(self, text: str) -> str | tuple[str, str]:
        """What :meth:`sees_change` compares of TEXT: TEXT itself when it is
        short, else its start and end samples (kept instead of the text)."""
        n = self.sample_chars
        return text if len(text) <= 2 * n else (text[:n], text[-n:])

    def sees_change(self, before: str | tuple[str, str], after: str) -> bool:
        """Whether AFTER (a text cleaned, whose :meth:`ends` were BEFORE) may
        be detected otherwise: its samples differ (a text whose start and end
        samples are the same is detected the same)."""
        n = self.sample_chars
        if isinstance(before, str) or len(after) <= 2 * n:
            return after != before  # (a short text is never a long text's ends)
        return before[0] != after[:n] or before[1] != after[-n:]

    def detect(self, text: str, seen: dict | None = None) -> Detection:
        """The languages of TEXT (see the module docstring), from two samples
        of ``sample_chars`` characters, its start and its end (its halves
        when it is shorter), so that the cost stays small and bounded
        whatever the document's size. SEEN: see :meth:`_tally`."""
        head, tail = _samples(text, self.sample_chars)
        (n_head, head_tally), (n_tail, tail_tally) = parts = (
            self._tally(head, seen), self._tally(tail, seen))
        tokens = n_head + n_tail
        if tokens < self.min_tokens:  # what _decide says first, without unpacking
            return UNKNOWN
        main = self._decide(tokens, self._unpack(head_tally + tail_tally), self.min_tokens)
        if not main:
            return UNKNOWN
        found = set(main) | self.everywhere
        for n, tally in parts:
            if n >= self.block_min_tokens:  # else _decide finds nothing
                found.update(self._decide(n, self._unpack(tally), self.block_min_tokens))
        return Detection(main[0], frozenset(found))


def _samples(text: str, size: int) -> tuple[str, str]:
    """The first and the last SIZE characters of TEXT, or its two halves
    when it is shorter than two samples (a word cut at an edge is one word
    less, nothing more)."""
    if len(text) <= 2 * size:
        half = len(text) // 2
        return text[:half], text[half:]
    return text[:size], text[-size:]


def detector_of(rules: Iterable[Rule]) -> LanguageDetector | None:
    """The detector of the first ``language`` rule among RULES (None: no gating)."""
    rule = next((r for r in rules if r.kind == "language"), None)
    return LanguageDetector(rule) if rule is not None else None


def runs_on(rule: Rule, detection: Detection) -> bool:
    """Whether RULE runs on a document of DETECTION: a rule without a language
    always, a language pack's rule when its language is among the document's
    (or the language is unknown)."""
    return not rule.language or not detection.gated or rule.language in detection.languages


def widened(before: Detection, after: Detection) -> Detection:
    """BEFORE (the input's detection) widened by AFTER (the cleaned text's):
    the packs of both run; every pack when AFTER is unknown."""
    if not after.gated:
        return Detection(before.language, frozenset())
    return Detection(before.language, before.languages | after.languages)
