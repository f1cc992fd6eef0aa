"""Hostile input: rule files written to attack the loader, and text written (or
scraped) to make the engine crash, hang or take quadratic time.

Rule files: only :class:`RuleError` may ever come out of the loader, YAML tags
that would build Python objects are refused before anything is constructed,
alias bombs and deep nesting are bounded. Text: catastrophic backtracking is
stopped by the per-call time limit and reported in ``Result.skipped``; huge,
odd and malformed text is cleaned correctly in time linear in its size.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip import Cleaner, RuleError
from boilerstrip.rules import parse_rule_text
from boilerstrip.rules.kinds import KIND_BY_NAME

from invariants import check_result

BUNDLED_FILES = sorted(p for p in boilerstrip.bundled_rules_dir().rglob("*")
                       if p.suffix in (".yml", ".yaml"))


def _refused(text: str) -> RuleError:
    with pytest.raises(RuleError) as info:
        parse_rule_text(text, "hostile.yml")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("hostile.yml"), msg
    return info.value


# ------------------------------------------------------------------ object-building tags

RULE_WITH = """\
rules:
  - id: user.x
    kind: line
    category: advertisement
    order: 600
    description: {value}
    pattern: 'x'
    examples:
      remove: ["x", "X"]
      keep: ["y", "z"]
