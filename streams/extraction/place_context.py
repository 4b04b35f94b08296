"""Article context for choosing among same-named places ("Springfield", "Henry County").

After every field's mentions are found (each place read with the article's countries only), the
article is read as a whole: a name followed by a comma and a division or country ("Oxford,
Mississippi", "SALEM, Ore.") is a place inside that container; the first-level division most of
its places lie in, and the places read without doubt, then favour the same-named candidates in
that division and near those places, before population decides. Two readings come first: a
country's name that is also a division's ("Georgia") is the division where the article's other
places lie in it, and a town read by its size in a country none of the article's other places
may be in is the namesake inside a county the article names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from streams.extraction.place_index import normalise
from streams.extraction.types import Mention, Place
from streams.geo import haversine_km

# bonuses on the gazetteer's score (log10 population plus kind and country bonuses): inside the
# article's main division a town of 5,000 beats a city of 1.5 million elsewhere in the country
ADMIN1_BONUS = 2.5
NEAR_BONUS = 1.5
NEAR_KM = 100.0
# a reading is without doubt when no candidate in another division comes within this margin
CONFIDENT_MARGIN = ADMIN1_BONUS + NEAR_BONUS
# votes for the article's main division: a division named, a town or county in it
_VOTES = {"ADM1": 1.0}
_TOWN_VOTE = 0.5
_MIN_VOTES = 1.0
_QUALIFIERS = {"ADM1", "PCLI"}
_SEPARATORS = {",", ", "}
_FIXED = ("PCL", "CONT")  # countries and continents keep their first reading
MAX_NAMESAKES = 30  # the likeliest namesakes a town read by its size is compared with


@dataclass(frozen=True, slots=True)
class PlaceContext:
    """What the article says about where it is: its main first-level division ("USA.OH", or ""
    when none stands out) and the places it names without doubt, as (name key, lat, lon)."""

    admin1: str = ""
    anchors: tuple[tuple[str, float, float], ...] = ()
    shared: bool = False  # admin1 is only the division several doubtful names could share
    # the candidates of the doubtful names, as (name key, lat, lon): "Oxford and Lafayette
    # County" are the Oxford inside the Lafayette County, whichever state that is
    candidates: tuple[tuple[str, float, float], ...] = ()

    def bonus(self, place: Place, key: str) -> float:
        """What the context adds to a candidate's score for the name `key`."""
        bonus = ADMIN1_BONUS if self.admin1 and place.admin1 == self.admin1 else 0.0
        if any(name != key and haversine_km(lat, lon, place.lat, place.lon) <= NEAR_KM
               for name, lat, lon in self.anchors):
            bonus += NEAR_BONUS
        return bonus + NEAR_BONUS * self._closeness(place, key)

    def _closeness(self, place: Place, key: str) -> float:
        """How near the place lies to a candidate of each other doubtful name: per name, 1 at
        the same point down to 0 at NEAR_KM, summed."""
        nearest: dict[str, float] = {}
        for name, lat, lon in self.candidates:
            if name != key:
                distance = haversine_km(lat, lon, place.lat, place.lon)
                nearest[name] = min(distance, nearest.get(name, NEAR_KM))
        return sum(1.0 - distance / NEAR_KM for distance in nearest.values())


