"""The alert state of one subject, and the two things that change it (pure functions).

`observe` adds one event; `close_due` closes the windows whose time is up. Both take the current
state (a JSON-ready dict, or None) and the wall-clock `now`, and return the new state and the
alerts to send; they never mutate their input. The Faust agent keeps the state in a table keyed
by the subject, the key of the topic it reads, so the state lives in the partition that sees
the subject's events.

State: `{"subject": {...}, "due": float | None, "rules": {name: track}}`, a track being
`{"size", "newest", "windows": {start: {"count", "last_seen", "closed", "event_ids",
"article_ids"}}, "fired": [start, ...]}`. `fired` holds the windows a rule has alerted on, so
it alerts at most once per subject and window. Watch-list tracks keep no windows.

Lateness: a track keeps the windows it still needs (a spike rule its `trailing` history) plus
LATE_WINDOWS; an event for a window older than that is too late and is ignored. An event for a
window that was already closed reopens it: it is evaluated again when its time is up, and
alerts only if it did not alert before.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from streams.alerts.rules import (
    EVIDENCE_CAP,
    Rule,
    SpikeRule,
    ThresholdRule,
    WatchRule,
    applies,
    make_alert,
    spike_baseline,
    watch_match,
)
from streams.alerts.windows import Window, closes_at, rfc3339, trailing, window_of

LATE_WINDOWS = 2

State = dict[str, Any]
Alerts = list[dict[str, Any]]


def observe(state: State | None, subject: dict[str, Any], event: dict[str, Any], at: float,
            rules: Sequence[Rule], now: float) -> tuple[State, Alerts]:
    """Count one event (event time `at`) for `subject`; watch-list alerts come out at once."""
    state = _fresh(state, subject, rules)
    alerts: Alerts = []
    for rule in rules:
        if not applies(rule, subject) or not rule.counts(event):
            continue
        track = _track(state, rule)
        window = window_of(at, rule.window)
        if window.start < _oldest_kept(track, rule):
            continue  # too late: the history it belongs to is gone
        if track["newest"] is None or window.start > track["newest"]:
            track["newest"] = window.start
        if isinstance(rule, WatchRule):
            details = watch_match(rule, subject)
            if details is not None and window.start not in track["fired"]:
                track["fired"].append(window.start)
                alerts.append(make_alert(
                    rule, state["subject"], window, observed=1, baseline=None,
                    event_ids=[event["event_id"]], article_ids=[event["article_id"]],
                    created_at=rfc3339(now), details=details))
        else:
            _add(track, window, event, now)
        _trim(track, rule)
    state["due"] = next_due(state, rules)
    return state, alerts


def close_due(state: State, rules: Sequence[Rule], now: float) -> tuple[State, Alerts]:
    """Close every window whose time is up, oldest first; spike and threshold alerts come out."""
    state = _fresh(state, state["subject"], rules)
    alerts: Alerts = []
    for rule in rules:
        track = state["rules"].get(rule.name)
        if track is None or isinstance(rule, WatchRule):
            continue
        for start in sorted(int(s) for s in track["windows"]):
            counts = track["windows"][str(start)]
            window = Window(start, rule.window)
            if counts["closed"] or now < closes_at(window, counts["last_seen"], rule.grace):
                continue
            alert = _evaluate(rule, state["subject"], track, window, counts, now)
            if alert is not None and start not in track["fired"]:
                track["fired"].append(start)
                alerts.append(alert)
            # The evidence stays: a late event reopens the window, and an alert on it then
            # names every article of the window, not only those after the reopening.
            track["windows"][str(start)] = {**counts, "closed": True}
        _trim(track, rule)
    state["due"] = next_due(state, rules)
    return state, alerts


def next_due(state: State, rules: Sequence[Rule]) -> float | None:
    """When the next window of this subject closes (wall clock), or None if none is open."""
    times = [
        closes_at(Window(int(start), rule.window), counts["last_seen"], rule.grace)
        for rule in rules if rule.name in state["rules"] and not isinstance(rule, WatchRule)
        for start, counts in state["rules"][rule.name]["windows"].items()
        if not counts["closed"]
    ]
    return min(times) if times else None


def is_due(state: State | None, now: float) -> bool:
    return bool(state) and state.get("due") is not None and state["due"] <= now


def _evaluate(rule: Rule, subject: dict[str, Any], track: dict[str, Any], window: Window,
              counts: dict[str, Any], now: float) -> dict[str, Any] | None:
    observed = counts["count"]
    if isinstance(rule, SpikeRule):
        history = [track["windows"].get(str(w.start), {}).get("count", 0)
                   for w in trailing(window, rule.trailing)]
        bar = spike_baseline(history, rule.k, rule.min_count)
        if observed < bar.threshold:
            return None
        baseline: float | None = round(bar.mean, 4)
        details = {"threshold": round(bar.threshold, 4), "std": round(bar.std, 4),
                   "k": rule.k, "min_count": rule.min_count, "trailing": rule.trailing}
    elif isinstance(rule, ThresholdRule):
        if observed < rule.min_count:
            return None
        baseline, details = None, {"threshold": rule.min_count}
    else:
        return None
    if rule.quad_classes:
        details["quad_classes"] = sorted(rule.quad_classes)
    return make_alert(rule, subject, window, observed=observed, baseline=baseline,
                      event_ids=counts["event_ids"], article_ids=counts["article_ids"],
                      created_at=rfc3339(now), details=details)


def _fresh(state: State | None, subject: dict[str, Any], rules: Sequence[Rule]) -> State:
    """A copy of the state holding only tracks of rules that still exist with the same window."""
    state = copy.deepcopy(state) if state else {}
    sizes = {rule.name: rule.window for rule in rules}
    state["subject"] = state.get("subject") or subject
    state["rules"] = {name: track for name, track in state.get("rules", {}).items()
                      if sizes.get(name) == track["size"]}
    return state


def _track(state: State, rule: Rule) -> dict[str, Any]:
    return state["rules"].setdefault(
        rule.name, {"size": rule.window, "newest": None, "windows": {}, "fired": []})


def _add(track: dict[str, Any], window: Window, event: dict[str, Any], now: float) -> None:
    counts = track["windows"].get(str(window.start)) or {
        "count": 0, "last_seen": now, "closed": False, "event_ids": [], "article_ids": []}
    counts = {**counts, "count": counts["count"] + 1, "last_seen": now, "closed": False}
    for field, value in (("event_ids", event["event_id"]), ("article_ids", event["article_id"])):
        if value not in counts[field] and len(counts[field]) < EVIDENCE_CAP:
            counts[field] = [*counts[field], value]
    track["windows"][str(window.start)] = counts


def _kept(rule: Rule) -> int:
    """How many windows before the reference one a track keeps."""
    return (rule.trailing if isinstance(rule, SpikeRule) else 0) + LATE_WINDOWS


def _oldest_kept(track: dict[str, Any], rule: Rule) -> float:
    """The first window start a track still keeps: counted back from its oldest open window
    (whose history is still needed) or, if none is open, from its newest window."""
    if track["newest"] is None:
        return float("-inf")
    open_starts = [int(s) for s, counts in track["windows"].items() if not counts["closed"]]
    reference = min([track["newest"], *open_starts])
    return reference - _kept(rule) * rule.window


def _trim(track: dict[str, Any], rule: Rule) -> None:
    oldest = _oldest_kept(track, rule)
    track["windows"] = {s: c for s, c in track["windows"].items() if int(s) >= oldest}
    track["fired"] = [start for start in track["fired"] if start >= oldest]


def readable(state: State) -> dict[str, Any]:
    """The state as `GET /alerts/state/{key}` shows it: every time (window starts, `due`,
    `last_seen`, `fired`) in RFC 3339 instead of Unix seconds; the stored form under `_debug`."""
    def track(value: dict[str, Any]) -> dict[str, Any]:
        return {
            **value,
            "newest": _time(value.get("newest")),
            "windows": {rfc3339(float(start)): {**counts, "last_seen": _time(counts.get("last_seen"))}
                        for start, counts in value.get("windows", {}).items()},
            "fired": [rfc3339(float(start)) for start in value.get("fired", [])],
        }

    return {"subject": state.get("subject"), "due": _time(state.get("due")),
            "rules": {name: track(value) for name, value in state.get("rules", {}).items()},
            "_debug": state}


def _time(timestamp: float | None) -> str | None:
    return None if timestamp is None else rfc3339(float(timestamp))
