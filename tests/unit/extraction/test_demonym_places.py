"""Nationality words are location mentions of their country, typed NORP (invented text)."""

from __future__ import annotations

from streams.evaluation.ner import predicted_spans
from streams.extraction.pipeline import extract

EGYPT, TURKEY, SOUTH_KOREA = 357994, 298795, 1835841  # GeoNames ids of the countries


def located(body: str) -> list[tuple]:
    result = extract({"id": "t", "title": "", "body": body})
    return [(e["text"], e["start"], e["end"], e["type"], e["geonameid"], e["country"], e["nested"])
            for e in result["entities"] if e["kind"] == "location"]


def test_a_nationality_word_is_its_country_beside_its_actor():
    result = extract({"id": "t", "title": "", "body": "Egyptian troops fired into the air."})
    at_zero = [(e["kind"], e["type"], e["code"], e["geonameid"], e["nested"])
               for e in result["entities"] if e["start"] == 0]
    assert at_zero == [("actor", "NORP", None, None, False),  # coded through its phrase
                       ("actor", "ORG", "EGYMIL", None, False),
                       ("location", "NORP", None, EGYPT, False)]


def test_the_location_carries_the_countrys_place():
    result = extract({"id": "t", "title": "", "body": "A Turkish policeman was hurt."})
    (place,) = [e for e in result["entities"] if e["kind"] == "location"]
    assert (place["text"], place["start"], place["end"], place["name"], place["country"],
            place["feature_class"]) == ("Turkish", 2, 9, "Turkey", "TUR", "A")
    assert (place["lat"], place["lon"]) == (39.0, 35.0)  # the same point as the country's name


def test_a_nationality_word_inside_an_organisation_name_is_nested():
    assert located("The Egyptian Foreign Ministry condemned the attack.") == [
        ("Egyptian", 4, 12, "NORP", EGYPT, "EGY", True)]


def test_a_two_word_nationality_inside_a_name_is_one_mention():
    assert located("The South Korean Defence Ministry said nothing.") == [
        ("South Korean", 4, 16, "NORP", SOUTH_KOREA, "KOR", True)]


def test_a_newspaper_named_after_a_nation_names_no_place():
    assert located("The Turkish Daily News reported it.") == []


def test_religious_and_political_groups_are_not_places():
    assert located("Muslims and Republicans met the Democrats on Sunday.") == []


def test_the_nationality_word_keeps_its_country_in_an_article_about_a_us_state():
    body = ("Atlanta and Savannah in Georgia welcomed a Turkish delegation. "
            "Macon, Georgia, sent a Turkish speaker.")
    assert [(text, geonameid) for text, _, _, kind, geonameid, _, _ in located(body)
            if kind == "NORP"] == [("Turkish", TURKEY), ("Turkish", TURKEY)]


def test_ner_scoring_is_unchanged_by_the_country_mention():
    result = extract({"id": "t", "title": "", "body": "Egyptian troops fired into the air."})
    without = [e for e in result["entities"] if e["kind"] != "location"]
    assert predicted_spans(result["entities"]) == predicted_spans(without)


def test_an_event_is_placed_by_the_places_named_not_by_its_actors_nationality():
    result = extract({"id": "t", "title": "", "body": "Protesters gathered in Homs on Friday. "
                      "Syrian troops shelled the rebels."})
    (shelling,) = [e for e in result["events"] if e["source"]["code"] == "SYRMIL"]
    assert shelling["location"]["name"] == "Homs"  # the article's main place, not Syria
    alone = extract({"id": "t", "title": "", "body": "Egyptian troops fired on Libyan smugglers."})
    assert [(e["source"]["code"], e["target"]["code"], e["location"]) for e in alone["events"]] == [
        ("EGYMIL", "LBYCRM", None)]
