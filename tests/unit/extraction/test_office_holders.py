"""A one-word name before an office only an organisation has is the organisation, everywhere in
the article (invented text)."""

from __future__ import annotations

from streams.extraction.pipeline import extract


def extracted(body: str) -> dict:
    return extract({"id": "t", "title": "", "body": body})


def test_a_one_word_name_before_an_office_only_an_organisation_has_is_an_organisation():
    # the model reads the company's name as a surname in both sentences
    result = extracted("Gundersen reported a loss on Friday. Gundersen chief executive Ian Colt "
                       "said sales fell.")
    assert [(e["text"], e["type"]) for e in result["entities"]] == [
        ("Gundersen", "ORG"), ("Gundersen", "ORG"), ("Ian Colt", "PERSON")]


def test_a_known_person_before_an_office_stays_the_person():
    result = extracted("Vladimir Putin spoke on Monday. Putin chairman of the board? No.")
    assert {e["type"] for e in result["entities"] if e["text"] == "Putin"} == {"PERSON"}
