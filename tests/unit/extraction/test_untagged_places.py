"""Names after a preposition of place that the NER did not tag (invented text)."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from streams.extraction.pipeline import extract
from streams.extraction.untagged_places import locative_names


def names(doc) -> list[str]:
    return [doc[start:end].text for start, end in locative_names(doc)]


def test_a_capitalised_run_after_in_near_or_a_direction_of_is_a_candidate():
    doc = spacy.blank("en")("Rain fell in Grand Prairie and near Euclid, south of Lake Town.")
    assert names(doc) == ["Grand Prairie", "Euclid", "Lake Town"]


def test_tagged_words_lowercase_words_and_long_runs_are_not_candidates():
    doc = spacy.blank("en")("It fell in May, in the city, of Moorhead and in One Two Three Four.")
    doc.ents = [Span(doc, 3, 4, label="DATE")]
    assert names(doc) == []


def test_an_untagged_town_of_the_articles_country_is_a_place_and_a_word_after_in_is_not():
    body = "Volunteers from Minnesota stacked sandbags north of Moorhead on Monday. " \
           "The ceremony in Spring was held in Ohio."
    result = extract({"id": "t", "title": "", "body": body})
    assert [(e["text"], e["name"]) for e in result["entities"] if e["kind"] == "location"] == [
        ("Minnesota", "Minnesota"), ("Moorhead", "Moorhead"), ("Ohio", "Ohio")]
