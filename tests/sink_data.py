"""Messages for the sink's tests, built with the project's own message builders: synthetic
articles in bulk (the integration tests) and a small set whose query answers are known (the
SQL examples of docs/sink.md)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.alerts.rules import WatchRule, make_alert
from streams.alerts.windows import window_of
from streams.contract.messages import entity_messages, event_messages

PLACES = {  # GeoNames ids and coordinates of the places the synthetic events happen in
    "Aleppo": (170063, 36.20124, 37.16117),
    "Azaz": (170017, 36.58662, 37.04628),
    "Idlib": (169388, 35.93062, 36.63393),
    "Homs": (169577, 34.72682, 36.72339),
    "Damascus": (170654, 33.5102, 36.29128),
}
CODES = {  # CAMEO code -> (root, quad class, Goldstein, PLOVER)
    "042": ("04", 1, 1.9, "CONSULT"),
    "057": ("05", 1, 8.0, "AGREE"),
    "111": ("11", 3, -2.0, "DISAPPROVE"),
    "190": ("19", 4, -10.0, "FIGHT"),
    "193": ("19", 4, -10.0, "FIGHT"),
}
ACTORS = ("SYRMIL", "SYRREB", "RUSGOV", "TURMIL", "USAGOV", "IGOUNO")


def place(name: str | None) -> dict[str, Any] | None:
    if name is None:
        return None
    geonameid, lat, lon = PLACES[name]
    return {"geonameid": geonameid, "name": name, "lat": lat, "lon": lon, "country": "SYR",
            "feature_class": "P"}


def coded_event(source: str, code: str, target: str | None, where: str | None,
                sentence: int = 0) -> dict[str, Any]:
    root, quad, goldstein, plover = CODES[code]
    return {"source": {"code": source, "text": source.lower()},
            "target": {"code": target, "text": target.lower()} if target else None,
            "cameo_code": code, "cameo_root": root, "quad_class": quad, "goldstein": goldstein,
            "plover_event": plover, "sentence_index": sentence, "location": place(where)}


def mention(code: str, start: int, sentence: int = 0) -> dict[str, Any]:
    return {"kind": "actor", "text": "x" * 6, "field": "body", "start": start, "end": start + 6,
            "type": "ORG", "code": code, "sentence_index": sentence}


def article_messages(article: dict[str, Any], events: list[dict], entities: list[dict],
                     outlet: str | None = None) -> tuple[list[dict], list[dict]]:
    """(events values, entities values) as the extract agent sends them; `article_source`
    and `article_url` as the events.daily work adds them."""
    result = {"events": events, "entities": entities}
    event_values = [record.to_representation() for record in event_messages(article, result)]
    for value in event_values:
        value["article_source"] = outlet
        value["article_url"] = f"https://{outlet}.example/{article['id']}" if outlet else None
    return event_values, [record.to_representation() for record in entity_messages(article, result)]


def synthetic(articles: int, seed: int = 7, events_per_article: int = 4) -> dict[str, list[dict]]:
    """{"events": [...], "entities": [...], "alerts": [...]} message values for `articles`
    articles, each with `events_per_article` events and two actor mentions."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    out: dict[str, list[dict]] = {"events": [], "entities": [], "alerts": []}
    for n in range(articles):
        published = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
        article = {"id": f"syn-{seed}-{n:05d}", "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ")}
        events = [coded_event(rng.choice(ACTORS), rng.choice(list(CODES)),
                              rng.choice((*ACTORS, None)), rng.choice((*PLACES, None)), i)
                  for i in range(events_per_article)]
        entities = [mention(rng.choice(ACTORS), 10 * i, i) for i in range(2)]
        event_values, entity_values = article_messages(article, events, entities,
                                                       rng.choice(("afp", "bbc", "reuters", None)))
        out["events"] += event_values
        out["entities"] += entity_values
    rule = WatchRule(name="watch-test", window=86400, severity="info")
    for day in range(articles // 100 + 1):
        window = window_of((start + timedelta(days=day)).timestamp(), 86400)
        subject = {"kind": "actor", "code": ACTORS[day % len(ACTORS)], "name": "x"}
        out["alerts"].append(make_alert(rule, subject, window, observed=1, baseline=None,
                                        event_ids=[f"syn-{seed}-{day:05d}:0"],
                                        article_ids=[f"syn-{seed}-{day:05d}"],
                                        created_at="2026-12-01T00:00:00Z", details={}))
    return out


# The known set: nine articles from three outlets about a few clashes; docs/sink.md's examples
# are answered on it (tests/unit/sink/test_docs_examples.py holds the answers).
KNOWN = [  # (article id, outlet, published_at, events as (source, code, target, place))
    ("k01", "reuters", "2026-11-24T08:00:00Z", [("SYRMIL", "190", "SYRREB", "Aleppo"),
                                                ("SYRMIL", "042", "RUSGOV", "Damascus")]),
    ("k02", "afp", "2026-11-24T06:30:00Z", [("SYRMIL", "190", "SYRREB", "Aleppo"),
                                            ("SYRREB", "111", "SYRMIL", "Idlib")]),
    ("k03", "reuters", "2026-11-18T09:00:00Z", [("SYRMIL", "190", "SYRREB", "Homs")]),
    ("k04", "afp", "2026-11-18T10:00:00Z", [("SYRMIL", "190", "SYRREB", "Homs")]),
    ("k05", "afp", "2026-11-26T12:00:00Z", [("TURMIL", "190", "SYRREB", "Azaz")]),
    ("k06", "bbc", "2026-11-26T11:00:00Z", [("TURMIL", "190", "SYRREB", "Azaz")]),
    ("k07", "reuters", "2026-11-27T07:00:00Z", [("SYRMIL", "057", "SYRREB", "Damascus")]),
    ("k08", "afp", "2026-11-28T05:00:00Z", [("SYRREB", "193", "SYRMIL", "Idlib")]),
    ("k09", "reuters", "2026-11-28T09:00:00Z", [("SYRREB", "193", "SYRMIL", "Idlib")]),
]


def known_events() -> list[dict]:
    values = []
    for article_id, outlet, published, events in KNOWN:
        article = {"id": article_id, "published_at": published}
        coded = [coded_event(s, c, t, p, i) for i, (s, c, t, p) in enumerate(events)]
        values += article_messages(article, coded, [], outlet)[0]
    return values
