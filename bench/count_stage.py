"""The count stage alone, in process: CPU per article for the agents that read `entities`.

    python bench/count_stage.py [--articles 2000]

Feeds synthetic articles (16 mentions each: 2 of each of 4 actors and 4 places, an origin
header per article, published over one day) to every agent that reads `entities`, through
Faust's `agent.test_context()` on a memory store, and prints the CPU per article and per
mention. No broker: it leaves out fetching and decoding the messages and producing the
changelogs (the test context never drains the producer buffer), so it measures what the agents
themselves do; the changelog writes they queue are printed as a count.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.contract.models import EntityMention  # noqa: E402
from streams.runtime.app import create_app  # noqa: E402
from streams.runtime.dedupe import ORIGIN_HEADER, origin  # noqa: E402
from streams.settings import Settings  # noqa: E402

ACTORS = [f"{country}{role}" for country in ("SYR", "RUS", "TUR", "IRN", "USA")
          for role in ("", "GOV", "MIL", "REB")]
PLACES = list(range(170000, 170020))
DAY = 1_472_947_200.0  # 2016-09-04


def mentions(articles: int):
    """(key, mention, headers) for `articles` articles of 16 mentions each."""
    for n in range(articles):
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DAY + 40 * n % 86_400))
        headers = {ORIGIN_HEADER: origin(n % 4, n)}
        for i in range(8):
            for repeat in range(2):
                start, first = 100 * i + 50 * repeat, repeat == 0
                if i < 4:
                    code = ACTORS[(n + i) % len(ACTORS)]
                    record = EntityMention(article_id=f"a{n}", kind="actor", key=code, text="x",
                                           field="body", start=start, end=start + 1, type="ORG",
                                           code=code, first_in_article=first,
                                           published_at=published)
                else:
                    place = PLACES[(n + i) % len(PLACES)]
                    record = EntityMention(article_id=f"a{n}", kind="location", key=str(place),
                                           text="x", field="body", start=start, end=start + 1,
                                           type="GPE", geonameid=place, name="x", lat=0.0,
                                           lon=0.0, country="SYR", first_in_article=first,
                                           published_at=published)
                yield record.key, record, headers


def total(tables) -> int:
    return sum(value.get("mentions", 0) for table in tables for value in table.values()
               if value)


async def run(articles: int) -> None:
    app = create_app(replace(Settings(), app_id="bench-count", store="memory://"))
    app.finalize()
    counts = [app.tables["actor_counts"], app.tables["location_counts"]]  # windows inside
    expected = 16 * articles
    messages = list(mentions(articles))
    queued = {"writes": 0}
    for table in app.tables.values():
        original = table.send_changelog

        def counting(*args, _send=original, **kwargs):
            queued["writes"] += 1
            return _send(*args, **kwargs)

        table.send_changelog = counting
    cpu = time.process_time()
    async with app.agents["count"].test_context() as context:
        for key, record, headers in messages:
            await context.put(record, key=key, headers=headers, wait=False)
        while total(counts) < expected:
            await asyncio.sleep(0.01)
    cpu = time.process_time() - cpu
    print(f"{articles} articles, {expected} mentions: {1000 * cpu / articles:.2f} ms CPU per "
          f"article, {1e6 * cpu / expected:.0f} µs per mention; "
          f"{queued['writes'] / articles:.1f} changelog writes per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    asyncio.run(run(parser.parse_args().articles))


if __name__ == "__main__":
    main()
