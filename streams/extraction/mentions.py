"""Find actor and place mentions in a parsed field: spaCy NER, corrected by the gazetteers.

spaCy's small model mislabels places it has rarely seen (a city tagged NORP, a suburb tagged
PERSON). A span whose label disagrees with the gazetteers is re-labelled when the gazetteer place
lies in one of the article's countries, so a person called like a far-away town stays a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from streams.extraction.types import Mention, Place

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
# Dependency roles in which a place name stands for its government ("Moscow backtracked").
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "iobj", "agent", "dative"}
ARGUMENT_PREPS = {"with", "against", "by", "to", "from", "on"}


class MentionFinder:
    def __init__(self, gazetteer, actor_coder):
        self.gazetteer = gazetteer
        self.actors = actor_coder

    def article_countries(self, docs: Iterable) -> list[str]:
        """The article's countries, most mentioned first: the context for coding and geocoding."""
        counts: Counter[str] = Counter()
        for doc in docs:
            for ent in doc.ents:
                if ent.label_ in PLACE_LABELS | {"NORP"}:
                    country = self.actors.country_of(ent.text) or self.gazetteer.country_code(
                        ent.text
                    )
                    if country:
                        counts[country] += 1
        return [country for country, _ in counts.most_common()]

    def find(self, doc, field: str, countries: list[str], sentence_offset: int) -> list[Mention]:
        context = countries[0] if countries else None
        sentence_of = _sentence_index(doc, sentence_offset)
        mentions: list[Mention] = []
        for ent in doc.ents:
            mentions.extend(self._classify(ent, field, countries, context))
        for start, end, code in self.actors.find_generic(doc, context):
            generic = Mention(doc.text[start:end], field, start, end, "ORG", kind="actor", code=code)
            mentions = _merge_generic(mentions, generic)
        for mention in mentions:
            mention.sentence_index = sentence_of(mention.start)
        mentions.sort(key=lambda m: (m.start, m.kind))
        return mentions

    def _classify(self, ent, field: str, countries: list[str], context: str | None):
        label, text = ent.label_, ent.text
        mention = Mention(text, field, ent.start_char, ent.end_char, label)
        if label in PLACE_LABELS:
            return self._place_mentions(ent, mention, countries, context)
        code = self.actors.code(text, label, context)
        if code:
            return [_as_actor(mention, code)]
        if label in ACTOR_LABELS:
            place = self._local_place(text, countries)
            if place:  # a mislabelled place: trust the gazetteer inside the article's countries
                mention.type = "GPE"
                return [_as_location(mention, place)]
            return [_as_actor(mention, None)]  # uncoded: reported, but not counted
        return []

    def _place_mentions(self, ent, mention: Mention, countries, context) -> list[Mention]:
        place = self.gazetteer.lookup(ent.text, countries)
        country = self.gazetteer.country_code(ent.text)
        capital_of = self.actors.capital_country(ent.text)
        if capital_of and _is_argument(ent):  # "Moscow backtracked": the government, not the city
            return [_as_actor(mention, f"{capital_of}GOV")]
        found = []
        if place:
            found.append(_as_location(mention, place))
        if country and _is_argument(ent):  # "a deal with Russia": the state acts too
            actor = Mention(mention.text, mention.field, mention.start, mention.end, mention.type)
            found.append(_as_actor(actor, self.actors.code(ent.text, "GPE", context) or country))
        if not found:
            code = self.actors.code(ent.text, ent.label_, context)
            found.append(_as_actor(mention, code) if code else _as_location(mention, None))
        return found

    def _local_place(self, text: str, countries: list[str]) -> Place | None:
        if not countries or not self.gazetteer.contains(text):
            return None
        place = self.gazetteer.lookup(text, countries)
        return place if place and place.country in countries else None


def _merge_generic(mentions: list[Mention], generic: Mention) -> list[Mention]:
    """Add a generic actor phrase; it replaces the nationality word it contains.

    "Syrian government forces" is one actor (SYRMIL), not "Syrian" (SYR) plus "government forces".
    A phrase that overlaps any other entity (a person, an organisation) loses to it.
    """
    overlapping = [m for m in mentions if m.start < generic.end and generic.start < m.end]
    if any(m.type != "NORP" or not (generic.start <= m.start and m.end <= generic.end)
           for m in overlapping):
        return mentions
    return [m for m in mentions if m not in overlapping] + [generic]


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
    starts = [sent.start_char for sent in doc.sents] if len(doc) else [0]

    def index_of(char: int) -> int:
        position = 0
        for i, start in enumerate(starts):
            if start <= char:
                position = i
        return offset + position

    return index_of
