"""With two workers, every count answers from either worker.

`/actors/top` and `/locations/top` asked of either worker give the cluster's answer: the exact
counts of every key, whichever worker holds it. With `?scope=local` each lists only its own
partitions, and those are disjoint. `/actors/{code}` and `/locations/{geonameid}` asked of either
worker are routed to the worker that owns the key's partition of `entities` (elsewhere: 404).
"""

from __future__ import annotations

import asyncio

import pytest
from probes import (
    every_partition_once,
    expected_counts,
    get_json,
    group_assignment,
    settled,
    wait_until,
)

from streams.tools.corpus import read_articles
from streams.tools.replay import replay

pytestmark = pytest.mark.integration

COPIES = 3


@pytest.fixture(scope="module")
def workers(fresh_settings, new_worker):
    settings = fresh_settings("routing")
    first = new_worker(settings, "routing-first")
    first.start()
    second = new_worker(settings, "routing-second", other=True)
    second.start()

    def shared():
        state, assigned = asyncio.run(group_assignment(settings))
        return state == "Stable" and len(assigned) == 2 and all(assigned.values()) \
            and every_partition_once(settings, assigned)

    wait_until(shared, "two members sharing every partition")
    [seed] = read_articles("seeds")
    copies = [{**seed, "id": f"{seed['id']}-{n}"} for n in range(COPIES)]
    report = asyncio.run(replay(copies, settings))
    assert report.sent == COPIES
    settled(settings)
    return first.settings, second.settings, expected_counts(seed, COPIES)


def top_counts(settings, path: str, key: str, scope: str = "") -> dict[str, dict]:
    rows = get_json(settings, f"{path}/top?n=1000{scope}")
    counts = {str(row[key]): {"mentions": row["mentions"], "articles": row["articles"]}
              for row in rows}
    assert len(counts) == len(rows)  # no key twice
    return counts


@pytest.mark.parametrize(("kind", "path", "key"),
                         [("actor", "/actors", "code"), ("location", "/locations", "geonameid")])
def test_every_count_answers_from_either_worker(workers, kind, path, key):
    first, second, expected = workers
    mine = top_counts(first, path, key, "&scope=local")
    theirs = top_counts(second, path, key, "&scope=local")
    assert mine and theirs and not set(mine) & set(theirs)  # each holds its own partitions
    everything = {**mine, **theirs}
    assert everything == {name: count for (k, name), count in expected.items() if k == kind}
    for worker in (first, second):  # the cluster's answer, from either worker
        assert top_counts(worker, path, key) == everything
    for name, count in everything.items():
        for worker in (first, second):
            row = get_json(worker, f"{path}/{name}")
            assert {"mentions": row["mentions"], "articles": row["articles"]} == count, name
