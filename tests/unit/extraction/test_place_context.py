"""Places read in the article's context: a qualifier, the main division, nearness (invented text)."""

from __future__ import annotations

import pytest

from streams.extraction.place_context import (
    ADMIN1_BONUS,
    NEAR_BONUS,
    PlaceContext,
    article_context,
    resolve_in_context,
    shared_division,
)
from streams.extraction.places import load_gazetteer
from streams.extraction.types import Mention, Place


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def located(gaz, text: str, names: list[str]) -> list[Mention]:
    """Each name's next occurrence in the text as a first-pass location (US article)."""
    mentions, position = [], 0
    for name in names:
        start = text.index(name, position)
        position = start + len(name)
        mentions.append(Mention(name, "body", start, position, "GPE", kind="location",
                                place=gaz.lookup(name, ("USA",))))
    return mentions


def resolved(gaz, text: str, names: list[str]) -> list[tuple[str, str, int]]:
    mentions = located(gaz, text, names)
    resolve_in_context(gaz, mentions, {"body": text}, ("USA",))
    return [(m.text, m.place.admin1, m.place.geonameid) for m in mentions]


def test_a_state_after_a_comma_is_the_container_for_every_mention_of_the_name(gaz):
    text = "Students in Oxford, Ohio, marched. Oxford police watched."
    assert gaz.lookup("Oxford", ("USA",)).admin1 == "USA.MS"  # the largest US Oxford
    assert resolved(gaz, text, ["Oxford", "Ohio", "Oxford"]) == [
        ("Oxford", "USA.OH", 4520760), ("Ohio", "USA.OH", 5165418), ("Oxford", "USA.OH", 4520760)]


def test_an_abbreviated_state_qualifies_a_capital_named_elsewhere(gaz):
    assert resolved(gaz, "Paris, Tenn. is quiet.", ["Paris", "Tenn."]) == [
        ("Paris", "USA.TN", 4647963), ("Tenn.", "USA.TN", 4662168)]


def test_a_country_qualifier_keeps_the_capital(gaz):
    assert resolved(gaz, "Paris, France is quiet.", ["Paris", "France"])[0] == ("Paris", "FRA.11", 2988507)


def test_the_articles_main_division_comes_before_population(gaz):
    text = "Ohio lawmakers met in Springfield. Ohio voters wait."
    assert gaz.lookup("Springfield", ("USA",)).admin1 == "USA.MO"
    assert resolved(gaz, text, ["Ohio", "Springfield", "Ohio"])[1] == ("Springfield", "USA.OH", 4525353)


def test_two_divisions_named_as_often_give_no_main_division(gaz):
    text = "Ohio and Texas sent teams to Springfield."
    assert resolved(gaz, text, ["Ohio", "Texas", "Springfield"])[2] == ("Springfield", "USA.MO", 4409896)


def test_a_place_near_one_read_without_doubt_wins(gaz):
    # Phenix City, Alabama lies across the river from Columbus, Georgia; no division dominates
    text = "Columbus officials met Phenix City leaders."
    assert gaz.lookup("Columbus", ("USA",)).admin1 == "USA.OH"
    assert resolved(gaz, text, ["Columbus", "Phenix City"]) == [
        ("Columbus", "USA.GA", 4188985), ("Phenix City", "USA.AL", 4082866)]


def place(admin1: str, lat: float, lon: float, code: str = "PPL") -> Place:
    return Place(1, "X", lat, lon, admin1[:3], "P" if code.startswith("PPL") else "A", code, 5000,
                 admin1)


def test_the_bonus_adds_the_division_and_the_nearness():
    context = PlaceContext("USA.GA", (("macon", 32.84, -83.63),))
    near_in_georgia = place("USA.GA", 32.6, -83.6)
    assert context.bonus(near_in_georgia, "perry") == ADMIN1_BONUS + NEAR_BONUS
    assert context.bonus(near_in_georgia, "macon") == ADMIN1_BONUS  # a name is not its own anchor
    assert context.bonus(place("USA.AL", 32.4, -86.3), "perry") == 0.0


def test_votes_come_only_from_readings_without_doubt():
    georgia = place("USA.GA", 32.6, -83.4, "ADM1")
    macon = place("USA.GA", 32.84, -83.63)
    dover = place("USA.DE", 39.16, -75.52)
    context = article_context({"Georgia": (georgia, True), "Macon": (macon, True),
                               "Dover": (dover, False)}, {"Georgia": 1, "Macon": 1, "Dover": 3})
    assert context == PlaceContext("USA.GA", (("macon", 32.84, -83.63),))


def test_a_division_that_two_doubtful_names_could_share_is_the_main_one():
    assert shared_division([{"USA.TX", "USA.TN"}, {"USA.TX"}, {"USA.GA"}]) == "USA.TX"
    assert shared_division([{"USA.TX"}, {"USA.TN"}]) == ""  # one name each: no evidence
    assert shared_division([{"USA.TX", "USA.TN"}, {"USA.TX", "USA.TN"}]) == ""  # a tie


def test_towns_named_together_are_read_in_the_division_they_share(gaz):
    text = "Paris police and Dallas deputies searched the lake."
    assert gaz.lookup("Paris", ("USA",)).country == "FRA"
    assert resolved(gaz, text, ["Paris", "Dallas"]) == [
        ("Paris", "USA.TX", 4717560), ("Dallas", "USA.TX", 4684888)]


