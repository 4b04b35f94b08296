"""A politician's party tag gives a place: "Rep. Jane Roe, D-Calif., said" (invented text)."""

from __future__ import annotations

from streams.extraction.party_tags import party_tags
from streams.extraction.pipeline import extract


def places(text: str) -> list[str]:
    return [text[start:end] for start, end in party_tags(text)]


def test_the_place_after_a_party_letter_keeps_an_abbreviations_dots():
    assert places("Rep. Jane Roe, D-N.D. \"Enough,\" she said.") == ["N.D."]
    assert places("Sen. Al Poe, R-Pa. , and Rep. Bo Lee, D-W.Va., voted (I-Vt) today.") == [
        "Pa.", "W.Va.", "Vt"]


def test_a_tag_may_name_a_town_of_several_words_and_end_a_sentence():
    assert places("Delegates Ann Bay, D-Story City; and Cal Fox, R-Hardy. Later they met.") == [
        "Story City", "Hardy."]


def test_no_tag_without_a_comma_or_parenthesis_before_the_party_letter():
    assert places("The T-Mobile deal and D-Day landings.") == []
    assert places("A-B testing, X-Ray scans") == []


def test_the_tags_places_are_located_and_a_sentences_final_dot_is_left_out():
    result = extract({"id": "t", "title": "", "body": "The bill of Rep. Jane Roe, D-Calif, and "
                      "Sen. Al Poe, R-Pa., passed on Monday. It was backed by Cal Fox, R-Iowa City."})
    assert [(e["text"], e["name"]) for e in result["entities"] if e["kind"] == "location"] == [
        ("Calif", "California"), ("Pa.", "Pennsylvania"), ("Iowa City", "Iowa City")]
