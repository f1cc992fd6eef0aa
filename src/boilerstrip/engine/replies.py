"""The ``reply-tail`` rule kind: reader comments that lost their record markers.

Extractors sometimes keep a comment thread but drop its name and date lines,
so that the comments follow the article as bare prose and the
``comment-thread`` kind finds no records. Some lines of such a tail still
carry *reply evidence* in their shape, whatever the site:

* ``mention``: a line that opens by addressing someone, "@Name ...";
* ``pingback``: a blog's excerpt of a linking post, "[...] text [...]";
* ``signature``: a line that is only a signed name, "-Name";
* ``salutation``: a line that is only an address, "Name," or "Hi Name,";
* ``greeting``: a line that opens by greeting someone by name and goes on,
  "Hi Anna, ..." (an article greets its readers, not one of them);
* ``reaction``: a short line that only reacts, "Thanks for sharing!", "Great post.";
* ``praise``: a line that opens by praising or thanking for the post, "Great
  post, but ...", "Thanks for sharing this, I ..." (a reader's opening, not an
  author's);
* ``emoticon``: a line with a smiley in it, ":)", ";-)" (chat voice, not an article's).

The detector, in small pure steps:

1. :func:`evidence_kinds` labels each non-blank line with the evidence kinds
   whose patterns match at its start (patterns anchor their own end; a smiley
   is looked for anywhere), after a line gate (``linegate.py``) ruled out
   the kinds whose patterns cannot match it. A
   ``lone`` kind counts only where no neighbour has the same kind: a run of
   "- Item" lines is a list, not signatures.
2. :func:`find_reply_tail` walks back from the end over evidence lines no
   further apart than ``max_gap_lines`` (the last one within ``max_tail_lines``
   of the end). An address line right above a signature is a closing
   ("Best," / "-Name") and counts as the signature.
3. The removal starts late: at the run's first line of an ``opens`` kind (a
   signature ends a comment whose start is unknown). The tail from there is a
   reply tail when it holds at least ``min_evidence`` evidence lines, and
   never where fewer than ``min_words_above`` words would stay above it, nor
   above the article body: when the lines between the first two evidence lines
   hold more than ``first_body_max_share`` of the words above the second, the
   first is an author's line ("@handle" in a byline box) and the tail starts
   lower.

Every pattern and threshold is a param of the rule
(``rules/core/reply-tail.yml``); the removal's detail gives the evidence, e.g.
"reply tail of 14 lines: 5 mention, 2 signature".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import regex

from ..document import Attribution, Draft, Line
from ..rules.loader import Rule
from .context import Deletion
from .linegate import KindGate
from .vocabulary import checked_params, compile_alternation, patterns_by_kind

#: Evidence kinds a vocabulary may give, in the order they are reported.
EVIDENCE_KINDS = ("mention", "pingback", "salutation", "greeting", "signature", "reaction",
                  "praise", "emoticon")
#: Evidence kinds whose patterns are searched anywhere in a line (the others
#: match at its start).
SEARCHED_KINDS = frozenset({"emoticon"})
#: Time limit of one evidence-pattern call, in seconds (as every rule pattern).
PATTERN_TIMEOUT = 0.5

#: Every param a reply-tail rule accepts: (type, default).
PARAMS: dict[str, tuple[type, Any]] = {
    "min_evidence": (int, 3),      # evidence lines a tail needs
    "max_gap_lines": (int, 10),    # non-blank lines between two evidence lines of a tail
    "max_tail_lines": (int, 10),   # ... and after the last one, down to the end of the text
    "min_words_above": (int, 100),  # words that must stay above the tail
    "first_body_max_share": (float, 1.0),  # the text between the first two evidence lines
                                           # may hold at most this share of the words above
                                           # the second
    "name_max_words": (int, 3),    # a bare name line below a closing ("Kind regards," / "Anna")
    "lone": (list, ()),            # kinds that count only without a neighbour of the same kind
    "opens": (list, EVIDENCE_KINDS),  # kinds whose line may start the removal
    "languages": (dict, None),     # language -> {evidence kind -> [patterns]}
}


@dataclass(frozen=True)
class ReplyConfig:
    """A reply-tail rule's params, checked, with one compiled pattern per evidence kind."""

    min_evidence: int
    max_gap_lines: int
    max_tail_lines: int
    min_words_above: int
    first_body_max_share: float
    name_max_words: int
    lone: frozenset[str]
    opens: frozenset[str]
    patterns: tuple[tuple[str, Any], ...]  # (kind, compiled alternation) in EVIDENCE_KINDS order
    #: which kinds may match a line: a cheap exact test before the regex
    #: calls (linegate.py; None: every kind may)
    gate: Any = None


