"""Properties of cleaning that hold for every input (hypothesis).

Inputs: arbitrary Unicode (control characters, NUL, lone surrogates, BOM, RTL
and combining marks, every kind of line ending), generated article-like text
with debris injected (the bundled rules' own ``remove`` examples), and every
corpus document under ``bench/data``. For each: no exception, the report is
valid and lossless (``tests/invariants.py``), and cleaning is idempotent, in
both profiles.
"""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip import Cleaner, apply_changes

from invariants import check_line_endings, check_result, rule_ids

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ("article", "page")
# Idempotence holds in both profiles: the engine runs its stages to a fixed point.
IDEMPOTENT = {"article": True, "page": True}

# Guard off for the generated inputs: short texts are often mostly debris, and
# the invariants must hold for applied changes too (the guard has its own tests).
CLEANERS = {p: Cleaner(p, allow_large_removals=True) for p in PROFILES}
GUARDED = {p: Cleaner(p) for p in PROFILES}
IDS = {p: rule_ids(c) for p, c in CLEANERS.items()}

RULES = boilerstrip.load_rules(boilerstrip.bundled_rules_dir())
DEBRIS = sorted({ex.text.strip("\n") for r in RULES for ex in r.remove_examples
                 if ex.text.strip()})


def check_all(profile: str, text: str, cleaner: Cleaner | None = None,
              idempotent: bool = True) -> None:
    """Every invariant plus (with IDEMPOTENT) idempotence, for TEXT in PROFILE."""
    cleaner = cleaner or CLEANERS[profile]
    result = cleaner.clean(text)
    check_result(result, text, IDS[profile])
    check_line_endings(result)
    if not idempotent:
        return
    again = cleaner.clean(result.text)
    check_result(again, result.text, IDS[profile])
    assert again.text == result.text, (
        "not idempotent: second pass changed "
        f"{[(c.rule, c.line, c.text[:60]) for c in again.changes]}")


# ------------------------------------------------------------------ strategies

# Every code point, surrogates included (what surrogateescape decoding produces).
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
# Pieces that stress the line model and the matchers.
SPECIAL = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\ufeff", "\x00", "\t", " ", "\u00a0",
           "\u200f", "\u202e", "\u0301", "\u0308", "\udcc3", "\udca9", "\x1b[31m", "\x85",
           "\u2028", "\u2029", "\x0b", "\x0c", "Ã©", "â€™", "ï¬", "שלום עולם", "مرحبا",
           "e\u0301", "in", "and", "."]
piece = st.one_of(st.text(any_char, max_size=12), st.sampled_from(SPECIAL),
                  st.sampled_from(DEBRIS))
hostile_text = st.lists(piece, max_size=40).map("".join)

WORDS = ("the council said on monday that its plan for the river would cost more than "
         "expected because workers found old pipes under the bridge and residents asked "
         "for a public meeting before any decision").split()


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=24))
    return words[0].capitalize() + " " + " ".join(words[1:]) + draw(st.sampled_from(".!?"))


@st.composite
def article(draw) -> str:
    """Paragraphs of prose with debris lines and spans injected, random line endings."""
    blocks: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        blocks.append(" ".join(draw(st.lists(sentence(), min_size=1, max_size=4))))
    for _ in range(draw(st.integers(0, 5))):
        d = draw(st.sampled_from(DEBRIS))
        at = draw(st.integers(0, len(blocks)))
        if draw(st.booleans()) and blocks and "\n" not in d:
            # glue the debris into a paragraph (inline rules)
            k = min(at, len(blocks) - 1)
            blocks[k] = blocks[k] + " " + d + " " + draw(sentence())
        else:
            blocks.insert(at, d)
    if draw(st.booleans()):
        blocks.insert(0, draw(st.sampled_from(["in", "and", "of", "the", "und"])))
    sep = draw(st.sampled_from(["\n\n", "\n", "\n\n\n"]))
    text = sep.join(blocks)
    if draw(st.booleans()):
        text += "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


# ------------------------------------------------------------------ properties

@pytest.mark.parametrize("profile", PROFILES)
@given(text=hostile_text)
@example(text="")
@example(text="\ufeff")
@example(text="\x00\n\x00\r\n")
@example(text="Body.\n\nAlready a subscriber? Log in.")
@example(text="Already a subscriber? Log in.\r\n\r\nBody.")
@example(text="\udcc3\udca9 caf\udcc3\udca9\n")
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_text(profile, text):
    check_all(profile, text, idempotent=IDEMPOTENT[profile])


@pytest.mark.parametrize("profile", PROFILES)
@given(text=st.text(any_char, max_size=200))
def test_raw_unicode(profile, text):
    check_all(profile, text, idempotent=IDEMPOTENT[profile])


@pytest.mark.parametrize("profile", PROFILES)
@given(text=article())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_article_with_debris(profile, text):
    check_all(profile, text, idempotent=IDEMPOTENT[profile])


