"""The alert tracker, bytewax-style: a list of events and clock ticks in, the alerts out.

No broker and no real clock: every input carries the wall-clock `now` it arrives at, and the
`run` driver does what the Faust agent does (one state per subject key, ticks close due windows).
"""

from __future__ import annotations

import itertools

from streams.alerts.rules import Point, SpikeRule, ThresholdRule, WatchRule, subjects_of
from streams.alerts.tracker import LATE_WINDOWS, close_due, is_due, observe, readable
from streams.contract.schemas import validate

T0 = 1_700_000_040  # a multiple of 60: window 0 of a 60 s rule starts here
ALEPPO = {"geonameid": 170063, "name": "Aleppo", "lat": 36.20124, "lon": 37.16117}
RAMUSSA = {"geonameid": 99000001, "name": "Ramussa", "lat": 36.153, "lon": 37.133}
HANGZHOU = {"geonameid": 1808926, "name": "Hangzhou", "lat": 30.29365, "lon": 120.16142}
_ids = itertools.count()


def event(at, source="SYRMIL", target=None, location=ALEPPO, quad=4, arrives=1.0):
    """("event", now, event time, event): it arrives `arrives` seconds after its event time."""
    n = next(_ids)
    return ("event", at + arrives, at, {
        "event_id": f"art{n}:0", "article_id": f"art{n}", "quad_class": quad,
        "source": {"code": source, "text": source.lower()} if source else None,
        "target": {"code": target, "text": target.lower()} if target else None,
        "location": location})


def burst(window, count, **kwargs):
    """`count` events spread over the first half of 60 s window number `window`."""
    return [event(T0 + window * 60 + i * 30 / max(count, 1), **kwargs) for i in range(count)]


def ticks(start, stop, every=5):
    return [("tick", now) for now in range(int(start), int(stop) + 1, every)]


def run(rules, inputs, states=None):
    """Feed inputs in order of arrival; return the alerts in the order they came out."""
    states = {} if states is None else states
    out = []
    for item in sorted(inputs, key=lambda item: (item[1], item[0] == "tick")):
        if item[0] == "tick":
            for key, state in list(states.items()):
                if is_due(state, item[1]):
                    states[key], alerts = close_due(state, rules, item[1])
                    out.extend(alerts)
            continue
        _, now, at, ev = item
        for key, subject in subjects_of(ev):
            states[key], alerts = observe(states.get(key), subject, ev, at, rules, now)
            out.extend(alerts)
    for alert in out:
        validate("alerts", alert)
    return out


def brief(alerts):
    return [(a["rule"], a["subject"].get("code") or a["subject"].get("geonameid"),
             a["window"]["start"], a["observed"], a["baseline"]) for a in alerts]


def start(window, size=60):
    from streams.alerts.windows import rfc3339

    return rfc3339(T0 + window * size)


SPIKE = SpikeRule("spike", 60, subject="location", trailing=8, k=3.0, min_count=10, grace=10)
HISTORY = [2, 4, 4, 4, 5, 5, 7, 9]  # mean 5, population std 2: the bar is 5 + 3 * 2 = 11


def spike_inputs(last):
    inputs = [e for w, n in enumerate(HISTORY) for e in burst(w, n)] + burst(8, last)
    return inputs + ticks(T0, T0 + 10 * 60)


def test_a_spike_fires_once_when_its_window_reaches_mean_plus_k_std():
    alerts = run([SPIKE], spike_inputs(11))
    assert brief(alerts) == [("spike", 170063, start(8), 11, 5.0)]
    assert alerts[0]["details"] == {"threshold": 11.0, "std": 2.0, "k": 3.0, "min_count": 10,
                                    "trailing": 8}
    assert alerts[0]["window"]["end"] == start(9)
    assert alerts[0]["created_at"] == start(9)[:-3] + "10Z"  # the tick at end + grace
    assert len(alerts[0]["evidence"]["event_ids"]) == 11


def test_one_short_of_the_bar_is_no_spike():
    assert run([SPIKE], spike_inputs(10)) == []


def test_min_count_is_the_floor():
    rule = SpikeRule("spike", 60, subject="location", trailing=8, k=3.0, min_count=12, grace=10)
    assert run([rule], spike_inputs(11)) == []
    assert brief(run([rule], spike_inputs(12))) == [("spike", 170063, start(8), 12, 5.0)]


