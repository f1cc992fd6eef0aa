"""The stages: one function per rule kind, each one loop over its candidates.

A stage gets the rules of one kind, in order, and the document's
:class:`~boilerstrip.engine.context.Context`; it returns the deletions it
wants (the Cleaner applies them). Which lines it looks at for which rule
comes from ``ctx.candidates`` (``candidates.py``): the stage never takes a
shortcut of its own, so its result is the one of trying every rule on every
line.

In a stage each line (paragraph, header...) is taken by the first rule, in
order, that matches it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Sequence

from ..document import Attribution, Line, line_text, paragraphs
from ..rules.patterns import TimedOut, fold
from .candidates import CONTENT, WHOLE, may_hit
from .context import (CompiledRule, Context, Deletion, Positions, conditions_hold,
                      is_list_item, is_prose, is_subheading, per_rule_list, subheaded)

_POSITION_NEEDS: dict[int, tuple] = {}


def position_needs(rules: Sequence[CompiledRule]) -> tuple[int, int, tuple[int, ...]]:
    """How much of a line's position the ``when`` of RULES can see: ranks from
    the start up to F, ranks from the end up to L, and the ``prose_min_words``
    of the rules that look at the last prose line."""
    return per_rule_list(_POSITION_NEEDS, rules, _position_needs)


def _position_needs(rules: Sequence[CompiledRule]) -> tuple[int, int, tuple[int, ...]]:
    first = last = 0
    mins: set[int] = set()
    for cr in rules:
        w = cr.rule.when
        first = max(first, w.first_lines or 0, w.not_first_lines or 0)
        last = max(last, w.last_lines or 0)
        if w.after_last_prose:
            mins.add(w.prose_min_words)
    return first, last, tuple(sorted(mins))


def line_keys(rules: Sequence[CompiledRule], lines: Sequence[Line],
              pos: Positions) -> dict[int, tuple]:
    """For each non-blank line, everything a line-wise stage's decision on it
    depends on: its content and the parts of its position the rules can see.
    A line no rule took keeps that verdict while its key stays the same."""
    first, last, mins = position_needs(rules)
    last_prose = [pos.last_prose(m) for m in mins]
    shown = [ln for ln in lines if ln.content]
    top = len(shown) - 1
    keys = {}
    for r, ln in enumerate(shown):
        i = ln.index
        keys[i] = (ln.content, r if r < first else first, top - r if top - r < last else last,
                   tuple(i <= lp for lp in last_prose))
    return keys


def _by_line(per_rule: dict[int, list[int]]) -> dict[int, list[int]]:
    """Line -> the positions of the rules that have it as a candidate, ascending."""
    out: dict[int, list[int]] = {}
    for k in sorted(per_rule):
        for i in per_rule[k]:
            got = out.get(i)
            if got is None:
                out[i] = [k]
            else:
                got.append(k)
    return out


def _header_matches(cr: CompiledRule, ctx: Context, ln: Line, pos: Positions,
                    n_words: int) -> bool:
    """Whether CR's ``when`` and pattern take line LN on its own (may raise TimedOut)."""
    content = ln.content
    if not (conditions_hold(cr.rule, ln, ln, content, pos, n_words)
            and cr.pat.could_start(content)):
        return False
    only = cr.pat.matchable(ctx.fold_line(ln.index))
    return bool(only) and cr.pat.first_match(content, only) is not None


def _keys_of(rules: Sequence[CompiledRule], indices: Sequence[int], shown: Sequence[int],
             lines: Sequence[Line], pos: Positions) -> dict[int, tuple]:
    """:func:`line_keys` of the lines INDICES only (SHOWN: the indices of the
    non-blank lines, ascending)."""
    first, last, mins = position_needs(rules)
    last_prose = [pos.last_prose(m) for m in mins]
    top = len(shown) - 1
    keys = {}
    for i in indices:
        r = bisect_left(shown, i)
        # no generator made per line for rules that do not look at prose
        keys[i] = (lines[i].content, r if r < first else first,
                   top - r if top - r < last else last,
                   tuple([i <= lp for lp in last_prose]) if last_prose else ())
    return keys


