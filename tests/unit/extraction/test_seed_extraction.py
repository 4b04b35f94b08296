"""The seed article through `extract()`: the places, actors and events a reader finds in it."""

from __future__ import annotations

import pytest

from streams.extraction.pipeline import extract
from streams.geo import haversine_km

ALEPPO, SYRIA, HANGZHOU, CHINA = 170063, 163843, 1808926, 1814991


@pytest.fixture(scope="module")
def result(seed_article):
    return extract(seed_article)


def locations(result) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for entity in result["entities"]:
        if entity["kind"] == "location" and entity["geonameid"] is not None:
            found.setdefault(entity["geonameid"], []).append(entity)
    return found


def actor_codes(result) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for entity in result["entities"]:
        if entity["kind"] == "actor" and entity["code"]:
            codes.setdefault(entity["code"], set()).add(entity["text"])
    return codes


def test_places_include_aleppo_syria_hangzhou_and_china(result):
    assert {ALEPPO, SYRIA, HANGZHOU, CHINA} <= set(locations(result))
    assert locations(result)[ALEPPO][0]["country"] == "SYR"


def test_ramussa_is_a_syrian_place_near_aleppo(result):
    (ramussa, *_) = [e for e in result["entities"] if e["text"] == "Ramussa"]
    aleppo = locations(result)[ALEPPO][0]
    assert ramussa["kind"] == "location" and ramussa["country"] == "SYR"
    assert haversine_km(ramussa["lat"], ramussa["lon"], aleppo["lat"], aleppo["lon"]) < 20


def test_every_aleppo_mention_is_reported_with_exact_offsets(seed_article, result):
    mentions = locations(result)[ALEPPO]
    expected = seed_article["title"].count("Aleppo") + seed_article["body"].count("Aleppo")
    assert len(mentions) == expected == 6
    for mention in mentions:
        assert seed_article[mention["field"]][mention["start"] : mention["end"]] == "Aleppo"


def test_actors_are_coded_cameo_style(result):
    codes = actor_codes(result)
    assert {"Syrian government forces", "The Syrian army"} & codes["SYRMIL"]
    assert "Bashar al-Assad" in codes["SYRGOV"]
    assert {"rebels", "opposition forces"} <= codes["SYRREB"]
    assert {"Barack Obama", "John Kerry", "State Department"} <= codes["USAGOV"]
    assert {"Sergei Lavrov", "Moscow"} <= codes["RUSGOV"]
    assert "SANA" in codes["SYRMED"]
    assert "G20" in codes["IGO"]


def test_moscow_as_an_actor_is_the_government_and_still_the_place_it_names(result):
    # gazetteers of news (LGL, GeoWebNews) count "Moscow said" as a mention of the city
    moscow = [(e["kind"], e["code"], e["geonameid"]) for e in result["entities"]
              if e["text"] == "Moscow"]
    assert moscow == [("actor", "RUSGOV", None), ("location", None, 524901)] * 2


def events_where(result, source: set, target: set | None, codes: set, place: int | None):
    return [
        e for e in result["events"]
        if e["source"]["code"] in source
        and (target is None or (e["target"] or {}).get("code") in target)
        and (e["cameo_code"] in codes or e["cameo_root"] in codes)
        and (place is None or (e["location"] or {}).get("geonameid") == place)
    ]


def test_syrian_forces_fight_occupy_or_blockade_rebels_at_aleppo(result):
    found = events_where(result, {"SYRMIL", "SYRGOV"}, {"SYRREB"}, {"19", "191", "192"}, ALEPPO)
    assert found
    assert all(e["quad_class"] == 4 and e["goldstein"] <= -9.0 for e in found)


def test_rebels_seize_ramussa(result):
    (seizure,) = events_where(result, {"SYRREB"}, None, {"192"}, None)
    assert seizure["location"]["name"] == "Ramussa"
    assert (seizure["plover_event"], seizure["goldstein"]) == ("FIGHT", -9.5)


def test_kerry_and_lavrov_meet_in_hangzhou(result):
    (meeting,) = events_where(result, {"USAGOV"}, {"RUSGOV"}, {"03", "04"}, HANGZHOU)
    assert meeting["quad_class"] == 1