"""


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object:builtins.dict {{}}",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
    "!!timestamp 2024-01-01",
    "!custom thing",
    "!<tag:example.com,2000:evil> x",
])
def test_object_building_tags_are_refused(tmp_path, tag):
    marker = tmp_path / "pwned"
    err = _refused(RULE_WITH.format(value=tag.format(marker=marker)))
    assert err.line == 6 and "tag" in str(err).lower()
    assert not marker.exists()


def test_tag_on_the_document_root_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    err = _refused(f"!!python/object/apply:os.system ['touch {marker}']\n")
    assert err.line == 1
    assert not marker.exists()


def test_implicit_timestamp_is_not_constructed():
    # an unquoted date resolves to a timestamp tag: refused, not turned into a datetime
    err = _refused(RULE_WITH.format(value="2024-01-01"))
    assert err.line == 6


# ------------------------------------------------------------------ size and shape bombs

def test_billion_laughs_is_bounded():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("rules: *a9")
    t = time.perf_counter()
    err = _refused("\n".join(lines) + "\n")
    assert time.perf_counter() - t < 5
    assert "over" in str(err) and err.line is not None


def test_alias_bomb_inside_a_rule_is_bounded():
    head = ('rules:\n  - id: user.x\n    kind: line\n    category: advertisement\n'
            '    order: 600\n    description: d\n    pattern: x\n    examples:\n'
            '      keep: &k0 ["a", "b", "c", "d", "e", "f", "g", "h"]\n')
    body = "".join(f"      k{i}: &k{i} [{', '.join([f'*k{i - 1}'] * 8)}]\n" for i in range(1, 9))
    t = time.perf_counter()
    _refused(head + body)
    assert time.perf_counter() - t < 5


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused(opener, closer):
    depth = 5000
    t = time.perf_counter()
    err = _refused("rules: " + opener * depth + "x" + closer * depth + "\n")
    assert time.perf_counter() - t < 10
    assert "deep" in str(err) or "nesting" in str(err), str(err)


def test_deep_block_nesting_is_refused():
    text = "rules:\n" + "".join("  " * i + "- \n" for i in range(1, 60)) + "  " * 60 + "x\n"
    err = _refused(text)
    assert err.line is not None


def test_huge_file_is_refused(tmp_path):
    big = "rules:\n" + "# padding\n" * 300_000
    path = tmp_path / "huge.yml"
    path.write_text(big, encoding="utf-8")
    t = time.perf_counter()
    with pytest.raises(RuleError) as info:
        boilerstrip.load_rules(path, cache=False)
    assert time.perf_counter() - t < 5
    assert str(path) in str(info.value) and "larger than" in str(info.value)


_SMALL_RULE = ("  - {id: user.r%d, kind: line, category: advertisement, order: 600, "
               "description: d, pattern: x, examples: {remove: [a, b], keep: [c, d]}}\n")


def test_many_small_rules_load():
    rules = parse_rule_text("rules:\n" + "".join(_SMALL_RULE % i for i in range(1_500)),
                            "many.yml")
    assert len(rules) == 1_500


@pytest.mark.slow
def test_too_many_nodes_are_refused(monkeypatch, full_size):
    from boilerstrip.rules import loader

    # 23 nodes a rule: over the real budget with --slow, over a tenth of it by default
    if not full_size:
        monkeypatch.setattr(loader, "MAX_NODES", loader.MAX_NODES // 10)
    n_rules = 12_000 if full_size else 1_200
    text = "rules:\n" + "".join(_SMALL_RULE % i for i in range(n_rules))
    t = time.perf_counter()
    err = _refused(text)
    assert "over" in str(err) or "larger than" in str(err), str(err)
    assert time.perf_counter() - t < 60


def test_long_pattern_and_long_scalar():
    # a 100 KB pattern compiles or is refused, but nothing else comes out
    try:
        parse_rule_text(RULE_WITH.format(value="d").replace("'x'", "'" + "x" * 100_000 + "'"),
                        "hostile.yml")
    except RuleError:
        pass


# ------------------------------------------------------------------ patterns too big to compile

#: Nested counted repeats the compiler writes out: 10**8 items, 5.6 GB unchecked.
REPEAT_BOMB = "(?:(?:(?:(?:a{100}){100}){100}){100})"


def _with_pattern(pattern: str) -> str:
    return RULE_WITH.format(value="d").replace("'x'", "'" + pattern + "'")


@pytest.mark.parametrize("pattern, words", [
    (REPEAT_BOMB, "nests counted repeats 4 deep"),
    ("a{9999}" * 20, "expand to 199980 items"),  # flat, but as large
    ("x" * 6_000, "longer than 5000 characters"),
])
def test_pattern_too_big_to_compile_is_refused_before_compiling(pattern, words):
    t = time.perf_counter()
    err = _refused(_with_pattern(pattern))
    assert time.perf_counter() - t < 2
    assert err.line == 7 and err.rule_id == "user.x" and words in str(err), str(err)


def test_patterns_within_the_bounds_still_load():
    assert parse_rule_text(_with_pattern("(?:(?:a{100}){100})b"), "ok.yml")
    assert parse_rule_text(_with_pattern("(?:ab{10}){20}|c{9999}"), "ok.yml")


def test_every_bundled_pattern_is_within_the_bounds():
    from boilerstrip.rules.risk import check_bounds

    rules = boilerstrip.load_rules(boilerstrip.bundled_rules_dir(), cache=False)
    assert [p for r in rules for p in r.patterns + r.unless if check_bounds(p)] == []


def test_rule_built_in_code_is_bounded_too():
    """A Rule made without the loader meets the same bound when it compiles."""
    from boilerstrip.rules.patterns import compile_pattern

    rule = parse_rule_text(_with_pattern("x"), "ok.yml")[0]
    bomb = dataclasses.replace(rule, patterns=(REPEAT_BOMB,))
    cleaner = Cleaner(default_rules=False, extra_rules=[bomb], enable=["user.x"])
    with pytest.raises(RuleError) as info:
        cleaner.clean("a" * 500 + "\n")  # a line it must try: the pattern compiles now
    assert "nests counted repeats" in str(info.value)
    with pytest.raises(RuleError):
        compile_pattern(REPEAT_BOMB)


_MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: the bomb needs over 5


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                    reason="needs RLIMIT_AS")
@pytest.mark.parametrize("command", [["rules", "validate"], ["clean", "--rules"]])
def test_repeat_bomb_costs_neither_memory_nor_time(tmp_path, command):
    """Under a 1 GiB memory limit, validating or cleaning with the bomb ends
    at once with a one-line error and exit 2, not MemoryError or a kill."""
    import resource

    rule_file = tmp_path / "bomb.yml"
    rule_file.write_text(_with_pattern(REPEAT_BOMB), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))

    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "boilerstrip", *command, str(rule_file)],
                          input=b"x\n", capture_output=True, timeout=120, preexec_fn=limit,
                          env={**os.environ, "BOILERSTRIP_CACHE_DIR": str(tmp_path / "c")})
    assert time.perf_counter() - t < 30
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert f"{rule_file}:7: user.x: pattern nests counted repeats 4 deep" in err
    assert "Traceback" not in err and "MemoryError" not in err


def test_rule_file_that_is_binary(tmp_path):
    path = tmp_path / "bin.yml"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(RuleError) as info:
        boilerstrip.load_rules(path, cache=False)
    assert str(path) in str(info.value)


def test_control_characters_in_rule_file():
    for bad in ("\x00", "\x07", "\x1b", "\ufffe", "\ud800"):
        try:
            parse_rule_text(RULE_WITH.format(value=f"'a{bad}b'"), "hostile.yml")
        except RuleError as err:
            assert "\n" not in str(err)


# ------------------------------------------------------------------ fuzzing the loader

BUNDLED_TEXTS = [p.read_text(encoding="utf-8") for p in BUNDLED_FILES]


@st.composite
def mutated_rule_file(draw) -> str:
    """A bundled rule file with lines deleted, duplicated, swapped, re-indented,
    or characters flipped: mostly invalid YAML or invalid rules."""
    lines = draw(st.sampled_from(BUNDLED_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "flip", "indent",
                                   "dedent", "insert", "truncate"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "flip" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            ch = draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \t\\") + ["\x00", "é"]))
            lines[i] = lines[i][:k] + ch + lines[i][k + 1:]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from([
                "    extra: 1", "&a x", "*a", "!!python/object:os.system", "- ",
                "    pattern: '('", "    order: -1", "    flags: [nope]", "rules:", "---",
                "    when: {max_words: x}", "    pattern: 3"])))
        elif op == "truncate":
            lines = lines[:i]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@given(text=mutated_rule_file())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_fuzz_mutated_rule_files_only_raise_rule_error(text):
    try:
        rules = parse_rule_text(text, "fuzz.yml")
    except RuleError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.yml")
        return
    # Whatever was accepted builds a cleaner that cleans text without error, except
    # that the params of the detector kinds (comment-thread, edge-block, page-region)
    # are checked when a Cleaner is built (rules/kinds.py; `rules validate` builds
    # one): that failure too is one line naming the file.
    try:
        cleaner = Cleaner(default_rules=False, extra_rules=rules, allow_large_removals=True)
    except RuleError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.yml:"), str(err)
        assert any(KIND_BY_NAME[r.kind].params_checked == "when a Cleaner is built"
                   for r in rules), str(err)
        return
    cleaner.clean("in\n\nSome text.\n\nAlready a subscriber? Log in.\n")


@given(text=mutated_rule_file())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_fuzz_validation_reports_all_faults_and_agrees_with_strict_loading(text):
    """Collecting never raises; its first fault is the one strict loading
    raises, and with no fault both give the same rules."""
    from boilerstrip.rules import validate_rule_text

    found = validate_rule_text(text, "fuzz.yml")
    assert all("\n" not in str(f) and str(f).startswith("fuzz.yml") for f in found.faults)
    try:
        rules = parse_rule_text(text, "fuzz.yml")
    except RuleError as err:
        assert found.faults and str(found.faults[0]) == str(err)
    else:
        assert found.faults == () and list(found.rules) == rules


@given(text=st.text(max_size=400))
def test_fuzz_random_text_only_raises_rule_error(text):
    try:
        parse_rule_text(text, "fuzz.yml")
    except RuleError:
        pass


@given(text=st.lists(st.sampled_from(
    ["rules:", "\n", "  - ", "id: ", "user.x", "kind: ", "line", "{", "}", "[", "]", ": ",
     "&a ", "*a", "!!str ", "!!python/name:os.system ", "'", '"', "pattern: ", "(?", "|",
     "examples: ", "remove: ", "keep: ", "order: ", "1", "-", "~", "null", "? ", "<<: *a",
     "%YAML 1.1\n", "---\n", "...\n", "\t", "#"]), max_size=60).map("".join))
def test_fuzz_yaml_tokens_only_raise_rule_error(text):
    try:
        parse_rule_text(text, "fuzz.yml")
    except RuleError:
        pass


# ------------------------------------------------------------------ catastrophic backtracking

def _evil_rule(kind: str, extra: str = "") -> list:
    pattern = "'(a|aa)+$'"
    text = f"""\
