"""`extract(article)`: the one place that turns an article into entities and events.

The Faust agent, `streams extract` and `streams eval` all call this, so what is measured offline
is what runs in the stream. Steps: spaCy sentences and NER -> a parse of the sentences where an
event can be coded (see parse_filter) -> actor and place mentions (gazetteers correct the NER) ->
events per parsed sentence (subject-verb-object + verb lexicon) -> event locations.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from streams.alerts.windows import parse_timestamp
from streams.extraction.acronyms import label_defined_acronyms
from streams.extraction.casing import recase_headlines
from streams.extraction.mentions import MentionFinder, repeat_names
from streams.extraction.place_context import resolve_in_context
from streams.extraction.types import Mention, Place

FIELDS = ("title", "body")


class Extractor:
    """Holds the loaded model and gazetteers; one per process (see `default_extractor`)."""

    def __init__(self, nlp, gazetteer, actor_coder, event_coder, parse_filter):
        self.nlp = nlp  # a TwoPassNLP
        self.finder = MentionFinder(gazetteer, actor_coder)
        self.event_coder = event_coder
        self.parse_filter = parse_filter

    def extract(self, article: dict[str, Any]) -> dict[str, Any]:
        return self.extract_many([article])[0]

    def extract_many(self, articles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Extract a batch: each spaCy pass runs over every field of every article at once."""
        # a field's caps words take the case the article writes them in, in any of its fields
        docs = self.nlp.names(
            recase_headlines(article.get(name) or "", _other_fields(article, name))
            for article in articles for name in FIELDS)
        by_article = [docs[i : i + len(FIELDS)] for i in range(0, len(docs), len(FIELDS))]
        for fields in by_article:
            label_defined_acronyms(fields)
        selected = [self.parse_filter.selected(fields) for fields in by_article]
        self.nlp.parse([pair for fields, chosen in zip(by_article, selected, strict=True)
                        for pair in zip(fields, chosen, strict=True)])
        return [self._extract_docs(article, fields, chosen)
                for article, fields, chosen in zip(articles, by_article, selected, strict=True)]

    def _extract_docs(self, article: dict[str, Any], docs: list, parsed: list) -> dict[str, Any]:
        fields = list(zip(FIELDS, docs, strict=True))
        sources = {name: article.get(name) or "" for name in FIELDS}  # what the offsets index
        finder = self.finder.at(published_day(article))  # people coded as of the article's date
        countries = finder.article_countries(doc for _, doc in fields)
        found = self._find_mentions(finder, fields, sources, countries)
        if not countries:  # no name says where: the places a first reading found do
            countries = countries_of(m for _, _, ms, _ in found for m in ms)
            if countries:
                found = self._find_mentions(finder, fields, sources, countries)
        resolve_in_context(self.finder.gazetteer, [m for _, _, ms, _ in found for m in ms], sources,
                           countries)
        repeat_names(found, sources)
        mentions = [m for _, _, field_mentions, _ in found for m in field_mentions]
        events = [
            event
            for (_, doc, field_mentions, offset), sentences in zip(found, parsed, strict=True)
            for event in self._code_events(doc, field_mentions, offset, sentences)
        ]
        main_place = main_location(mentions)
        for event in events:
            place = event.pop("_place", None) or main_place
            event["location"] = place.as_dict() if place else None
        return {
            "article_id": article.get("id"),
            "entities": [entity_dict(m) for m in mentions],
            "events": events,
        }

    @staticmethod
    def _find_mentions(finder, fields: list, sources: dict[str, str],
                       countries: list[str]) -> list[tuple]:
        """(field name, doc, its mentions, its first sentence's index) of each field."""
        found, sentence_offset = [], 0
        for name, doc in fields:
            field_mentions = finder.find(doc, name, countries, sentence_offset, sources[name])
            for mention in field_mentions:  # the parse saw re-cased headlines; report the source
                mention.text = sources[name][mention.start : mention.end]
            found.append((name, doc, field_mentions, sentence_offset))
            sentence_offset += sum(1 for _ in doc.sents) if len(doc) else 0
        return found

    def _code_events(self, doc, mentions: list[Mention], sentence_offset: int,
                     parsed: list) -> list[dict]:
        if not parsed:
            return []
        starts = {sentence.start for sentence in parsed}  # the others cannot hold an event
        events = []
        for index, sent in enumerate(doc.sents, start=sentence_offset):
            if sent.start not in starts:
                continue
            inside = [m for m in mentions if sent.start_char <= m.start and m.end <= sent.end_char
                      and not is_nationality(m)]
            coded = self.event_coder.code_sentence(sent, inside, index)
            place = sentence_location(inside)
            for event in coded:
                event["_place"] = place
            events.extend(coded)
        return events


