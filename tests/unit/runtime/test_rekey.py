"""Which `articles` messages are sent again keyed by id, and what the copy is (no broker)."""

from __future__ import annotations

import orjson
import pytest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from faust.types.tuples import Message

from streams.contract.articles import InvalidArticle, keyed_by_id, validate_article
from streams.runtime.rekey import rekeyed_copy, writable_headers

LIMIT = 1_000_000  # Faust's producer_max_request_size


def message(key: bytes | None, value: bytes, headers=None, timestamp: float = 1473000000.5):
    return Message("articles", 2, 17, timestamp, 0, headers, key, value, None)


def test_only_a_message_keyed_by_its_id_as_utf8_is_processed_in_place():
    article = validate_article({"id": "abc-é", "body": "text"})
    assert keyed_by_id(article, "abc-é".encode())
    for key in (None, b"", b"abc", b"abc-\xc3", "abc-é".encode("latin-1"), "abc-é".encode("utf-16"),
                b"abc-\xc3\xa9 ", b"\x00\xff\xfe"):
        assert not keyed_by_id(article, key), key


def test_a_copy_is_never_re_keyed_again():
    article = validate_article({"id": "x1", "body": "Aleppo"})
    value = orjson.dumps(article)
    copy = rekeyed_copy(message(None, value), article, LIMIT)
    assert keyed_by_id(article, copy.key)  # the copy, read back, is processed: no loop


def test_the_copy_is_the_original_value_and_timestamp_keyed_by_the_id():
    value = b'{"id": "x1", "body": "Aleppo", "tags": ["war"], "n": 1e5}'
    article = validate_article(orjson.loads(value))
    copy = rekeyed_copy(message(b"some-url", value, [("trace", b"t-1"), ("x-none", None)]),
                        article, LIMIT)
    assert (copy.key, copy.value, copy.timestamp) == (b"x1", value, 1473000000.5)
    assert copy.headers == [("trace", b"t-1"), ("x-none", None)]


def test_header_names_that_are_not_utf8_are_left_off_the_copy():
    # how aiokafka_headers delivers such a name: text with surrogateescape
    odd = b"x-\xff\xfe".decode("utf-8", "surrogateescape")
    headers = [(odd, b"1"), ("ключ", b"2"), (b"raw-ok", b"3"), (b"\xc3\x28", None)]
    assert writable_headers(headers) == [("ключ", b"2"), ("raw-ok", b"3")]
    assert writable_headers({"a": b"1"}) == [("a", b"1")]
    assert writable_headers(None) == []


def test_a_copy_over_the_producers_limit_is_refused_with_its_size():
    article = {"id": "i" * 500, "body": "Aleppo"}
    value = orjson.dumps(article)
    size = DefaultRecordBatchBuilder.estimate_size_in_bytes(article["id"].encode(), value, [])
    assert rekeyed_copy(message(None, value), article, size).key == article["id"].encode()
    with pytest.raises(InvalidArticle) as caught:
        rekeyed_copy(message(None, value), article, size - 1)
    assert caught.value.reason == "rekey_too_large"
    assert caught.value.message == (
        f"the message key is not the article id, and the copy keyed by id would be {size} bytes; "
        f"the producer's limit is {size - 1}")