rules:
  - id: user.evil-{kind}
    kind: {kind}
    category: advertisement
    order: {dict(line=600, block=450, inline=750, section=300).get(kind, 950)}
    description: Backtracks catastrophically on purpose.
    pattern: {pattern}
    match: search
{extra}    examples:
      remove: ["aaaa", "aa"]
      keep: ["b", "ab"]
"""
    if kind == "inline":
        text = text.replace("    match: search\n", "")
    return parse_rule_text(text, f"evil-{kind}.yml")


EVIL_DOC = "a" * 40 + "b"
SAFE_RULE = parse_rule_text(RULE_WITH.format(value="d"), "safe.yml")


@pytest.mark.parametrize("kind", ["line", "block", "inline", "section", "leading-fragment",
                                  "trailing-fragment"])
def test_catastrophic_rule_of_every_kind_times_out(kind):
    c = Cleaner(extra_rules=_evil_rule(kind), timeout=0.01)
    doc = f"{EVIL_DOC}\n\nAlready a subscriber? Log in.\n\nThe body of the text.\n\n{EVIL_DOC}\n"
    t = time.perf_counter()
    result = c.clean(doc)
    assert time.perf_counter() - t < 2
    assert [s.rule for s in result.skipped] == [f"user.evil-{kind}"]
    check_result(result, doc)
    # the other rules still ran
    assert any(ch.rule == "en.login.already-subscriber" for ch in result.changes)


def test_catastrophic_unless_times_out():
    extra = "    unless: ['(a|aa)+$']\n"
    rules = parse_rule_text(f"""\
