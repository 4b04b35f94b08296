"""`streams show`: wait until the stream has processed some articles, then print what it found."""

from __future__ import annotations

import os
from collections import Counter

import aiohttp

from streams.failures import WORKER_UNREACHABLE, Failure
from streams.http.access import bearer_headers
from streams.labels import place_label
from streams.settings import Settings
from streams.tools.corpus import load_articles
from streams.tools.pretty import actor_text, event_line
from streams.tools.results import collect, wait_for_count


async def show(path: str, settings: Settings, timeout: float, n: int) -> int:
    article_ids = [article["id"] for article in load_articles(path)]
    async with aiohttp.ClientSession(settings.web_url,
                                     headers=bearer_headers(settings.web_token)) as http:
        try:
            await print_results(http, settings, article_ids, timeout, n)
        except aiohttp.ClientConnectionError as exc:  # asked first, and again for each answer
            raise Failure(f"no worker answers at {settings.web_url} ({why(exc)})",
                          WORKER_UNREACHABLE) from exc
    return 0


async def print_results(http: aiohttp.ClientSession, settings: Settings, article_ids: list[str],
                        timeout: float, n: int) -> None:
    async with http.get("/health/live") as response:  # no worker: say so now, not after timeout
        response.raise_for_status()
    results = await collect(settings, article_ids, timeout=timeout)
    for article_id in article_ids:
        print(f"\nEvents in article {article_id}:")
        for event in sorted(results.events[article_id], key=event_number):
            print("  " + format_event(event))
    expected = Counter(
        (m["kind"], m["key"]) for mentions in results.entities.values() for m in mentions
    )
    await wait_for_tables(http, expected, timeout)
    for kind, name in (("actors", actor_text), ("locations", top_place)):
        async with http.get(f"/{kind}/top", params={"n": str(n)}) as response:
            response.raise_for_status()
            rows = await response.json()
        print(f"\nTop {kind} (from the worker's tables):")
        for row in rows:
            print(f"  {name(row):<40} mentions={row['mentions']:<5} articles={row['articles']}")


def why(exc: aiohttp.ClientConnectionError) -> str:
    """'Connection refused' rather than aiohttp's 'Cannot connect to host ... ssl:default [...]'."""
    errno = getattr(getattr(exc, "os_error", None), "errno", None)
    return os.strerror(errno) if errno else str(exc) or type(exc).__name__


KEY_NAMES = {"actor": ("actors", "code"), "location": ("locations", "geonameid")}
TOP_LIMIT = 1000  # the views' largest n


async def served_counts(http: aiohttp.ClientSession) -> dict[tuple[str, str], int]:
    """Mentions per (kind, key) in the tables, from the cluster-wide top lists (no routed
    request per key: one per kind, answered by the worker asked)."""
    counts: dict[tuple[str, str], int] = {}
    for kind, (path, key_name) in KEY_NAMES.items():
        async with http.get(f"/{path}/top", params={"n": str(TOP_LIMIT)}) as response:
            if response.status != 200:
                continue
            for row in await response.json():
                counts[(kind, str(row[key_name]))] = row["mentions"]
    return counts


async def wait_for_tables(http: aiohttp.ClientSession, expected: Counter, timeout: float) -> None:
    """Wait until the tables hold at least the mentions the topics carried for these articles."""

    async def keys_done() -> int:
        counts = await served_counts(http)
        return sum(counts.get(key, 0) >= count for key, count in expected.items())

    if await wait_for_count(keys_done, len(expected), timeout) < len(expected):
        counts = await served_counts(http)
        (kind, key), count = next((key, count) for key, count in expected.items()
                                  if counts.get(key, 0) < count)
        raise TimeoutError(f"/{KEY_NAMES[kind][0]}/{key} counts {counts.get((kind, key), 0)} "
                           f"mentions; the topic carried {count}")


def event_number(event: dict) -> int:
    """Events arrive by partition; their ids (`{article_id}:{n}`) give the article's order."""
    return int(event["event_id"].rpartition(":")[2])


def format_event(event: dict) -> str:
    """'[ 3] Syria · military (SYRMIL) | 191 · impose blockade, ... | - | at Aleppo, Syria'."""
    return f"[{event['sentence_index']:>2}] {event_line(event)}"


def top_place(row: dict) -> str:
    """A /locations/top row: 'Aleppo, Syria (170063)'."""
    return f"{place_label(row) or row.get('name')} ({row['geonameid']})"
