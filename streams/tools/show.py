"""`streams show`: wait until the stream has processed some articles, then print what it found."""

from __future__ import annotations

from collections import Counter

import aiohttp

from streams.settings import Settings
from streams.tools.corpus import read_articles
from streams.tools.results import collect, wait_for_count


async def show(path: str, settings: Settings, timeout: float, n: int) -> int:
    article_ids = [article["id"] for article in read_articles(path)]
    results = await collect(settings, article_ids, timeout=timeout)
    for article_id in article_ids:
        print(f"\nEvents in article {article_id}:")
        for event in sorted(results.events[article_id], key=event_number):
            print("  " + format_event(event))
    expected = Counter(
        (m["kind"], m["key"]) for mentions in results.entities.values() for m in mentions
    )
    async with aiohttp.ClientSession(settings.web_url) as http:
        await wait_for_tables(http, expected, timeout)
        for kind, path_name in (("actors", "code"), ("locations", "name")):
            async with http.get(f"/{kind}/top", params={"n": str(n)}) as response:
                response.raise_for_status()
                rows = await response.json()
            print(f"\nTop {kind} (from the worker's tables):")
            for row in rows:
                print(f"  {row.get(path_name) or row.get('code')!s:<28} "
                      f"mentions={row['mentions']:<5} articles={row['articles']}")
    return 0


async def wait_for_tables(http: aiohttp.ClientSession, expected: Counter, timeout: float) -> None:
    """Wait until the tables hold at least the mentions the topics carried for these articles."""
    for (kind, key), count in expected.items():
        path = f"/{'actors' if kind == 'actor' else 'locations'}/{key}"

        async def fetch(path=path) -> int:
            async with http.get(path) as response:
                return (await response.json())["mentions"] if response.status == 200 else 0

        got = await wait_for_count(fetch, count, timeout)
        if got < count:
            raise TimeoutError(f"{path} counts {got} mentions; the topic carried {count}")


def event_number(event: dict) -> int:
    """Events arrive by partition; their ids (`{article_id}:{n}`) give the article's order."""
    return int(event["event_id"].rpartition(":")[2])


def format_event(event: dict) -> str:
    source = (event.get("source") or {}).get("code") or "?"
    target = (event.get("target") or {}).get("code") or "-"
    place = (event.get("location") or {}).get("name") or "-"
    return (f"[{event['sentence_index']:>2}] {source:<8} {event['cameo_code']:<5} "
            f"{event.get('plover_event') or '':<11} {target:<8} at {place}")
