"""The recent-events and recent-alerts buffers, without a broker."""

from __future__ import annotations

import random

import pytest

from streams.contract.models import Event
from streams.runtime.recent import Recent, RecentMessages, plain


def event(n: int) -> Event:
    return Event(event_id=f"a:{n}", article_id="a", source={"code": "SYRMIL", "text": "army"},
                 target=None, cameo_code="190", cameo_root="19", quad_class=4, goldstein=-10.0,
                 plover_event="FIGHT", sentence_index=n,
                 location={"geonameid": 170063, "name": "Aleppo", "lat": 36.2, "lon": 37.16,
                           "country": "SYR"})


def test_the_buffer_keeps_the_last_k_newest_first():
    buffer = RecentMessages(keep=3)
    for n in range(5):
        buffer.add({"n": n}, (1000 + n, 0, n))
    assert len(buffer) == 3
    assert buffer.latest(10) == [{"n": 4}, {"n": 3}, {"n": 2}]
    assert buffer.latest(2) == [{"n": 4}, {"n": 3}]
    assert buffer.latest(0) == []
    with pytest.raises(ValueError):
        RecentMessages(keep=0)


def test_messages_are_ordered_by_time_then_partition_then_offset_whatever_the_arrival():
    buffer = RecentMessages(keep=10)
    buffer.add({"n": "p1 late"}, (2000, 1, 0))
    buffer.add({"n": "p0 early"}, (1000, 0, 5))
    buffer.add({"n": "p0 same time"}, (2000, 0, 6))
    buffer.add({"n": "p1 same time, later offset"}, (2000, 1, 1))
    assert [m["n"] for m in buffer.latest(10)] == [
        "p1 same time, later offset", "p1 late", "p0 same time", "p0 early"]


def test_a_full_buffer_ignores_what_is_older_than_all_it_holds():
    buffer = RecentMessages(keep=2)
    buffer.add({"n": 5}, (5, 0, 5))
    buffer.add({"n": 6}, (6, 0, 6))
    buffer.add({"n": 1}, (1, 1, 0))
    assert buffer.latest(5) == [{"n": 6}, {"n": 5}]


def test_an_id_is_held_once_in_its_newest_copy():
    buffer = RecentMessages(keep=3, id_field="event_id")
    buffer.add({"event_id": "a:0", "copy": 1}, (10, 0, 0))
    buffer.add({"event_id": "a:1"}, (11, 1, 0))
    buffer.add({"event_id": "a:0", "copy": 2}, (12, 0, 1))  # sent again after a crash
    buffer.add({"event_id": "a:0", "copy": 1}, (10, 0, 0))  # the first copy read again
    assert buffer.latest(5) == [{"event_id": "a:0", "copy": 2}, {"event_id": "a:1"}]
    assert len(buffer) == 2
    buffer.add({"event_id": "a:1"}, (11, 1, 0))  # the same message twice: no change
    assert len(buffer) == 2


def test_messages_without_their_id_are_told_apart_by_position():
    buffer = RecentMessages(keep=3, id_field="id")
    buffer.add({"rule": "x"}, (1, 0, 0))
    buffer.add({"rule": "x"}, (1, 0, 1))
    buffer.add({"rule": "x"}, (1, 0, 1))
    assert len(buffer) == 2


def test_what_is_held_does_not_depend_on_the_order_messages_came_in():
    """Following a topic and reading its tail after a restart must show the same list."""
    rng = random.Random(7)
    ids = [f"a:{rng.randrange(12)}" for _ in range(40)]  # repeats: redelivered copies
    messages = [({"event_id": i, "offset": n}, (1000 + n // 3, n % 4, n)) for n, i in
                enumerate(ids)]
    followed = RecentMessages(keep=6, id_field="event_id")
    for message, at in messages:
        followed.add(message, at)
    for _ in range(5):
        shuffled = rng.sample(messages, len(messages))
        again = RecentMessages(keep=6, id_field="event_id")
        for message, at in shuffled:
            again.add(message, at)
        assert again.latest(6) == followed.latest(6)
    assert len({m["event_id"] for m in followed.latest(6)}) == 6


def test_records_are_kept_as_the_plain_json_of_the_topic():
    kept = plain(event(0))
    assert kept["event_id"] == "a:0"
    assert kept["location"]["name"] == "Aleppo"
    assert "__faust" not in kept
    assert plain({"id": "x"}) == {"id": "x"}
    assert plain("text") == {"value": "text"}


def test_each_app_has_its_own_buffers_keyed_by_the_topics_ids():
    first, second = Recent(), Recent()
    first.events.add({"event_id": "a:1"}, (1, 0, 0))
    assert (len(first.events), len(second.events), first.events.keep) == (1, 0, 500)
    assert (first.events.id_field, first.alerts.id_field) == ("event_id", "id")
