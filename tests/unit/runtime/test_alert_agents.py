"""The windowed counts and the alert agents without a broker: agent.test_context(), memory store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from waiting import counting

from streams.contract.models import EntityMention, SubjectEvent
from streams.runtime.app import create_app
from streams.runtime.dedupe import ORIGIN_HEADER, origin
from streams.runtime.tables import add_quad, quads_in, top_in_window, window_bounds
from streams.settings import Settings

SEP_4_2016 = 1472947200.0
INGESTED = 1_700_000_000.0  # 2023-11-14T22:13:20Z
ALEPPO = {"kind": "location", "geonameid": 170063, "name": "Aleppo", "lat": 36.20124,
          "lon": 37.16117}


@pytest.fixture()
def app(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nname = "many"\nkind = "threshold"\nsubject = "location"\n'
                     'window = "1h"\nmin_count = 1000\ngrace = 0\n')
    app = create_app(replace(Settings(), app_id="unit-alerts", store="memory://",
                             alert_rules=str(rules)))
    app.finalize()
    return app


def mention(article_id, published_at, first=True, key="170063"):
    return EntityMention(article_id=article_id, kind="location", key=key, text="Aleppo",
                         field="body", start=0, end=6, type="GPE", geonameid=int(key),
                         name="Aleppo", lat=36.2, lon=37.16, country="SYR",
                         first_in_article=first, published_at=published_at)


def windows(app, key: str) -> dict[str, tuple[float, int, int]]:
    """A place's newest windows: name -> (start, mentions, articles)."""
    return {name: (window["start"], window["mentions"], window["articles"])
            for name, window in app.tables["location_counts"][key]["windows"].items()}


async def test_windowed_counts_use_published_at_else_the_message_timestamp(app):
    async with counting(app) as agent:
        for article_id, published, first, key in (("a", "2016-09-04T00:10:00Z", True, "170063"),
                                                  ("a", "2016-09-04T00:10:00Z", False, "170063"),
                                                  ("b", "2016-09-04T00:50:00Z", True, "170063"),
                                                  ("c", None, True, "163843")):
            await agent.put(mention(article_id, published, first, key=key), key=key,
                            timestamp=INGESTED)
    assert windows(app, "170063") == {"1h": (SEP_4_2016, 3, 2), "1d": (SEP_4_2016, 3, 2)}
    # no published_at: the hour and day it reached Kafka
    assert windows(app, "163843") == {"1h": (1699999200.0, 1, 1), "1d": (1699920000.0, 1, 1)}


async def test_a_key_keeps_its_newest_window_and_counts_an_older_one_overall_only(app):
    async with counting(app) as agent:
        for article_id, published in (("a", "2016-09-04T00:10:00Z"), ("b", "2016-09-04T01:00:00Z"),
                                      ("c", "2016-09-04T00:20:00Z")):
            await agent.put(mention(article_id, published), key="170063", timestamp=INGESTED)
    assert windows(app, "170063") == {"1h": (SEP_4_2016 + 3600, 1, 1), "1d": (SEP_4_2016, 3, 3)}
    assert app.tables["location_counts"]["170063"]["mentions"] == 3


async def test_a_mention_sent_again_is_not_counted_again_in_the_windows(app):
    # The same mention re-emitted (its article processed again after a crash) carries the same
    # origin header: the windowed counts skip it, as the overall counts do.
    async with counting(app) as agent:
        for article_offset in (7, 7, 8):
            await agent.put(mention("a", "2016-09-04T00:10:00Z"), key="170063",
                            timestamp=INGESTED, headers={ORIGIN_HEADER: origin(0, article_offset)})
    assert windows(app, "170063") == {"1h": (SEP_4_2016, 2, 2), "1d": (SEP_4_2016, 2, 2)}


