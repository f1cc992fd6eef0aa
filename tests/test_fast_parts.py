"""The compiled prefilter's database in parts (engine/fast/database.py): a
document scans only the parts of the packs that run on it, with the same
candidates for those rules, and the parts survive the cache. Skips when
``hyperscan`` is not installed."""

from __future__ import annotations

import pytest

hyperscan = pytest.importorskip("hyperscan")

from boilerstrip import Cleaner  # noqa: E402
from boilerstrip.engine.candidates import default_candidates  # noqa: E402
from boilerstrip.engine.fast import database  # noqa: E402
from boilerstrip.engine.fast.provider import FastProvider  # noqa: E402
from boilerstrip.rules.model import Rule  # noqa: E402

_DETECT = Rule(id="test.language", kind="language", category="language", order=5,
               description="language lists of the test rule set",
               params=(("stopwords", {"en": "the and of to is on with not",
                                      "de": "der die den und ist nicht in am bis",
                                      "fr": "le la et est pas a de tout"}),
                       ("everywhere", ("en",))))


def _line(rid: str, pattern: str, language: str = "") -> Rule:
    return Rule(id=rid, kind="line", category="related", description="test", order=50,
                patterns=(pattern,), language=language, pack=language or "core",
                flags=("ignorecase",))


RULES = [
    _DETECT,
    _line("test.core-share", r"share this (?:story|article)"),
    _line("en.test-related", r"related (?:stories|articles)", "en"),
    _line("de.test-related", r"weitere (?:artikel|beitr[äa]ge)", "de"),
    _line("de.test-shared", r"share this (?:story|article)", "de"),  # the core rule's piece
    _line("fr.test-related", r"articles (?:similaires|li[ée]s)", "fr"),
    _line("fr.test-also", r"weitere (?:artikel|beitr[äa]ge)", "fr"),  # a piece of de's too
]


@pytest.fixture(scope="module")
def accel():
    return database.build(RULES, store=False)


def _piece(table, rid):
    (k,) = [k for k, users in enumerate(table.piece_patterns)
            if any(table.patterns[n][0] == rid for n in users)]
    return k


def test_parts_hold_the_pieces_of_the_packs_that_run_together(accel):
    table = accel.table
    parts = {lang: set(ids) for lang, ids, _db in accel.parts}
    # English runs everywhere (the detector's 'everywhere'): no part of its own
    assert list(parts) == [None, "de", "fr"]
    assert _piece(table, "en.test-related") in parts[None]
    # a piece a rule without language needs is scanned always, not again by pack
    shared = _piece(table, "test.core-share")
    assert shared in parts[None] and shared not in parts["de"]
    # a piece two packs use is in both of their parts
    both = _piece(table, "fr.test-also")
    assert both in parts["de"] and both in parts["fr"]
    assert set().union(*parts.values()) == set(range(len(table.pieces)))


def test_a_document_scans_only_the_parts_of_its_packs(accel):
    assert accel.for_languages(None) is accel
    assert accel.for_languages(frozenset({"de", "en", "fr"})) is accel
    english = accel.for_languages(frozenset({"en"}))
    assert [lang for lang, _ids, _db in english.parts] == [None]
    assert english.rule_ids == {"test.core-share", "en.test-related", "de.test-shared"}
    german = accel.for_languages(frozenset({"de", "en", "xx"}))  # xx: no pack
    assert [lang for lang, _ids, _db in german.parts] == [None, "de"]
    assert "fr.test-related" not in german.rule_ids and "fr.test-also" in german.rule_ids
    assert accel.for_languages(frozenset({"de", "en"})) is german  # one view per set of parts
    data = ("Weitere Artikel\nShare this story\nRelated stories\nArticles similaires\n"
            ).encode()
    everything = set(accel.scan(data))
    for view in (english, german):
        scanned = {k for _lang, ids, _db in view.parts for k in ids}
        assert set(view.scan(data)) == {hit for hit in everything if hit[0] in scanned}


def test_parts_survive_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    built = database.build(RULES)
    loaded = database.load(RULES)
    assert loaded is not None and loaded.table == built.table
    assert [p[:2] for p in loaded.parts] == [p[:2] for p in built.parts]
    data = "Weitere Beiträge\nArticles liés\nRelated articles\n".encode()
    assert sorted(loaded.scan(data)) == sorted(built.scan(data))
    # another pack language is another rule set: not the same entry
    moved = [r if r.id != "fr.test-related" else _line(r.id, r.patterns[0], "de") for r in RULES]
    assert database.stamp(moved) != database.stamp(RULES)


def test_without_a_language_rule_there_is_one_part():
    plain = [r for r in RULES if r.kind != "language"]
    table = database.build_table(plain)
    assert database.partition(table, plain) == [(None, tuple(range(len(table.pieces))))]


TEXTS = [
    "Der Rat hat am Dienstag über den Haushalt abgestimmt, und die Mehrheit ist nicht klar.\n"
    "Die Sitzung dauerte bis in den Abend, und der Bürgermeister ist nicht zufrieden.\n"
    "Weitere Artikel\nShare this story\nRelated stories\nArticles similaires\n",
    "The council voted on the budget on Tuesday, and the result of the vote is close.\n"
    "The meeting went on to the evening and the mayor is not pleased with the outcome.\n"
    "Weitere Artikel\nShare this article\nRelated articles\nArticles liés\n",
    "Le conseil a voté le budget mardi, et la majorité est pas claire pour le maire.\n"
    "La séance a duré tout le soir et le maire est pas content de la décision.\n"
    "Weitere Beiträge\nShare this story\nRelated stories\nArticles similaires\n",
    "Short.\nWeitere Artikel\nArticles liés\n",  # too short to tell: every pack runs
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_document_in_any_language_is_cleaned_as_by_the_pure_engine(accel, text):
    fast = Cleaner(default_rules=False, extra_rules=RULES,
                   candidates=FastProvider(accel, short_chars=0))
    pure = Cleaner(default_rules=False, extra_rules=RULES, candidates=default_candidates)
    got, want = fast.clean(text), pure.clean(text)
    assert got.text == want.text and got.changes == want.changes
    assert want.changes  # something of its packs was removed


def test_a_rule_the_parts_scanned_do_not_serve_goes_to_the_literal_scan(accel):
    # the cleaner never runs a rule of a pack the document's parts leave
    # out; were it to, the view does not claim it (rule_ids) and the pure
    # engine's literal scan answers for it
    from boilerstrip.document import Draft
    from boilerstrip.engine.context import CompiledRule, Context

    ctx = Context(Draft("Articles similaires\nA line of text.\n"))
    ctx.languages = frozenset({"en"})
    cands = FastProvider(accel, short_chars=0)(ctx, None)
    french = [CompiledRule(r, None) for r in RULES if r.id == "fr.test-related"]
    assert french[0].rule.id not in cands.accel.rule_ids
    assert cands.for_rules(french, [0, 1], "content") == {0: [0]}