@pytest.mark.parametrize("profile", PROFILES)
@given(text=article())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_idempotent(profile, text):
    """clean(clean(x).text).text == clean(x).text."""
    check_all(profile, text, idempotent=True)


#: Characters a text can carry anywhere that the line model and the BOM
#: handling must not trip over (issue 19 item 11).
INVISIBLE = ["\ufeff", "\u2028", "\r", "\x00"]


@st.composite
def article_with_invisibles(draw) -> str:
    """An article with debris (``article``) and INVISIBLE characters inserted anywhere."""
    text = draw(article())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(INVISIBLE)) + text[at:]
    return text


@pytest.mark.parametrize("profile", PROFILES)
@given(text=article_with_invisibles())
# a debris line removed before a zero-width no-break space that starts the
# next debris line: the output began with it, and a second run read it as a BOM
@example(text="Share on Facebook\n\ufeffShare on Twitter\nThe council said on monday.\n")
@example(text="\ufeffShare on Facebook\n\ufeffShare on Twitter\nThe council said on monday.\n")
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_idempotent_with_bom_line_separators_cr_and_nul_anywhere(profile, text):
    """Idempotence for any text holding U+FEFF, U+2028, lone CR and NUL anywhere."""
    check_all(profile, text, idempotent=True)


@pytest.mark.parametrize("profile", PROFILES)
@given(text=hostile_text)
# ftfy's repair here aligns as an insertion at 0 plus a deletion; cutting the
# inserted run out once left a change of nothing into nothing in the report
@example(text="\xa00\u00c2\xa00\u00c2")
def test_guard_on_keeps_invariants(profile, text):
    """With the over-cleaning guard on, guarded results keep the text and list the changes."""
    check_result(GUARDED[profile].clean(text), text, IDS[profile])


def _corpus_dirs() -> list[Path]:
    return sorted({p.parent for p in (ROOT / "bench" / "data").glob("*/*/*.txt")})


def _corpus_failures(folder: Path, profile: str, slow: bool, idempotent: bool) -> list[str]:
    files = sorted(folder.glob("*.txt"))
    assert files
    if not slow:
        files = files[::6]
    failures = []
    for f in files:
        text = f.read_bytes().decode("utf-8", "surrogateescape")
        try:
            check_all(profile, text, GUARDED[profile], idempotent=idempotent)
        except AssertionError as exc:
            failures.append(f"{f.name}: {str(exc).splitlines()[0]}")
    return failures


CORPUS = pytest.mark.parametrize("folder", _corpus_dirs(),
                                 ids=lambda p: f"{p.parent.name}/{p.name}")


@pytest.mark.parametrize("profile", PROFILES)
@CORPUS
def test_corpus(folder, profile, request):
    """Corpus documents (every 6th by default, all with --slow), guard on (the
    default): every report invariant."""
    failures = _corpus_failures(folder, profile, request.config.getoption("--slow"), False)
    assert not failures, f"{len(failures)} documents:\n" + "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
@CORPUS
def test_corpus_idempotent(folder, profile, full_size):
    failures = _corpus_failures(folder, profile, full_size, True)
    assert not failures, f"{len(failures)} documents:\n" + "\n".join(failures)


# ------------------------------------------------------------------ examples

def test_final_newline_follows_the_last_kept_line():
    """The output ends as the last kept line ended in the input (the seed's rule:
    its cut-off last line goes and the line before keeps its newline)."""
    c = CLEANERS["article"]
    for text, want in [("Body.\n\nAlready a subscriber? Log in.", "Body.\n"),
                       ("Body.\r\n\r\nAlready a subscriber? Log in.", "Body.\r\n"),
                       ("Body.\n\nAlready a subscriber? Log in.\n", "Body.\n"),
                       ("Body.\r\nAlready a subscriber? Log in.\r\n", "Body.\r\n"),
                       ("Already a subscriber? Log in.\n\nBody.", "Body.")]:
        assert c.clean(text).text == want, text


def test_crlf_and_bom_survive_on_the_seed():
    seed = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
    expected = (ROOT / "examples" / "article.expected.txt").read_text(encoding="utf-8")
    crlf = "\ufeff" + seed.replace("\n", "\r\n")
    result = boilerstrip.clean(crlf)
    assert result.text == "\ufeff" + expected.replace("\n", "\r\n")
    assert result.restore() == crlf


def test_apply_changes_rebuilds_output_of_seed():
    seed = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
    result = boilerstrip.clean(seed)
    assert result.changes and apply_changes(seed, result.changes) == result.text


# ------------------------------------------------------------------ guard

PROSE = ("The council said on Monday that the new bridge would open in the spring after "
         "two years of work on its foundations and the roads that lead to it.")
NAG = "Already a subscriber? Log in."


def _mostly_debris(n_prose: int, n_debris: int) -> str:
    # each paragraph its own season: the same paragraph twice in a row is a
    # repeated line (core.layout.repeated-line), not prose
    seasons = ("spring", "summer", "autumn", "winter")
    prose = [PROSE.replace("spring", seasons[k % 4]) for k in range(n_prose)]
    return "\n\n".join(prose + [NAG] * n_debris) + "\n"


