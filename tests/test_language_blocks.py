"""Language blocks (engine/language.py): a pack whose language is found only
in a block of a document (a Spanish footer on an English page) runs on that
block's lines alone, and the report names the block. Every text here was
written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import Cleaner
from boilerstrip.engine.cleaner import clean
from boilerstrip.engine.language import Detection, widened

ENGLISH = [
    "The city council agreed on Tuesday that the new library would open in the spring, "
    "although several of its members said that the budget was still not settled.",
    "The building will have a reading room on each floor and a garden on the roof, which "
    "the architects say will be open to the public during the summer months.",
    "Residents who live near the site have asked for more parking, and the council said it "
    "would look at their request before any of the work starts.",
]
ARTICLE = "\n".join(ENGLISH) + "\n"

#: a paragraph in each pack's language, and a line that only its pack removes
BLOCKS = {
    "es": ("El ayuntamiento también publicó una nota en español para los vecinos que no "
           "hablan inglés, con las fechas de las obras y un número de teléfono para las "
           "preguntas que tengan sobre el proyecto.", "Todos los derechos reservados"),
    "fr": ("La mairie a aussi publié une note en français pour les habitants qui ne parlent "
           "pas anglais, avec les dates des travaux et un numéro de téléphone pour toutes "
           "les questions sur le projet.", "Tous droits réservés"),
    "it": ("Il comune ha anche pubblicato una nota in italiano per i residenti che non "
           "parlano inglese, con le date dei lavori e un numero di telefono per tutte le "
           "domande sul progetto della biblioteca.", "Tutti i diritti riservati"),
    "pt": ("A prefeitura também publicou uma nota em português para os moradores que não "
           "falam inglês, com as datas das obras e um número de telefone para as perguntas "
           "que tiverem sobre o projeto.", "Todos os direitos reservados"),
    "de": ("Die Stadt hat außerdem eine Mitteilung auf Deutsch für die Anwohner "
           "veröffentlicht, die kein Englisch sprechen, mit den Terminen der Bauarbeiten "
           "und einer Telefonnummer für alle Fragen zum Projekt.", "Alle Rechte vorbehalten"),
    "nl": ("De gemeente heeft ook een bericht in het Nederlands gepubliceerd voor de "
           "bewoners die geen Engels spreken, met de data van de werkzaamheden en een "
           "telefoonnummer voor alle vragen over het project.", "Alle rechten voorbehouden"),
    "pl": ("Urząd miasta opublikował także komunikat po polsku dla mieszkańców, którzy nie "
           "mówią po angielsku, z terminami prac oraz numerem telefonu, pod który można "
           "dzwonić z pytaniami o projekt.", "Wszelkie prawa zastrzeżone"),
}


@pytest.mark.parametrize("lang", sorted(BLOCKS))
def test_a_footer_in_another_language_runs_its_pack_on_its_lines(lang):
    prose, debris = BLOCKS[lang]
    result = clean(f"{ARTICLE}{prose}\n{debris}\n")
    assert result.language == "en"
    assert lang in result.languages
    assert result.language_blocks == ((lang, 4, 5),)
    assert [c.text.strip() for c in result.removals] == [debris]
    assert result.removals[0].rule.startswith(lang + ".")
    report = result.to_dict()
    assert report["language_blocks"] == [[lang, 4, 5]]


@pytest.mark.parametrize("lang", ["de", "es", "fr", "it", "nl", "pt"])
def test_a_line_in_no_language_is_open_to_the_packs_found(lang):
    """A line too short to tell its language (a button, a footer line) may
    go to the pack of a block found elsewhere in the document, as on a
    document whose packs all run."""
    prose, debris = BLOCKS[lang]
    text = f"{ENGLISH[0]}\n{debris}\n{ENGLISH[1]}\n{ENGLISH[2]}\n{prose}\n"
    result = clean(text)
    assert lang in result.languages and result.language_blocks == ((lang, 5, 5),)
    assert [c.text.strip() for c in result.removals] == [debris]


#: a line its French rule (a photo credit) matches, that reads as English
ENGLISH_CREDIT = "Crédits photos : Jean and his dog"


def test_a_line_in_the_main_language_is_not_a_block_packs():
    """Issue 17's case: on an English page, the French pack (run for a
    French block further down) leaves the English lines alone."""
    prose, _debris = BLOCKS["fr"]
    text = f"{ENGLISH[0]}\n{ENGLISH_CREDIT}\n{ENGLISH[1]}\n{ENGLISH[2]}\n{prose}\n"
    result = clean(text)
    assert result.languages == ("en", "fr") and result.language_blocks == (("fr", 5, 5),)
    assert ENGLISH_CREDIT in result.text
    assert ENGLISH_CREDIT not in clean(text, language="any").text  # every pack on every line
    # in the French block's reach (the lines leaning nowhere after it), it leans English: kept
    assert ENGLISH_CREDIT in clean(f"{ARTICLE}{prose}\n{ENGLISH_CREDIT}\n").text


def test_a_text_in_one_language_runs_no_other_pack():
    prose, _debris = BLOCKS["fr"]
    result = clean(f"{ENGLISH[0]}\nCrédit photo : Jane Doe\n{ENGLISH[1]}\n{ENGLISH[2]}\n")
    assert result.languages == ("en",) and result.language_blocks == ()
    assert "Crédit photo : Jane Doe" in result.text


def test_a_block_too_short_to_judge_runs_no_pack():
    for lang, (_prose, debris) in BLOCKS.items():
        result = clean(f"{ARTICLE}{debris}\n")
        assert result.languages == ("en",) and result.language_blocks == (), lang
        assert debris in result.text, lang


def test_a_switch_mid_line_judges_the_whole_line():
    """A line that starts in English and ends in Spanish leans to the
    language of most of its function words; blocks hold whole lines."""
    prose, debris = BLOCKS["es"]
    mixed = f"{ENGLISH[2]} {prose}"
    detector = Cleaner().detector
    blocks = detector.blocks(f"{ARTICLE}{mixed}\n{debris}\n")
    assert all(first <= last for _lang, first, last in blocks)
    result = clean(f"{ARTICLE}{mixed}\n{debris}\n")
    assert mixed in result.text  # prose, in either language


def test_an_undecided_sample_is_decided_by_its_blocks():
    """Menus at both ends (no function words) leave the samples undecided;
    the paragraphs between decide; the German pack takes the German block's line."""
    menu = "\n".join(["Home", "World", "Politics", "Sport", "Culture", "Weather"] * 12)
    prose, debris = BLOCKS["de"]
    text = f"{menu}\n{ARTICLE}{prose}\n{debris}\n{menu}\n"
    detector = Cleaner().detector
    assert not detector.detect_samples(text).gated
    found = detector.detect(text)
    # every pack runs, as on a text of unknown language, but on its lines
    assert found.language == "en" and found.confined == set(detector.codes) - {"en"}
    assert detector.admits("de", prose) and not detector.admits("de", ENGLISH[0])
    assert detector.admits("de", debris) and detector.admits("de", "Home")  # in no language
    result = clean(text)
    assert debris not in result.text
    assert result.language == "en"


