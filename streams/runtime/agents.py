"""The Faust agents: thin loops that deserialise, call one pure function, and send."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import faust

from streams.contract.articles import InvalidArticle, keyed_by_id, parse_article
from streams.contract.messages import dead_letter_of, entity_messages, event_messages
from streams.contract.topics import Topics
from streams.extraction.batch import extract_batch
from streams.extraction.pipeline import default_extractor
from streams.logs.json_format import where
from streams.runtime import extraction_process
from streams.runtime.guard import Guard
from streams.runtime.rekey import rekeyed_copy
from streams.runtime.tables import Tables
from streams.settings import Settings

log = logging.getLogger(__name__)


async def start_extraction(settings: Settings) -> Callable[[list], Awaitable[list]]:
    """The extractor loaded where STREAMS_EXTRACT_IN says, as an async batch function that
    returns each article's result or exception."""
    if settings.extract_in == "process":  # streams/runtime/extraction_process.py
        return (await extraction_process.started()).extract
    await asyncio.to_thread(default_extractor)

    async def in_thread(articles: list) -> list:  # the event loop keeps running meanwhile
        return await asyncio.to_thread(extract_batch, articles)

    return in_thread


async def hand_over(queue: asyncio.Queue, item, consumer: asyncio.Future) -> None:
    """Put `item` on the queue of the task `consumer`; if that task ends first (a send failed),
    raise its exception here, in the agent, as a failed send always did."""
    put = asyncio.ensure_future(queue.put(item))
    await asyncio.wait({put, consumer}, return_when=asyncio.FIRST_COMPLETED)
    if consumer.done():
        put.cancel()
        consumer.result()  # raises what stopped it
        raise RuntimeError("the publisher stopped")  # it never returns; if it did, say so
    await put


def article_batches(stream, settings: Settings):
    """Lists of events for the NLP: Faust's `take_events` batches, or with STREAMS_BATCH_SIZE=1
    one message at a time through the plain event stream, which has no take buffer."""
    if settings.batch_size == 1:
        return _one_at_a_time(stream)
    return stream.take_events(settings.batch_size, within=settings.batch_within)


async def _one_at_a_time(stream):
    async for event in stream.events():
        yield [event]


async def failed(topic, event, exc: Exception) -> None:
    """An agent of a derived topic raised on `event`: dead-letter it (streams/contract/checked.py)."""
    await topic.refusals.refuse(event.message, "processing_failed", f"{type(exc).__name__}: {exc}",
                                error=exc)


def register_agents(app: faust.App, topics: Topics, tables: Tables, settings: Settings) -> Guard:
    """The extract agent; returns its Guard, which the other agents share."""
    guard = Guard(app, settings)  # dedupe tables and /metrics counters (streams/runtime/guard.py)

    async def send_dead_letter(event, reason: str, message: str) -> None:
        msg = event.message
        log.warning("dead-lettered %s/%s@%s: %s", msg.topic, msg.partition, msg.offset, message,
                    extra=where(msg))
        await topics.dead_letters.send(key=reason, value=dead_letter_of(msg, reason, message))
        guard.dead_lettered(reason)

    @app.agent(topics.articles, name="extract")
    async def extract_articles(stream):
        """articles -> entities (re-keyed by actor code / GeoNames id) and events.

        Articles come in batches of up to STREAMS_BATCH_SIZE (waiting at most
        STREAMS_BATCH_WITHIN s for one to fill) so the NLP runs once per batch (`nlp.pipe`).
        Each message is still parsed and dead-lettered on its own. The batch is extracted in a
        thread (or the worker's extraction process, STREAMS_EXTRACT_IN=process) so the event loop
        keeps heartbeats, fetches, sends and the web API going.
        """
        extract_all = await start_extraction(settings)  # the model loads now, not on the first article
        # A batch's messages are sent while the next batch is extracted: with the extraction
        # process the two run on two cores. At most one extracted batch waits to be sent.
        extracted: asyncio.Queue = asyncio.Queue(maxsize=1)
        publisher = asyncio.ensure_future(publish_in_order(extracted))
        try:
            async for events in article_batches(stream, settings):
                guard.hold(events)  # committable only once handled, not when a stop cancels it
                parsed = await admitted(events)
                if not parsed:
                    guard.release(events)
                    continue
                results = await extract_all([article for _, article in parsed])
                await hand_over(extracted, (events, parsed, results), publisher)
        finally:
            publisher.cancel()  # what it had not sent stays uncommitted: read again

    async def admitted(events) -> list:
        """(event, article) for each article of the batch to extract; the rest are dead-lettered,
        skipped as duplicates or sent again keyed by their id."""
        parsed = []
        for event in events:
            guard.received(event)
            copy = None
            try:
                article = parse_article(event.value, settings.max_article_bytes)
                if keyed_by_id(article, event.message.key):
                    if guard.admit(event, article):  # an id seen within the TTL: skip
                        parsed.append((event, article))
                else:  # sent again keyed by id, only the copy processed (runtime/rekey.py)
                    copy = rekeyed_copy(event.message, article, app.conf.producer_max_request_size)
            except InvalidArticle as exc:
                await send_dead_letter(event, exc.reason, exc.message)
            except Exception as exc:  # one bad article must never stop the worker
                log.exception("parsing failed")
                await send_dead_letter(event, "extraction_failed", f"{type(exc).__name__}: {exc}")
            if copy is not None:  # outside the try: a failed send raises, as any send does
                await topics.articles.send(key=copy.key, value=copy.value,
                                           timestamp=copy.timestamp, headers=copy.headers)
                guard.rekeyed()
        return parsed

    async def publish_in_order(extracted: asyncio.Queue) -> None:
        while True:
            events, parsed, results = await extracted.get()
            await publish(parsed, results)
            guard.release(events)

    async def publish(parsed: list, results: list) -> None:
        """Each article's entities and events, or its dead letter."""
        for (event, article), result in zip(parsed, results, strict=True):
            if isinstance(result, Exception):
                log.error("extraction failed", exc_info=result,
                          extra=where(event.message, article.get("id")))
                await send_dead_letter(event, "extraction_failed",
                                       f"{type(result).__name__}: {result}")
                continue
            try:
                guard.check(result)  # more mentions than STREAMS_MAX_ARTICLE_MENTIONS
            except InvalidArticle as exc:
                await send_dead_letter(event, exc.reason, exc.message)
                continue
            # Entity and event messages keep the article's timestamp (when it reached Kafka):
            # the event time of articles without published_at (streams.alerts).
            ingested = event.message.timestamp
            mentions, coded_events = entity_messages(article, result), event_messages(article, result)
            for mention in mentions:  # the origin header lets the count agent dedupe
                await topics.entities.send(key=mention.key, value=mention, timestamp=ingested,
                                           headers=guard.origin_headers(event))
            for coded in coded_events:
                await topics.events.send(key=coded.event_id, value=coded, timestamp=ingested)
            guard.processed(len(mentions), len(coded_events), time.time() - ingested)

    return guard
