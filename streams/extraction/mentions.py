"""Find actor and place mentions in a parsed field: spaCy NER, corrected by the gazetteers.

spaCy's small model mislabels places it has rarely seen (a city tagged NORP, a suburb tagged
PERSON). A span whose label disagrees with the gazetteers is re-labelled when the gazetteer place
lies in one of the article's countries, so a person called like a far-away town stays a person.
A place inside a name is a nested location beside the name's own mention ("Springfield" of the
"Springfield Police Department", "Tulsa" of "West Tulsa").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Span

from streams.extraction.acronyms import long_form
from streams.extraction.county_lists import county_lists
from streams.extraction.datelines import find_dateline
from streams.extraction.nlp import text_of
from streams.extraction.party_tags import party_tags
from streams.extraction.results_lines import split_at_scores, team_of, team_spans
from streams.extraction.sports_results import result_sides
from streams.extraction.types import Mention, Place
from streams.extraction.untagged_places import locative_names

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
# what a generic actor phrase may contain and take its country from ("Syrian", "Iraq's")
OWNER_TYPES = {"NORP", "GPE"}
# Dependency roles in which a place name stands for its government ("Moscow backtracked").
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "iobj", "agent", "dative"}
ARGUMENT_PREPS = {"with", "against", "by", "to", "from", "on"}
TITLE_DEPS = {"compound", "amod", "nmod", "poss", "case"}  # "Kyrgyz Prime Minister", "Chile's"
COUNTRY_CODES = {"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "TERR"}
AREA_CODES = COUNTRY_CODES | {"ADM1", "CONT", "RGN"}
# words after a name that make it a street's, not a town's ("Brantley Street"); not "court" (a
# county's court names the county) nor "bridge"; "st" is also "Paris St Germain"
STREET_WORDS = ("street", "road", "rd", "avenue", "ave", "drive", "boulevard", "blvd",
                "lane", "ln", "highway", "hwy", "route", "turnpike", "parkway", "pkwy", "pike",
                "trail", "expressway", "freeway", "circle")
PLURAL_STREET_WORDS = ("streets", "roads", "avenues", "drives", "boulevards", "lanes")
# a capitalised street word names a street ("Brantley Street"); a lower-case one after a town is
# the town's ("a Denver street", "on Lisbon's streets") unless "and" joins two names before it
_STREET_AFTER = re.compile(
    rf"\s+and(?:\s+[A-Z][\w.'-]*){{1,3}}\s+(?i:{'|'.join(PLURAL_STREET_WORDS)})\b"
    rf"|\s+(?:{'|'.join(w.capitalize() for w in STREET_WORDS + PLURAL_STREET_WORDS)})\b")
_PLURAL_STREET_AFTER = re.compile(rf"\s+(?i:{'|'.join(PLURAL_STREET_WORDS)})\b")
_NAME_AND_BEFORE = re.compile(r"[A-Z][\w.'-]*\s+and\s+$")
# OntoNotes spans often start with "the" and end with a possessive; names do not.
LEADING_WORDS = {"the"}
TRAILING_WORDS = {"'s", "'", "’s", "’"}
# a town named inside an organisation's name must be this large ("King Nut" is not King, NC)
NESTED_TOWN_POPULATION = 15000
# ...unless the name's other words are a local public body's, which serves the place it names
# ("the Hopkinton Police Department", "Oakdale Fire Department"); schools and hospitals are not
# among them: they are named after people too ("Roosevelt High School")
LOCAL_BODY_WORDS = {"police", "sheriff", "sheriff's", "sheriff’s", "fire", "council", "library",
                    "township", "selectmen", "aldermen", "commissioners", "constabulary"}
# the gazetteer has no townships; one is read as the town it is named after, in the article's
# countries ("Hamilton Township": the township holds or lies near a Hamilton)
TOWNSHIP_WORDS = {"township", "twp"}
# offices held in an organisation, not in a person's name ("Ericsson chairman"); not
# "spokesman": a president's spokesman is named after the president
OFFICES = ("chairman", "chairwoman", "ceo", "chief executive", "general manager",
           "shareholders", "board", "executives")
_WORD_BEFORE_OFFICE = re.compile(rf"(?<![\w.&'-])([\w.&'-]+)\s+(?i:{'|'.join(OFFICES)})\b")
# words before a place's name that narrow it to a part ("West Tulsa", "downtown Omaha")
AREA_QUALIFIERS = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "n", "s", "e", "w", "ne", "nw", "se", "sw", "central", "historic", "downtown", "greater",
    "upper", "lower", "rural", "suburban", "northern", "southern", "eastern", "western"})
# names whose nationality words are located too; a PERSON's ("Dutch Schultz") are not
DEMONYM_HOSTS = {"ORG", "NORP"}
PUBLICATION_WORDS = {"times", "post", "daily", "news", "journal", "herald", "tribune", "gazette",
                     "chronicle", "star", "telegraph", "courier", "examiner", "register",
                     "observer", "inquirer", "sentinel", "dispatch", "globe", "mail", "record"}
MAX_TEAM_WORDS = 3  # an untagged run longer than this is more than a club's name
_NUMERIC = re.compile(r"^[\d.,:/\-–]+$")  # scores and figures: "114", "4-28", "2-0"


class MentionFinder:
    def __init__(self, gazetteer, actor_coder):
        self.gazetteer = gazetteer
        self.actors = actor_coder

    def at(self, day) -> MentionFinder:
        """This finder for an article of `day` (a date, or None): people are coded as of then."""
        return MentionFinder(self.gazetteer, self.actors.at(day))

    def article_countries(self, docs: Iterable) -> list[str]:
        """The article's countries, most relevant first: the context for coding and geocoding.

        Place names vote through the gazetteer (which ignores names that could be in several
        countries); nationality words ("Syrian") add the countries no place name gave.
        """
        places, nationalities, known_actors = [], Counter(), Counter()
        for doc in docs:
            for ent in doc.ents:
                if ent.label_ in PLACE_LABELS:
                    places.append(ent.text)
                elif ent.label_ == "NORP" and (country := self.actors.country_of(ent.text)):
                    nationalities[country] += 1
                elif ent.label_ in {"PERSON", "ORG"} and (country := self._actor_country(ent.text)):
                    known_actors[country] += 1
        countries = self.gazetteer.article_countries(places)
        for votes in (nationalities, known_actors):  # weaker evidence, in that order
            countries += [c for c, _ in votes.most_common() if c not in countries]
        return countries

    def _actor_country(self, text: str) -> str | None:
        """The country of a known person or organisation ("UNITA" -> AGO), if it has one."""
        code = self.actors.code(text, "ORG")
        country = code[:3] if code else None
        return country if country and self.gazetteer.country_place(country) else None

    def find(self, doc, field: str, countries: list[str], sentence_offset: int,
             source: str | None = None) -> list[Mention]:
        """The field's mentions; `source` is the field's own text (the doc may be re-cased)."""
        context = countries[0] if countries else None
        sentence_of = _sentence_index(doc, sentence_offset)
        mentions: list[Mention] = []
        # results lines ("Dover 3 Ashford United 1") and results in prose ("Essex beat Kent")
        teams = team_spans(doc) | result_sides(doc)
        for ent in doc.ents:
            for name in name_spans(ent):
                for part in split_at_scores(name, teams) if teams else (name,):
                    if teams and team_of(part, teams):
                        if self.gazetteer.country_code(part.text):  # a national team
                            part = Span(doc, part.start, part.end, label="GPE")
                        elif self._is_team(part):
                            mentions.append(_team(part, field))
                            continue
                    mentions.extend(self._classify(part, field, countries, context))
        if teams:
            mentions += self._unnamed_teams(doc, field, teams)
        for start, end, code in self.actors.find_generic(doc, context):
            text = text_of(doc)
            generic = Mention(text[start:end], field, start, end, "ORG", kind="actor", code=code,
                              nominal=True)
            mentions = _merge_generic(mentions, generic)
        mentions = self._with_county_lists(doc, mentions, field, countries)
        mentions = self._with_party_tags(text_of(doc), mentions, field, countries)
        mentions += self._untagged_places(doc, mentions, field, countries)
        if field == "body":
            mentions = self._with_dateline(mentions, field, source or text_of(doc), countries)
        for mention in mentions:
            mention.sentence_index = sentence_of(mention.start)
        mentions.sort(key=lambda m: (m.start, m.kind))
        return mentions

    def _classify(self, ent, field: str, countries: list[str], context: str | None):
        label, text = ent.label_, ent.text
        if label == "ORG" and self.gazetteer.country_code(text):
            ent = Span(ent.doc, ent.start, ent.end, label="GPE")  # "Moldova" tagged ORG
            label = "GPE"
        elif label == "PERSON" and len(ent) == 1 and self._is_demonym(text):
            ent = Span(ent.doc, ent.start, ent.end, label="NORP")  # "Kenyan" tagged PERSON
            label = "NORP"
        if (_names_a_street(text_of(ent.doc), ent.start_char, ent.end_char)
                and not self._names_an_area(text, countries)):
            return []  # "Brantley Street", "Elmwood and Carver streets": no town, no person
        mention = Mention(text, field, ent.start_char, ent.end_char, label)
        if label in PLACE_LABELS:
            return self._place_mentions(ent, mention, countries, context)
        code = (self._code_with_article(ent) or self.actors.code(text, label, context)
                or self._long_form_code(ent, context) or self._titled_code(ent, context))
        if code:
            code = _ethnic_group_code(ent, code, context)
            return [_as_actor(mention, code), *self._places_in_name(ent, field, countries)]
        if label in ACTOR_LABELS:
            place = self._local_place(text, countries)
            if place:  # a mislabelled place: trust the gazetteer inside the article's countries
                mention.type = "GPE"
                return [_as_location(mention, place)]
            # uncoded: reported, but not counted
            return [_as_actor(mention, None), *self._places_in_name(ent, field, countries)]
        return []

    def _is_demonym(self, text: str) -> bool:
        """A nationality word ("Kenyan", "Kurds"), not a country's name ("Jordan")."""
        return self.actors.country_of(text) is not None and not self.gazetteer.country_code(text)

    def _code_with_article(self, ent) -> str | None:
        """"the Security Council" is the UN's (IGO), a "security council" any state's; so is
        "a Security Council statement", where the article is the next noun's."""
        doc = ent.doc
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        modifies = ent.end < len(doc) and doc[ent.end].is_lower and doc[ent.end].is_alpha
        after_the = (ent[0].lower_ == "the" or before == "the"
                     or (before in ("a", "an") and modifies))
        named = all(word.is_title or word.is_upper for word in ent if word.lower_ != "the")
        return self.actors.named_with_article(ent.text) if after_the and named else None

    def _long_form_code(self, ent, context: str | None) -> str | None:
        """An acronym the article defines is coded as its long form ("the Ministry of Foreign Affairs
        (MFA)")."""
        text = long_form(ent.doc, ent.text)
        return self.actors.code(text, ent.label_, context) if text else None

    def _is_team(self, name) -> bool:
        """A name before a score in a results line is a team, unless the NER took it for a
        person (a golfer's scores) and it is not one word named like a town."""
        return name.label_ != "PERSON" or (len(name) == 1 and self.gazetteer.contains(name.text))

    def _unnamed_teams(self, doc, field: str, teams: set[tuple[int, int]]) -> list[Mention]:
        """Teams the NER did not tag: short runs named after a town ("Watford 4 2 0 2")."""
        tagged = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        found = []
        for start, end in sorted(teams):
            span = doc[start:end]
            if (end - start <= MAX_TEAM_WORDS and not tagged.intersection(range(start, end))
                    and not self.gazetteer.country_code(span.text)
                    and (self.gazetteer.contains(span.text)
                         or self.gazetteer.contains(doc[start].text))):
                found.append(_team(span, field))
        return found

    def _places_in_name(self, ent, field: str, countries: list[str]) -> list[Mention]:
        """The places an actor's name gives besides the actor: a town or country it is named
        after, and the countries of the nationality words in it."""
        places = self._nested_places(ent, field, countries)
        return places + [m for m in self._demonym_places(ent, field)
                         if not any(p.start < m.end and m.start < p.end for p in places)]

    def _demonym_places(self, ent, field: str) -> list[Mention]:
        """A nationality word is a mention of its country ("Egyptian troops"), typed NORP: the
        whole span, or (nested) each one inside a larger name ("the Egyptian Foreign Ministry",
        "Iraqi Kurds"). The actor mention stays; this one says where."""
        if ent.label_ == "NORP" and (place := self._nationality_country(ent.text)):
            return [Mention(ent.text, field, ent.start_char, ent.end_char, "NORP",
                            kind="location", place=place)]
        if ent.label_ not in DEMONYM_HOSTS or ent[-1].lower_ in PUBLICATION_WORDS:
            return []  # "the Turkish Daily News" is a newspaper, as for towns above
        found, i = [], ent.start
        while i < ent.end:
            for width in (2, 1):  # "South Korean" before "Korean"
                span = ent.doc[i : i + width]
                if i + width > ent.end or not all(t.is_title for t in span):
                    continue
                place = self._nationality_country(span.text)
                if place is not None and self.gazetteer.country_code(span.text) is None:
                    found.append(Mention(span.text, field, span.start_char, span.end_char,
                                         "NORP", kind="location", place=place, nested=True))
                    i += width - 1
                    break
            i += 1
        return found

    def _nationality_country(self, text: str) -> Place | None:
        """The country of a nationality word or country name ("Turks", "Saudi"), else None."""
        country = self.actors.country_of(text)
        return self.gazetteer.country_place(country) if country else None

    def _nested_places(self, ent, field: str, countries: list[str]) -> list[Mention]:
        """The place an organisation is named after: its leading words ("Springfield Police
        Department") or the words after "of" ("University of Chicago")."""
        if ent.label_ != "ORG" or len(ent) < 2 or ent[-1].lower_ in PUBLICATION_WORDS:
            return []  # "the Springfield Times" is a newspaper, not a mention of the town
        doc, words = ent.doc, list(ent)
        spans = [(ent.start, ent.start + k) for k in range(len(words) - 1, 0, -1)]
        spans += [(t.i + 1, ent.end) for t in words[1:-1] if t.lower_ == "of"]
        for first, last in spans:
            if not all(_capitalised(doc[i]) for i in range(first, last)):
                continue
            if last < ent.end and doc[last].lower_ == "of":
                continue  # "University of ...": the head word is not a place
            span = doc[first:last]
            local_body = _local_body(doc[last : ent.end])
            place = self._local_place(span.text, countries)
            if place is not None and (place.feature_class != "P"
                                      or place.population >= NESTED_TOWN_POPULATION
                                      or local_body) \
                    and self.actors.country_of(span.text) in (None, place.country):
                return [Mention(span.text, field, span.start_char, span.end_char, "GPE",
                                kind="location", place=place, nested=True)]
        return []

    def _with_county_lists(self, doc, mentions: list[Mention], field: str,
                           countries: list[str]) -> list[Mention]:
        """Each name of "Walton and Oconee counties" is its county, whatever the NER made of it."""
        for start, end, name in county_lists(doc):
            place = self.gazetteer.lookup(name, countries)
            if place is None or place.feature_code != "ADM2":
                continue
            mentions = [m for m in mentions if m.end <= start or end <= m.start]
            mentions.append(Mention(text_of(doc)[start:end], field, start, end, "GPE",
                                    kind="location", place=place, lookup_name=name))
        return mentions

    def _with_party_tags(self, text: str, mentions: list[Mention], field: str,
                         countries: list[str]) -> list[Mention]:
        """The place of "Rep. Jane Roe, D-Calif., said" is a place, whatever the NER made of it."""
        for start, end in party_tags(text):
            name, place = text[start:end], None
            if name.endswith("."):  # "Pa." and "N.D." are written so; "D-Hardy." ends a sentence
                place = self.gazetteer.lookup(name, countries)
                if place is None or place.feature_code != "ADM1":
                    name, end, place = name[:-1], end - 1, None
            for candidate in (name, f"{name}.", f"{name} County"):  # "Calif", "Kanawha"
                if place is None and self.gazetteer.contains(candidate):
                    place = self.gazetteer.lookup(candidate, countries)
            if place is None:
                continue
            mentions = [m for m in mentions if m.end <= start - 2 or end <= m.start]
            mentions.append(Mention(name, field, start, end, "GPE", kind="location", place=place))
        return mentions

    def _untagged_places(self, doc, mentions: list[Mention], field: str,
                         countries: list[str]) -> list[Mention]:
        """Towns and regions the NER missed after a preposition of place ("in Euclid"), where
        no mention is yet (a county list's: "in Butler and Warren counties")."""
        found = []
        for start, end in locative_names(doc):
            span = doc[start:end]
            if any(m.start < span.end_char and span.start_char < m.end for m in mentions):
                continue
            place = self._local_place(span.text, countries)
            if place is None or (place.feature_class == "P"
                                 and place.population < NESTED_TOWN_POPULATION):
                continue
            found.append(Mention(span.text, field, span.start_char, span.end_char, "GPE",
                                 kind="location", place=place))
        return found

    def _with_dateline(self, mentions: list[Mention], field: str, text: str,
                       countries: list[str]) -> list[Mention]:
        """The dateline's place (and its qualifier's) replaces what the NER made of it."""
        line = find_dateline(text)
        if line is None:
            return mentions
        container = self.gazetteer.lookup(line.qualifier, countries) if line.qualifier else None
        if container is not None and container.feature_code not in ("ADM1", "PCLI"):
            container = None
        place = self.gazetteer.lookup(line.lookup_name, countries, within=container)
        if place is None:
            return mentions
        kept = [m for m in mentions if m.end <= line.start or line.end <= m.start]
        kept.append(Mention(line.name, field, line.start, line.end, "GPE", kind="location",
                            place=place))
        if container is not None and not any(m.start < line.qualifier_end
                                             and line.qualifier_start < m.end for m in kept):
            kept.append(Mention(line.qualifier, field, line.qualifier_start, line.qualifier_end,
                                "GPE", kind="location", place=container))
        return kept

    def _titled_code(self, ent, context: str | None) -> str | None:
        """Code an unknown person by the title before the name: "Kyrgyz Prime Minister X"."""
        if ent.label_ != "PERSON":
            return None
        doc, start = ent.doc, ent.start
        while start > 0 and doc[start - 1].dep_ in TITLE_DEPS and doc[start - 1].head.i >= start - 1 \
                and doc[start - 1].head.i < ent.end + 1:
            start -= 1
        if start == ent.start:
            return None
        return self.actors.code(doc[start : ent.end].text, "PERSON", context)

    def _place_mentions(self, ent, mention: Mention, countries, context) -> list[Mention]:
        place = self.gazetteer.lookup(ent.text, countries)
        if place is None and text_of(ent.doc)[ent.end_char : ent.end_char + 1] == ".":
            place = self.gazetteer.lookup(ent.text + ".", countries)  # "W.Va" of "W.Va."
        if place is None and len(ent) > 1 and ent[-1].lower_.rstrip(".") in TOWNSHIP_WORDS:
            place = self._local_place(ent[:-1].text, countries)  # "Hamilton Township"
            mention.lookup_name = ent[:-1].text if place else None  # read in context as the town
        country = self.gazetteer.country_code(ent.text)
        capital_of = self.actors.capital_country(ent.text)
        found = []
        if place:
            found.append(_as_location(mention, place))
        if capital_of and _is_argument(ent):  # "Moscow backtracked": the government acts too
            mention.metonym = True
            return [*found, _actor_beside(mention, f"{capital_of}GOV")]
        if country and _is_argument(ent):  # "a deal with Russia": the state acts too
            found.append(_actor_beside(mention, self.actors.code(ent.text, "GPE", context) or country))
        if not found:
            code = self.actors.code(ent.text, ent.label_, context)
            if code:
                return [_as_actor(mention, code)]
            # "West Tulsa", "the Pike County Courthouse": the place named inside
            found = [_as_location(mention, None), *self._place_inside(ent, mention.field, countries)]
        return found

    def _place_inside(self, ent, field: str, countries: list[str]) -> list[Mention]:
        """The place inside a place-like name the gazetteer does not know: after a word of
        direction ("West Tulsa", "N.E. Omaha"), or a county or state leading a building,
        office or body ("Pike County Jail", "Ohio Democratic Party")."""
        doc, start = ent.doc, ent.start
        while start < ent.end - 1 and doc[start].lower_.replace(".", "") in AREA_QUALIFIERS:
            start += 1
        if start > ent.start:
            spans = [(start, ent.end)]
        elif ent.label_ != "FAC":  # a street or a building is named after anything
            spans = [(ent.start, last) for last in range(ent.end - 1, ent.start, -1)]
        else:
            spans = []
        for first, last in spans:
            span = doc[first:last]
            if not all(_capitalised(word) for word in span) or span[-1].lower_ == "of":
                continue
            place = self._local_place(span.text, countries)
            if place is None and self.gazetteer.contains(span.text):
                place = self.gazetteer.lookup(span.text, countries)
                place = place if place and place.population >= NESTED_TOWN_POPULATION else None
            if place is not None and (first > ent.start or _is_area(place)) \
                    and not _part_of_name(span.text, place):
                return [Mention(span.text, field, span.start_char, span.end_char, ent.label_,
                                kind="location", place=place, nested=True)]
        return []

    def _names_an_area(self, text: str, countries: list[str]) -> bool:
        """A country, division or region by name ("Nebraska" of "Nebraska Turnpike")."""
        place = self.gazetteer.lookup(text, countries) if self.gazetteer.contains(text) else None
        return place is not None and _is_area(place)

    def _local_place(self, text: str, countries: list[str]) -> Place | None:
        """A place the NER mislabelled: a country or region by name, or a town of the article's
        countries. A person named like a far-away town ("Obama", Japan) is left a person."""
        if not self.gazetteer.contains(text):
            return None
        place = self.gazetteer.lookup(text, countries)
        if place is None:
            return None
        if place.feature_code in AREA_CODES or place.feature_class == "L":
            return place
        return place if place.country in countries else None


