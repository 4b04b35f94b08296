"""The tables: running counts keyed by what they count (an actor code or a GeoNames id)."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from streams.settings import Settings


@dataclass(frozen=True)
class Tables:
    actor_counts: faust.Table  # actor code -> {"mentions", "articles", ...}
    location_counts: faust.Table  # GeoNames id (str) -> {"mentions", "articles", "name", ...}


def declare_tables(app: faust.App, settings: Settings) -> Tables:
    def table(name: str, help_text: str) -> faust.Table:
        return app.Table(name, default=None, partitions=settings.partitions, help=help_text)

    return Tables(
        actor_counts=table("actor_counts", "Mentions and distinct articles per actor code"),
        location_counts=table("location_counts", "Mentions and distinct articles per place"),
    )


def add_mention(current: dict | None, first_in_article: bool, **details) -> dict:
    """The new count after one more mention (pure: the agent stores what this returns)."""
    current = current or {"mentions": 0, "articles": 0}
    return {
        **current,
        **details,
        "mentions": current["mentions"] + 1,
        "articles": current["articles"] + (1 if first_in_article else 0),
    }


def top(table, n: int) -> list[tuple[str, dict]]:
    """The n keys with most mentions held by this worker (ties by key, for a stable order)."""
    items = [(key, value) for key, value in table.items() if value]
    items.sort(key=lambda item: (-item[1]["mentions"], item[0]))
    return items[:n]
