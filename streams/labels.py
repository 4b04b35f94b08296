"""Names people read for the codes the pipeline emits, from the project's own data.

An actor code becomes its country and role ("SYRMIL" -> "Syria · military"), a CAMEO code its
name in the CAMEO table ("191" -> "191 · impose blockade, restrict movement"), a place its name
and country ("Aleppo, Syria"). Role names are `actor_data.ROLE_NAMES`, the words of the README's
glossary. A code the data does not explain gets no label (None), never a guess.

The `with_*_labels` functions return a copy of a message or table row with optional `*_label`
fields beside the codes, for the HTTP views, `streams show` and `streams tail --pretty`.
"""

from __future__ import annotations

import functools
from typing import Any

from streams.extraction.actor_data import ROLE_NAMES, data_rows, split_values
from streams.extraction.cameo import cameo_table

SEPARATOR = " · "
COUNTRY_LENGTH = 3  # ISO 3166 alpha-3 (or CAMEO's PSE, XKX) before the role


@functools.cache
def country_names() -> dict[str, str]:
    """Alpha-3 code -> English name: countries.tsv's first name, else actors_countries.tsv's
    (which also holds the non-ISO codes CAMEO uses)."""
    names = {code: split_values(names)[0]
             for code, names, *_ in data_rows("actors_countries.tsv") if split_values(names)}
    names.update({row[0]: split_values(row[3])[0]
                  for row in data_rows("countries.tsv", header=False)
                  if len(row) > 3 and split_values(row[3])})
    return names


def country_name(code: str | None) -> str | None:
    return country_names().get(code) if code else None


def actor_label(code: str | None) -> str | None:
    """'SYRMIL' -> 'Syria · military', 'SYR' -> 'Syria', 'IGO' -> 'intergovernmental
    organisation'; None for a code that is not a known country, role, or country and role."""
    if not code:
        return None
    if code in ROLE_NAMES:  # a code without a country: IGO, IMG, NGO, MED, REB, UAF
        return ROLE_NAMES[code]
    country = country_name(code[:COUNTRY_LENGTH])
    role = code[COUNTRY_LENGTH:]
    if country is None or (role and role not in ROLE_NAMES):
        return None
    return f"{country}{SEPARATOR}{ROLE_NAMES[role]}" if role else country


def cameo_label(code: str | None) -> str | None:
    """'191' -> '191 · impose blockade, restrict movement'; a root's capitals are lowered too
    ('19' -> '19 · fight'); None for a code CAMEO has not."""
    entry = cameo_table().get(code or "")
    if entry is None:
        return None
    name = entry.name.lower() if entry.name.isupper() else entry.name[:1].lower() + entry.name[1:]
    return f"{code}{SEPARATOR}{name}"


def place_label(place: dict[str, Any] | None) -> str | None:
    """A place's name and country ('Aleppo, Syria'); a country alone, or a place without one
    (a sea, a region), is its name."""
    if not place or not place.get("name"):
        return None
    name, country = place["name"], country_name(place.get("country"))
    return name if country is None or country == name else f"{name}, {country}"


def _with(value: dict[str, Any], **labels: str | None) -> dict[str, Any]:
    return {**value, **{name: label for name, label in labels.items() if label is not None}}


def with_event_labels(event: dict[str, Any]) -> dict[str, Any]:
    """An `events` message or `events.daily` record with source, target, CAMEO and place labels."""
    return _with(event,
                 source_label=actor_label((event.get("source") or {}).get("code")),
                 target_label=actor_label((event.get("target") or {}).get("code")),
                 cameo_label=cameo_label(event.get("cameo_code")),
                 location_label=place_label(event.get("location")))


def with_alert_labels(alert: dict[str, Any]) -> dict[str, Any]:
    """An alert with its subject's label (an actor's; a place's name is already its label)."""
    subject = alert.get("subject") or {}
    label = actor_label(subject.get("code")) if subject.get("kind") == "actor" else None
    return _with(alert, subject_label=label)


def with_actor_labels(row: dict[str, Any]) -> dict[str, Any]:
    """An actor count row (`code`, ...) with `code_label`."""
    return _with(row, code_label=actor_label(row.get("code")))


def with_place_labels(row: dict[str, Any]) -> dict[str, Any]:
    """A place count row (`geonameid`, `name`, `country`, ...) with `place_label`."""
    return _with(row, place_label=place_label(row))