def _capitalised(word) -> bool:
    """A word of a name: "Springfield", "SPRINGFIELD", and "McMinn" or "DeKalb", which
    str.istitle (spaCy's is_title) refuses."""
    return word.text[:1].isupper()


def _local_body(words) -> bool:
    """Do the words name a town's own public body ("Police Department", "Public Library")?"""
    return any(word.lower_ in LOCAL_BODY_WORDS for word in words)


def _part_of_name(text: str, place: Place) -> bool:
    """"Rock" of "Little Rock", "Springs" of "Hot Springs": a word of a longer name
    found by the gazetteer's partial matching, too weak inside another name."""
    words, name = text.casefold(), place.name.casefold()
    return words != name and words in name


def _is_area(place: Place) -> bool:
    """A country, a division or a region: "Nebraska Turnpike" and "Idaho Highway Patrol" name it."""
    return place.feature_code in AREA_CODES or place.feature_class in ("A", "L")


def _names_a_street(text: str, start: int, end: int) -> bool:
    """Is the name at text[start:end] a street's: followed by a street word ("Brantley Street",
    "Elmwood Road"), or one of two names joined by "and" before a plural one ("Elmwood
    and Carver streets")?"""
    if _STREET_AFTER.match(text, end):
        return True
    return (_PLURAL_STREET_AFTER.match(text, end) is not None
            and _NAME_AND_BEFORE.search(text, max(0, start - 40), start) is not None)