def _in_window(cr: CompiledRule, found: list[int], shown: Sequence[int],
               pos: Positions) -> list[int]:
    """The lines of FOUND (ascending, non-blank) where CR's ``when`` allows
    a line by its position (``first_lines``, ``not_first_lines``,
    ``last_lines``, ``after_last_prose``, as ``conditions_hold`` decides):
    a rule kept to the last lines looks at those only, not at every line
    that may hold its pattern. SHOWN: the non-blank lines, ascending."""
    w = cr.rule.when
    count = len(shown)
    lo, hi = 0, len(found)
    if w.not_first_lines:  # rank >= N
        if w.not_first_lines >= count:
            return []
        lo = bisect_left(found, shown[w.not_first_lines])
    if w.first_lines is not None and w.first_lines < count:  # rank < F
        hi = bisect_left(found, shown[w.first_lines]) if w.first_lines > 0 else 0
    if w.last_lines is not None and w.last_lines < count:  # rank >= count - L
        if w.last_lines <= 0:
            return []
        lo = max(lo, bisect_left(found, shown[count - w.last_lines]))
    if w.after_last_prose:
        lo = max(lo, bisect_right(found, pos.last_prose(w.prose_min_words)))
    return found if lo == 0 and hi == len(found) else found[lo:hi]


def _positioned(rules: Sequence[CompiledRule]) -> tuple[int, ...]:
    """Positions (in RULES) of the rules whose ``when`` looks at a line's position."""
    return per_rule_list(_POSITIONED, rules, lambda rules: tuple(
        k for k, cr in enumerate(rules)
        if cr.rule.when.first_lines is not None or cr.rule.when.last_lines is not None
        or cr.rule.when.not_first_lines or cr.rule.when.after_last_prose))


_POSITIONED: dict[int, tuple] = {}


def _fresh_candidates(rules: Sequence[CompiledRule], ctx: Context):
    """The candidates of RULES among the non-blank lines (``for_rules``), in
    each rule's position window (:func:`_in_window`), less the lines whose
    verdict key has a kept verdict (the passes after the first only look at
    lines that changed, moved into view or are new, see Cleaner.clean):
    (positions, word counts, keys of the candidate lines, the stage's
    verdicts, the fresh candidate lines, rule -> fresh lines), or None when
    no line is a candidate. Keys are made for candidate lines only: a stage
    costs per candidate, not per line."""
    lines = ctx.draft.lines
    shown = ctx.shown()
    per_rule = ctx.candidates.for_rules(rules, shown, CONTENT)
    if not per_rule:
        return None
    pos = Positions(lines, shown)
    windowed = [k for k in _positioned(rules) if k in per_rule]
    if windowed:
        per_rule = dict(per_rule)  # the provider's answer stays as it gave it
        for k in windowed:
            got = _in_window(rules[k], per_rule[k], shown, pos)
            if got:
                per_rule[k] = got
            else:
                del per_rule[k]
        if not per_rule:
            return None
    found = sorted(set().union(*per_rule.values()))
    keys = _keys_of(rules, found, shown, lines, pos)
    rejected = ctx.candidates.verdicts(rules)
    fresh = [i for i in found if keys[i] not in rejected]
    if len(fresh) < len(found):
        keep = set(fresh)
        per_rule = {k: got for k, got in ((k, [i for i in got if i in keep])
                                          for k, got in per_rule.items()) if got}
    return pos, ctx.line_words, keys, rejected, fresh, per_rule