def test_a_quiet_history_counts_as_zeros():
    rule = SpikeRule("spike", 60, subject="location", trailing=4, k=3.0, min_count=5, grace=10)
    alerts = run([rule], burst(0, 2) + burst(6, 5) + ticks(T0, T0 + 8 * 60))
    assert brief(alerts) == [("spike", 170063, start(6), 5, 0.0)]


def test_a_window_closes_on_a_tick_without_any_further_event():
    inputs = spike_inputs(11)[:-len(ticks(T0, T0 + 10 * 60))]
    end = T0 + 9 * 60
    assert run([SPIKE], inputs + [("tick", end + 9)]) == []  # grace not over yet
    assert brief(run([SPIKE], inputs + [("tick", end + 10)]))[0][2] == start(8)


def test_late_events_reopen_a_window_but_it_alerts_only_once():
    states = {}
    first = run([SPIKE], spike_inputs(11), states)
    late = [event(T0 + 8 * 60 + 59, arrives=200), event(T0 + 8 * 60 + 58, arrives=205)]
    again = run([SPIKE], late + ticks(T0 + 10 * 60, T0 + 15 * 60), states)
    assert (len(first), again) == (1, [])
    window = states["170063"]["rules"]["spike"]["windows"][str(T0 + 8 * 60)]
    assert (window["count"], window["closed"]) == (13, True)
    assert states["170063"]["rules"]["spike"]["fired"] == [T0 + 8 * 60]


def test_an_alert_after_a_reopening_names_the_articles_from_before_it():
    # Old news closes `grace` after its last event; a slow copy reopens the window. The alert at
    # the second close must carry the evidence of the whole window, not of the reopening only.
    old = 1472947200
    rule = ThresholdRule("many", 3600, subject="location", min_count=3, grace=10)
    first = event(old, arrives=T0 - old)
    late = [event(old + 1, arrives=T0 - old + 60), event(old + 2, arrives=T0 - old + 61)]
    states = {}
    assert run([rule], [first, ("tick", T0 + 30)], states) == []  # closed below min_count
    alerts = run([rule], late + [("tick", T0 + 90)], states)
    assert brief(alerts) == [("many", 170063, "2016-09-04T00:00:00Z", 3, None)]
    assert alerts[0]["evidence"]["article_ids"] == [e[3]["article_id"] for e in [first, *late]]


def test_events_older_than_the_kept_history_are_ignored():
    rule = ThresholdRule("many", 60, subject="location", min_count=1, grace=10)
    states = {}
    run([rule], burst(10, 1) + ticks(T0 + 600, T0 + 700), states)
    too_late = T0 + (10 - LATE_WINDOWS - 1) * 60
    alerts = run([rule], [event(too_late, arrives=200), event(too_late + 60, arrives=201)]
                 + ticks(T0 + 800, T0 + 900), states)
    assert brief(alerts) == [("many", 170063, start(10 - LATE_WINDOWS), 1, None)]


def test_a_replayed_window_closes_grace_after_its_last_event():
    old = 1472947200  # 2016-09-04T00:00:00Z, replayed years later
    rule = ThresholdRule("many", 3600, subject="location", min_count=3, grace=10)
    inputs = [event(old + i, arrives=T0 - old) for i in range(3)]  # arriving at T0 .. T0 + 2
    assert run([rule], inputs + [("tick", T0 + 2 + 9)]) == []
    alerts = run([rule], inputs + [("tick", T0 + 2 + 10)])
    assert brief(alerts) == [("many", 170063, "2016-09-04T00:00:00Z", 3, None)]


def test_threshold_counts_only_its_quad_classes():
    rule = ThresholdRule("conflict", 60, subject="location", min_count=3, grace=10,
                         quad_classes=frozenset({4}))
    inputs = (burst(0, 3, quad=4) + burst(0, 5, quad=1) + burst(1, 2, quad=4)
              + burst(1, 9, quad=3) + ticks(T0, T0 + 200))
    alerts = run([rule], inputs)
    assert brief(alerts) == [("conflict", 170063, start(0), 3, None)]
    assert alerts[0]["details"] == {"threshold": 3, "quad_classes": [4]}