def repeat_names(fields: list[tuple], sources: dict[str, str]) -> None:
    """Add the mentions the NER missed of names it found elsewhere in the same article.

    One name, one reading per article: if "Aleppo" is a place once, every other "Aleppo" is that
    place too, and a person's surname alone is that person. Only places and named persons and
    organisations are repeated; a capital read as its government depends on its sentence, and
    nominal actors on their phrase. A repeat takes the reading (type, code, place), not the
    text: its text is its own slice of the source ("SYRIA" in a headline the NER read re-cased).
    `fields` is [(field name, doc, mentions, sentence offset)]; mentions are added in place.
    `sources` maps each field name to the string its offsets index into, the article's own.
    """
    readings: dict[str, Mention] = {}
    for mention in (m for _, _, mentions, _ in fields for m in mentions if _repeatable(m)):
        names = [mention.text]
        if mention.type == "PERSON" and len(mention.text.split()[-1]) > 2:
            names.append(mention.text.split()[-1])  # "Dana Whitcombe" ... later "Whitcombe"
        for name in names:
            seen = readings.get(name)
            if seen is None or (mention.type == "PERSON" and seen.type != "PERSON"):
                readings[name] = mention
    if not readings:
        return
    offices = _office_holders(fields, readings)
    readings.update(offices)
    _agree_on_persons(fields, readings)
    for _, _, mentions, _ in fields:  # the NER's "Ericsson said" is the company too
        for mention in mentions:
            if mention.type == "PERSON" and (office := offices.get(mention.text)):
                mention.type, mention.kind, mention.code = "ORG", "actor", office.code
    names = "|".join(map(re.escape, sorted(readings, key=len, reverse=True)))
    pattern = re.compile(rf"\b(?:{names})\b")
    for field, doc, mentions, offset in fields:
        sentence_of, source = _sentence_index(doc, offset), sources[field]
        taken = [(m.start, m.end) for m in mentions]
        for match in pattern.finditer(text_of(doc)):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            seen = readings[match.group()]
            if seen.kind == "location" and _names_a_street(text_of(doc), start, end):
                continue  # the town's name as a street's ("Brantley Street")
            mentions.append(Mention(source[start:end], field, start, end, seen.type,
                                    sentence_of(start), seen.kind, seen.code, seen.place))
        mentions.sort(key=lambda m: (m.start, m.kind))


