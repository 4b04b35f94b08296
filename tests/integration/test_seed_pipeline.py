"""The seed article through the real broker: entities, events and counts, exact values.

The seed is replayed once per session by the `seed_results` fixture in conftest.py.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections import Counter

import pytest

from streams.extraction.pipeline import extract
from streams.tools.results import wait_for_count

pytestmark = pytest.mark.integration

ALEPPO, SYRIA, HANGZHOU = 170063, 163843, 1808926


def get_json(settings, path: str):
    with urllib.request.urlopen(f"{settings.web_url}{path}", timeout=5) as response:
        return json.loads(response.read())


def test_the_stream_carries_what_the_extractor_reports(seed_results):
    article, results = seed_results
    offline = extract(article)
    streamed = results.entities[article["id"]]
    assert len(results.events[article["id"]]) == len(offline["events"])
    assert sorted((m["start"], m["field"], m["key"]) for m in streamed) == sorted(
        (e["start"], e["field"], e["code"] or str(e["geonameid"]))
        for e in offline["entities"] if e["code"] or e["geonameid"])


def test_seed_locations_include_aleppo_syria_and_hangzhou(seed_results):
    article, results = seed_results
    places = {m["geonameid"] for m in results.entities[article["id"]] if m["kind"] == "location"}
    assert {ALEPPO, SYRIA, HANGZHOU} <= places


def test_syrian_forces_fight_rebels_at_aleppo(seed_results):
    article, results = seed_results
    matches = [
        e for e in results.events[article["id"]]
        if e["source"] and e["source"]["code"] in {"SYRGOV", "SYRMIL"}
        and e["target"] and e["target"]["code"] == "SYRREB"
        and e["cameo_root"] in {"17", "18", "19"}
        and e["location"] and e["location"]["geonameid"] == ALEPPO
    ]
    assert matches, [(e["source"], e["cameo_code"], e["target"]) for e in results.events[article["id"]]]
    assert all(e["quad_class"] == 4 and e["goldstein"] < 0 for e in matches)


def test_the_running_count_for_aleppo_equals_its_mentions(pipeline, seed_results):
    article, results = seed_results
    mentions = Counter(m["key"] for m in results.entities[article["id"]] if m["kind"] == "location")
    expected = mentions[str(ALEPPO)]
    assert expected >= 3

    async def aleppo_count() -> int:
        return get_json(pipeline, f"/locations/{ALEPPO}")["mentions"]

    assert asyncio.run(wait_for_count(aleppo_count, expected)) == expected
    aleppo = get_json(pipeline, f"/locations/{ALEPPO}")
    assert (aleppo["articles"], aleppo["name"], aleppo["country"]) == (1, "Aleppo", "SYR")
    top = get_json(pipeline, "/locations/top?n=3")
    most = Counter(m["key"] for m in results.entities[article["id"]]
                   if m["kind"] == "location").most_common(2)  # Syria (with "Syrian"), Aleppo
    assert [(str(row["geonameid"]), row["mentions"]) for row in top[:2]] == most


def test_actor_counts_are_served_over_http(pipeline, seed_results):
    article, results = seed_results
    actors = Counter(m["key"] for m in results.entities[article["id"]] if m["kind"] == "actor")
    for code, expected in actors.items():

        async def count(code=code) -> int:
            return get_json(pipeline, f"/actors/{code}")["mentions"]

        assert asyncio.run(wait_for_count(count, expected)) == expected
    top = get_json(pipeline, f"/actors/top?n={len(actors)}")
    assert {row["code"]: row["mentions"] for row in top} == dict(actors)


def test_unknown_keys_and_bad_parameters_get_json_errors(pipeline, seed_results):
    for path, status in (("/locations/1", 404), ("/actors/top?n=abc", 400)):
        with pytest.raises(urllib.error.HTTPError) as caught:
            get_json(pipeline, path)
        assert caught.value.code == status
        assert "error" in json.loads(caught.value.read())