def test_guard_leaves_text_unchanged_and_lists_changes():
    text = "Short line.\n\n" + "\n\n".join([NAG] * 10) + "\n"
    result = Cleaner().clean(text)
    assert result.status == "guarded" and not result.applied
    assert result.text == text and not result.changed
    assert len([c for c in result.removals if c.rule == "en.login.already-subscriber"]) == 10
    assert result.removed_share > 0.6
    assert result.to_dict()["status"] == "guarded"
    # the would-be output is what the changes describe
    assert apply_changes(text, result.changes) == "Short line.\n"


def test_guard_threshold_is_configurable():
    text = _mostly_debris(1, 3)  # 28 prose words, 15 nag words: ~35% removed
    share = Cleaner(allow_large_removals=True).clean(text).removed_share
    assert 0.3 < share < 0.4
    assert Cleaner().clean(text).status == "cleaned"
    assert Cleaner(max_removed_share=0.3).clean(text).status == "guarded"
    assert Cleaner(max_removed_share=0.4).clean(text).status == "cleaned"
    assert Cleaner(max_removed_share=0.3, allow_large_removals=True).clean(text).status \
        == "cleaned"


def test_guard_counts_in_run_stats():
    stats = boilerstrip.RunStats()
    c = Cleaner()
    for text in (_mostly_debris(3, 1), "x\n\n" + "\n\n".join([NAG] * 8) + "\n", PROSE):
        stats.add(c.clean(text))
    assert (stats.documents, stats.guarded, stats.changed) == (3, 1, 1)
    # a guarded document's would-be removals are not counted as removed
    assert stats.chars_removed == len(NAG) + 2


def test_guard_rejects_bad_threshold():
    for bad in (0, -0.1, 1.5):
        with pytest.raises(boilerstrip.ConfigError):
            Cleaner(max_removed_share=bad)


def test_no_changes_is_never_guarded():
    assert Cleaner(max_removed_share=0.01).clean(PROSE).status == "cleaned"


# ------------------------------------------------------------------ pickling and threads

def _corpus_sample(n: int = 120) -> list[str]:
    files = sorted((ROOT / "bench" / "data").glob("*/extract-*/*.txt"))[::7][:n]
    return [f.read_bytes().decode("utf-8", "surrogateescape") for f in files]


def test_cleaner_pickles_and_gives_identical_results(tmp_path):
    rule_file = tmp_path / "mine.yml"
    rule_file.write_text(USER_RULE, encoding="utf-8")
    c = Cleaner(rules=[rule_file], ignore=["tag-cloud"], max_removed_share=0.5, timeout=1.0)
    c2 = pickle.loads(pickle.dumps(c))
    assert c2 is not c
    assert [r.id for r in c2.rules] == [r.id for r in c.rules]
    assert "user.sponsored-label" in {r.id for r in c2.rules}
    assert not any(r.category == "tag-cloud" for r in c2.rules)
    docs = _corpus_sample() + ["Body.\n\nSponsored content\n"]
    for d in docs:
        assert c2.clean(d) == c.clean(d)


def test_cleaner_shared_by_two_threads():
    c = Cleaner()
    docs = _corpus_sample()
    expected = [c.clean(d) for d in docs]
    out: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            order = docs if k == 0 else docs[::-1]
            got = [c.clean(d) for d in order]
            out[k] = got if k == 0 else got[::-1]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert out[0] == expected and out[1] == expected


USER_RULE = """\
rules:
  - id: user.sponsored-label
    kind: line
    category: advertisement
    order: 600
    description: A bare "Sponsored content" label.
    pattern: 'sponsored content'
    examples:
      remove: ["Sponsored content", "SPONSORED CONTENT"]
      keep: ["The sponsored content rules changed.", "Nothing here."]
"""


def test_cleaner_is_built_from_options_and_pickles_as_them():
    """The keyword API and ``from_options`` give the same cleaner; it pickles
    as its Options; the regex time limit reaches the page-region patterns."""
    import dataclasses

    from boilerstrip.options import DEFAULT_MAX_REMOVED_SHARE, Options

    opts = Options(profile="page", ignore=("social-share",), timeout=0.2)
    by_options = Cleaner.from_options(opts)
    by_keywords = Cleaner(profile="page", ignore=["social-share"], timeout=0.2)
    assert by_options.options == by_keywords.options == opts
    assert Cleaner(**dataclasses.asdict(opts)).options == opts
    assert by_keywords.max_removed_share == DEFAULT_MAX_REMOVED_SHARE["page"]
    again = pickle.loads(pickle.dumps(by_options))
    assert again.options == opts and again.rules == by_options.rules
    assert by_options.__reduce__()[1][0] is opts  # pickled as the options, not a field list
    region = [cfg for kind, items in by_options._stages if kind == "page-region"
              for cfg in items]
    assert region and all(p.timeout == 0.2 for p in region[0].barriers)
