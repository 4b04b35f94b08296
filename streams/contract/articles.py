"""Article documents: validate raw message bytes into an article dict, or say exactly why not.

The policy for every kind of bad input, in the order it is checked (each refusal is an
`InvalidArticle` with a stable `reason` code from `REASONS` and a message for a person):

* no value (a tombstone) -> empty_message; more than `max_bytes` -> too_large, before parsing;
* a NUL byte anywhere, raw or escaped as \\u0000 in a field the pipeline reads -> nul_character
  (NUL is never text; it marks binary data, UTF-16, or a truncated C string);
* bytes that are not UTF-8 -> invalid_encoding; not JSON (including a BOM, NaN, trailing data,
  lone surrogate escapes) -> invalid_json; nested deeper than orjson's 1024 levels ->
  too_deep; a number too large for a double (1e400) -> number_out_of_range;
* not an object -> not_an_object; no id or body -> missing_field; a known field that is not a
  string -> wrong_type; an id with control characters -> invalid_id; longer than
  MAX_ID_CHARS -> id_too_long; a body without a letter or digit -> empty_body;
* more coded mentions than the configured limit -> too_many_mentions (`check_mentions`,
  after extraction).

Keys: a valid article whose message key is not its id as UTF-8 (no key, an empty key, another
text, bytes that are not UTF-8) is accepted: `keyed_by_id` says so, and the worker sends it
again to `articles` keyed by its id (streams/runtime/rekey.py), so the dedupe table stays
co-partitioned with the topic; only the copy is processed.

Accepted on purpose: duplicate object keys (the last value wins, as in most JSON parsers);
integers beyond 64 bits in fields the pipeline does not read (orjson reads them as doubles;
the fields are ignored); HTML markup, right-to-left and combining marks, any language; any
headers, names that are not UTF-8 included (the pipeline does not read the headers of
`articles`; streams/runtime/aiokafka_headers.py lets aiokafka read such names). Other
control characters in the title and body (C0 except tab/newline/CR, DEL, C1) are replaced by a
space, one for one, so character offsets still point into the original text.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

REQUIRED_TEXT_FIELDS = ("id", "body")
OPTIONAL_TEXT_FIELDS = ("title", "source", "url", "published_at", "sent_at")
MAX_ID_CHARS = 512

# Every reason code a dead letter can carry, with what it means.
REASONS = {
    "empty_message": "the message has no value (a tombstone)",
    "too_large": "the value is larger than STREAMS_MAX_ARTICLE_BYTES (checked before parsing)",
    "nul_character": "a NUL byte, raw or escaped as \\u0000",
    "invalid_encoding": "the bytes are not UTF-8",
    "invalid_json": "not a JSON document",
    "too_deep": "JSON nested deeper than 1024 levels",
    "number_out_of_range": "a JSON number too large for a double",
    "not_an_object": "JSON, but not an object",
    "missing_field": "no id or no body (absent, null or blank id)",
    "wrong_type": "a known field that is not a string",
    "invalid_id": "an id with control characters",
    "id_too_long": f"an id longer than {MAX_ID_CHARS} characters",
    "empty_body": "a body without any letter or digit",
    "too_many_mentions": "more coded mentions than STREAMS_MAX_ARTICLE_MENTIONS",
    "rekey_too_large": "the message key is not the article id, and the copy keyed by id is "
                       "larger than the worker's producer may send",
    "extraction_failed": "the extractor raised an error",
    # Messages on the derived topics (entities, events, events-by-subject, alerts), which only
    # the pipeline writes (streams/contract/inbound.py): a stray producer's bytes.
    "invalid_key": "the message key is not UTF-8 (derived topics only)",
    "invalid_record": "not a record of the topic it was read from (JSON, fields, types)",
    "invalid_header": "a header the pipeline reads is malformed (streams-origin on entities)",
    "processing_failed": "an agent raised an error on this message",
}

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


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
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InvalidArticle("nul_character", f"a NUL byte at byte {nul} (binary data or UTF-16?)")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _decode_error(raw, exc) from None
    return validate_article(doc)


def _decode_error(raw: bytes, exc: orjson.JSONDecodeError) -> InvalidArticle:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return InvalidArticle("invalid_encoding", f"not UTF-8: {bad.reason} at byte {bad.start}")
    text = str(exc)
    if "depth" in text:  # orjson: "recursion depth exceeded" before 3.12, "depth limit" since
        return InvalidArticle("too_deep", f"nested deeper than 1024 levels: {text}")
    if "infinity" in text:
        return InvalidArticle("number_out_of_range", f"a number too large for a double: {text}")
    return InvalidArticle("invalid_json", f"not valid JSON: {text}")


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
        if value is not None and "\x00" in value:
            raise InvalidArticle("nul_character", f"{name!r} contains a NUL character")
        article[name] = value
    if not article["id"].strip():
        raise InvalidArticle("missing_field", "the article id is empty")
    if len(article["id"]) > MAX_ID_CHARS:
        raise InvalidArticle(
            "id_too_long", f"the id has {len(article['id'])} characters; the limit is {MAX_ID_CHARS}"
        )
    control = _ANY_CONTROL.search(article["id"])
    if control:
        raise InvalidArticle(
            "invalid_id", f"the id has a control character U+{ord(control.group()):04X} "
                          f"at {control.start()}")
    for name in ("title", "body"):
        if article[name]:
            article[name] = _CONTROL.sub(" ", article[name])
    if not any(ch.isalnum() for ch in article["body"]):
        raise InvalidArticle("empty_body", "the body has no letters or digits")
    article["title"] = article["title"] or ""
    return article


def keyed_by_id(article: dict[str, Any], key: bytes | None) -> bool:
    """True when the message key is the article id as UTF-8, the key `articles` is partitioned
    by; False for no key or any other bytes (the worker then re-keys the article)."""
    return key is not None and key == article["id"].encode("utf-8")


def check_mentions(mentions: int, limit: int) -> None:
    """Refuse an article with more coded mentions than `limit` (a list page, spam, or a bug)."""
    if mentions > limit:
        raise InvalidArticle(
            "too_many_mentions", f"the article has {mentions} coded mentions; the limit is {limit}")
