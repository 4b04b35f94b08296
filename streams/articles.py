"""Article documents: validate raw message bytes into an article dict, or say exactly why not."""

from __future__ import annotations

from typing import Any

import orjson

REQUIRED_TEXT_FIELDS = ("id", "body")
OPTIONAL_TEXT_FIELDS = ("title", "source", "url", "published_at", "sent_at")
MAX_ID_CHARS = 512


class InvalidArticle(ValueError):
    """Raised for input that must go to the dead-letter topic; `reason` is a stable code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def parse_article(raw: bytes | None, max_bytes: int) -> dict[str, Any]:
    """Parse and validate one `articles` message value. Size is checked before parsing."""
    if raw is None:
        raise InvalidArticle("empty_message", "the message has no value (a tombstone?)")
    if len(raw) > max_bytes:
        raise InvalidArticle(
            "too_large", f"the message is {len(raw)} bytes; the limit is {max_bytes}"
        )
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidArticle("invalid_json", f"not valid UTF-8 JSON: {exc}") from None
    return validate_article(doc)


def validate_article(doc: Any) -> dict[str, Any]:
    """Check the shape of a decoded article document and return a clean copy."""
    if not isinstance(doc, dict):
        raise InvalidArticle("not_an_object", f"expected a JSON object, got {type(doc).__name__}")
    for name in REQUIRED_TEXT_FIELDS:
        if name not in doc or doc[name] is None:
            raise InvalidArticle("missing_field", f"the article has no {name!r}")
    article: dict[str, Any] = {}
    for name in REQUIRED_TEXT_FIELDS + OPTIONAL_TEXT_FIELDS:
        value = doc.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidArticle(
                "wrong_type", f"{name!r} must be a string, got {type(value).__name__}"
            )
        article[name] = value
    if not article["id"].strip():
        raise InvalidArticle("missing_field", "the article id is empty")
    if len(article["id"]) > MAX_ID_CHARS:
        raise InvalidArticle(
            "id_too_long", f"the id has {len(article['id'])} characters; the limit is {MAX_ID_CHARS}"
        )
    if not any(ch.isalnum() for ch in article["body"]):
        raise InvalidArticle("empty_body", "the body has no letters or digits")
    article["title"] = article["title"] or ""
    return article