def _office_holders(fields: list[tuple], readings: dict[str, Mention]) -> dict[str, Mention]:
    """One-word names read as persons or organisations that the article writes before an office
    only an organisation has, anywhere ("Ericsson chairman"): name -> its reading as an ORG."""
    before_offices = {match.group(1) for _, doc, _, _ in fields
                      for match in _WORD_BEFORE_OFFICE.finditer(text_of(doc))}
    found = {}
    for name in before_offices & readings.keys():
        seen = readings[name]
        if seen.text != name or (seen.type == "PERSON" and seen.code):
            continue  # a surname of a full name, a known person ("Putin"): a person's office
        if seen.type in ("PERSON", "ORG"):
            found[name] = replace(seen, type="ORG", kind="actor",
                                  code=seen.code if seen.type == "ORG" else None)
    return found


def _agree_on_persons(fields: list[tuple], readings: dict[str, Mention]) -> None:
    """A name read as a person anywhere in the article is a person everywhere: "Whitcombe" tagged
    ORG, or "Duran" taken for a town after "Elena Duran" was named. Not a country that other
    places or nationality words of the article lie in: a headline's "Visiting Jordan" read as a
    person does not make the Jordan beside "Amman" and "Jordanian" its surname."""
    located = [m for _, _, mentions, _ in fields for m in mentions
               if m.kind == "location" and m.place is not None]
    for _, _, mentions, _ in fields:
        for mention in mentions:
            seen = readings.get(mention.text)
            if (mention.nominal or not seen or seen.type != "PERSON" or mention.type == "PERSON"
                    or mention.lookup_name):
                continue
            if mention.kind == "location" and _country_named_around(mention, located):
                continue
            if mention.type == "ORG" or (mention.kind == "location" and seen.text != mention.text):
                mention.type, mention.kind = "PERSON", "actor"
                mention.code, mention.place = seen.code, None


