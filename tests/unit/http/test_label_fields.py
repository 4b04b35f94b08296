"""The views' rows carry `*_label` fields beside the codes and no bookkeeping."""

from __future__ import annotations

from streams.http.dashboard import _recent
from streams.http.views import _local_top
from streams.labels import with_event_labels
from streams.runtime.recent import RecentMessages


class View:
    def json(self, value):
        return value

    def error(self, status, message):
        return status, message


class Request:
    def __init__(self, **query):
        self.query = query


def test_top_rows_have_labels_and_no_applied_offset_nor_windows():
    hour = {"1h": {"start": 0.0, "mentions": 3, "articles": 1}}
    actors = {"SYRMIL": {"code": "SYRMIL", "mentions": 3, "articles": 1, "applied_offset": 41,
                         "windows": hour},
              "IGO": {"code": "IGO", "mentions": 5, "articles": 2, "applied_offset": 7}}
    assert _local_top(actors, 2, "code", None, "overall") == [
        {"code": "IGO", "mentions": 5, "articles": 2,
         "code_label": "intergovernmental organisation"},
        {"code": "SYRMIL", "mentions": 3, "articles": 1, "code_label": "Syria · military"}]
    places = {"170063": {"geonameid": 170063, "name": "Aleppo", "country": "SYR", "mentions": 2,
                         "articles": 1, "applied_offset": 3}}
    assert _local_top(places, 1, "geonameid", None, "overall")[0]["place_label"] == \
        "Aleppo, Syria"


def test_recent_events_have_labels():
    buffer = RecentMessages(keep=5)
    buffer.add({"event_id": "a:0", "source": {"code": "USAGOV"}, "target": None,
                "cameo_code": "192", "location": None}, (1000, 0, 0))
    (event,) = _recent(View(), Request(n="1"), buffer, with_event_labels)
    assert (event["source_label"], event["cameo_label"]) == (
        "United States · government", "192 · occupy territory")
    assert "target_label" not in event and "location_label" not in event
