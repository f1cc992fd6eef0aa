"""The :class:`Cleaner`: applies ordered rules to a text and returns a :class:`Result`.

The rules of one kind form a *stage* (``stages.py``); the stages run in the
order of the kind table (``rules/kinds.py``), the rules inside a stage in
ascending ``(order, id)``. A stage looks at the text as the previous stage
left it, and inside a stage each line (paragraph, header...) is taken by the
first rule, in order, that matches it. So later stages always see the result
of earlier ones, and the outcome depends on nothing but the kinds and the
rule order.

After the stages, the tidy pass (``tidy.py``) removes what the removals left
behind. The stages run again until a pass removes nothing (cleaning is
idempotent); what keeps that cheap is the candidate provider
(``candidates.py``), which decides which lines each stage looks at.
"""

from __future__ import annotations

import os
from typing import Iterable, Sequence

from ..document import Draft, word_count
from ..errors import ConfigError
from ..options import DEFAULT_TIMEOUT, Options
from ..result import Change, Result, restore_text
from ..rules.loader import (Rule, bundled_rule_set, check_unique, load_rule_set,
                            check_selectors, selector_matches)
from ..rules.kinds import KIND_BY_NAME, KINDS
from .candidates import CandidateProvider, default_candidates
from .context import CompiledRule, Context
from .index import LiteralIndex
from .kinds import RUNS, non_blank, picks
from .language import (UNKNOWN, Detection, LanguageDetector, detector_of, runs_on,
                       widened)
from .tidy import tidy

MAX_PASSES = 4  # passes over the stages before giving up on reaching a fixed point

#: Kinds whose stage decides from the non-blank lines' contents alone (their
#: order and text; not the blank lines, margins or offsets, which only place
#: its deletions) and finds no more when a rule of it has timed out: such a
#: stage that found nothing in a pass is not run again on the same contents
#: (the confirming pass, after a removal by an earlier stage and a tidy that
#: dropped only blank lines). ``tests/test_pass_skips.py`` holds them to it.
CONTENTS_ONLY = frozenset({"line", "leading-fragment", "trailing-fragment", "repeated-line",
                           "edge-block"})


