"""Names listed before "counties" or "parishes" are counties (invented text)."""

from __future__ import annotations

import pytest
import spacy

from streams.extraction.county_lists import county_lists
from streams.extraction.pipeline import extract


@pytest.fixture(scope="module")
def tokenize():
    return spacy.blank("en")


def listed(tokenize, text: str) -> list[tuple[str, str]]:
    return [(text[start:end], name) for start, end, name in county_lists(tokenize(text))]


def test_each_name_of_a_list_before_counties_is_looked_up_as_its_county(tokenize):
    assert listed(tokenize, "Fires burned in Butler, Clark or Warren counties.") == [
        ("Warren", "Warren County"), ("Clark", "Clark County"), ("Butler", "Butler County")]
    assert listed(tokenize, "In St. Lucie and Prince William counties, and in Orleans and "
                            "Jefferson parishes.") == [
        ("Prince William", "Prince William County"), ("St. Lucie", "St. Lucie County"),
        ("Jefferson", "Jefferson Parish"), ("Orleans", "Orleans Parish")]


def test_and_joins_only_the_last_two_names_of_a_list(tokenize):
    # "Georgia and" ends another phrase, not this list
    assert listed(tokenize, "Pupils in Georgia and Nassau and Baker counties.") == [
        ("Baker", "Baker County"), ("Nassau", "Nassau County")]
    assert listed(tokenize, "Dakota, Otoe, and Washington counties grew.") == [
        ("Washington", "Washington County"), ("Otoe", "Otoe County"),
        ("Dakota", "Dakota County")]


def test_no_list_without_a_lower_case_plural_or_before_a_determiner(tokenize):
    assert listed(tokenize, "The Twin Counties fair opened.") == []
    assert listed(tokenize, "Most counties and The counties voted.") == []


def test_the_listed_names_are_their_counties_not_the_namesake_towns():
    result = extract({"id": "t", "title": "", "body": "Fires burned in Butler, Hamilton or "
                      "Warren counties in Ohio on Monday."})
    assert [(e["text"], e["name"], e["country"]) for e in result["entities"]
            if e["kind"] == "location"] == [
        ("Butler", "Butler County", "USA"), ("Hamilton", "Hamilton County", "USA"),
        ("Warren", "Warren County", "USA"), ("Ohio", "Ohio", "USA")]


def test_a_listed_name_after_in_is_its_county_only_not_also_a_town():
    # "in Portage" alone would be the town (untagged_places.py); here it is only the county
    result = extract({"id": "t", "title": "", "body": "Fires burned in Portage and Warren "
                      "counties in Ohio on Monday."})
    assert [(e["text"], e["name"]) for e in result["entities"] if e["kind"] == "location"] == [
        ("Portage", "Portage County"), ("Warren", "Warren County"), ("Ohio", "Ohio")]