async def test_top_in_the_newest_window(app):
    async with counting(app) as agent:
        for key, n in (("170063", 3), ("163843", 1)):
            for i in range(n):
                await agent.put(mention(f"{key}-{i}", None, key=key), key=key,
                                timestamp=INGESTED)
        await agent.put(mention("old", "2016-09-04T00:10:00Z", key="1"), key="1",
                        timestamp=INGESTED)
    table, soon = app.tables["location_counts"], INGESTED + 60
    rows = top_in_window(table, "1h", 10, now=soon)
    assert [(key, value["mentions"], value["articles"]) for key, value, _ in rows] == [
        ("170063", 3, 3), ("163843", 1, 1)]
    assert (rows[0][1]["name"], "windows" in rows[0][1]) == ("Aleppo", False)
    assert window_bounds(rows[0][2]) == {"start": "2023-11-14T22:00:00Z",
                                         "end": "2023-11-14T23:00:00Z"}
    assert [key for key, _, _ in top_in_window(table, "1h", 1, now=soon)] == ["170063"]
    # kept for two days after it ends on the wall clock, as the quads' windows (COUNT_WINDOWS)
    assert top_in_window(table, "1h", 10, now=INGESTED + 3 * 86_400) == []
    assert len(top_in_window(table, "1d", 10, now=INGESTED + 3 * 86_400)) == 2


async def test_an_event_sent_again_is_counted_once_per_subject(app):
    # After a crash an article's events are sent again with the same ids (`{article_id}:{n}`).
    async with app.agents["alert"].test_context() as agent:
        for article_id in ("a", "a", "b"):
            event = {"event_id": f"{article_id}:0", "article_id": article_id, "quad_class": 4}
            await agent.put(SubjectEvent(subject=ALEPPO, event=event, event_time=SEP_4_2016),
                            key="170063", partition=2)
        state = app.tables["alert_state"]["170063"]
    assert quads_in(state, "1h", (SEP_4_2016, SEP_4_2016 + 3599.9)) == {"4": 2}
    assert quads_in(state, "1d", (SEP_4_2016, SEP_4_2016 + 86399.9)) == {"4": 2}
    window = state["rules"]["many"]["windows"][str(int(SEP_4_2016))]
    assert (window["count"], window["event_ids"]) == (2, ["a:0", "b:0"])


async def test_the_alert_agent_counts_quad_classes_and_keeps_state_per_partition(app):
    state = app.tables["alert_state"]
    start = str(int(SEP_4_2016))
    async with app.agents["alert"].test_context() as agent:
        for n, quad in enumerate((4, 4, 1)):
            event = {"event_id": f"a{n}:0", "article_id": f"a{n}", "quad_class": quad}
            await agent.put(SubjectEvent(subject=ALEPPO, event=event, event_time=SEP_4_2016 + n),
                            key="170063", partition=2)
        kept = state["170063"]
        await agent.put(SubjectEvent(tick=1e12), partition=1)  # another partition's tick
        untouched = state["170063"]
        await agent.put(SubjectEvent(tick=1e12), partition=2)  # long after: the window closes
        closed = state["170063"]
    assert quads_in(closed, "1h", (SEP_4_2016, SEP_4_2016 + 3599.9)) == {"4": 2, "1": 1}
    window = kept["rules"]["many"]["windows"][start]
    assert (kept["partition"], window["count"], window["closed"]) == (2, 3, False)
    assert untouched == kept and kept["due"] is not None
    assert closed["rules"]["many"]["windows"][start]["closed"] is True
    assert (closed["due"], closed["rules"]["many"]["fired"]) == (None, [])


def test_a_place_keeps_the_quads_of_its_newest_window_of_each_size():
    quads = add_quad(add_quad(None, 4, SEP_4_2016 + 10), 1, SEP_4_2016 + 3600)
    assert quads == {"1h": {"start": SEP_4_2016 + 3600, "1": 1},
                     "1d": {"start": SEP_4_2016, "4": 1, "1": 1}}
    late = add_quad(quads, 3, SEP_4_2016 + 20)  # an older hour: counted in the day only
    assert late == {"1h": {"start": SEP_4_2016 + 3600, "1": 1},
                    "1d": {"start": SEP_4_2016, "4": 1, "1": 1, "3": 1}}
    state = {"quads": late}
    assert quads_in(state, "1h", (SEP_4_2016 + 3600, SEP_4_2016 + 7199.9)) == {"1": 1}
    assert quads_in(state, "1h", (SEP_4_2016, SEP_4_2016 + 3599.9)) == {}
    assert quads_in(None, "1d", (SEP_4_2016, SEP_4_2016 + 86399.9)) == {}
