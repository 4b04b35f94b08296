"""Place mentions through the whole extractor: datelines, abbreviations, surnames (invented text)."""

from __future__ import annotations

from streams.extraction.pipeline import extract


def places(body: str) -> list[tuple]:
    result = extract({"id": "t", "title": "", "body": body})
    return [(e["text"], e["start"], e["end"], e["kind"], e["geonameid"])
            for e in result["entities"]]


def test_an_all_caps_dateline_and_its_qualifier_are_places():
    assert places("MANSFIELD, Ohio -- The city council met on Monday to vote on the budget.") == [
        ("MANSFIELD", 0, 9, "location", 5161723), ("Ohio", 11, 15, "location", 5165418)]


def test_a_state_abbreviation_the_ner_cut_before_its_period_is_the_state():
    assert places("Officials in Wheeling, W.Va. said the bridge is closed.") == [
        ("Wheeling", 13, 21, "location", 5280854), ("W.Va", 23, 27, "location", 4826850)]


def test_a_surname_alone_is_the_person_named_in_full_before():
    assert places("John Anderson spoke on Monday. Later, Anderson urged calm.") == [
        ("John Anderson", 0, 13, "actor", None), ("Anderson", 38, 46, "actor", None)]