def published_day(article: dict[str, Any]) -> dt.date | None:
    """The UTC day of the article's `published_at`, None when missing or unreadable."""
    timestamp = parse_timestamp(article.get("published_at"))
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).date() if timestamp is not None else None


def countries_of(mentions: Iterable[Mention]) -> list[str]:
    """The countries of the located mentions, most mentioned first."""
    counts = Counter(m.place.country for m in mentions
                     if m.kind == "location" and m.place is not None and m.place.country)
    return [country for country, _ in counts.most_common()]


def sentence_location(mentions: Iterable[Mention]) -> Place | None:
    """The event's place: the most specific place named in its sentence."""
    places = [m.place for m in mentions if _locates_events(m)]
    return max(places, key=_specificity, default=None)


def main_location(mentions: Sequence[Mention]) -> Place | None:
    """The article's main place: its most-mentioned place, cities before countries."""
    counts = Counter(m.place for m in mentions if _locates_events(m))
    if not counts:
        return None
    return max(counts, key=lambda place: (_specificity(place), counts[place]))


def _locates_events(mention: Mention) -> bool:
    """A place an event can happen in: not a nationality word nor a capital that stands for its
    government ("Moscow condemned the strike in Aleppo" happened in Aleppo)."""
    return (mention.kind == "location" and mention.place is not None
            and not is_nationality(mention) and not mention.metonym)


def is_nationality(mention: Mention) -> bool:
    """A nationality word's country ("Egyptian troops"): it says whose the actors are, not where
    an event happened, so events neither take it as their place nor as a target."""
    return mention.kind == "location" and mention.type == "NORP"


def _specificity(place: Place) -> int:
    # A city or a named spot says more about where an event happened than a region or country.
    return {"P": 3, "S": 3, "T": 2, "H": 2, "A": 1}.get(place.feature_class, 0) - (
        place.feature_code.startswith("PCL")
    )


def entity_dict(mention: Mention) -> dict[str, Any]:
    """The public shape of an entity mention (issue contract: `entities` topic and `streams extract`)."""
    place = mention.place
    return {
        "kind": mention.kind,
        "text": mention.text,
        "field": mention.field,
        "start": mention.start,
        "end": mention.end,
        "type": mention.type,
        "nominal": mention.nominal,
        "sentence_index": mention.sentence_index,
        "code": mention.code,
        "geonameid": place.geonameid if place else None,
        "name": place.name if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "country": place.country if place else None,
        "feature_class": place.feature_class if place else None,
        "nested": mention.nested,
    }


@functools.cache
def default_extractor() -> Extractor:
    """The process-wide extractor: model and gazetteers are loaded on first use, never at import."""
    from streams.extraction.actor_data import load_actor_tables
    from streams.extraction.actors import load_actor_coder
    from streams.extraction.events import load_event_coder
    from streams.extraction.nlp import TwoPassNLP, load_nlp
    from streams.extraction.parse_filter import build_parse_filter
    from streams.extraction.places import load_gazetteer

    nlp, event_coder = load_nlp(), load_event_coder()
    parse_filter = build_parse_filter(event_coder.lexicon, nlp.get_pipe("lemmatizer"),
                                      nlp.get_pipe("attribute_ruler"), load_actor_tables().roles)
    return Extractor(TwoPassNLP(nlp), load_gazetteer(), load_actor_coder(), event_coder,
                     parse_filter)


def extract(article: dict[str, Any]) -> dict[str, Any]:
    """Entities and events of one article document (see `Extractor.extract`)."""
    return default_extractor().extract(article)


def extract_many(articles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return default_extractor().extract_many(articles)


def _other_fields(article: dict[str, Any], name: str) -> list[str]:
    return [article.get(other) or "" for other in FIELDS if other != name]
