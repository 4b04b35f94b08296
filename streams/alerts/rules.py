"""Alert rules and their evaluation (pure: no Faust, no Kafka, no clock of its own).

Three kinds, each configured in TOML (`streams.alerts.config`):

- spike: a subject's count in a window is at least `max(min_count, mean + k * std)` of its counts
  in the `trailing` windows before it (population standard deviation; a window without events
  counts as 0).
- threshold: a subject's count in a window is at least `min_count`.
- watchlist: an event involves a watched actor (a code, or a code prefix written `RUS*`), or
  happened within `radius_km` of a watched point.

A subject is an actor (its code) or a place (its GeoNames id). An event is about each actor
coded as its source or target and about its location; it is counted once for each of them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from streams.alerts.windows import Window
from streams.geo import haversine_km

KINDS = ("spike", "threshold", "watchlist")
SEVERITIES = ("info", "warning", "critical")
SUBJECT_KINDS = ("actor", "location")
EVIDENCE_CAP = 50  # ids of each kind an alert carries at most (alerts.v1.json says 50)
SCHEMA_VERSION = 1  # contract/json_schemas/alerts.v1.json (contract.models would import Faust)


@dataclass(frozen=True)
class Point:
    name: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Rule:
    name: str
    window: int  # seconds
    severity: str = "warning"
    grace: int = 60  # seconds a window stays open after it ended (or after its last event)
    quad_classes: frozenset[int] = frozenset()  # only events of these quad classes; empty: all
    kind: ClassVar[str] = ""

    def counts(self, event: dict[str, Any]) -> bool:
        return not self.quad_classes or event.get("quad_class") in self.quad_classes


@dataclass(frozen=True)
class SpikeRule(Rule):
    subject: str = "location"
    trailing: int = 24  # windows of history the baseline is taken from
    k: float = 3.0  # standard deviations above the mean
    min_count: int = 10  # never fire below this count, however quiet the history
    kind: ClassVar[str] = "spike"


@dataclass(frozen=True)
class ThresholdRule(Rule):
    subject: str = "location"
    min_count: int = 10
    kind: ClassVar[str] = "threshold"


@dataclass(frozen=True)
class WatchRule(Rule):
    actors: tuple[str, ...] = ()  # codes; `RUS*` watches every code starting with RUS
    points: tuple[Point, ...] = ()
    kind: ClassVar[str] = "watchlist"


@dataclass(frozen=True)
class Baseline:
    mean: float
    std: float
    threshold: float


def spike_baseline(history: Sequence[int], k: float, min_count: int) -> Baseline:
    """The bar a window's count must reach, from the counts of the windows before it."""
    n = len(history)
    mean = sum(history) / n if n else 0.0
    std = math.sqrt(sum((count - mean) ** 2 for count in history) / n) if n else 0.0
    return Baseline(mean, std, max(float(min_count), mean + k * std))


def subjects_of(event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key, subject) for every actor and the place an event is about; keys as on `entities`."""
    found: dict[str, dict[str, Any]] = {}
    for role in ("source", "target"):
        actor = event.get(role) or {}
        code = actor.get("code")
        if code and code not in found:
            found[code] = {"kind": "actor", "code": code, "name": actor.get("text") or code}
    place = event.get("location") or {}
    if place.get("geonameid") is not None:
        found[str(place["geonameid"])] = {
            "kind": "location", "geonameid": place["geonameid"],
            "name": place.get("name") or str(place["geonameid"]),
            "lat": place.get("lat"), "lon": place.get("lon"),
        }
    return list(found.items())


def subject_key(subject: dict[str, Any]) -> str:
    return subject["code"] if subject["kind"] == "actor" else str(subject["geonameid"])


def applies(rule: Rule, subject: dict[str, Any]) -> bool:
    """Whether a rule looks at this subject at all (a watch-list only at what it can match)."""
    if isinstance(rule, WatchRule):
        return bool(rule.actors) if subject["kind"] == "actor" else bool(rule.points)
    return getattr(rule, "subject", None) == subject["kind"]


def watch_match(rule: WatchRule, subject: dict[str, Any]) -> dict[str, Any] | None:
    """What on the watch-list the subject matched (the details of an alert), or None."""
    if subject["kind"] == "actor":
        for pattern in rule.actors:
            if actor_matches(subject["code"], pattern):
                return {"matched": pattern}
        return None
    if subject.get("lat") is None or subject.get("lon") is None:
        return None
    for point in rule.points:
        distance = haversine_km(point.lat, point.lon, subject["lat"], subject["lon"])
        if distance <= point.radius_km:
            return {"matched": point.name, "distance_km": round(distance, 1)}
    return None


def actor_matches(code: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return code.startswith(pattern[:-1])
    return code == pattern


def alert_id(rule: str, key: str, window: Window) -> str:
    """Deterministic: the same rule, subject and window always give the same id."""
    text = f"{rule}\x1f{key}\x1f{window.start}\x1f{window.end}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def make_alert(rule: Rule, subject: dict[str, Any], window: Window, *, observed: float,
               baseline: float | None, event_ids: Sequence[str], article_ids: Sequence[str],
               created_at: str, details: dict[str, Any]) -> dict[str, Any]:
    """An `alerts` message value (alerts.v1.json)."""
    public = {"kind": subject["kind"], "name": subject["name"]}
    public.update({"code": subject["code"]} if subject["kind"] == "actor"
                  else {"geonameid": subject["geonameid"]})
    return {
        "id": alert_id(rule.name, subject_key(subject), window),
        "rule": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "subject": public,
        "window": window.bounds(),
        "observed": observed,
        "baseline": baseline,
        "evidence": {"event_ids": capped(event_ids), "article_ids": capped(article_ids)},
        "created_at": created_at,
        "details": details,
        "schema_version": SCHEMA_VERSION,
    }


def capped(ids: Sequence[str]) -> list[str]:
    """The first EVIDENCE_CAP distinct ids, in order."""
    return list(dict.fromkeys(ids))[:EVIDENCE_CAP]


def alert_key(alert: dict[str, Any]) -> str:
    """The `alerts` message key: `{rule}:{actor code | GeoNames id}`."""
    subject = alert["subject"]
    return f"{alert['rule']}:{subject.get('code') or subject.get('geonameid')}"
