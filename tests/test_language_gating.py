"""Language gating: a language pack's rules run only on text in its language
(engine/language.py, rules/core/language.yml); core runs everywhere; a text too
short to tell runs every pack, as before gating."""

from __future__ import annotations

import json

import pytest

import boilerstrip
from boilerstrip import Options
from boilerstrip.engine import Cleaner
from boilerstrip.errors import ConfigError, RuleError
from boilerstrip.rules.loader import bundled_rule_set, parse_rule_text
from boilerstrip.rules.selftest import check_rule

BODY = ("The harbour authority said on Thursday that the new ferry terminal would open next "
        "spring, two years later than planned, because the contractor had run into problems "
        "with the foundations.\n\n")
TAIL = ("Residents who live near the terminal have complained about the noise of the building "
        "work, and the council has promised to limit it to the hours between eight in the "
        "morning and six in the evening.\n")
DE_BODY = ("Die Hafenbehörde hat am Donnerstag mitgeteilt, dass das neue Fährterminal erst im "
           "nächsten Frühjahr öffnen wird, zwei Jahre später als geplant, weil die Firma "
           "Probleme mit dem Fundament hatte.\n\n")


def english_page(line: str) -> str:
    return BODY + line + "\n\n" + TAIL


def removed_by(result, rule_id: str) -> bool:
    return any(c.rule == rule_id for c in result.removals)


# lines of English pages that a foreign pack's rule takes without gating (nl.tags.line
# took "Labels: ..." too, until the rule itself was narrowed)
MISFIRES = [
    ("de.credit.caption-with-credit", "The old lighthouse at the end of the pier / Grafik: Harbour Trust"),
    ("pl.credit.photo-source", "(Reuters)"),
    ("fr.source.agency-tail", "Source: Associated Press"),
]


@pytest.mark.parametrize("rule_id,line", MISFIRES)
def test_foreign_pack_does_not_fire_on_english_text(rule_id, line):
    text = english_page(line)
    ungated = Cleaner.from_options(Options(language="any")).clean(text)
    assert removed_by(ungated, rule_id)  # the misfire this test is about
    gated = boilerstrip.clean(text)
    assert gated.language == "en" and gated.languages == ("en",)
    assert not removed_by(gated, rule_id)
    assert line in gated.text


def test_pack_still_fires_on_its_own_language():
    text = DE_BODY + "Die Kaimauer bei Nacht / Grafik: Hafenverein\n\n" + DE_BODY
    result = boilerstrip.clean(text)
    assert result.language == "de"
    assert removed_by(result, "de.credit.caption-with-credit")


def test_mixed_page_runs_the_pack_of_each_long_paragraph():
    # an English article with a long German paragraph: both packs run
    text = english_page("(Reuters)") + "\n" + DE_BODY
    result = boilerstrip.clean(text)
    assert result.language == "en" and set(result.languages) == {"en", "de"}


def test_short_text_runs_every_pack():
    result = boilerstrip.clean("Source: Associated Press\n", allow_large_removals=True)
    assert result.language == "" and result.languages == ()
    assert removed_by(result, "fr.source.agency-tail")


def test_core_rules_run_whatever_the_language():
    text = english_page("Share this article") + "\n" + "Teilen Sie diesen Artikel\n"
    assert all(r.language == "" for r in bundled_rule_set().rules if r.pack == "core")
    assert boilerstrip.clean(text).language == "en"


def test_forced_language_and_no_gating():
    text = english_page("(Reuters)")
    forced = Cleaner.from_options(Options(language="pl")).clean(text)
    assert forced.language == "pl" and removed_by(forced, "pl.credit.photo-source")
    off = Cleaner.from_options(Options(language="any")).clean(text)
    assert off.language == "" and off.languages == ()
    with pytest.raises(ConfigError):
        Options(language="english")


def test_a_language_no_pack_is_in_fails_in_one_line():
    # a mistyped code ran no language pack at all, silently
    with pytest.raises(ConfigError, match="no rule pack is in this language"):
        Cleaner.from_options(Options(language="xx"))
    from _cli_helpers import err, no_traceback, run

    proc = run("clean", "--language", "dk", input=b"Share this article\n")
    assert proc.returncode == 2 and err(proc).count("\n") == 1 and "'dk'" in err(proc)
    no_traceback(proc)


def test_a_forced_language_holds_without_the_detector():
    # --language de with the detector ignored (or a rule set without one)
    # ran every pack, silently
    text = english_page("(Reuters)")
    forced = boilerstrip.clean(text, ignore=["core.language"], language="de")
    assert forced.language == "de" and not removed_by(forced, "pl.credit.photo-source")
    assert removed_by(boilerstrip.clean(text, ignore=["core.language"], language="pl"),
                      "pl.credit.photo-source")


