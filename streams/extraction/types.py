"""Value types shared by the extraction steps (no NLP, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A GeoNames place."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-3, "" when the place has none (a continent, an ocean)
    feature_class: str  # GeoNames class: P populated place, A country/region, L area/continent, ...
    feature_code: str = ""  # GeoNames code: PPLC capital, PCLI country, ADM1 region, CONT ...
    population: int = 0
    admin1: str = ""  # first-level division, "USA.IL" (alpha-3 and GeoNames admin1 code); "" if none

    def as_dict(self) -> dict:
        return {
            "geonameid": self.geonameid,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "feature_class": self.feature_class,
        }


@dataclass(slots=True)
class Mention:
    """One entity mention inside one field ("title" or "body") of an article.

    start/end are Python code-point offsets into that field's string (end exclusive).
    """

    text: str
    field: str
    start: int
    end: int
    type: str  # OntoNotes label: PERSON, ORG, GPE, LOC, NORP, FAC, ...
    sentence_index: int = 0
    kind: str = ""  # "actor" or "location"
    code: str | None = None  # actor code (SYRGOV, USAGOV, RUS, IGO, ...)
    place: Place | None = None
    nominal: bool = False  # a common-noun actor ("government forces"), not a named entity
    nested: bool = False  # a place named inside an organisation's name ("Springfield Police")
    # a capital standing for its government ("Moscow said"): a place named, not where events
    # happen (not published)
    metonym: bool = False
    # the name the place is looked up by when not the text: "Walton County" for the "Walton" of
    # "Walton and Oconee counties" (not published)
    lookup_name: str | None = None