def test_every_place_knows_its_first_level_division(gaz):
    assert gaz.lookup("Springfield", ("USA",)).admin1 == "USA.MO"  # GeoNames' own admin1 code
    assert gaz.lookup("Ohio", ("USA",)).admin1 == "USA.OH"  # a state: its own code
    assert gaz.lookup("Henry County", ("USA",)).admin1 == "USA.GA"  # a county: its nearest town's
    assert gaz.lookup("Bavaria").admin1 == gaz.lookup("Munich").admin1 != ""
    assert gaz.lookup("Germany").admin1 == ""  # a country has none


def test_a_country_name_inside_a_state_is_the_town_and_a_list_of_countries_stays_a_list(gaz):
    assert resolved(gaz, "Lebanon, Ohio is quiet.", ["Lebanon", "Ohio"])[0][1] == "USA.OH"
    mentions = located(gaz, "China, Japan and Korea met.", ["China", "Japan"])
    resolve_in_context(gaz, mentions, {"body": "China, Japan and Korea met."}, ())
    assert [(m.text, m.place.feature_code, m.place.country) for m in mentions] == [
        ("China", "PCLI", "CHN"), ("Japan", "PCLI", "JPN")]


def test_a_country_named_like_the_articles_main_division_is_the_division(gaz):
    text = "Police in Macon, Ga. said Georgia law applies."
    mentions = [Mention(name, "body", text.index(name), text.index(name) + len(name), "GPE",
                        kind="location", place=gaz.lookup(name)) for name in ("Macon", "Ga.", "Georgia")]
    assert mentions[2].place.feature_code == "PCLI"  # no US context in the first reading
    resolve_in_context(gaz, mentions, {"body": text}, ())
    assert [(m.text, m.place.feature_code, m.place.admin1) for m in mentions] == [
        ("Macon", "PPL", "USA.GA"), ("Ga.", "ADM1", "USA.GA"), ("Georgia", "ADM1", "USA.GA")]


def test_a_country_name_is_the_division_where_the_other_places_lie_in_it(gaz):
    # Texas alone would make the main division Texas and Savannah the one in Texas
    text = "SAVANNAH - Georgia voters and Georgia schools gained; Texas did not."
    names = ["SAVANNAH", "Georgia", "Georgia", "Texas"]
    mentions = first_readings(gaz, text, names, ("USA", "GEO"))
    resolve_in_context(gaz, mentions, {"body": text}, ("USA", "GEO"))
    assert [(m.text, m.place.feature_code, m.place.admin1) for m in mentions] == [
        ("SAVANNAH", "PPL", "USA.GA"), ("Georgia", "ADM1", "USA.GA"),
        ("Georgia", "ADM1", "USA.GA"), ("Texas", "ADM1", "USA.TX")]


def test_a_country_name_among_the_country_s_places_stays_the_country(gaz):
    text = "Georgia said Tbilisi and Batumi were calm; Atlanta was too."
    names = ["Georgia", "Tbilisi", "Batumi", "Atlanta"]
    mentions = first_readings(gaz, text, names, ("GEO",))
    resolve_in_context(gaz, mentions, {"body": text}, ("GEO",))
    assert (mentions[0].place.feature_code, mentions[0].place.country) == ("PCLI", "GEO")


def first_readings(gaz, text: str, names: list[str], countries=()) -> list[Mention]:
    """Each name's next occurrence as a location read with `countries` only (an all-caps
    dateline in title case)."""
    mentions, position = [], 0
    for name in names:
        start = text.index(name, position)
        position = start + len(name)
        mentions.append(Mention(name, "body", start, position, "GPE", kind="location",
                                place=gaz.lookup(name.title() if name.isupper() else name,
                                                 countries)))
    return mentions


def test_doubtful_names_that_lie_together_are_read_together(gaz):
    # each alone is elsewhere: the largest Georgetown is in Texas, Scott County in Iowa
    assert (gaz.lookup("Georgetown", ("USA",)).admin1,
            gaz.lookup("Scott County", ("USA",)).admin1) == ("USA.TX", "USA.IA")
    text = "Georgetown police and Scott County deputies searched the creek."
    assert [admin1 for _, admin1, _ in resolved(gaz, text, ["Georgetown", "Scott County"])] == [
        "USA.KY", "USA.KY"]


def test_closeness_to_another_doubtful_names_candidates_adds_up_to_the_near_bonus():
    context = PlaceContext(candidates=(("lee county", 32.6, -85.4), ("lee county", 26.6, -81.8),
                                       ("auburn", 32.6, -85.48)))
    at_the_county = place("USA.AL", 32.6, -85.4)
    assert context.bonus(at_the_county, "auburn") == pytest.approx(NEAR_BONUS)
    assert context.bonus(at_the_county, "lee county") == pytest.approx(
        NEAR_BONUS * (1 - 7.4 / 100), abs=0.02)  # its own candidates do not count
    assert context.bonus(place("USA.WA", 47.3, -122.2), "auburn") == 0.0


def test_a_town_read_by_its_size_is_the_namesake_in_a_county_the_article_names(gaz):
    text = "Bourbon County deputies said a man from Paris was fined."
    names = ["Bourbon County", "Paris"]
    mentions = first_readings(gaz, text, names)
    assert mentions[1].place.country == "FRA"  # no context in the first reading
    resolve_in_context(gaz, mentions, {"body": text}, ())
    assert [(m.text, m.place.admin1) for m in mentions] == [
        ("Bourbon County", "USA.KY"), ("Paris", "USA.KY")]


def test_a_town_near_the_article_s_other_places_keeps_its_reading(gaz):
    text = "Flights from Paris to Lyon resumed while Bourbon County deputies watched."
    names = ["Paris", "Lyon", "Bourbon County"]
    mentions = first_readings(gaz, text, names)
    resolve_in_context(gaz, mentions, {"body": text}, ())
    assert mentions[0].place.country == "FRA"