rules:
  - id: user.evil-unless
    kind: line
    category: advertisement
    order: 600
    description: A harmless pattern with an evil exception.
    pattern: 'a+b'
{extra}    examples:
      remove: ["aab", "ab"]
      keep: ["b", "cab"]
""", "evil.yml")
    result = Cleaner(extra_rules=rules, timeout=0.01).clean(EVIL_DOC + "\n")
    assert [s.rule for s in result.skipped] == ["user.evil-unless"]
    assert result.text == EVIL_DOC + "\n"


@pytest.mark.parametrize("n", [pytest.param(1000, id="1000-docs")])
def test_catastrophic_rule_on_many_documents(n):
    """1,000 documents: each costs at most about one time limit, and each reports the timeout."""
    timeout = 0.002
    docs = [f"Paragraph {i} of a short text.\n\n{EVIL_DOC}\n" for i in range(n)]
    # the evil rule alone, so the time measured is the time limit's, not the other rules'
    base = Cleaner(default_rules=False, extra_rules=SAFE_RULE, timeout=timeout)
    evil = Cleaner(default_rules=False, extra_rules=_evil_rule("line"), timeout=timeout)
    # CPU time: the time limit stops a match after at most that long, so the
    # CPU it spends is bounded too, while wall time on a loaded machine is not
    # (13.3 ms against 13.1 ms at a load of 9)
    t = time.process_time()
    for d in docs[:200]:
        base.clean(d)
    base_per_doc = (time.process_time() - t) / 200
    t = time.process_time()
    results = [evil.clean(d) for d in docs]
    per_doc = (time.process_time() - t) / n
    assert all([s.rule for s in r.skipped] == ["user.evil-line"] for r in results)
    assert all(r.text == d and not r.changes for r, d in zip(results, docs))
    # one timed-out call per document, then the rule is skipped for that document
    assert per_doc < base_per_doc + 4 * timeout + 0.005, (per_doc, base_per_doc)


# ------------------------------------------------------------------ huge and odd text

PROSE = "The council said on Monday that the new bridge would open in the spring. "


def _timed(cleaner: Cleaner, text: str) -> tuple[float, boilerstrip.Result]:
    """CPU seconds of this process, not wall time: other processes on a shared
    machine then cannot make a linear run look quadratic."""
    t = time.process_time()
    r = cleaner.clean(text)
    return time.process_time() - t, r


def _assert_linear(cleaner: Cleaner, make, small: int, factor: int = 4,
                   bound: float = 12.0) -> None:
    """Cleaning a FACTOR-times larger input takes less than BOUND times as long
    (quadratic would be FACTOR**2 = 16x); the faster of two runs, to damp noise
    from a shared machine."""
    t1 = min(_timed(cleaner, make(small))[0] for _ in range(2))
    big = make(small * factor)
    t4, r = _timed(cleaner, big)
    if t4 > bound * max(t1, 0.01):
        t4 = min(t4, _timed(cleaner, big)[0])
    check_result(r, big)
    assert t4 < bound * max(t1, 0.01), f"{small}x{factor}: {t1:.2f}s -> {t4:.2f}s"



@pytest.mark.slow
@pytest.mark.parametrize("profile", ["article", "page"])
def test_single_long_line_is_linear(profile, full_size):
    c = Cleaner(profile)
    # ~110 KB vs ~450 KB by default; 3 MB vs 12 MB with --slow
    _assert_linear(c, lambda n: PROSE * n, 40_000 if full_size else 1_500)


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["article", "page"])
def test_many_empty_lines_are_linear(profile, full_size):
    _assert_linear(Cleaner(profile), lambda n: "Start.\n" + "\n" * n + "End.\n",
                   250_000 if full_size else 60_000)



@pytest.mark.parametrize("profile", ["article", "page"])
def test_many_debris_lines_are_linear(profile):
    c = Cleaner(profile, allow_large_removals=True)
    small = 1_500
    _assert_linear(c, lambda n: (PROSE + "\n\nAlready a subscriber? Log in.\n\n") * n, small)


@pytest.mark.slow
def test_huge_single_line(full_size):
    megabytes = 50 if full_size else 5
    text = PROSE * (megabytes * 1_000_000 // len(PROSE))
    c = Cleaner()
    elapsed, r = _timed(c, text)
    check_result(r, text)
    assert r.text == text


@pytest.mark.slow
def test_many_empty_lines(full_size):
    n = 1_000_000 if full_size else 100_000
    text = "Start.\n" + "\n" * n + "Already a subscriber? Log in.\n" + "End.\n"
    r = Cleaner(allow_large_removals=True).clean(text)
    check_result(r, text)
    assert "Already a subscriber" not in r.text and r.text.startswith("Start.\n")


NAG = "Already a subscriber? Log in."


LONG = ("The council said on Monday that the new bridge over the river would open in the "
        "spring after two years of work on its foundations and on the roads that lead to it.")


@pytest.mark.parametrize("profile", ["article", "page"])
@pytest.mark.parametrize("odd", ["\x00", "\x01\x02\x03", "\x7f", "\x1b[1m", "\u0085", "\u2028",
                                 "\u200b", "\u202e", "\ufffd", "\uffff", "\U0010ffff",
                                 "\udcff", "\ud800"])
def test_control_and_odd_characters_keep_the_text_safe(profile, odd):
    """Odd characters never break matching or offsets; the only changes besides the
    nag's removal are recorded repairs (ftfy) and whitespace tidying."""
    text = (f"{odd}First line{odd} of text. {LONG}\n\n{NAG}\n\n{odd}\n\n"
            f"{LONG} Last{odd} line.\n")
    r = Cleaner(profile, allow_large_removals=True).clean(text)
    check_result(r, text)
    assert NAG not in r.text
    assert "First line" in r.text and " line.\n" in r.text and r.text.count(LONG) == 2
    for c in r.changes:
        assert c.text == NAG + "\n" or c.category in ("normalisation", "whitespace",
                                                       "page-layout") \
            or c.text.strip("\n") == odd, c