class Cleaner:
    """A compiled rule set, built once and reused for many texts.

    Built from a frozen :class:`~boilerstrip.options.Options` (``options``):
    ``Cleaner(profile=..., rules=[...], ignore=...)`` builds one from its
    keywords, :meth:`from_options` takes one. Thread-safe (``clean`` keeps no
    state between calls) and picklable (it pickles as its options, and
    compiles again when unpickled).

    :param profile: ``"article"`` (extractor output, the default) or ``"page"``
        (the full visible text of a web page).
    :param rules: extra rule files or folders to load.
    :param default_rules: load the bundled rules.
    :param ignore: rule ids, id prefixes (``en``, ``en.newsletter``) or
        categories to disable.
    :param select: when given, only rules named by these selectors run.
    :param enable: selectors of disabled (opt-in) rules to switch on, e.g. ``headline``.
    :param timeout: time limit of one regex call, in seconds.
    :param max_removed_share: over-cleaning guard threshold (share of words);
        ``None`` uses the profile's default.
    :param allow_large_removals: turn the over-cleaning guard off.
    :param language: which language packs run: ``auto`` (those of the
        document's languages, detected), ``any`` (all) or a language code.
    :param extra_rules: rules given as values (after the loaded ones).
    :param candidates: which lines each stage looks at (``candidates.py``);
        the default decides by document size. Any provider gives the same
        result, only the time differs (the tests hand in a brute-force one).
    """

    def __init__(self, profile: str = "article", rules: Iterable[str | os.PathLike[str]] = (),
                 *, default_rules: bool = True, ignore: Iterable[str] = (),
                 select: Iterable[str] = (), enable: Iterable[str] = (),
                 timeout: float | None = DEFAULT_TIMEOUT,
                 max_removed_share: float | None = None,
                 allow_large_removals: bool = False, language: str = "auto",
                 extra_rules: Sequence[Rule] = (),
                 candidates: CandidateProvider = default_candidates) -> None:
        # handed to Options as given: it takes one string as a one-item list
        # (tuple("my-rules/") would be a list of its characters)
        options = Options(profile=profile, rules=rules, default_rules=default_rules,
                          ignore=ignore, select=select, enable=enable,
                          timeout=timeout, max_removed_share=max_removed_share,
                          allow_large_removals=allow_large_removals, language=language)
        self._setup(options, tuple(extra_rules), candidates)
        # here, not in _setup: a cleaner derived inside the engine (page_debris's
        # article cleaner) keeps selectors of rules it does not load
        check_selectors(options, self.all_rules)

    @classmethod
    def from_options(cls, options: Options, *, extra_rules: Sequence[Rule] = (),
                     candidates: CandidateProvider = default_candidates) -> Cleaner:
        """The cleaner of OPTIONS (plus EXTRA_RULES, given as values)."""
        cleaner = cls.__new__(cls)
        cleaner._setup(options, tuple(extra_rules), candidates)
        return cleaner

    def _setup(self, options: Options, extra_rules: tuple[Rule, ...],
               candidates: CandidateProvider) -> None:
        self.options = options
        self._extra = extra_rules
        self._candidates = candidates
        rule_set = load_rule_set(options.rules, default_rules=options.default_rules)
        #: warnings about the user's rule files (risky patterns), for ``-v``
        self.warnings = rule_set.warnings
        loaded = [*rule_set.rules, *extra_rules]
        check_unique(loaded)
        self.all_rules: tuple[Rule, ...] = tuple(sorted(loaded, key=Rule.sort_key))
        self.rules: tuple[Rule, ...] = tuple(r for r in self.all_rules if self._active(r))
        self._spared = frozenset(r.id for r in self.rules if KIND_BY_NAME[r.kind].guard_spares)
        #: what decides which language packs run (None: every pack runs)
        self.detector: LanguageDetector | None = detector_of(self.rules)
        _check_forced_language(options.language, self.all_rules, self.detector)
        #: languages of packs the detector has no list for: it cannot tell them,
        #: so with ``auto`` they run on every document (as on an undecided one)
        self.undetectable: frozenset[str] = frozenset(
            r.language for r in self.rules if r.language) - set(self.detector.codes) \
            if self.detector is not None else frozenset()
        # (stages, literal index) per set of languages run; filled as met
        self._plans: dict[frozenset[str], tuple[list[tuple[str, list]], LiteralIndex | None]] = {}
        self._stages, self._index = self._plan(UNKNOWN)
        self._provider = candidates
        if candidates is default_candidates:  # a provider handed in is used as given
            from .fast.engine import fast_provider

            self._provider = fast_provider(self.all_rules) or candidates

    @property
    def engine(self) -> str:
        """Which engine runs: "fast" (the compiled prefilter) or "pure"."""
        return getattr(self._provider, "engine", "pure")

    # the options, read where they were attributes before there was an Options
    profile = property(lambda self: self.options.profile)
    rule_paths = property(lambda self: self.options.rules)
    default_rules = property(lambda self: self.options.default_rules)
    ignore = property(lambda self: self.options.ignore)
    select = property(lambda self: self.options.select)
    enable = property(lambda self: self.options.enable)
    timeout = property(lambda self: self.options.timeout)
    allow_large_removals = property(lambda self: self.options.allow_large_removals)

    @property
    def max_removed_share(self) -> float:
        """The guard's threshold: the option, or the profile's default."""
        return self.options.removed_share_limit

    def _active(self, rule: Rule) -> bool:
        if self.profile not in rule.profiles:
            return False
        if any(selector_matches(s, rule) for s in self.ignore):
            return False
        if self.select and not any(selector_matches(s, rule) for s in self.select):
            return False
        return rule.enabled or any(selector_matches(s, rule) for s in self.enable + self.select
                                   if s != rule.pack)

    def _plan(self, detection: Detection
              ) -> tuple[list[tuple[str, list]], LiteralIndex | None]:
        """The stages and literal index of the rules that run on a document of
        DETECTION, built on first use and kept."""
        got = self._plans.get(detection.languages)
        if got is None:
            stages = self._build_stages(detection)
            got = self._plans[detection.languages] = (stages, _literal_index(stages))
        return got

    def prepare(self) -> None:
        """Build now what cleaning builds on first use: the stages and literal
        indexes of a document in each language the detector tells (and of
        one whose language is unknown), their scan regexes compiled, the
        normalisation's modules, a cached fast-engine database. A process
        about to fork workers calls it: they inherit it all, instead of each
        building it again (0.5 s of CPU each with the bundled rules)."""
        from importlib import import_module

        from .index import TIERS

        import_module(".normalise", __package__)  # ftfy and its tables: imported on first use

        detections = [self.detect("")]  # unknown, or the forced language
        if self.options.language == "auto" and self.detector is not None:
            others = self.detector.everywhere | self.undetectable
            detections += [Detection(code, frozenset({code}) | others)
                           for code in self.detector.codes]
        for detection in detections:
            _stages, index = self._plan(detection)
            for tier in (*TIERS, None):
                if index is not None:
                    index.for_lines(tier).split()
        load = getattr(self._provider, "fast", None)  # auto: loaded on first long document
        if callable(load):
            load()

    def detect(self, text: str, seen: dict | None = None) -> Detection:
        """Which language packs run on TEXT: the ``language`` option when it
        names one (with or without a language rule: it was asked for) and,
        as with ``auto``, the detector's ``everywhere`` packs; no gating when
        it is ``any`` or no language rule runs; else what the detector finds,
        and the packs of languages it cannot tell (``undetectable``). SEEN:
        the counts of samples already judged in this clean call, by sample."""
        forced = self.options.language
        if forced not in ("auto", "any"):
            everywhere = self.detector.everywhere if self.detector is not None else frozenset()
            return Detection(forced, frozenset({forced}) | everywhere)
        if forced == "any" or self.detector is None:
            return UNKNOWN
        found = self.detector.detect(text, seen)
        if found.gated and self.undetectable:
            return Detection(found.language, found.languages | self.undetectable)
        return found

    def _build_stages(self, detection: Detection) -> list[tuple[str, list]]:
        """(kind, compiled rules) per stage, in the kinds' stage order; the
        rules of a stage in ``(order, id)`` order. Only the rules that run on
        a document of DETECTION (``language`` rules have no stage)."""
        by_kind: dict[str, list] = {}
        for rule in self.rules:  # sorted by (order, id)
            if rule.kind == "language" or not runs_on(rule, detection):
                continue
            run = RUNS[rule.kind]
            by_kind.setdefault(rule.kind, []).append(run.compile(rule, self.options.timeout))
        for kind, items in by_kind.items():
            used = RUNS[kind].uses_kind
            if used:  # the compiled rules of the other stage, shared, in their order
                by_kind[kind] = [(c, [cr for cr in by_kind.get(used, []) if picks(c, cr.rule)])
                                 for c in items]
        return [(kind, by_kind[kind]) for kind in KINDS if kind in by_kind]

    def __reduce__(self):
        # pickles as its options (and rules given as values): compiled again when loaded
        return (_from_options, (self.options, self._extra, self._candidates))

    # -------------------------------------------------------------- cleaning
    def clean(self, text: str) -> Result:
        """Clean TEXT and return the :class:`Result` (text plus report)."""
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}")
        return self._clean([text], text)

    def clean_handed(self, handed: list[str]) -> Result:
        """Clean the one text of the list HANDED, which this empties: a
        caller that keeps no other reference to the text gets the same
        :class:`Result` as :meth:`clean`'s, without the original held next to
        the text being cleaned (a large document's memory: each copy is up to
        4 bytes a character). The original is rebuilt at the end, from the
        cleaned text and the changes (as :meth:`Result.restore` does), when
        first read: a caller that never reads it never holds it."""
        if len(handed) != 1 or not isinstance(handed[0], str):
            raise TypeError("clean_handed() takes a list of one str")
        return self._clean(handed, None)

    def _clean(self, handed: list[str], text: str | None) -> Result:
        """Clean HANDED's text (TEXT: it, kept by the caller; None: rebuilt)."""
        body = handed.pop()
        bom = body.startswith("\ufeff")
        if bom:
            body = body[1:]
        seen: dict = {}  # language counts by sample: the cleaned text's may be the input's
        detection = self.detect(body, seen)
        # what tells whether the cleaned text may be detected otherwise
        ends = self.detector.ends(body) if self.detector is not None else None
        draft = Draft(body)
        del body  # the draft holds it until its first edit, the caller maybe longer
        ctx = Context(draft, self.options)
        if text is None:
            ctx.words()  # the original's word count (for the guard), while it is here
        try:
            while True:
                stages, index = self._plan(detection)
                # the packs that run: the fast engine scans only their rules' database
                ctx.languages = detection.languages if detection.gated else None
                ctx.candidates = self._provider(ctx, index)
                self._run_passes(ctx, stages)
                # the cleaned text may run more packs (cut down to a few words,
                # its language is unknown): run them too, so that cleaning the
                # output again changes nothing
                detected = detection.gated and self.options.language == "auto"
                wider = widened(detection, self.detect(draft.text, seen)) \
                    if detected and self.detector.sees_change(ends, draft.text) \
                    else detection
                if wider.languages == detection.languages:
                    break
                detection = wider
        finally:
            # the candidates refer back to the context: without this cycle the
            # document's lines and caches go when clean returns, not at the
            # next full collection (maybe after the next large document)
            ctx.candidates = None
        changes = draft.changes()
        out = draft.text
        # the lines' counts, memoised by content, which the stages mostly
        # computed already: no split of the whole text before and after
        words_out = ctx.word_total() if changes else 0
        words_in = ctx.original_words
        skipped = tuple(ctx.skipped)
        original = draft.original  # the text, while no edit was made
        del ctx, draft  # the lines and caches go before the original is rebuilt
        if bom:
            changes = [Change(c.start + 1, c.end + 1, c.text, c.replacement, c.rule, c.category,
                              c.line, c.detail) for c in changes]
            out = "\ufeff" + out
        share = 0.0
        if changes:  # no change: the same words
            if words_in is None:
                words_in = word_count(text[1:] if bom else text)
            # a comment thread is found below the article body (it keeps the body
            # above itself): what the guard protects is the text outside it
            words_in -= sum(word_count(c.text) for c in changes if c.rule in self._spared)
            if words_in > 0:
                share = max(0.0, (words_in - words_out) / words_in)
        langs = tuple(sorted(detection.languages))
        guarded = changes and share > self.max_removed_share and not self.allow_large_removals
        if text is None:  # handed over
            if original is not None:  # never edited: the output is the original
                text = "\ufeff" + original if bom else original
            elif not guarded:  # rebuilt from the output and the changes if read
                return Result.rebuilding(out, tuple(changes), skipped=skipped,
                                         profile=self.profile, removed_share=share,
                                         language=detection.language, languages=langs)
            else:
                text = restore_text(out, changes)
        if guarded:
            return Result(text, text, tuple(changes), "guarded", skipped,
                          self.profile, share, detection.language, langs)
        return Result(text, out, tuple(changes), "cleaned", skipped, self.profile,
                      share, detection.language, langs)

    def _run_passes(self, ctx: Context, stages: list[tuple[str, list]]) -> None:
        """Run the stages until a pass removes nothing, so that cleaning is
        idempotent: a removal can expose new debris to a rule that ran
        earlier (an inline cut turns a line into a bare "Share this", a
        removed tail makes a new last line). Most documents need one pass
        plus a cheap confirming one; MAX_PASSES bounds the rest."""
        draft = ctx.draft
        # kind -> the non-blank contents on which that stage last found nothing
        found_nothing: dict[str, list[str]] = {}
        for pass_no in range(MAX_PASSES):
            removed = False
            for kind, items in stages:
                if not draft.text:
                    break
                run = RUNS[kind]
                if run.first_pass_only:
                    if pass_no == 0:
                        run.stage(items, ctx)
                    continue
                seen = None
                if kind in CONTENTS_ONLY:
                    seen = non_blank(ctx)[1]
                    if found_nothing.get(kind) == seen:
                        continue  # the same lines it found nothing in: nothing again
                dels = run.stage(items, ctx)
                if dels:
                    ctx.reset()  # first: what it drops need not outlive the old text
                    draft.delete(dels)
                    removed = True
                    found_nothing.pop(kind, None)
                elif seen is not None:
                    found_nothing[kind] = seen
            tidy(draft)
            ctx.reset()
            if not removed:
                break


