"""How each rule kind runs: kind -> how its rules are compiled and the stage
function that runs them (``rules/kinds.py`` says what each kind is and which
keys it takes; the stages run in that table's order)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Any, Callable, Sequence

from ..document import Line
from ..rules.loader import Rule
from . import stages
from .context import CompiledRule, Context, Deletion

_CONTENT = itemgetter(4)  # Line.content


def non_blank(ctx: Context) -> tuple[list[Line], list[str]]:
    """The non-blank lines of CTX's current text and their contents, which
    the line-shape detectors (threads, reply tails, edge blocks, repeated
    lines) all walk: built once per state of the text, not once per
    detector. Kept on the context, which lives as long as its document."""
    lines = ctx.draft.lines
    got = getattr(ctx, "_detector_lines", None)
    if got is None or got[0] is not lines:
        contents = list(map(_CONTENT, lines))  # C-speed walks, no Python loop a line
        got = (lines, list(compress(lines, contents)), list(filter(None, contents)))
        try:
            ctx._detector_lines = got  # type: ignore[attr-defined]
        except AttributeError:  # a context with slots only: built again next time
            pass
    return got[1], got[2]


def _compile_page_region(rule: Rule, timeout: float) -> Any:
    from .page_config import compile_rule  # the page profile only: imported when used

    return compile_rule(rule, timeout)


def _stage_page_region(configs: Sequence, ctx: Context) -> list[Deletion]:
    from .page_region import page_region

    return page_region(configs, ctx.draft, ctx.options)


#: the engine modules the stage functions below have imported, by relative name
_MODULES: dict[str, Any] = {}


def _module(name: str) -> Any:
    """The engine module NAME (".edges"), imported when first asked for. The
    stages run for every document: an import statement in a stage function
    resolves its relative name again at each call (about 3 µs, ten calls a
    document: 4% of the fast engine's time on row 1), a dict lookup does not."""
    got = _MODULES.get(name)
    if got is None:
        from importlib import import_module

        got = _MODULES[name] = import_module(name, __package__)
    return got


def _compile_comment_thread(rule: Rule, timeout: float) -> Any:
    from .threads import CompiledThread

    return CompiledThread.of(rule)  # its params, now rather than in a clean() call


def _stage_comment_thread(items: Sequence, ctx: Context) -> list[Deletion]:
    if hasattr(ctx.candidates, "lines_of"):  # the fast engine's scan has gates
        thread_may_fire = _module(".fast.gates").thread_may_fire
        # the rules its gate cannot rule out: most texts hold no two record
        # lines, and are not split into lines for them
        items = [item for item in items if thread_may_fire(item, ctx.candidates)]
        if not items:
            return []
    return _module(".threads").comment_thread(items, ctx.draft, non_blank(ctx))


def _compile_reply_tail(rule: Rule, timeout: float) -> Any:
    from .replies import CompiledReplyTail

    return CompiledReplyTail.of(rule)  # its params, now rather than in a clean() call


def _stage_reply_tail(rules: Sequence, ctx: Context) -> list[Deletion]:
    if hasattr(ctx.candidates, "lines_of"):  # as comment-thread's
        tail_may_fire = _module(".fast.gates").tail_may_fire
        rules = [item for item in rules if tail_may_fire(item, ctx.candidates)]
        if not rules:
            return []
    return _module(".replies").reply_tail(rules, ctx.draft, non_blank(ctx))


def _compile_edge_block(rule: Rule, timeout: float) -> Any:
    from .edges import edge_config

    return rule, edge_config(rule)  # its params, now rather than in a clean() call


def _stage_edge_block(rules: Sequence[Rule], ctx: Context) -> list[Deletion]:
    return _module(".edges").edge_block(rules, ctx.draft, non_blank(ctx))


def _compile_repeated_line(rule: Rule, timeout: float) -> Any:
    from .repeats import repeat_config

    return rule, repeat_config(rule)  # its params, now rather than in a clean() call


def _stage_repeated_line(rules: Sequence, ctx: Context) -> list[Deletion]:
    return _module(".repeats").repeated_line(rules, ctx.draft, non_blank(ctx))


def _compile_indented_line(rule: Rule, timeout: float) -> Any:
    from .indents import indent_config

    return rule, indent_config(rule)  # its params, now rather than in a clean() call


def _stage_indented_line(rules: Sequence, ctx: Context) -> list[Deletion]:
    return _module(".indents").indented_line(rules, ctx.draft, non_blank(ctx))


def _compile_language(rule: Rule, timeout: float) -> Any:
    from .language import LanguageDetector

    return LanguageDetector(rule)


def _stage_language(detectors: Sequence, ctx: Context) -> None:
    """Nothing: the Cleaner asks the detector before the stages which rules run."""
    return None


def _compile_sentence_cut(rule: Rule, timeout: float) -> Any:
    from .sentences import SentenceCut

    return SentenceCut.of(rule)


def _stage_sentence_cut(items: Sequence, ctx: Context) -> list[Deletion]:
    return _module(".sentences").sentence_cuts(items, ctx)


@dataclass(frozen=True)
class KindRun:
    """How rules of one kind run: COMPILE(rule, timeout) gives what STAGE(items,
    ctx) takes; FIRST_PASS_ONLY: the stage edits in place and runs once
    (its repairs are idempotent), not in every pass; USES_KIND: the stage works
    with the rules of another kind (see ``picks``)."""

    compile: Callable[[Rule, float], Any]
    stage: Callable[[Sequence, Context], list[Deletion] | None]
    first_pass_only: bool = False
    #: the stage also gets the compiled rules of this kind that its rule picks
    #: (``picks(compiled, rule)``): its items are (compiled, [picked rules])
    uses_kind: str = ""


RUNS: dict[str, KindRun] = {
    "language": KindRun(_compile_language, _stage_language, first_pass_only=True),
    "normalisation": KindRun(CompiledRule, stages.stage_normalisation, first_pass_only=True),
    "page-region": KindRun(_compile_page_region, _stage_page_region),
    "comment-thread": KindRun(_compile_comment_thread, _stage_comment_thread),
    "reply-tail": KindRun(_compile_reply_tail, _stage_reply_tail),
    "section": KindRun(CompiledRule, stages.stage_section),
    "block": KindRun(CompiledRule, stages.stage_block),
    "line": KindRun(CompiledRule, stages.stage_line),
    "sentence-cut": KindRun(_compile_sentence_cut, _stage_sentence_cut, uses_kind="line"),
    "inline": KindRun(CompiledRule, stages.stage_inline),
    "leading-fragment": KindRun(CompiledRule, stages.stage_leading_fragment),
    "trailing-fragment": KindRun(CompiledRule, stages.stage_trailing_fragment),
    "repeated-line": KindRun(_compile_repeated_line, _stage_repeated_line),
    "indented-line": KindRun(_compile_indented_line, _stage_indented_line),
    "edge-block": KindRun(_compile_edge_block, _stage_edge_block),
}


def picks(compiled: Any, rule: Rule) -> bool:
    """Whether a stage with ``uses_kind`` (its rule compiled to COMPILED) works
    with RULE: a sentence cut with the line rules of its categories."""
    return rule.category in compiled.categories