def test_widened_keeps_a_pack_confined_only_when_both_confine_it():
    before = Detection("en", frozenset({"en", "es"}), frozenset({"es"}), (("es", 4, 5),))
    after_free = Detection("es", frozenset({"en", "es"}))
    assert widened(before, after_free) == Detection("en", frozenset({"en", "es"}))
    after_confined = Detection("en", frozenset({"en", "es"}), frozenset({"es"}), (("es", 2, 2),))
    both = widened(before, after_confined)
    assert both.confined == {"es"} and both.blocks == (("es", 4, 5),)  # the input's lines
    # a text in one language whose cleaned text is judged by its blocks
    one = widened(Detection("en", frozenset({"en"})), after_confined)
    assert one.confined == {"es"} and one.languages == {"en", "es"}
    assert not widened(before, Detection()).gated  # unknown: every pack, everywhere


def test_a_line_is_admitted_by_its_own_words():
    detector = Cleaner().detector
    prose_es, _ = BLOCKS["es"]
    assert detector.admits("es", prose_es) and not detector.admits("fr", prose_es)
    assert detector.admits("fr", "Tous droits réservés")  # too short to tell
    assert detector.admits("fr", "x" * 40)  # one word
    assert not detector.admits("fr", ENGLISH_CREDIT)  # reads as English
    # a tie between two lists: no language
    assert detector.admits("fr", "dog cat bird fish the le")


_SAMPLES_ONLY = Cleaner()
_SAMPLES_ONLY.detector.detect = _SAMPLES_ONLY.detector.detect_samples  # as before blocks
_BLOCKS = Cleaner()
_EXTRA_LINES = ["Share this article", "Read more", "Photos: Jane Doe", "Sign in to comment",
                "Advertisement", "Home", "Tags: library, council", "© 2024 Example News"]


@settings(deadline=None, max_examples=60)
@given(st.lists(st.sampled_from(ENGLISH + _EXTRA_LINES), min_size=1, max_size=14))
def test_a_document_in_one_language_is_cleaned_as_before(lines):
    text = "\n".join(lines) + "\n"
    before = _SAMPLES_ONLY.detector.detect_samples(text)
    if before.gated:  # decided by its samples: the blocks are not looked at
        assert _BLOCKS.detector.detect(text) == before
    old, new = _SAMPLES_ONLY.clean(text), _BLOCKS.clean(text)
    if before.gated:
        assert new == old
    assert new.language_blocks == ()