def test_ignoring_the_detector_turns_gating_off():
    result = boilerstrip.clean(english_page("(Reuters)"), ignore=["core.language"])
    assert result.languages == () and removed_by(result, "pl.credit.photo-source")


def test_language_in_the_report():
    d = boilerstrip.clean(english_page("(Reuters)")).to_dict()
    assert d["language"] == "en" and d["languages"] == ["en"]
    json.dumps(d)


def test_pack_language_from_folder_and_file_key(tmp_path):
    folder = tmp_path / "de"
    folder.mkdir()
    rule = """
  - id: de.test.quelle
    kind: line
    category: source-credit
    order: 600
    description: A test rule.
    pattern: 'quelle: \\w+'
    examples:
      remove: ["Quelle: dpa", "Quelle: afp"]
      keep: ["Die Quelle war gut.", "Eine Quelle sprach."]
"""
    (folder / "x.yml").write_text("rules:" + rule)
    (tmp_path / "y.yml").write_text("language: fr\nrules:" + rule.replace("de.test", "fr.test"))
    (tmp_path / "z.yml").write_text("language: any\nrules:" + rule.replace("de.test", "xx.test"))
    rules = {r.id: r for r in Cleaner(rules=[tmp_path], default_rules=False).all_rules}
    assert rules["de.test.quelle"].language == "de"
    assert rules["fr.test.quelle"].language == "fr"
    assert rules["xx.test.quelle"].language == ""
    with pytest.raises(RuleError, match="language must be"):
        parse_rule_text("language: english\nrules:" + rule)


SV_RULE = """rules:
  - id: sv.share.line
    kind: line
    category: social-share
    order: 600
    description: A Swedish share line.
    pattern: 'dela (?:artikeln|sidan)'
    examples:
      remove: ["Dela artikeln", "Dela sidan"]
      keep: ["Hon ville dela artikeln med sin syster i morgon.", "Dela"]
"""


def test_a_pack_in_a_language_the_detector_cannot_tell_runs_everywhere(tmp_path):
    # a user's sv pack: the detector has no Swedish list, so it decided
    # "en" (or another language) and the pack never ran, silently
    folder = tmp_path / "sv"
    folder.mkdir()
    (folder / "share.yml").write_text(SV_RULE)
    cleaner = Cleaner(rules=[tmp_path])
    for text in (english_page("Dela artikeln"), DE_BODY + "Dela sidan\n\n" + DE_BODY):
        result = cleaner.clean(text)
        assert removed_by(result, "sv.share.line")
        assert result.language in ("en", "de") and "sv" in result.languages
    assert cleaner.undetectable == {"sv"}
    # told the language, it runs only on its own
    forced = Cleaner(rules=[tmp_path], language="de").clean(DE_BODY + "Dela sidan\n\n" + DE_BODY)
    assert not removed_by(forced, "sv.share.line")
    assert removed_by(Cleaner(rules=[tmp_path], language="sv").clean(english_page("Dela sidan")),
                      "sv.share.line")


def test_a_forced_language_runs_the_everywhere_packs_as_auto_does():
    # --language de skipped the en pack that auto runs on every German page
    text = DE_BODY + "Post a Comment\n\n" + DE_BODY
    auto = boilerstrip.clean(text)
    forced = boilerstrip.clean(text, language="de")
    assert forced.language == "de" and forced.languages == auto.languages == ("de", "en")
    assert removed_by(forced, "en.comments.prompt") and forced.text == auto.text


def test_example_in_the_wrong_language_fails_its_self_test():
    text = """rules:
  - id: nl.test.labels
    kind: line
    category: tag-cloud
    order: 600
    description: A test rule.
    pattern: 'labels: .+'
    examples:
      remove:
        - "Labels: haven, veerboten"
        - "%s"
      keep: ["Er zijn geen labels.", "De labels zijn weg."]
""" % english_page("Labels: harbour, ferries").replace("\n", "\\n")
    (rule,) = parse_rule_text(text, pack="nl")
    failures = check_rule(rule)
    assert len(failures) == 1 and failures[0].expected == "removed"
    marked = text.replace('        - "%s' % BODY[:10], '        - language: nl\n          text: "%s' % BODY[:10])
    (rule,) = parse_rule_text(marked, pack="nl")
    assert check_rule(rule) == []


