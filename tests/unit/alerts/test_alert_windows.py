"""Window maths and event time for the alert rules (pure, no clock of their own)."""

from __future__ import annotations

import pytest

from streams.alerts.windows import (
    Window,
    closes_at,
    event_time,
    parse_duration,
    parse_timestamp,
    rfc3339,
    trailing,
    window_of,
)
from streams.geo import haversine_km

SEP_4_2016 = 1472947200.0  # 2016-09-04T00:00:00Z


@pytest.mark.parametrize("value, seconds", [
    (90, 90), ("90s", 90), ("15m", 900), ("1h", 3600), (" 2h ", 7200), ("1d", 86400),
    ("1w", 604800),
])
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "1.5h", "h", "1y", "-1h", 0, -5, True, 1.5, None, "0s"])
def test_bad_durations_are_refused(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_zero_is_a_duration_only_where_allowed():
    assert parse_duration("0s", allow_zero=True) == 0


def test_tumbling_windows_are_aligned_to_the_epoch():
    assert window_of(3599.9, 3600) == Window(0, 3600)
    assert window_of(3600, 3600) == Window(3600, 3600)
    assert window_of(SEP_4_2016 + 5399, 3600) == Window(1472950800, 3600)
    assert window_of(-1, 60) == Window(-60, 60)
    assert Window(1472947200, 3600).end == 1472950800
    assert Window(1472947200, 3600).bounds() == {"start": "2016-09-04T00:00:00Z",
                                                  "end": "2016-09-04T01:00:00Z"}


def test_trailing_windows_oldest_first():
    assert trailing(Window(600, 60), 3) == [Window(420, 60), Window(480, 60), Window(540, 60)]
    assert trailing(Window(600, 60), 0) == []


def test_a_live_window_closes_grace_after_its_end_a_replayed_one_after_its_last_event():
    live = Window(1000, 60)
    assert closes_at(live, last_seen=1055, grace=10) == 1070
    replayed = Window(SEP_4_2016, 3600)
    assert closes_at(replayed, last_seen=1_700_000_000, grace=10) == 1_700_000_010


def test_event_time_is_published_at_else_ingestion_time():
    ingested = 1_700_000_000.5
    assert event_time("2016-09-04T00:00:00Z", ingested) == SEP_4_2016
    assert event_time("2016-09-04T02:00:00+02:00", ingested) == SEP_4_2016
    assert event_time("2016-09-04T00:00:00", ingested) == SEP_4_2016  # naive: UTC
    assert event_time("2016-09-04", ingested) == SEP_4_2016
    assert event_time("Sun, 04 Sep 2016 00:00:00 GMT", ingested) == SEP_4_2016  # RSS
    assert event_time(None, ingested) == ingested
    assert event_time("", ingested) == ingested
    assert event_time("last Sunday", ingested) == ingested


def test_a_published_at_after_ingestion_is_clamped_to_it():
    assert event_time("2100-01-01T00:00:00Z", 1_700_000_000.0) == 1_700_000_000.0


def test_unreadable_timestamps_are_none():
    assert parse_timestamp("not a date") is None
    assert parse_timestamp("   ") is None


def test_rfc3339():
    assert rfc3339(SEP_4_2016) == "2016-09-04T00:00:00Z"
    assert rfc3339(SEP_4_2016 + 0.25) == "2016-09-04T00:00:00.250000Z"


def test_haversine_is_shared_by_evaluation_and_alerts():
    from streams.evaluation import geo

    assert geo.haversine_km is haversine_km
    assert round(haversine_km(0, 0, 0, 1), 3) == 111.195  # one degree of the equator
    assert haversine_km(36.20124, 37.16117, 36.20124, 37.16117) == 0.0
    assert round(haversine_km(36.20124, 37.16117, 36.153, 37.133), 1) == 5.9  # Aleppo-Ramussa