def _check_forced_language(language: str, rules: Sequence[Rule],
                           detector: LanguageDetector | None) -> None:
    """Fail with one line when LANGUAGE names a language neither a loaded rule
    pack nor the detector knows: a mistyped code would otherwise run no pack
    at all, silently."""
    if language in ("auto", "any"):
        return
    known = {r.language for r in rules if r.language} | set(detector.codes if detector else ())
    if language not in known:
        raise ConfigError(f"language {language!r}: no rule pack is in this language and the "
                          f"detector does not know it (known: {', '.join(sorted(known)) or 'none'}"
                          f"; or auto, any)", "language")


def _literal_index(stage_list: list[tuple[str, list]]) -> LiteralIndex | None:
    """The literal index of the rules of STAGE_LIST, with how long a line each
    literal is looked for in: only line and section rules limit their
    candidates by their ``max_words`` ceiling (not the line rules a sentence
    cut also looks for in long lines)."""
    lits: list[str] = []
    bounds: dict[str, int | None] = {}
    # rules another stage also uses (sentence cuts: line rules in long lines)
    shared = {id(cr) for kind, items in stage_list if RUNS[kind].uses_kind
              for _compiled, picked in items for cr in picked}
    for kind, items in stage_list:
        for cr in items:
            if not (isinstance(cr, CompiledRule) and cr.pat and cr.pat.literals):
                continue
            b = cr.ceiling if kind in ("line", "section") and id(cr) not in shared else None
            for lit in cr.pat.literals:
                lits.append(lit)
                old = bounds.get(lit, 0)
                bounds[lit] = None if (old is None or b is None) else max(old, b)
    return LiteralIndex(lits, bounds) if lits else None


def _from_options(options: Options, extra_rules: tuple[Rule, ...],
                  candidates: CandidateProvider) -> Cleaner:
    return Cleaner.from_options(options, extra_rules=extra_rules, candidates=candidates)


def _bundled_rules() -> tuple[Rule, ...]:
    """The bundled rules, loaded once per process."""
    return bundled_rule_set().rules


def clean(text: str, **options) -> Result:
    """Clean TEXT with a :class:`Cleaner` built from OPTIONS (cached per options).

    For many texts, build one :class:`Cleaner` and call its ``clean``.
    """
    key = repr(sorted(options.items()))
    cleaner = _CLEANERS.get(key)
    if cleaner is None:
        cleaner = Cleaner(**options)
        _CLEANERS[key] = cleaner
    return cleaner.clean(text)


_CLEANERS: dict[str, Cleaner] = {}