def resolve_in_context(gazetteer, mentions: Sequence[Mention], sources: dict[str, str],
                       countries: Sequence[str]) -> None:
    """Re-read the article's located mentions with its context; mentions are changed in place.

    One name keeps one reading per article: every mention of a name gets the place its
    qualified mention (if any) or its context gives."""
    # a nationality word (type NORP) names its country, whatever the article's context
    located = [m for m in mentions
               if m.kind == "location" and m.place is not None and m.type != "NORP"]
    if not located:
        return
    by_name: dict[str, list[Mention]] = defaultdict(list)
    for mention in located:
        by_name[mention.lookup_name or mention.text].append(mention)
    containers = _qualifiers(located, sources)
    readings: dict[str, tuple[Place, bool]] = {}
    qualified = set()
    for name, group in by_name.items():
        within = next((containers[id(m)] for m in group if id(m) in containers), None)
        readings[name] = _first_reading(gazetteer, name, countries, within, group[0].place)
        if within is not None:
            qualified.add(name)
    _read_country_names_as_divisions(gazetteer, readings)
    plausible = {name: _plausible_places(gazetteer, name, countries)
                 for name, (_, sure) in readings.items() if not sure}
    _read_lone_towns_where_others_lie(gazetteer, readings, plausible, qualified, countries)
    context = article_context(readings, {name: len(group) for name, group in by_name.items()})
    if not context.admin1:
        context = PlaceContext(shared_division([_divisions(places, countries)
                                                for places in plausible.values()]),
                               context.anchors, shared=True)
    context = replace(context, candidates=tuple(
        (normalise(name), place.lat, place.lon) for name, places in plausible.items()
        for place in places))
    for name, group in by_name.items():
        place, confident = readings[name]
        if context.shared and place.feature_code == "ADM1":
            confident = True  # a guess from doubtful names never turns a division into a town
        if place.feature_code.startswith("PCL") and context.admin1 and not context.shared:
            place = _division_named(gazetteer, name, context.admin1) or place  # "Georgia"
        if not confident and (context.admin1 or context.anchors or context.candidates):
            within = next((containers[id(m)] for m in group if id(m) in containers), None)
            place = gazetteer.lookup(_lookup_name(gazetteer, name), countries, context, within) or place
        for mention in group:
            mention.place = place


def article_context(readings: dict[str, tuple[Place, bool]], counts: dict[str, int]) -> PlaceContext:
    """The main division (votes from the places read without doubt) and their points."""
    votes: Counter[str] = Counter()
    anchors = []
    for name, (place, confident) in readings.items():
        if not confident or not place.admin1:
            continue
        votes[place.admin1] += _VOTES.get(place.feature_code, _TOWN_VOTE) * counts.get(name, 1)
        if place.feature_class == "P" or place.feature_code == "ADM2":
            anchors.append((normalise(name), place.lat, place.lon))
    ranked = votes.most_common(2)
    admin1 = ""
    if ranked and ranked[0][1] >= _MIN_VOTES and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        admin1 = ranked[0][0]
    return PlaceContext(admin1, tuple(anchors))


def shared_division(plausible: Sequence[set[str]]) -> str:
    """The one division that most doubtful names could lie in, when at least two could: an
    article naming "Paris" and "Dallas" is about the Paris in Texas."""
    votes = Counter(division for divisions in plausible for division in divisions)
    ranked = votes.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return ""


def _divisions(places: Sequence[Place], countries: Sequence[str]) -> set[str]:
    """The divisions of a name's plausible candidates: inside the article's first country, when
    it has one."""
    home = countries[0] if countries else None
    return {p.admin1 for p in places if p.admin1 and (home is None or p.country == home)}


def _plausible_places(gazetteer, name: str, countries: Sequence[str]) -> list[Place]:
    """The candidates that the context could still make the name's reading."""
    ranked = gazetteer.ranked(_lookup_name(gazetteer, name), countries)
    if not ranked:
        return []
    top, best = ranked[0]
    return [p for s, p in ranked
            if s + (gazetteer.country_bonus if p.country != best.country else 0.0)
            > top - CONFIDENT_MARGIN]


def _first_reading(gazetteer, name: str, countries: Sequence[str], within: Place | None,
                   current: Place) -> tuple[Place, bool]:
    """The place without article context, and whether it is without doubt."""
    fixed = current.feature_code.startswith(_FIXED)
    # "Lebanon, Ohio": a country's name inside a division is a town; "China, Japan" is a list
    if within is not None and (not fixed or within.feature_code == "ADM1"):
        place = gazetteer.lookup(_lookup_name(gazetteer, name), countries, within=within) or current
        return place, True
    if fixed:
        return current, True
    ranked = gazetteer.ranked(_lookup_name(gazetteer, name), countries)
    if not ranked:
        return current, False
    top, best = ranked[0]
    # a rival in another country would have that country's bonus in an article about it
    rivals = (s + (gazetteer.country_bonus if p.country != best.country else 0.0)
              for s, p in ranked[1:] if (p.admin1 or p.country) != (best.admin1 or best.country))
    confident = all(score <= top - CONFIDENT_MARGIN for score in rivals)
    return current, confident and current == best


