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


def test_a_place_inside_an_organisation_name_is_also_a_nested_location():
    result = extract({"id": "t", "title": "", "body": "Officers of the Springfield Police "
                      "Department in Ohio arrested a man in Columbus."})
    assert [(e["text"], e["start"], e["end"], e["kind"], e["geonameid"], e["nested"])
            for e in result["entities"] if e["start"] >= 16] == [
        ("Springfield Police Department", 16, 45, "actor", None, False),
        ("Springfield", 16, 27, "location", 4525353, True),
        ("Ohio", 49, 53, "location", 5165418, False),
        ("Columbus", 72, 80, "location", 4509177, False)]


def test_a_newspaper_names_no_nested_place_and_university_of_names_the_place_after_of():
    result = extract({"id": "t", "title": "", "body": "The Springfield Times asked the "
                      "University of Ohio about Columbus."})
    assert [e["text"] for e in result["entities"] if e["nested"]] == ["Ohio"]


def test_ner_scoring_counts_only_the_outer_span():
    from streams.evaluation.ner import predicted_spans

    outer = {"field": "body", "start": 0, "end": 20, "type": "ORG", "nominal": False}
    nested = {"field": "body", "start": 0, "end": 11, "type": "GPE", "nominal": False,
              "nested": True}
    assert predicted_spans([outer, nested]) == {(0, 20, "ORG")}


def test_a_surname_that_is_a_country_the_article_is_placed_in_stays_the_country():
    # without other names in Jordan, "Jordan" after "Michael Jordan" is the person
    assert places("Michael Jordan scored 30 points on Friday. Later, Jordan said the team "
                  "played well.") == [("Michael Jordan", 0, 14, "actor", None),
                                      ("Jordan", 50, 56, "actor", None)]
    # with a town and a nationality word of the country, it is the country
    found = places("Michael Jordan visited Amman on Friday. Jordan is a small country, and "
                   "Jordanian officials welcomed him.")
    assert ("Jordan", 40, 46, "location", 248816) in found
    assert ("Jordan", 40, 46, "actor", None) not in found


def test_a_town_or_person_named_by_a_street_is_neither_but_a_state_is_kept():
    found = places("A truck hit a fence at Elmwood and Harrison streets in Columbus, Ohio.")
    assert [text for text, *_ in found] == ["Columbus", "Ohio"]
    found = places("A bus broke down on the Kansas Turnpike near Topeka.")
    assert ("Kansas", 24, 30, "location", 4273857) in found


def test_a_part_of_a_town_named_by_its_direction_is_the_town_nested():
    assert places("Voters in West Tulsa elected a new councillor.") == [
        ("West Tulsa", 10, 20, "location", None), ("Tulsa", 15, 20, "location", 4553433)]


def test_a_county_leading_a_building_s_name_is_the_county_nested():
    assert places("He spent a night in the Pike County Jail last week.") == [
        ("Pike County Jail", 24, 40, "location", None),
        ("Pike County", 24, 35, "location", 91001251)]


def test_a_street_named_after_a_town_names_no_place():
    assert places("The store on Tulsa Drive closed on Monday.") == [
        ("Tulsa Drive", 13, 24, "location", None)]


def test_a_capital_standing_for_its_government_is_a_place_named_but_not_the_event_s_place():
    result = extract({"id": "t", "title": "", "body": "Moscow condemned the air strike on "
                      "a hospital in Aleppo on Monday."})
    assert [(e["text"], e["kind"]) for e in result["entities"]][:2] == [
        ("Moscow", "actor"), ("Moscow", "location")]
    assert {e["location"]["name"] for e in result["events"]} == {"Aleppo"}


def test_an_article_no_name_places_in_a_country_is_read_again_with_its_places_countries():
    # no NER place gives a country; the state inside the body's name does (USA), and on the
    # second reading the town the NER took for a nationality is a town of that country
    body = ("Deputies of the Minnesota Department of Public Safety found the car. "
            "Brainerd police helped.")
    entities = extract({"id": "t", "title": "", "body": body})["entities"]
    assert [(e["text"], e["kind"], e["country"], e["code"]) for e in entities] == [
        ("Minnesota Department of Public Safety", "actor", None, None),
        ("Minnesota", "location", "USA", None),
        ("Brainerd", "location", "USA", None),
        ("police", "actor", None, "USACOP")]


def test_a_small_town_leading_a_local_body_and_a_county_written_mc_are_nested_places():
    # a town of 1,000 people leads the police's name (a school's name alone would not do);
    # "McMinn" is a name's word though str.istitle refuses it
    for body, nested in (("In Texas, the Brownsboro Police went to an address on Monday.",
                          ("Brownsboro", "USA")),
                         ("The McMinn County School Board met in Tennessee.",
                          ("McMinn County", "USA"))):
        entities = extract({"id": "t", "title": "", "body": body})["entities"]
        assert [(e["text"], e["country"]) for e in entities if e["nested"]] == [nested]


def test_a_township_the_gazetteer_lacks_is_read_as_the_town_it_is_named_after():
    # the Jackson in Ohio (4515318), which the qualifier picks, not the largest one (Mississippi)
    assert places("She was born in Jackson Township, Ohio.") == [
        ("Jackson Township", 16, 32, "location", 4515318), ("Ohio", 34, 38, "location", 5165418)]
