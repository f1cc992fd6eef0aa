"""The rule kinds: one table of what each kind acts on and which YAML keys it
takes, in the order their stages run.

The stage a rule runs in comes from its kind; ``order`` only ranks the rules
inside their stage (see docs/rules.md). The loader checks a rule's keys
against this table; the engine (``engine/kinds.py``) maps each kind to the
function that runs its stage, and a test checks that every kind here has one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Keys every rule takes, whatever its kind.
COMMON_KEYS = frozenset({
    "id", "category", "kind", "description", "order", "enabled", "profiles", "examples",
    "draft", "notes", "language",
})
#: Keys of the kinds that match regular expressions.
PATTERN_KEYS = frozenset({"pattern", "patterns", "unless", "flags"})


@dataclass(frozen=True)
class Kind:
    """A rule kind: its name, what its rules act on, the keys they may have
    beyond ``COMMON_KEYS``, and how their params are checked on load."""

    name: str
    acts_on: str
    keys: frozenset[str]
    params_checked: str = ""  # where a kind with params has them checked
    #: the over-cleaning guard does not count what rules of this kind remove
    guard_spares: bool = False

    @property
    def has_patterns(self) -> bool:
        return bool(PATTERN_KEYS & self.keys)


#: Every kind, in the order their stages run.
KIND_TABLE: tuple[Kind, ...] = (
    # no stage of its own: the Cleaner asks it, before the stages, which
    # language packs run on the document
    Kind("language", "the document's language: which language packs run; removes nothing",
         frozenset({"params"}), params_checked="when a Cleaner is built"),
    Kind("normalisation", "ftfy repairs, recorded as replacements", frozenset({"params"}),
         params_checked="on load (ftfy's options)"),
    Kind("page-region", "page profile: find the article's region in a full web page",
         frozenset({"params"}), params_checked="when a Cleaner is built"),
    # a thread keeps the article body above itself, so the guard counts the rest
    Kind("comment-thread", "a run of reader comment records at the end, found by shape",
         frozenset({"params"}), params_checked="when a Cleaner is built", guard_spares=True),
    # after the record-marked threads: a tail whose comments lost their markers
    Kind("reply-tail", "reader comments at the end that lost their markers, found by reply evidence",
         frozenset({"params"}), params_checked="when a Cleaner is built", guard_spares=True),
    Kind("section", "a header line and the list-like lines below it",
         PATTERN_KEYS | {"match", "when", "section"}),
    Kind("block", "a whole blank-line-separated paragraph", PATTERN_KEYS | {"match", "when"}),
    Kind("line", "a whole line", PATTERN_KEYS | {"match", "when"}),
    # runs with the line rules of the categories its params name
    Kind("sentence-cut", "the first or last sentence of a line whose rest is prose, when a "
         "line rule takes it", frozenset({"params"}), params_checked="when a Cleaner is built"),
    # spans inside a line: no line-level conditions
    Kind("inline", "a span inside a line", PATTERN_KEYS),
    Kind("leading-fragment", "the first non-blank line, when it is a cut-off remain "
         "(another line follows)", PATTERN_KEYS | {"match", "when", "remove"}),
    Kind("trailing-fragment", "the last non-blank line, when it is a cut-off remain "
         "(another line is above)", PATTERN_KEYS | {"match", "when", "remove"}),
    # after the line stages: a copy of a line just above, said again
    Kind("repeated-line", "a line that repeats one of the few lines just above it, "
         "found by position", frozenset({"params"}), params_checked="when a Cleaner is built"),
    # after the repeats: a short line set deeper than the body text around it
    Kind("indented-line", "a short line indented deeper than the body text between two "
         "body paragraphs, found by position", frozenset({"params"}),
         params_checked="when a Cleaner is built"),
    # last: it judges the edges of what the other stages left; a block found
    # beside the article body keeps the body, and a text of teasers alone has
    # no article to protect, so the guard counts the rest
    Kind("edge-block", "a rail of headlines or teasers at the start or the end, a list of "
         "dated teasers at the end, or a text of teasers alone, found by shape",
         frozenset({"params"}), params_checked="when a Cleaner is built", guard_spares=True),
)

#: Kind names in stage order.
KINDS: tuple[str, ...] = tuple(k.name for k in KIND_TABLE)
#: Kind name -> its entry of the table.
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KIND_TABLE}
#: Kind name -> the keys its rules may have beyond ``COMMON_KEYS``.
KIND_KEYS: dict[str, frozenset[str]] = {k.name: k.keys for k in KIND_TABLE}


def stage_rank(kind: str) -> int:
    """The position of KIND's stage among the stages."""
    return KINDS.index(kind)