def _read_country_names_as_divisions(gazetteer, readings: dict[str, tuple[Place, bool]]) -> None:
    """A country's name that is also a division's ("Georgia") names the division when more of
    the article's other names lie in that division (at their likeliest reading: "Savannah") than
    in the country; `readings` is changed in place."""
    ranked = {name: gazetteer.ranked(_lookup_name(gazetteer, name))
              for name, (place, _) in readings.items() if place.feature_code.startswith("PCL")}
    homonyms = {name: divisions for name, candidates in ranked.items()
                if (divisions := [p for _, p in candidates if p.feature_code == "ADM1"])}
    if not homonyms:
        return
    for name in readings.keys() - ranked.keys():  # the other names, only where needed
        ranked[name] = gazetteer.ranked(_lookup_name(gazetteer, name))
    likeliest = {name: candidates[0][1] for name, candidates in ranked.items() if candidates}
    for name, divisions in homonyms.items():
        others = [p for other, p in likeliest.items() if other != name]
        in_country = sum(p.country == readings[name][0].country for p in others)
        for division in divisions:
            if sum(p.admin1 == division.admin1 for p in others) > in_country:
                readings[name] = (division, True)
                break


def _read_lone_towns_where_others_lie(gazetteer, readings: dict[str, tuple[Place, bool]],
                                      plausible: dict[str, list[Place]], qualified: set[str],
                                      countries: Sequence[str]) -> None:
    """A town read by its size ("Paris", France) in a country where none of the article's other
    places may be, while a namesake lies in a county the article names ("Paris" with "Bourbon
    County", Kentucky), is that namesake; `readings` is changed in place. Only counties vouch:
    the namesakes of doubtful towns lie near too many places by chance."""
    candidates = {name: plausible[name] if name in plausible else [place]
                  for name, (place, _) in readings.items()}
    counties = {name: [(p.lat, p.lon) for p in places if p.feature_code == "ADM2"]
                for name, places in candidates.items()}
    for name, (place, _) in list(readings.items()):
        if name in qualified or place.feature_class != "P":
            continue
        if any(p.country == place.country for other, places in candidates.items()
               if other != name for p in places):
            continue  # another place of the article is in the same country
        around = [near for other, near in counties.items() if other != name and near]
        best = None
        for _, namesake in gazetteer.ranked(_lookup_name(gazetteer, name), countries)[:MAX_NAMESAKES]:
            support = _support(namesake, around) if namesake.feature_class == "P" else 0
            if support and (best is None or support > best[0]):
                best = (support, namesake)
        if best is not None:
            readings[name] = (best[1], True)


def _support(place: Place, others: Sequence[Sequence[tuple[float, float]]]) -> int:
    """How many other names have a candidate within NEAR_KM of the place."""
    return sum(any(haversine_km(lat, lon, place.lat, place.lon) <= NEAR_KM for lat, lon in near)
               for near in others)


def _division_named(gazetteer, name: str, admin1: str) -> Place | None:
    """The article's main division when the name is also that division's ("Georgia")."""
    return next((p for _, p in gazetteer.ranked(_lookup_name(gazetteer, name))
                 if p.feature_code == "ADM1" and p.admin1 == admin1), None)


def _qualifiers(located: list[Mention], sources: dict[str, str]) -> dict[int, Place]:
    """Mentions followed by ", <division or country>": id(mention) -> the container."""
    found: dict[int, Place] = {}
    ordered = sorted(located, key=lambda m: (m.field, m.start))
    for mention, following in zip(ordered, ordered[1:], strict=False):
        if mention.field != following.field or following.place.feature_code not in _QUALIFIERS:
            continue
        if sources[mention.field][mention.end : following.start] in _SEPARATORS:
            found[id(mention)] = following.place
    return found


def _lookup_name(gazetteer, text: str) -> str:
    """The name to look up: an all-caps dateline or headline word is read in title case."""
    if text.isupper() and not gazetteer.contains(text):
        return text.title()
    return text