def _country_named_around(mention: Mention, located: list[Mention]) -> bool:
    """Is the mention a country that another name of the article (a place in it, its
    nationality word) places the article in?"""
    place = mention.place
    return (place is not None and place.feature_code in COUNTRY_CODES and any(
        other.text != mention.text and other.place.country == place.country
        for other in located))


def _repeatable(mention: Mention) -> bool:
    if mention.nominal or len(mention.text) < 3 or mention.type == "NORP":
        return False  # a nationality word's actor is not repeated, so neither is its country
    if mention.lookup_name:
        return False  # "Walton" of "Walton and Oconee counties" says nothing of "Walton" alone
    if mention.kind == "location":
        return mention.place is not None
    return mention.type in {"PERSON", "ORG"}


def name_spans(ent) -> list:
    """The names inside an entity span.

    The small model runs neighbouring names together ("Portugal - Rui Alves", "Oval, London")
    and takes in determiners, possessives and scores ("the State Department's", "Durham 114").
    Split at free-standing separators and trim, keeping the label for the correction steps.
    """
    doc, parts, start = ent.doc, [], ent.start
    for i in range(ent.start, ent.end):
        if _is_separator(doc, i):
            parts.append((start, i))
            start = i + 1
    parts.append((start, ent.end))
    spans = []
    for first, last in parts:
        while first < last and doc[first].lower_ in LEADING_WORDS:
            first += 1
        while last > first and (doc[last - 1].lower_ in TRAILING_WORDS
                                or _NUMERIC.match(doc[last - 1].text)):
            last -= 1
        if first < last:
            unchanged = (first, last) == (ent.start, ent.end)
            spans.append(ent if unchanged else Span(doc, first, last, label=ent.label_))
    return spans


