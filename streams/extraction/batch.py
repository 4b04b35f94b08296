"""A batch of articles through the extractor, one failing article failing only itself."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from streams.extraction.pipeline import extract_many

log = logging.getLogger(__name__)


def extract_batch(
    articles: Sequence[dict[str, Any]],
    extract_all: Callable[[Sequence[dict[str, Any]]], list[dict[str, Any]]] = extract_many,
) -> list[dict[str, Any] | Exception]:
    """Each article's extraction result, or the exception it raised.

    The batch goes through `extract_all` at once; if that raises, every article is extracted
    alone, so one bad article fails only itself.
    """
    try:
        return list(extract_all(articles))
    except Exception as exc:
        if len(articles) == 1:
            return [exc]
        log.warning("a batch of %d articles failed; extracting them one by one", len(articles))
    results: list[dict[str, Any] | Exception] = []
    for article in articles:
        try:
            results.append(extract_all([article])[0])
        except Exception as exc:
            results.append(exc)
    return results