def test_surrogateescape_text_is_lossless():
    """Invalid UTF-8 decoded with surrogateescape cleans without error and the
    report gives back the exact bytes; every change to an escaped byte is a
    recorded normalisation replacement, never a silent one."""
    raw = (b"Caf\xe9 au lait \xff\xfe and \xc3(\n\n" + NAG.encode() + b"\n\nEnd \x80\x81.\n")
    text = raw.decode("utf-8", "surrogateescape")
    r = Cleaner(allow_large_removals=True).clean(text)
    check_result(r, text)
    assert NAG not in r.text and r.text.startswith("Caf")
    assert r.restore().encode("utf-8", "surrogateescape") == raw
    for c in r.changes:
        if any("\udc80" <= ch <= "\udcff" for ch in c.text):
            assert c.category == "normalisation" and c.replacement, c


@pytest.mark.xfail(reason="the bundled ftfy normalisation (fix_surrogates) turns surrogate "
                          "escapes into U+FFFD, so the raw bytes of a surrogateescape-decoded "
                          "text do not survive into the output (recorded, but lossy on write)",
                   strict=True)
def test_surrogateescape_bytes_survive_in_the_output():
    raw = b"Caf\xe9 au lait.\n\n" + NAG.encode() + b"\n\nEnd \x80\x81.\n"
    r = Cleaner(allow_large_removals=True).clean(raw.decode("utf-8", "surrogateescape"))
    assert r.text.encode("utf-8", "surrogateescape") == b"Caf\xe9 au lait.\n\nEnd \x80\x81.\n"