def _is_separator(doc, i: int) -> bool:
    token = doc[i]
    if token.text in {",", "(", ")", "/", ";"}:
        return True
    # a dash with a space before it separates; "Guinea-Bissau" keeps its inner hyphen
    return token.text in {"-", "--", "–", "—"} and i > 0 and bool(doc[i - 1].whitespace_)


def _merge_generic(mentions: list[Mention], generic: Mention) -> list[Mention]:
    """Add a generic actor phrase; it takes the code of the nationality word it contains.

    "Syrian government forces" is one actor (SYRMIL), not SYR plus SYRMIL: the word "Syrian"
    stays a named mention (NORP) but uncoded, so it is reported and not counted twice.
    The same for a country or town named before it ("Iraq's interim government": IRQGOV, and
    Iraq stays a place). A phrase that overlaps any other entity (a person, an organisation)
    loses to it.
    """
    overlapping = [m for m in mentions if m.start < generic.end and generic.start < m.end]
    if any(m.type not in OWNER_TYPES or not (generic.start <= m.start and m.end <= generic.end)
           for m in overlapping):
        return mentions
    for owner in overlapping:  # a place stays a place ("Iraq" of "Iraq's government")
        if owner.kind == "actor":
            owner.code = None
    return [*mentions, generic]


def _team(span, field: str) -> Mention:
    """A sports team: an organisation, reported but never coded or geocoded."""
    return Mention(span.text, field, span.start_char, span.end_char, "ORG", kind="actor")


