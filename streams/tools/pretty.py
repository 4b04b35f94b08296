"""Messages as one readable line with names beside the codes (`streams show`, `streams tail
--pretty`); the names come from `streams.labels`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from streams.labels import actor_label, cameo_label, place_label


def actor_text(actor: dict[str, Any] | None, missing: str = "-") -> str:
    """'Syria · military (SYRMIL)'; the code alone when it has no label; `missing` without one."""
    code = (actor or {}).get("code")
    if not code:
        return missing
    label = actor_label(code)
    return f"{label} ({code})" if label else code


def event_line(event: dict[str, Any]) -> str:
    """'Syria · military (SYRMIL) | 191 · impose blockade, restrict movement [FIGHT] | -
    | at Aleppo, Syria': who, what (PLOVER type in brackets), to whom, where."""
    code = event.get("cameo_code") or "?"
    plover = f" [{event['plover_event']}]" if event.get("plover_event") else ""
    return (f"{actor_text(event.get('source'), '?')} | {cameo_label(code) or code}{plover} | "
            f"{actor_text(event.get('target'))} | at {place_label(event.get('location')) or '-'}")


def daily_line(record: dict[str, Any]) -> str:
    """An events.daily record: its date, the event line, and how often it was reported."""
    return (f"{record.get('event_date')} {event_line(record)} | {record.get('num_articles')} "
            f"articles, {record.get('num_sources')} sources, {record.get('num_mentions')} mentions")


def alert_line(alert: dict[str, Any]) -> str:
    """'warning place-spike · Aleppo: observed 12 vs 3.0 (window from 10:00 local)'."""
    subject = alert.get("subject") or {}
    name = (actor_text(subject) if subject.get("kind") == "actor" else subject.get("name")) or "?"
    baseline = f" vs {alert['baseline']}" if alert.get("baseline") is not None else ""
    start = (alert.get("window") or {}).get("start")
    since = f" (window from {local_time(start)})" if start else ""
    return (f"{alert.get('severity', 'info')} {alert.get('rule')} · {name}: "
            f"observed {alert.get('observed')}{baseline}{since}")


def mention_line(mention: dict[str, Any]) -> str:
    """An entities message: the text, and the actor or place it was coded as."""
    if mention.get("kind") == "actor":
        coded = actor_text(mention)
    else:
        coded = f"{place_label(mention) or mention.get('name')} ({mention.get('geonameid')})"
    return f"{mention.get('kind')} {mention.get('text')!r} → {coded} in {mention.get('article_id')}"


LINES = {"events": event_line, "events.daily": daily_line, "alerts": alert_line,
         "entities": mention_line}


def message_line(topic: str, value: Any) -> str | None:
    """The readable line of a contract topic's message; None for topics without one (articles,
    dead letters) or a value that is not an object."""
    line = LINES.get(topic)
    return line(value) if line and isinstance(value, dict) else None


def local_time(moment: str | float | None) -> str:
    """An RFC 3339 string or Unix seconds as local time to the second ('2026-12-06 12:00:05
    CET'); the input unchanged when it is not a time."""
    try:
        when = (datetime.fromtimestamp(moment) if isinstance(moment, int | float)
                else datetime.fromisoformat(str(moment).replace("Z", "+00:00")))
    except (TypeError, ValueError, OverflowError):
        return str(moment)
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
