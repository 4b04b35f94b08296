"""Rule maths, subjects, watch-list matching and alert messages (pure, no broker)."""

from __future__ import annotations

import pytest

from streams.alerts.rules import (
    Baseline,
    Point,
    SpikeRule,
    WatchRule,
    actor_matches,
    alert_id,
    alert_key,
    applies,
    make_alert,
    spike_baseline,
    subjects_of,
    watch_match,
)
from streams.alerts.windows import Window
from streams.contract.models import Alert
from streams.contract.schemas import validate

ALEPPO = {"geonameid": 170063, "name": "Aleppo", "lat": 36.20124, "lon": 37.16117,
          "country": "SYR", "feature_class": "P"}
RAMUSSA = {"geonameid": 99000001, "name": "Ramussa", "lat": 36.153, "lon": 37.133}
DAMASCUS = {"geonameid": 170654, "name": "Damascus", "lat": 33.5102, "lon": 36.29128}


def event(source="SYRMIL", target="SYRREB", location=ALEPPO, quad=4):
    return {"event_id": "a1:0", "article_id": "a1", "quad_class": quad,
            "source": {"code": source, "text": "government forces"} if source else None,
            "target": {"code": target, "text": "rebels"} if target else None,
            "location": location}


def location(place):
    return {"kind": "location", **{k: place[k] for k in ("geonameid", "name", "lat", "lon")}}


def actor(code, name=None):
    return {"kind": "actor", "code": code, "name": name or code}


def test_spike_bar_is_mean_plus_k_population_std():
    assert spike_baseline([2, 4, 4, 4, 5, 5, 7, 9], k=3, min_count=10) == Baseline(5.0, 2.0, 11.0)
    assert spike_baseline([2, 4, 4, 4, 5, 5, 7, 9], k=0, min_count=1) == Baseline(5.0, 2.0, 5.0)


def test_min_count_is_the_floor_of_the_bar():
    assert spike_baseline([2, 4, 4, 4, 5, 5, 7, 9], k=3, min_count=12).threshold == 12.0
    assert spike_baseline([0, 0, 0], k=3, min_count=20) == Baseline(0.0, 0.0, 20.0)
    assert spike_baseline([], k=3, min_count=5) == Baseline(0.0, 0.0, 5.0)


def test_an_event_is_about_its_actors_and_its_place_once_each():
    assert subjects_of(event()) == [
        ("SYRMIL", {"kind": "actor", "code": "SYRMIL", "name": "government forces"}),
        ("SYRREB", {"kind": "actor", "code": "SYRREB", "name": "rebels"}),
        ("170063", location(ALEPPO)),
    ]
    assert [key for key, _ in subjects_of(event(target="SYRMIL"))] == ["SYRMIL", "170063"]
    assert subjects_of(event(source=None, target=None, location=None)) == []
    no_code = {**event(location=None), "source": {"code": None, "text": "that"}}
    assert [key for key, _ in subjects_of(no_code)] == ["SYRREB"]


def test_rules_look_at_their_subject_kind():
    spike = SpikeRule("s", 60, subject="actor")
    assert applies(spike, actor("SYRREB")) and not applies(spike, location(ALEPPO))
    watch_actors = WatchRule("w", 60, actors=("SYRREB",))
    assert applies(watch_actors, actor("USA")) and not applies(watch_actors, location(ALEPPO))


def test_quad_class_filter():
    assert SpikeRule("s", 60, quad_classes=frozenset({4})).counts(event(quad=4))
    assert not SpikeRule("s", 60, quad_classes=frozenset({4})).counts(event(quad=1))
    assert SpikeRule("s", 60).counts(event(quad=1))


@pytest.mark.parametrize("code, pattern, matches", [
    ("SYRREB", "SYRREB", True), ("SYRREBX", "SYRREB", False), ("SYR", "SYRREB", False),
    ("RUS", "RUS*", True), ("RUSGOV", "RUS*", True), ("USARUS", "RUS*", False),
])
def test_watched_actors_by_code_or_prefix(code, pattern, matches):
    assert actor_matches(code, pattern) is matches


def test_watch_list_by_code_and_by_radius():
    rule = WatchRule("w", 3600, actors=("SYRREB", "RUS*"),
                     points=(Point("Aleppo citadel", 36.19924, 37.16293, 10.0),))
    assert watch_match(rule, actor("RUSGOV")) == {"matched": "RUS*"}
    assert watch_match(rule, actor("SYRREB")) == {"matched": "SYRREB"}
    assert watch_match(rule, actor("SYRMIL")) is None
    assert watch_match(rule, location(ALEPPO)) == {"matched": "Aleppo citadel", "distance_km": 0.3}
    assert watch_match(rule, location(RAMUSSA)) == {"matched": "Aleppo citadel",
                                                    "distance_km": 5.8}
    assert watch_match(rule, location(DAMASCUS)) is None
    assert watch_match(rule, {**location(ALEPPO), "lat": None}) is None


def test_alert_ids_are_deterministic():
    window = Window(1472947200, 3600)
    first = alert_id("location-spike-1h", "170063", window)
    assert first == alert_id("location-spike-1h", "170063", Window(1472947200, 3600))
    assert first == "705f3db770946ca1b0f0aeb57d8b5ba2"
    assert len({first, alert_id("location-spike-1h", "170063", Window(1472950800, 3600)),
                alert_id("location-spike-1h", "163843", window),
                alert_id("other", "170063", window),
                alert_id("location-spike-1h", "170063", Window(1472947200, 86400))}) == 5


def test_an_alert_message_conforms_to_the_published_schema():
    rule = SpikeRule("location-spike-1h", 3600, severity="critical")
    alert = make_alert(
        rule, location(ALEPPO), Window(1472947200, 3600), observed=44, baseline=11.0,
        event_ids=[f"a{n}:{m}" for n in range(30) for m in range(3)],
        article_ids=[f"a{n}" for n in range(30) for _ in range(3)],
        created_at="2016-09-04T01:00:10Z", details={"threshold": 20.0})
    assert alert["subject"] == {"kind": "location", "name": "Aleppo", "geonameid": 170063}
    assert alert["window"] == {"start": "2016-09-04T00:00:00Z", "end": "2016-09-04T01:00:00Z"}
    assert len(alert["evidence"]["event_ids"]) == 50
    assert alert["evidence"]["article_ids"] == [f"a{n}" for n in range(30)]
    assert alert_key(alert) == "location-spike-1h:170063"
    validate("alerts", alert)
    validate("alerts", Alert(**alert).to_representation())  # the record sent on `alerts`
    watch = make_alert(WatchRule("watch", 60, actors=("SYRREB",)), actor("SYRREB", "rebels"),
                       Window(0, 60), observed=1, baseline=None, event_ids=["a1:0"],
                       article_ids=["a1"], created_at="1970-01-01T00:01:00Z",
                       details={"matched": "SYRREB"})
    assert watch["subject"] == {"kind": "actor", "name": "rebels", "code": "SYRREB"}
    assert alert_key(watch) == "watch:SYRREB"
    validate("alerts", watch)
