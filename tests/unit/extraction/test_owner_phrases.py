"""An actor phrase that names its country inside ("Peru's interim government", "a member of the
Kenyan parliament") acts as the phrase, and its country word stays what it is (invented text)."""

from __future__ import annotations

from spacy.tokens import Span

from streams.extraction.pipeline import default_extractor, extract


def extracted(body: str) -> dict:
    return extract({"id": "t", "title": "", "body": body})


def test_a_possessive_country_gives_the_phrase_its_code_and_stays_a_place():
    result = extracted("Peru's interim government imposed a curfew on Monday.")
    assert [(e["text"], e["kind"], e["code"]) for e in result["entities"]] == [
        ("Peru's interim government", "actor", "PERGOV"), ("Peru", "location", None)]
    assert [e["source"]["code"] for e in result["events"]] == ["PERGOV"]


def test_the_source_is_the_coded_phrase_around_an_uncoded_nationality_word():
    result = extracted("A member of the Kenyan parliament began a hunger strike on Monday.")
    assert [e["source"] for e in result["events"]] == [
        {"code": "KENLEG", "text": "Kenyan parliament"}]



def test_a_nationality_word_the_ner_takes_for_a_person_is_the_nation():
    extractor = default_extractor()
    (doc,) = extractor.nlp.names(["The minister fined Ugandan traders on Monday."])
    doc.ents = [Span(doc, 3, 4, label="PERSON")]  # as the model tags it in some sentences
    mentions = extractor.finder.find(doc, "body", [], 0)
    assert [(m.text, m.type, m.kind, m.code) for m in mentions if m.kind == "actor"][0] == (
        "Ugandan", "NORP", "actor", "UGA")