@pytest.mark.parametrize("profile", ["article", "page"])
def test_rtl_and_combining_text(profile):
    hebrew = "הממשלה הודיעה ביום שני כי הגשר החדש ייפתח באביב הבא לאחר שנתיים של עבודה."
    arabic = "قالت الحكومة يوم الاثنين إن الجسر الجديد سيفتح في الربيع المقبل."
    combining = "Cafe\u0301 na\u0308ive Z\u0335\u0321a\u0336lgo\u0338 te\u0301xt wi\u0308th marks."
    combining = combining + " " + LONG
    text = "\n\n".join([hebrew, NAG, arabic, "\u202e" + combining, NAG, combining]) + "\n"
    r = Cleaner(profile, allow_large_removals=True).clean(text)
    check_result(r, text)
    kept = [hebrew, arabic, "\u202e" + combining, combining]
    if profile == "page":  # short lines far from the prose may go as page layout
        kept = kept[2:]
    assert all(k in r.text for k in kept) and NAG not in r.text


def test_mixed_and_odd_line_endings():
    text = f"One.\r\n{NAG}\r\nTwo.\n{NAG}\nThree.\r{NAG}\rFour.\n\r\n\r\n{NAG}\r\n"
    r = Cleaner(allow_large_removals=True).clean(text)
    check_result(r, text)
    # lone CR is not a line break: that line stays whole (engine/line_breaks.py)
    assert r.text.startswith("One.\r\nTwo.\nThree.\r")
    assert "\r\n" in r.text and r.text.count(NAG) == 1


def test_bytes_input_is_refused_cleanly():
    with pytest.raises(TypeError):
        Cleaner().clean(b"bytes are not text")  # type: ignore[arg-type]


def test_rules_from_environment_are_not_loaded(monkeypatch, tmp_path):
    """Only rules named explicitly run: nothing is picked up from the working folder."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "evil.yml").write_text(
        RULE_WITH.format(value="d").replace("'x'", "'.*'"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    c = Cleaner()
    assert "user.x" not in {r.id for r in c.all_rules}
    assert os.path.samefile(boilerstrip.bundled_rules_dir(),
                            Path(boilerstrip.__file__).resolve().parent.parent.parent
                            / "rules") or "_rules" in str(boilerstrip.bundled_rules_dir())


def test_page_region_params_patterns_are_bounded_too(tmp_path):
    page_rule = next(r for r in boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
                     if r.kind == "page-region")
    params = dict(page_rule.params)
    key = next(k for k, v in params.items() if k.endswith("_patterns") and v)
    params[key] = (REPEAT_BOMB,)
    bomb = dataclasses.replace(page_rule, id="user.page-bomb", params=tuple(params.items()))
    t = time.perf_counter()
    with pytest.raises(RuleError) as info:
        Cleaner(profile="page", default_rules=False, extra_rules=[bomb],
                enable=[bomb.id]).clean("Some text.\n" * 5)
    assert time.perf_counter() - t < 5
    assert "user.page-bomb" in str(info.value) and "nests counted repeats" in str(info.value)