def test_actor_rules_count_per_actor():
    rule = ThresholdRule("busy", 60, subject="actor", min_count=2, grace=10)
    inputs = (burst(0, 2, source="SYRMIL", target="SYRREB") + burst(0, 1, source="RUS")
              + ticks(T0, T0 + 100))
    assert sorted(brief(run([rule], inputs))) == [("busy", "SYRMIL", start(0), 2, None),
                                                  ("busy", "SYRREB", start(0), 2, None)]


def test_a_watch_list_alerts_at_once_and_once_per_subject_and_window():
    rule = WatchRule("watch", 60, actors=("SYRREB", "RUS*"),
                     points=(Point("Aleppo", 36.20124, 37.16117, 10.0),))
    inputs = (burst(0, 3, source="SYRMIL", target="SYRREB", location=HANGZHOU)
              + burst(0, 2, source="RUSGOV", location=RAMUSSA)
              + burst(1, 2, source="SYRREB", location=ALEPPO)
              + burst(1, 1, source="USA", location=HANGZHOU))
    alerts = run([rule], inputs)  # no ticks: a watch-list does not wait for windows to close
    assert brief(alerts) == [
        ("watch", "SYRREB", start(0), 1, None),
        ("watch", "RUSGOV", start(0), 1, None),
        ("watch", 99000001, start(0), 1, None),
        ("watch", "SYRREB", start(1), 1, None),
        ("watch", 170063, start(1), 1, None),
    ]
    assert [a["details"] for a in alerts] == [
        {"matched": "SYRREB"}, {"matched": "RUS*"}, {"matched": "Aleppo", "distance_km": 5.9},
        {"matched": "SYRREB"}, {"matched": "Aleppo", "distance_km": 0.0}]
    assert alerts[0]["evidence"] == {"event_ids": [inputs[0][3]["event_id"]],
                                     "article_ids": [inputs[0][3]["article_id"]]}


def test_the_same_input_gives_the_same_alert_ids():
    def ids(inputs):
        return [a["id"] for a in run([SPIKE], inputs)]

    inputs = spike_inputs(11)
    assert ids(inputs) == ids(list(reversed(inputs)))  # arrival order is sorted by `now`
    assert len(set(ids(inputs))) == 1


def test_a_rule_whose_window_changed_starts_afresh():
    states = {}
    run([SPIKE], spike_inputs(3), states)
    wider = SpikeRule("spike", 120, subject="location", trailing=2, k=1.0, min_count=1, grace=10)
    state, _ = observe(states["170063"], {"kind": "location", **ALEPPO},
                       burst(20, 1)[0][3], T0 + 20 * 60, [wider], T0 + 20 * 60)
    assert state["rules"]["spike"]["size"] == 120
    assert list(state["rules"]["spike"]["windows"]) == [str(T0 + 20 * 60)]


def test_state_is_never_mutated_in_place():
    states = {}
    run([SPIKE], burst(0, 2), states)
    before = repr(states["170063"])
    observe(states["170063"], {"kind": "location", **ALEPPO}, burst(0, 1)[0][3], T0 + 1,
            [SPIKE], T0 + 2)
    close_due(states["170063"], [SPIKE], T0 + 10_000)
    assert repr(states["170063"]) == before


def test_the_served_state_shows_times_in_rfc3339_and_keeps_the_stored_form_under_debug():
    stored = {"subject": {"kind": "actor", "code": "SYRREB", "name": "SYRREB"}, "due": 1800.5,
              "rules": {"watch": {"size": 3600, "newest": 0, "fired": [0],
                                  "windows": {"0": {"count": 2, "last_seen": 1799.0,
                                                    "closed": True, "event_ids": ["a:0"],
                                                    "article_ids": ["a"]}}}}}
    assert readable(stored) == {
        "subject": stored["subject"], "due": "1970-01-01T00:30:00.500000Z",
        "rules": {"watch": {"size": 3600, "newest": "1970-01-01T00:00:00Z",
                            "fired": ["1970-01-01T00:00:00Z"],
                            "windows": {"1970-01-01T00:00:00Z": {
                                "count": 2, "last_seen": "1970-01-01T00:29:59Z", "closed": True,
                                "event_ids": ["a:0"], "article_ids": ["a"]}}}},
        "_debug": stored}
    assert readable({"subject": None, "due": None, "rules": {}})["due"] is None
