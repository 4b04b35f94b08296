"""The count agent without a broker: Faust's agent.test_context() with an in-memory store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from streams.contract.models import EntityMention
from streams.runtime.app import create_app
from streams.settings import Settings


@pytest.fixture()
def app():
    app = create_app(replace(Settings(), app_id="unit-count", store="memory://"))
    app.finalize()
    return app


def mention(article_id: str, key: str, first: bool) -> EntityMention:
    return EntityMention(article_id=article_id, kind="location", key=key, text="Aleppo",
                         field="body", start=0, end=6, type="GPE", geonameid=int(key),
                         name="Aleppo", lat=36.2, lon=37.16, country="SYR", first_in_article=first)


async def test_mentions_and_distinct_articles_are_counted_per_place(app):
    count_agent = app.agents["count"]
    table = app.tables["location_counts"]
    async with count_agent.test_context() as agent:
        for article_id, first in (("a", True), ("a", False), ("b", True)):
            await agent.put(mention(article_id, "170063", first), key="170063")
        value = table["170063"]
    assert (value["mentions"], value["articles"], value["name"]) == (3, 2, "Aleppo")