def stage_line(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """Line rules: each candidate line is taken by the first rule, in order,
    that matches it. Going line by line, a rule that exceeds its time limit is
    skipped for the lines after that one and reported after the stage, in rule
    order, as going rule by rule would."""
    if not may_hit(ctx.candidates, rules, CONTENT):
        return []  # no line of the document may match: nothing to look at
    lines = ctx.draft.lines
    got = _fresh_candidates(rules, ctx)
    if got is None:
        return []
    pos, line_words, keys, rejected, fresh, per_rule = got
    by_line = _by_line(per_rule)
    timed_out = ctx.timed_out
    late: dict[int, str] = {}  # rules timed out in this stage, by position
    taken: dict[int, Attribution] = {}
    for i in sorted(by_line):
        ln = lines[i]
        for k in by_line[i]:
            cr = rules[k]
            if cr.rule.id in timed_out or k in late:
                continue
            try:
                if _header_matches(cr, ctx, ln, pos, line_words(i)):
                    taken[i] = cr.who
                    break
            except TimedOut:
                late[k] = cr.rule.id
    for k in sorted(late):
        ctx.timeout(late[k])
    rejected.update(keys[i] for i in fresh if i not in taken)
    return [(lines[i].start, lines[i].next, who) for i, who in sorted(taken.items())]


def stage_block(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """Block rules match a whole paragraph (its lines' contents joined by
    ``\\n``): a paragraph is a candidate of a rule when one of its lines is."""
    if not may_hit(ctx.candidates, rules, CONTENT):
        return []
    lines = ctx.draft.lines
    per_rule = ctx.candidates.for_rules(rules, ctx.shown(), CONTENT)
    if not per_rule:  # no paragraphs to build
        return []
    pos = Positions(lines, ctx.shown())
    paras = paragraphs(lines)
    starts = [a for a, _ in paras]
    texts: list[str | None] = [None] * len(paras)
    folds: list[str | None] = [None] * len(paras)  # their case-folds, for ``matchable``
    taken: dict[int, Attribution] = {}
    # a paragraph's word count is the sum of its lines' (counted once per
    # document): a rule's word bounds reject paragraphs before they are
    # joined and matched
    n_words: list[int | None] = [None] * len(paras)
    for r in sorted(per_rule):
        cr = rules[r]
        if cr.rule.id in ctx.timed_out:
            continue
        ks = sorted({bisect_right(starts, i) - 1 for i in per_rule[r]})
        when = cr.rule.when
        most, least = when.max_words, when.min_words
        # the candidate paragraphs' lines only: few
        line_words = ctx.line_words if most is not None or least is not None else None
        try:
            for k in ks:
                if k in taken:
                    continue
                a, b = paras[k]
                n = None
                if line_words is not None:
                    n = n_words[k]
                    if n is None:
                        n = n_words[k] = sum(map(line_words, range(a, b + 1)))
                    if (most is not None and n > most) or (least is not None and n < least):
                        continue
                text = texts[k]
                if text is None:
                    text = texts[k] = "\n".join(ln.content for ln in lines[a:b + 1])
                if not conditions_hold(cr.rule, lines[a], lines[b], text, pos, n):
                    continue
                folded = folds[k]
                if folded is None:
                    folded = folds[k] = fold(text)
                only = cr.pat.matchable(folded)
                if only and cr.pat.first_match(text, only) is not None:
                    taken[k] = cr.who
        except TimedOut:
            ctx.timeout(cr.rule.id)
    return [(lines[paras[k][0]].start, lines[paras[k][1]].next, who)
            for k, who in sorted(taken.items())]


def _inline_subjects(ctx: Context, indexes, rejected) -> dict[int, tuple[int, str]]:
    """Line index -> (start, the line without its ending) for the lines of
    INDEXES whose text has no kept verdict in REJECTED."""
    text, lines = ctx.draft.text, ctx.draft.lines
    subjects: dict[int, tuple[int, str]] = {}
    for i in indexes:
        ln = lines[i]
        end = ln.end
        if end > ln.start and text[end - 1] == "\r":
            end -= 1
        subject = line_text(text, ln, end, ctx.draft.line_texts)
        if subject not in rejected:
            subjects[i] = (ln.start, subject)
    return subjects


def stage_inline(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """Inline rules match inside one line at a time: the line without its
    ending is the whole subject (``^``/``$`` are its ends, lookarounds stop
    there). Where spans of several rules overlap, the earliest start wins,
    then the rule order."""
    if not may_hit(ctx.candidates, rules, WHOLE):
        return []
    lines = ctx.draft.lines
    # What an inline rule finds depends on the line's own text only: a line
    # where none found anything keeps that verdict while its text is unchanged.
    rejected = ctx.candidates.verdicts(rules)
    if rejected:
        # a later pass: most lines keep their verdict, so only the few whose
        # text changed are asked (a provider that tests lines one by one
        # would otherwise test them all again)
        subjects = _inline_subjects(ctx, (ln.index for ln in lines if ln.content), rejected)
        if not subjects:
            return []
        per_rule = ctx.candidates.for_rules(rules, list(subjects), WHOLE)
    else:
        # the first pass: the candidates of every non-blank line first, and
        # only theirs are sliced and looked up, not every line's
        per_rule = ctx.candidates.for_rules(rules, ctx.shown(), WHOLE)
        if not per_rule:
            return []
        subjects = _inline_subjects(ctx, sorted(set().union(*per_rule.values())), rejected)
    folded: dict[int, str] = {}
    found: list[tuple[int, int, int, Attribution]] = []
    hit_lines: set[int] = set()
    for rank in sorted(per_rule):
        cr = rules[rank]
        if cr.rule.id in ctx.timed_out:
            continue
        try:
            for i in per_rule[rank]:
                start, subject = subjects[i]
                # every literal requirement of some pattern must be in the
                # line, or no pattern can match anywhere in it
                f = folded.get(i)
                if f is None:
                    f = folded[i] = fold(subject)
                only = cr.pat.matchable(f)
                if not only:
                    continue
                for a, b in cr.pat.spans(subject, only):
                    if a == b or (cr.pat.has_unless and cr.pat.vetoed(subject)):
                        continue
                    found.append((start + a, rank, start + b, cr.who))
                    hit_lines.add(i)
        except TimedOut:
            ctx.timeout(cr.rule.id)
    rejected.update(subject for i, (_start, subject) in subjects.items() if i not in hit_lines)
    found.sort(key=lambda t: (t[0], t[1]))
    out: list[Deletion] = []
    end = -1
    for a, _rank, b, who in found:
        if a >= end:
            out.append((a, b, who))
            end = b
    return out


def stage_section(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """Section rules: a header line (the rule's pattern) and the lines below
    it while they look like a list (``section`` options). Rule by rule, in
    order; a line covered by an earlier section heads none."""
    if not may_hit(ctx.candidates, rules, CONTENT):
        return []
    lines = ctx.draft.lines
    # Whether a line heads a section of some rule depends on its content and
    # visible position only, as in the line stage: a line where no rule's
    # header test passed keeps that verdict while its key is unchanged. A line
    # whose header test passed is tried again in every pass (its section
    # depends on the lines below it), and so is a line an earlier section covered.
    got = _fresh_candidates(rules, ctx)
    if got is None:
        return []
    pos, line_words, keys, rejected, fresh, per_rule = got
    fresh_set = set(fresh)
    plan = [(rules[k], per_rule[k]) for k in sorted(per_rule)]
    headed: set[int] = set()  # lines whose verdict is not a plain "no header"
    covered = [False] * len(lines)
    heads_memo: dict[tuple[int, str], bool] = {}

    def heads_another(j: int, own: CompiledRule) -> bool:
        """Whether line J passes the header test of a section rule of this
        stage other than OWN (for ``stop_at_headers``)."""
        key = (j, own.rule.id)
        got = heads_memo.get(key)
        if got is None:
            got = False
            if j in fresh_set:  # a line that is not fresh heads no section
                for other, _candidates in plan:
                    if other is own or other.rule.id in ctx.timed_out:
                        continue
                    try:
                        if _header_matches(other, ctx, lines[j], pos, line_words(j)):
                            got = True
                            headed.add(j)
                            break
                    except TimedOut:
                        ctx.timeout(other.rule.id)
            heads_memo[key] = got
        return got

    out: list[Deletion] = []
    for cr, candidates in plan:
        if cr.rule.id in ctx.timed_out:
            continue
        try:
            for h in candidates:
                if covered[h]:
                    headed.add(h)
                    continue
                if not _header_matches(cr, ctx, lines[h], pos, line_words(h)):
                    continue
                headed.add(h)
                # every line's count: a section may reach the end of the text
                got = _section_below(cr, lines, ctx.words(), h, covered, heads_another)
                if got is None:
                    continue
                first, last, count = got
                for i in range(first, last + 1):
                    covered[i] = True
                detail = (f"header + {count} list line(s)" if cr.rule.section.takes == "list"
                          else f"header line {h + 1}, {count} line(s) below")
                out.append((lines[first].start, lines[last].next,
                            Attribution(cr.rule.id, cr.rule.category, detail)))
        except TimedOut:
            ctx.timeout(cr.rule.id)
    rejected.update(keys[i] for i in fresh if i not in headed)
    out.sort(key=lambda d: d[0])
    return out


def _list_goes_on(lines: Sequence[Line], j: int, spec) -> bool:
    """Whether line J continues a ``takes: list`` section: it reads as a list
    item, and is not a subheading (``subheading_max_words``) directly above a
    prose line (where the list ended and the article goes on under its own
    heading)."""
    c = lines[j].content
    if not is_list_item(c, spec.line_max_words):
        return False
    if not is_subheading(c, spec.subheading_max_words):
        return True
    nxt = next((x.content for x in lines[j + 1:j + 3] if x.content), "")
    return not is_prose(nxt, spec.prose_min_words)


_COUNT = re.compile(r"\d+")


def _counter_above_body(lines: Sequence[Line], words: Sequence[int], h: int, count: int,
                        per_count: int) -> bool:
    """Whether more words lie below the count header at H, to the end of the
    text, than COUNT comments hold: more than PER_COUNT times the words above
    the header per comment (the article is below the counter, not above it)."""
    below = sum(words[j] for j in range(h + 1, len(lines)) if lines[j].content)
    return below > per_count * count * sum(words[:h])


_WORD = re.compile(r"[^\W\d_]{3,}")


def _repeats_header(lines: Sequence[Line], h: int, last: int) -> bool:
    """Whether the first non-blank line below the header at H (up to LAST)
    holds a word of 3+ letters of the header after its first ("About Jane
    Doe" above "Jane Doe is a ...")."""
    named = {w.casefold() for w in _WORD.findall(lines[h].content)[1:]}
    below = next((x.content for x in lines[h + 1:last + 1] if x.content), "")
    return any(w.casefold() in named for w in _WORD.findall(below))


def _opens_with_header(lines: Sequence[Line], h: int, last: int) -> bool:
    """Whether the first non-blank line below the header at H (up to LAST)
    goes on from it: it opens with a lower-case letter ("is a reporter ..."),
    or with the header's first capitalised word as written and says its last
    one again as written ("Jane Doe", then "Jane Doe writes ..."; not "List
    Comprehensions", then "List comprehensions are ...")."""
    below = next((x.content for x in lines[h + 1:last + 1] if x.content), "")
    if below[:1].islower():
        return True
    names = [w for w in _WORD.findall(lines[h].content) if w[0].isupper()]
    opening = _WORD.search(below)
    return (bool(names) and opening is not None and opening.group() == names[0]
            and names[-1] in _WORD.findall(below))


def _header_seen_above(lines: Sequence[Line], h: int, skip: int) -> bool:
    """Whether the header's last capitalised word of 3+ letters occurs, as a
    word, in the non-blank lines above it past the first SKIP of them."""
    names = [w for w in _WORD.findall(lines[h].content) if w[0].isupper()]
    if not names:
        return True  # no name in the header: nothing says it is not a subheading
    name = re.compile(rf"(?<!\w){re.escape(names[-1])}(?!\w)")
    above = [x.content for x in lines[:h] if x.content][skip:]
    return any(name.search(c) for c in above)


def _section_below(cr: CompiledRule, lines: Sequence[Line], words: Sequence[int], h: int,
                   covered: list[bool], heads_another) -> tuple[int, int, int] | None:
    """The section of CR headed by line H: (first line, last line, lines below
    the header), or None when the lines below do not make one."""
    spec = cr.rule.section
    last = h
    count = 0
    reached_end = True
    # an index loop, not a slice: no copy of the rest of the text per header
    for j in range(h + 1, len(lines)):
        c = lines[j].content
        if not c:
            continue
        if (covered[j] or count >= spec.max_lines
                or (spec.stop_at_prose and is_prose(c, spec.prose_min_words))
                or (spec.line_max_words is not None and words[j] > spec.line_max_words)
                or (spec.line_min_words is not None and words[j] < spec.line_min_words)
                or (spec.line_max_chars is not None and len(c) > spec.line_max_chars)
                or (spec.takes == "list" and not _list_goes_on(lines, j, spec))
                or (spec.stop_at_headers and heads_another(j, cr))):
            reached_end = False
            break
        count += 1
        last = j
    if count < spec.min_lines or (spec.require_end and not reached_end):
        return None
    if spec.min_words and sum(words[h + 1:last + 1]) < spec.min_words:
        return None  # a name under the header, not a text (a byline, not a biography)
    if spec.repeats_header and count and not _repeats_header(lines, h, last):
        return None  # the lines below are not about what the header names
    if spec.opens_with_header and count and not _opens_with_header(lines, h, last):
        return None  # the line below starts on its own subject: the article's
    if (spec.header_unseen_after is not None
            and _header_seen_above(lines, h, spec.header_unseen_after)):
        return None  # the body above speaks of it: a subheading of the article
    if spec.count_words_above is not None:
        counted = _COUNT.search(lines[h].content)
        if counted and _counter_above_body(lines, words, h, max(int(counted.group()), 1),
                                           spec.count_words_above):
            return None  # a counter above the article ("1 Comment" by the byline)
    if spec.max_subheadings is not None and subheaded(
            [x.content for x in lines[h + 1:last + 1] if x.content],
            spec.prose_min_words) > spec.max_subheadings:
        return None  # the header sits above part of the article body
    first = h if spec.include_header else h + 1
    if first > last:
        return None
    return first, last, count


def stage_fragment(rules: Sequence[CompiledRule], ctx: Context, leading: bool
                   ) -> list[Deletion]:
    """Fragment rules look at the first (LEADING) or last non-blank line only:
    the first rule that matches removes the line or the matched span. A
    fragment is a remain at the edge of a text: a line alone is no edge of
    anything (a one-word input "x" is not the cut-off tail of a sentence)."""
    lines = ctx.draft.lines
    ln = next((x for x in (lines if leading else reversed(lines)) if not x.blank), None)
    if ln is None or ln is next(x for x in (reversed(lines) if leading else lines)
                                if not x.blank):
        return []
    folded = fold(ln.content)  # this line only: not the whole text's folded lines
    pos = Positions(lines)
    for cr in rules:
        if cr.rule.id in ctx.timed_out or not cr.pat.may_match(folded):
            continue
        if not conditions_hold(cr.rule, ln, ln, ln.content, pos):
            continue
        only = cr.pat.matchable(folded)
        if not only:
            continue
        try:
            m = cr.pat.first_match(ln.content, only)
        except TimedOut:
            ctx.timeout(cr.rule.id)
            continue
        if m is None:
            continue
        if cr.rule.remove == "line":
            return [(ln.start, ln.next, cr.who)]
        offset = ctx.draft.text.find(ln.content, ln.start, ln.end)
        a, b = m.span()
        return [(offset + a, offset + b, cr.who)]
    return []


def stage_leading_fragment(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """``leading-fragment`` rules: the first non-blank line."""
    return stage_fragment(rules, ctx, True)


def stage_trailing_fragment(rules: Sequence[CompiledRule], ctx: Context) -> list[Deletion]:
    """``trailing-fragment`` rules: the last non-blank line."""
    return stage_fragment(rules, ctx, False)


def stage_normalisation(rules: Sequence[CompiledRule], ctx: Context) -> None:
    """Normalisation rules repair the text in place (ftfy), recorded as replacements."""
    text = ctx.draft.text
    if text.isascii() and "\x1b" not in text:
        # ftfy leaves such lines alone (normalise.may_need_fixing): a short
        # ASCII run need not even import it (about 0.08 s of start-up)
        return
    del text  # a repair rebuilds the draft's text: the old one must not stay held here
    from .normalise import ftfy_config, line_edits

    for cr in rules:
        config = cr.ftfy
        if config is None:  # built once per rule, not per document
            config = cr.ftfy = ftfy_config(cr.rule.param_dict)
        edits = [(a, b, new, cr.who) for a, b, new in line_edits(ctx.draft.text, config)]
        if edits:
            ctx.draft.replace(edits)
            ctx.reset()
