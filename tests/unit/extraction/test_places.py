"""The gazetteer: name lookup, disambiguation by article countries, country names."""

from __future__ import annotations

import pytest

from streams.extraction.place_index import normalise
from streams.extraction.places import Gazetteer, load_gazetteer
from streams.geo import haversine_km

ALEPPO = 170063


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()  # a few seconds, once for the whole module


def test_the_gazetteer_is_loaded_once_per_process(gaz):
    assert load_gazetteer() is gaz
    assert gaz.memory_bytes > 0


@pytest.mark.parametrize("countries", [("SYR",), ()])
def test_aleppo_is_the_syrian_city_with_or_without_context(gaz, countries):
    place = gaz.lookup("Aleppo", countries)
    assert place.geonameid == ALEPPO
    assert place.country == "SYR"
    assert place.feature_class == "P"


def test_syria_is_the_country_with_coordinates(gaz):
    place = gaz.lookup("Syria")
    assert place.geonameid == 163843
    assert place.feature_code == "PCLI"
    assert 32 < place.lat < 37.5 and 35.5 < place.lon < 42.5  # inside Syria


def test_china_and_hangzhou(gaz):
    assert gaz.lookup("China").geonameid == 1814991
    assert gaz.lookup("Hangzhou").geonameid == 1808926


def test_ramussa_is_a_suburb_of_aleppo(gaz):
    place = gaz.lookup("Ramussa", ("SYR",))
    aleppo = gaz.lookup("Aleppo")
    assert place.country == "SYR"
    assert haversine_km(place.lat, place.lon, aleppo.lat, aleppo.lon) <= 20


@pytest.mark.parametrize("name", ["U.S.", "US", "USA", "United States", "America", "the U.S."])
def test_us_aliases_are_the_united_states(gaz, name):
    place = gaz.lookup(name)
    assert place.country == "USA"
    assert place.feature_code == "PCLI"


def test_moscow_defaults_to_the_russian_capital(gaz):
    place = gaz.lookup("Moscow")
    assert (place.country, place.feature_code) == ("RUS", "PPLC")


def test_washington_defaults_to_the_us_capital(gaz):
    place = gaz.lookup("Washington")
    assert (place.country, place.feature_code) == ("USA", "PPLC")
    assert abs(place.lat - 38.9) < 0.2 and abs(place.lon + 77.0) < 0.2


def test_article_countries_break_ties(gaz):
    assert gaz.lookup("Georgia").country == "GEO"
    assert gaz.lookup("Georgia", ("USA",)).feature_code == "ADM1"
    assert gaz.lookup("Birmingham", ("GBR",)).country == "GBR"
    assert gaz.lookup("Birmingham", ("USA",)).country == "USA"
    # a capital is not displaced by a small same-named town in the article's country
    assert gaz.lookup("Moscow", ("USA",)).country == "RUS"


def test_a_qualifier_after_a_comma_names_the_container(gaz):
    assert gaz.lookup("Paris").country == "FRA"
    assert gaz.lookup("Paris, Texas").country == "USA"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Britain", "GBR"),
        ("UK", "GBR"),
        ("U.S.", "USA"),
        ("United States", "USA"),
        ("Syria", "SYR"),
        ("Syrian Arab Republic", "SYR"),
        ("the Netherlands", "NLD"),
        ("Holland", "NLD"),
        ("Ivory Coast", "CIV"),
        ("South Korea", "KOR"),
        ("Czech Republic", "CZE"),
    ],
)
def test_country_code(gaz, name, code):
    assert gaz.country_code(name) == code


def test_country_code_is_none_for_other_places(gaz):
    assert gaz.country_code("Aleppo") is None
    assert gaz.country_code("Europe") is None


def test_country_place(gaz):
    assert gaz.country_place("SYR").geonameid == 163843
    assert gaz.country_place("CHN").geonameid == 1814991
    assert gaz.country_place("XXX") is None


@pytest.mark.parametrize("name", ["Europe", "Africa", "Asia"])
def test_continents_have_coordinates(gaz, name):
    place = gaz.lookup(name)
    assert place.feature_code == "CONT"
    assert place.lat != 0 or place.lon != 0


@pytest.mark.parametrize(
    ("name", "country", "code"),
    [
        ("California", "USA", "ADM1"),
        ("Hubei", "CHN", "ADM1"),
        ("Hubei Province", "CHN", "ADM1"),
        ("England", "GBR", "ADM1"),
        ("Scotland", "GBR", "ADM1"),
        ("Central Luzon", "PHL", "ADM1"),
        ("Middle East", "", "RGN"),
        ("Southeast Asia", "", "RGN"),
        ("NSW", "AUS", "ADM1"),
    ],
)
def test_regions(gaz, name, country, code):
    place = gaz.lookup(name)
    assert (place.country, place.feature_code) == (country, code)


def test_nonsense_and_lowercase_words_are_not_places(gaz):
    assert gaz.lookup("Blorptania") is None
    assert not gaz.contains("Blorptania")
    assert gaz.lookup("reading") is None  # the verb; "Reading" may be the town
    assert gaz.contains("Reading")


def test_unlisted_acronyms_are_not_places(gaz):
    assert gaz.lookup("WHO") is None
    assert gaz.lookup("UK").country == "GBR"


def test_abbreviations_with_a_period_only_match_with_it(gaz):
    assert gaz.lookup("Calif.").feature_code == "ADM1"
    assert gaz.lookup("Mass.").country == "USA"
    assert gaz.lookup("Mass") is None or gaz.lookup("Mass").feature_code != "ADM1"


def test_names_are_normalised(gaz):
    assert normalise("  The  Côte d’Ivoire ") == "cote d'ivoire"
    assert normalise("St. Louis") == "saint louis"
    assert gaz.lookup("São Paulo").country == "BRA"
    assert gaz.lookup("Sao Paulo").country == "BRA"


def test_article_countries_skip_ambiguous_names(gaz):
    countries = gaz.article_countries(["Atlanta", "Georgia", "Georgia", "Texas"])
    assert countries[0] == "USA"
    assert "GEO" not in countries


def test_small_us_counties_are_places_with_or_without_county_spelled_out(gaz):
    # Hinsdale County, Colorado: under 1,000 people, named in local news all the same
    county = gaz.lookup("Hinsdale County", ("USA",))
    assert (county.feature_code, county.admin1) == ("ADM2", "USA.CO")
    assert gaz.lookup("Hinsdale Co.", ("USA",)) == county
