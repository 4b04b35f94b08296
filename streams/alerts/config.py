"""Alert rules from TOML: the packaged `streams/data/alert_rules.toml`, or the file named by
`STREAMS_ALERT_RULES`. Every mistake is reported with the file, the rule and the field.

    [[rules]]
    name = "location-spike-1h"   # letters, digits, . _ -; unique; part of alert keys and ids
    kind = "spike"               # spike | threshold | watchlist
    subject = "location"         # spike and threshold: actor | location
    window = "1h"                # 3600, "90s", "15m", "1h", "1d", "1w"
    trailing = 24                # spike: windows of history
    k = 3.0                      # spike: standard deviations above the mean
    min_count = 20               # spike: never below this; threshold: the threshold
    quad_classes = [3, 4]        # optional: count only these quad classes
    severity = "warning"         # info | warning | critical (warning)
    grace = "60s"                # how long a window stays open after its end (60s)

A watch-list rule has `actors = ["SYRREB", "RUS*"]` and/or `points = [{name = "Aleppo",
lat = 36.2, lon = 37.16, radius_km = 25}]`, and a `window` within which it alerts once per subject.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from streams.alerts.rules import (
    KINDS,
    SEVERITIES,
    SUBJECT_KINDS,
    Point,
    Rule,
    SpikeRule,
    ThresholdRule,
    WatchRule,
)
from streams.alerts.windows import parse_duration
from streams.failures import ConfigError

DEFAULT_RULES = "streams/data/alert_rules.toml"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ACTOR = re.compile(r"^[A-Z0-9]+\*?$")
_COMMON = {"name", "kind", "window", "severity", "grace", "quad_classes"}
_FIELDS = {
    "spike": _COMMON | {"subject", "trailing", "k", "min_count"},
    "threshold": _COMMON | {"subject", "min_count"},
    "watchlist": _COMMON | {"actors", "points"},
}
_POINT_FIELDS = {"name", "lat", "lon", "radius_km"}


class RulesError(ConfigError):
    """The alert rules file cannot be used; the message says where and why (a ValueError)."""


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    """The rules of a TOML file; the packaged defaults when `path` is empty or None."""
    if not path:
        text = resources.files("streams").joinpath("data", "alert_rules.toml").read_text("utf-8")
        return parse_rules(text, f"{DEFAULT_RULES} (packaged default)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"alert rules {path}: cannot read the file "
                         f"(STREAMS_ALERT_RULES): {exc.strerror or exc}") from None
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str = "<string>") -> tuple[Rule, ...]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"alert rules {source}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"rules"}
    if unknown:
        raise RulesError(f"alert rules {source}: unknown top-level key(s) {_names(unknown)}; "
                         "rules go in [[rules]] tables")
    entries = doc.get("rules", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RulesError(f"alert rules {source}: `rules` must be an array of tables ([[rules]])")
    rules: list[Rule] = []
    for number, entry in enumerate(entries, start=1):
        where = f"alert rules {source}: rule {number}"
        if isinstance(entry.get("name"), str):
            where += f" ({entry['name']!r})"
        try:
            rules.append(_rule(entry))
        except (ValueError, TypeError) as exc:
            raise RulesError(f"{where}: {exc}") from None
    names = [rule.name for rule in rules]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RulesError(f"alert rules {source}: rule names must be unique; "
                         f"repeated: {_names(duplicates)}")
    return tuple(rules)


def _rule(entry: dict[str, Any]) -> Rule:
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(KINDS)}, got {kind!r}")
    unknown = set(entry) - _FIELDS[kind]
    if unknown:
        raise ValueError(f"unknown field(s) {_names(unknown)} for a {kind} rule; "
                         f"allowed: {_names(_FIELDS[kind])}")
    name = _required(entry, "name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"`name` must be letters, digits, '.', '_' or '-', got {name!r}")
    common: dict[str, Any] = {
        "name": name,
        "window": _duration(entry, "window", _required(entry, "window")),
        "grace": _duration(entry, "grace", entry.get("grace", 60), allow_zero=True),
        "severity": _choice(entry, "severity", SEVERITIES, "warning"),
        "quad_classes": _quad_classes(entry.get("quad_classes", [])),
    }
    if kind == "spike":
        if _number(entry, "k", 3.0) < 0:
            raise ValueError(f"`k` must be at least 0, got {entry['k']!r}")
        return SpikeRule(
            **common, subject=_choice(entry, "subject", SUBJECT_KINDS),
            trailing=_whole(entry, "trailing", 24), k=_number(entry, "k", 3.0),
            min_count=_whole(entry, "min_count", 10))
    if kind == "threshold":
        return ThresholdRule(**common, subject=_choice(entry, "subject", SUBJECT_KINDS),
                             min_count=_whole(entry, "min_count", None))
    actors = entry.get("actors", [])
    if not isinstance(actors, list) or not all(isinstance(a, str) and _ACTOR.match(a)
                                               for a in actors):
        raise ValueError(f"`actors` must be a list of actor codes such as \"SYRREB\" or "
                         f"prefixes such as \"RUS*\", got {actors!r}")
    points = tuple(_point(p, n) for n, p in enumerate(_list(entry, "points"), start=1))
    if not actors and not points:
        raise ValueError("a watchlist rule needs `actors` or `points` (or both)")
    return WatchRule(**common, actors=tuple(actors), points=points)


def _point(value: Any, number: int) -> Point:
    if not isinstance(value, dict):
        raise ValueError(f"point {number} must be a table {{name, lat, lon, radius_km}}")
    unknown, missing = set(value) - _POINT_FIELDS, _POINT_FIELDS - set(value)
    if unknown or missing:
        raise ValueError(f"point {number} needs exactly {_names(_POINT_FIELDS)}"
                         + (f"; unknown: {_names(unknown)}" if unknown else "")
                         + (f"; missing: {_names(missing)}" if missing else ""))
    if not isinstance(value["name"], str) or not value["name"]:
        raise ValueError(f"point {number}: `name` must be a non-empty string")
    lat, lon, radius = (_number(value, f"point {number} {field}", None, key=field)
                        for field in ("lat", "lon", "radius_km"))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or radius <= 0:
        raise ValueError(f"point {number}: lat must be within ±90, lon within ±180 and "
                         f"radius_km above 0, got {lat}, {lon}, {radius}")
    return Point(value["name"], float(lat), float(lon), float(radius))


def _required(entry: dict[str, Any], field: str) -> Any:
    if field not in entry:
        raise ValueError(f"`{field}` is required")
    return entry[field]


def _duration(entry: dict[str, Any], field: str, value: Any, allow_zero: bool = False) -> int:
    try:
        return parse_duration(value, allow_zero=allow_zero)
    except ValueError as exc:
        raise ValueError(f"`{field}`: {exc}") from None


def _choice(entry: dict[str, Any], field: str, allowed: tuple[str, ...],
            default: str | None = None) -> str:
    value = entry.get(field, default) if default is not None else _required(entry, field)
    if value not in allowed:
        raise ValueError(f"`{field}` must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _whole(entry: dict[str, Any], field: str, default: int | None) -> int:
    value = entry.get(field, default) if default is not None else _required(entry, field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{field}` must be a whole number of at least 1, got {value!r}")
    return value


def _number(entry: dict[str, Any], field: str, default: float | None, key: str = "") -> float:
    key = key or field
    value = entry.get(key, default) if default is not None else _required(entry, key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"`{field}` must be a number, got {value!r}")
    return float(value)


def _quad_classes(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or not all(v in (1, 2, 3, 4) and not isinstance(v, bool)
                                              for v in value):
        raise ValueError(f"`quad_classes` must be a list of 1, 2, 3 or 4, got {value!r}")
    return frozenset(value)


def _list(entry: dict[str, Any], field: str) -> list[Any]:
    value = entry.get(field, [])
    if not isinstance(value, list):
        raise ValueError(f"`{field}` must be a list, got {value!r}")
    return value


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names))