def test_language_rule_params_are_checked():
    (rule,) = [r for r in bundled_rule_set().rules if r.kind == "language"]
    bad = rule.__class__(**{**rule.__dict__, "params": rule.params + (("min_tokenz", 3),)})
    with pytest.raises(RuleError, match="unknown language param"):
        Cleaner(default_rules=False, extra_rules=[bad])
    # samples of 0 characters made the second sample the whole text
    # (text[-0:]): an unbounded cost where the docs promise a bounded one
    params = tuple((k, 0 if k == "sample_chars" else v) for k, v in rule.params)
    with pytest.raises(RuleError, match="sample_chars"):
        Cleaner(default_rules=False, extra_rules=[rule.__class__(**{**rule.__dict__,
                                                                  "params": params})])


def test_english_template_prompts_go_from_pages_in_other_languages():
    # the en pack runs everywhere (rules/core/language.yml `everywhere`): site
    # templates print their buttons in English whatever the article's language
    result = boilerstrip.clean(DE_BODY + "Post a Comment\n\n" + DE_BODY)
    assert result.language == "de" and set(result.languages) == {"de", "en"}
    assert removed_by(result, "en.comments.prompt")


def test_the_stopword_lists_are_kept_once_and_the_page_profile_names_them():
    # they were kept twice (language.yml and region.yml), held equal by a test:
    # now the page-region rule names the detector and gets its lists
    from boilerstrip.engine.language import LanguageDetector
    from boilerstrip.engine.page_config import compile_rule

    rules = {r.id: r for r in bundled_rule_set().rules}
    detector = rules["core.language.detect"]
    # a copy is a mapping with the detector's word lists; a rule with its own
    # shorter lists for the same languages (core.edge.headline-rail) is no copy
    mappings = [r.id for r in rules.values()
                if isinstance(r.param_dict.get("stopwords"), dict)
                and r.param_dict["stopwords"] == detector.param_dict["stopwords"]]
    assert mappings == ["core.language.detect"]
    page = compile_rule(rules["page.region.article"], 0.5)
    assert page.languages == LanguageDetector(detector).lists
    # a page-region rule of one's own may name it too; a wrong name is one line
    mine = parse_rule_text(PAGE_RULE.format(stopwords="core.language.detect"))[0]
    assert compile_rule(mine, 0.5).languages == LanguageDetector(detector).lists
    wrong = parse_rule_text(PAGE_RULE.format(stopwords="core.language.detekt"))[0]
    with pytest.raises(RuleError, match="'core.language.detekt' is not a bundled language rule"):
        compile_rule(wrong, 0.5)


PAGE_RULE = """rules:
  - id: my.page.region
    kind: page-region
    category: page-layout
    order: 150
    description: The article region.
    params:
      stopwords: {stopwords}
    examples:
      remove: ["Home | News\\n\\nx", "Home | News\\n\\ny"]
      keep: [a, b]
"""


def test_an_any_language_rule_may_have_an_example_marked_with_a_language():
    # a forced language no loaded pack is in is refused (a typo): a language
    # the detector knows is no typo, and a rule's self-test forces one
    text = """rules:
  - id: my.test.labels
    kind: line
    category: tag-cloud
    order: 600
    language: any
    description: A test rule.
    pattern: 'labels: .+'
    examples:
      remove:
        - "Labels: haven, veerboten"
        - {text: "Labels: haven, veerboten, dijken", language: nl}
      keep: ["Er zijn geen labels.", "De labels zijn weg."]
"""
    (rule,) = parse_rule_text(text, pack="my-rules")
    assert check_rule(rule) == []


def test_counts_kept_by_sample_and_counted_against_every_list_at_once():
    """The detector's counts (stopwords found among every list's words first,
    samples already judged in this clean call taken from SEEN) equal one plain
    intersection per list, and a kept count is what counting again gives."""
    import re
    from pathlib import Path

    detector = Cleaner().detector
    files = sorted(Path(__file__).resolve().parent.parent.glob("bench/data/*/extract-*/*.txt"))
    texts = [BODY, DE_BODY, BODY + TAIL, "Too short."] + [
        f.read_text("utf-8") for f in files[::25]]
    seen: dict = {}
    for text in texts:
        for part in (text[:500], text[-500:], text[: len(text) // 2]):
            words = set(re.findall(r"\w+", part.casefold()))
            plain = (len(words), [len(stops & words) for stops in detector.lists.values()])
            assert detector._counts(part) == plain
            assert detector._counts(part, seen) == plain
            assert detector._counts(part, seen) == plain  # from SEEN now
        assert detector.detect(text, seen) == detector.detect(text)
    assert seen
