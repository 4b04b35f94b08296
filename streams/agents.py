"""The Faust agents: thin loops that deserialise, call one pure function, and send."""

from __future__ import annotations

import logging

import faust

from streams.articles import InvalidArticle, parse_article
from streams.extraction.pipeline import extract
from streams.messages import dead_letter, entity_messages, event_messages
from streams.settings import Settings
from streams.tables import Tables, add_mention
from streams.topics import Topics

log = logging.getLogger(__name__)


def register_agents(app: faust.App, topics: Topics, tables: Tables, settings: Settings) -> None:
    async def send_dead_letter(event, reason: str, message: str) -> None:
        msg = event.message
        log.warning("dead-lettered %s/%s@%s: %s", msg.topic, msg.partition, msg.offset, message)
        record = dead_letter(reason, message, event.value, msg.key, topic=msg.topic,
                             partition=msg.partition, offset=msg.offset)
        await topics.dead_letters.send(key=reason, value=record)

    @app.agent(topics.articles, name="extract")
    async def extract_articles(stream):
        """articles -> entities (re-keyed by actor code / GeoNames id) and events."""
        async for event in stream.events():
            try:
                article = parse_article(event.value, settings.max_article_bytes)
                result = extract(article)
            except InvalidArticle as exc:
                await send_dead_letter(event, exc.reason, exc.message)
                continue
            except Exception as exc:  # one bad article must never stop the worker
                log.exception("extraction failed")
                await send_dead_letter(event, "extraction_failed", f"{type(exc).__name__}: {exc}")
                continue
            for mention in entity_messages(article, result):
                await topics.entities.send(key=mention.key, value=mention)
            for coded in event_messages(article, result):
                await topics.events.send(key=coded.event_id, value=coded)

    @app.agent(topics.entities, name="count")
    async def count_mentions(stream):
        """entities -> actor_counts / location_counts; the topic is keyed by what is counted."""
        async for mention in stream:
            if mention.kind == "actor":
                table, details = tables.actor_counts, {"code": mention.code}
            else:
                table = tables.location_counts
                details = {"geonameid": mention.geonameid, "name": mention.name,
                           "lat": mention.lat, "lon": mention.lon, "country": mention.country}
            current = table.get(mention.key)
            table[mention.key] = add_mention(current, mention.first_in_article, **details)
