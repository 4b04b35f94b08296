"""Acronyms an article defines take the label of their long form, in every field."""

from __future__ import annotations

import pytest

from streams.extraction.acronyms import label_defined_acronyms

spacy = pytest.importorskip("spacy")
BLANK = spacy.blank("en")


def doc(text: str, *entities: tuple[str, str]):
    """A Doc with the given (words, label) entities, as the NER pass would leave it."""
    made = BLANK(text)
    spans = []
    for words, label in entities:
        start = text.index(words)
        spans.append(made.char_span(start, start + len(words), label=label))
    made.ents = spans
    return made


def ents(made) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in made.ents]


def test_a_defined_acronym_takes_its_long_forms_label_in_every_field():
    body = doc("The Coastal Liberation Front (CLF) said the CLF would talk. CLF men left.",
               ("Coastal Liberation Front", "ORG"), ("CLF men", "PERSON"))
    title = doc("CLF TO TALK")
    label_defined_acronyms([title, body])
    assert ents(title) == [("CLF", "ORG")]
    # the acronym inside a longer name the NER found is left to that name
    assert ents(body) == [("Coastal Liberation Front", "ORG"), ("CLF", "ORG"), ("CLF", "ORG"),
                          ("CLF men", "PERSON")]


def test_function_words_are_skipped_and_an_untagged_long_form_is_an_organisation():
    made = doc("Staff of the Office of Water and Land Planning (OWLP) met. OWLP said no.")
    label_defined_acronyms([made])
    assert ents(made) == [("Office of Water and Land Planning", "ORG"), ("OWLP", "ORG"),
                          ("OWLP", "ORG")]


def test_an_acronym_tagged_with_another_label_is_relabelled_and_a_cut_long_form_joined():
    made = doc("The Tarsan National Unity Front (TNUF) signed. The TNUF leader spoke.",
               ("Tarsan", "PERSON"), ("National Unity Front", "ORG"), ("TNUF", "PERSON"))
    label_defined_acronyms([made])
    assert ents(made) == [("Tarsan National Unity Front", "ORG"), ("TNUF", "ORG"),
                          ("TNUF", "ORG")]


def test_an_ampersand_in_the_acronym_stands_for_no_word():
    made = doc("The Harbor & Dock Authority (H&DA) met. H&DA said no.")
    label_defined_acronyms([made])
    assert [text for text, _ in ents(made)][-1] == "H&DA"


def test_a_place_defined_by_its_initials_stays_a_place():
    made = doc("The United Arab Emirates (UAE) agreed. The UAE said so.",
               ("The United Arab Emirates", "GPE"))
    label_defined_acronyms([made])
    assert ents(made) == [("The United Arab Emirates", "GPE"), ("UAE", "GPE"), ("UAE", "GPE")]


@pytest.mark.parametrize("text", [
    "The new party (NP) met.",  # the words before the brackets are not capitalised
    "The Labour Party (LAB) met.",  # the initials do not spell it
    "Prices rose (CPI) again.",
])
def test_brackets_that_do_not_spell_the_words_before_them_define_nothing(text):
    made = doc(text)
    label_defined_acronyms([made])
    assert ents(made) == []


def test_an_acronym_is_coded_as_its_long_form_is():
    from streams.extraction.pipeline import extract_many

    body = ("Officials of the Kenyan Ministry of Foreign Affairs (MFA) met the envoy. "
            "The MFA later condemned the attack.")
    (result,) = extract_many([{"id": "acronym", "body": body}])
    coded = {(m["text"], m.get("code")) for m in result["entities"] if m["kind"] == "actor"}
    assert ("MFA", "KENGOV") in coded  # "MFA" alone is no dictionary entry
    assert ("1123", "MFA", "KENGOV") in {
        (e["cameo_code"], e["source"]["text"], e["source"]["code"]) for e in result["events"]}