def _ethnic_group_code(ent, code: str, context: str | None) -> str:
    """"ethnic Russians" are a people where the article is, coded as that country (CAMEO codes
    a minority by the state it lives in), not as the state their name recalls."""
    after_ethnic = ent.start > 0 and ent.doc[ent.start - 1].lower_ == "ethnic"
    if after_ethnic and ent.label_ == "NORP" and context and len(code) == 3:
        return context
    return code


def _actor_beside(mention: Mention, code: str) -> Mention:
    """An actor mention over the same words as a place mention: the state or government that
    the place's name stands for."""
    return _as_actor(Mention(mention.text, mention.field, mention.start, mention.end, mention.type),
                     code)


def _as_actor(mention: Mention, code: str | None) -> Mention:
    mention.kind, mention.code = "actor", code
    return mention


def _as_location(mention: Mention, place: Place | None) -> Mention:
    mention.kind, mention.place = "location", place
    return mention


def _is_argument(ent) -> bool:
    """Is the span a participant of a verb (subject, object, 'with X'), not a setting ('in X')?"""
    token = ent.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in ARGUMENT_DEPS:
        return True
    return token.dep_ == "pobj" and token.head.lower_ in ARGUMENT_PREPS


def _sentence_index(doc, offset: int):
    """index_of(char): the article-wide index of the sentence holding that character.

    The sentence starts come from the SENT_START column (as `doc.sents` finds them), without
    making a Span per sentence; a search, not a scan, finds a character's sentence."""
    starts = [0]
    if len(doc):
        first_words = numpy.flatnonzero(doc.to_array(SENT_START)[1:] == 1) + 1
        starts += [doc[int(i)].idx for i in first_words]

    def index_of(char: int) -> int:
        return offset + max(bisect_right(starts, char) - 1, 0)

    return index_of