def _fail(rule: Rule, message: str):
    return rule.error(f"reply-tail {message}")


def _compile_kind(rule: Rule, kind: str, patterns: Sequence[str]):
    """One alternation of every language's patterns for KIND (patterns set
    their own flags, e.g. ``(?i)``, since case often matters)."""
    return compile_alternation(kind, patterns, regex.V0, lambda m: _fail(rule, m))


def _kind_list(rule: Rule, name: str, value: Any) -> frozenset[str]:
    """VALUE as a set of evidence kinds (raises the rule's RuleError)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _fail(rule, f"param {name!r} must be a list of evidence kinds")
    wrong = sorted(set(value) - set(EVIDENCE_KINDS))
    if wrong:
        raise _fail(rule, f"param {name!r}: unknown kind(s) {', '.join(map(str, wrong))} "
                          f"(one of: {', '.join(EVIDENCE_KINDS)})")
    return frozenset(value)


def reply_config(rule: Rule) -> ReplyConfig:
    """Check RULE's params and compile them (raises the rule's RuleError)."""
    values = checked_params(rule.param_dict, PARAMS, lambda m: _fail(rule, m))
    values["lone"] = _kind_list(rule, "lone", values["lone"])
    values["opens"] = _kind_list(rule, "opens", values["opens"])
    by_kind = patterns_by_kind(values.pop("languages"), EVIDENCE_KINDS, "evidence",
                               lambda m: _fail(rule, m))
    compiled = tuple((k, _compile_kind(rule, k, ps)) for k, ps in by_kind.items() if ps)
    # unscreened: a comma, a colon or a semicolon, which most lines of prose
    # hold, is a first requirement of the salutations and smileys
    gate = KindGate(((k, ps, "search" if k in SEARCHED_KINDS else "start")
                     for k, ps in by_kind.items() if ps), screened=False)
    return ReplyConfig(patterns=compiled, gate=gate, **values)


_MEMO_SIZE = 100_000  # lines whose evidence a cleaner keeps


@dataclass(frozen=True)
class CompiledReplyTail:
    """A reply-tail rule as a Cleaner runs it: its config, checked when the
    Cleaner is built, and its memo of line evidence (a cleaner's own)."""

    rule: Rule
    cfg: ReplyConfig
    memo: dict[str, frozenset[str]]

    @classmethod
    def of(cls, rule: Rule) -> CompiledReplyTail:
        return cls(rule, reply_config(rule), {})


# ------------------------------------------------------------------ the pure steps

_NONE: frozenset[str] = frozenset()


def _finds(rx, text: str, kind: str) -> bool:
    """Whether RX matches TEXT: at its start, or anywhere for a ``SEARCHED_KINDS``
    kind (a timeout counts as no match)."""
    try:
        found = rx.search if kind in SEARCHED_KINDS else rx.match
        return found(text, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        return False


def line_evidence(text: str, cfg: ReplyConfig) -> frozenset[str]:
    """The evidence kinds of one stripped non-blank line, neighbours not
    considered (a kind's gate first: most lines hold nothing it needs)."""
    if cfg.gate is None:
        return frozenset(kind for kind, rx in cfg.patterns if _finds(rx, text, kind))
    passing = cfg.gate.passing(text)
    if not passing:
        return _NONE
    return frozenset(kind for kind, rx in cfg.patterns
                     if kind in passing and _finds(rx, text, kind))


def raw_tail_evidence(contents: Sequence[str], cfg: ReplyConfig,
                      memo: dict[str, frozenset[str]] | None = None) -> list[frozenset[str]]:
    """:func:`line_evidence` of the non-blank lines CONTENTS, computed from the
    end up only as far as a tail can reach: none in the last
    ``max_tail_lines`` + 1 lines, or a stretch of more than ``max_gap_lines``
    lines without any, and no evidence line above can join a tail (the
    final evidence is a subset of this one). Lines higher up stay unmarked.
    MEMO, when given, keeps each line's evidence across calls (a line is
    judged once per cleaner, not once per pass and document)."""
    n = len(contents)
    raw = [_NONE] * n
    quiet, seen = 0, False
    for i in range(n - 1, -1, -1):
        got = memo.get(contents[i]) if memo is not None else None
        if got is None:
            got = line_evidence(contents[i], cfg)
            if memo is not None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[contents[i]] = got
        raw[i] = got
        seen = seen or bool(raw[i])
        quiet = 0 if raw[i] else quiet + 1
        if quiet > (cfg.max_gap_lines if seen else cfg.max_tail_lines):
            break
    return raw


def evidence_kinds(contents: Sequence[str], cfg: ReplyConfig,
                   raw: Sequence[frozenset[str]] | None = None) -> list[frozenset[str]]:
    """The evidence of the non-blank lines CONTENTS: :func:`line_evidence` (or
    RAW, as given by :func:`raw_tail_evidence`) without the ``lone`` kinds of
    lines whose neighbour has the same kind (a list of "- Item" lines).
    An address line right above a signature or a bare name is the closing of
    a signed text ("Best," / "-Name", "Cheers," / "Anna"): it counts as
    part of the signature, and opens nothing."""
    if raw is None:
        raw = [line_evidence(text, cfg) for text in contents]
    n = len(raw)
    out = list(raw)
    for i in (i for i, kinds in enumerate(raw) if kinds):  # few lines have any
        near = (raw[i - 1] if i > 0 else _NONE) | (raw[i + 1] if i + 1 < n else _NONE)
        out[i] = frozenset(k for k in raw[i] if k not in cfg.lone or k not in near)
    for i in range(n - 1):
        if "salutation" in out[i] and ("signature" in out[i + 1]
                                       or is_bare_name(contents[i + 1], cfg.name_max_words)):
            out[i] = frozenset({"signature"})  # "Best," above "-Name" closes a text
    return out


def is_bare_name(text: str, max_words: int) -> bool:
    """A line that is only a name: at most MAX_WORDS capitalised words, no punctuation."""
    words = text.split()
    return 0 < len(words) <= max_words and all(w[0].isupper() and w.isalpha() for w in words)


@dataclass(frozen=True)
class ReplyTail:
    """A reply tail among the non-blank lines: where its removal starts
    (position in the non-blank lines), its length and the evidence counts."""

    start: int
    lines: int
    counts: tuple[tuple[str, int], ...]

    def detail(self) -> str:
        shown = ", ".join(f"{n} {kind}" for kind, n in self.counts)
        return f"reply tail of {self.lines} lines: {shown}"


def find_reply_tail(evidence: Sequence[frozenset[str]], words: Sequence[int],
                    cfg: ReplyConfig) -> ReplyTail | None:
    """The reply tail that ends the text, if any.

    EVIDENCE and WORDS describe the non-blank lines (evidence kinds, word counts).
    """
    n = len(evidence)
    hits = [i for i, kinds in enumerate(evidence) if kinds]
    if not hits or n - 1 - hits[-1] > cfg.max_tail_lines:
        return None
    run = [hits[-1]]
    for i in reversed(hits[:-1]):
        if run[0] - i - 1 > cfg.max_gap_lines:
            break
        run.insert(0, i)
    while True:
        start = next((i for i in run if evidence[i] & cfg.opens), None)
        if start is None:
            return None
        run = [i for i in run if i >= start]  # what stays above is no evidence for the tail
        if len(run) < 2 or _body_share(run[0], run[1], words) <= cfg.first_body_max_share:
            break
        run = run[1:]  # an evidence line above the article body (an author's handle)
    if len(run) < max(cfg.min_evidence, 1) or sum(words[:start]) < cfg.min_words_above:
        return None
    counts = tuple((kind, sum(kind in evidence[i] for i in run)) for kind in EVIDENCE_KINDS)
    return ReplyTail(start, n - start, tuple((k, c) for k, c in counts if c))


def _body_share(first: int, second: int, words: Sequence[int]) -> float:
    """The share of the words above line SECOND that lie between FIRST and SECOND."""
    above = sum(words[:second])
    return sum(words[first + 1:second]) / above if above else 0.0


# ------------------------------------------------------------------ the kind

def reply_tail(rules: Sequence[CompiledReplyTail], draft: Draft,
               shown: tuple[Sequence[Line], Sequence[str]] | None = None) -> list[Deletion]:
    """Deletions of the reply tail at the end of DRAFT (the first rule that
    finds one). SHOWN: DRAFT's non-blank lines and their contents, when the
    caller has them."""
    if shown is None:
        lines: Sequence[Line] = [ln for ln in draft.lines if ln.content]
        contents: Sequence[str] = [ln.content for ln in lines]
    else:
        lines, contents = shown
    if not lines:
        return []
    words: list[int] | None = None
    for compiled in rules:
        rule, cfg = compiled.rule, compiled.cfg
        raw = raw_tail_evidence(contents, cfg, compiled.memo)
        if not any(raw):
            continue  # no evidence line near the end (most texts)
        if words is None:
            words = [len(text.split()) for text in contents]
        tail = find_reply_tail(evidence_kinds(contents, cfg, raw), words, cfg)
        if tail is not None:
            end = draft.lines[-1].next
            return [(lines[tail.start].start, min(end, len(draft.text)),
                     Attribution(rule.id, rule.category, tail.detail()))]
    return []
