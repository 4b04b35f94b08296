import orjson
import pytest
from bad_inputs import DEAD_LETTER, PROCESSED, bad_inputs

from streams.contract.articles import (
    REASONS,
    InvalidArticle,
    check_mentions,
    keyed_by_id,
    parse_article,
    validate_article,
)
from streams.runtime.rekey import rekeyed_copy
from streams.settings import Settings

LIMIT = 1_000_000


def raw(doc) -> bytes:
    return orjson.dumps(doc)


def reason_of(payload: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(InvalidArticle) as caught:
        parse_article(payload, limit)
    return caught.value.reason


def test_a_valid_article_is_returned_with_every_field(seed_article):
    article = parse_article(raw(seed_article), LIMIT)
    assert article["id"] == "2b378bade59abd59"
    assert article["title"] == "Syria regime advances south of Aleppo"
    assert article["source"] == "AFP"
    assert article["published_at"] == "2016-09-04T00:00:00Z"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe{}", "invalid_encoding"),
        (b'{"id": "a", "body": "caf\xe9"}', "invalid_encoding"),
        (b"", "invalid_json"),
        (b"\xef\xbb\xbf{}", "invalid_json"),
        (b'{"id": "a", "body": "x"} x', "invalid_json"),
        (b'{"id": "a", "body": "\\ud800"}', "invalid_json"),
        (b'{"id": "a", "body": "x\x01"}', "invalid_json"),
        (b'{"id": "a", "body": "x", "s": NaN}', "invalid_json"),
        (b'{"id": "a", "body": "x"}\x00', "nul_character"),
        ('{"id": "a"}'.encode("utf-16-le"), "nul_character"),
        (b'{"id": "a", "body": "x\\u0000y"}', "nul_character"),
        (b'{"id": "a\\u0000", "body": "x"}', "nul_character"),
        (b"[" * 1025 + b"]" * 1025, "too_deep"),
        (b'{"id": "a", "body": "x", "n": 1e400}', "number_out_of_range"),
        (b'{"id": "a", "body": "x", "n": -1' + b"0" * 400 + b"}", "number_out_of_range"),
        (b"null", "not_an_object"),
        (raw({"id": "a\u0007", "body": "text"}), "invalid_id"),
        (raw({"id": "a\nb", "body": "text"}), "invalid_id"),
        (raw({"id": "a\u0085", "body": "text"}), "invalid_id"),
        (raw({"id": "a", "body": "\u0001\u0002"}), "empty_body"),
        (b"[1, 2]", "not_an_object"),
        (b"42", "not_an_object"),
        (b'"text"', "not_an_object"),
        (raw({"title": "t", "body": "b"}), "missing_field"),
        (raw({"id": "a", "title": "t"}), "missing_field"),
        (raw({"id": 7, "body": "text"}), "wrong_type"),
        (raw({"id": "a", "body": ["x"]}), "wrong_type"),
        (raw({"id": "a", "body": "   \n\t "}), "empty_body"),
        (raw({"id": "a", "body": "!!! ... ???"}), "empty_body"),
        (raw({"id": "x" * 10_000, "body": "text"}), "id_too_long"),
        (None, "empty_message"),
    ],
)
def test_bad_input_is_refused_with_a_stable_reason(payload, reason):
    assert reason_of(payload) == reason


def test_size_is_checked_before_parsing():
    # Invalid JSON over the limit is refused for its size: the parser never sees it.
    assert reason_of(b"{" * 2000, limit=1000) == "too_large"


def test_the_byte_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("STREAMS_MAX_ARTICLE_BYTES", "2048")
    limit = Settings.from_env().max_article_bytes
    assert limit == 2048
    doc = raw({"id": "a", "body": "x" * 2100})
    assert reason_of(doc, limit) == "too_large"
    assert parse_article(doc, 1_000_000)["body"] == "x" * 2100


def test_nesting_up_to_orjsons_limit_is_accepted_in_unread_fields():
    doc = b'{"id": "a", "body": "text", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    assert parse_article(doc, LIMIT)["id"] == "a"


def test_control_characters_in_text_become_spaces_one_for_one():
    doc = raw({"id": "a", "title": "T\u001bitle", "body": "Syria\u0007n forces\u0085 in Aleppo\t\n"})
    article = parse_article(doc, LIMIT)
    assert article["title"] == "T itle"
    assert article["body"] == "Syria n forces  in Aleppo\t\n"


def test_duplicate_keys_keep_the_last_value():
    assert parse_article(b'{"id": "a", "body": "first", "body": "second"}', LIMIT)["body"] == "second"


def test_only_a_message_keyed_by_its_id_as_utf8_is_processed_in_place():
    article = validate_article({"id": "abc-é", "body": "text"})
    assert keyed_by_id(article, "abc-é".encode())
    for key in (None, b"", b"abc", b"abc-\xc3", "abc-é".encode("latin-1"),
                "abc-é".encode("utf-16"), "abc-é ".encode(), b"\x00\xff\xfe"):
        assert not keyed_by_id(article, key), key


def test_too_many_mentions_is_refused_above_the_limit():
    check_mentions(1000, 1000)
    with pytest.raises(InvalidArticle) as caught:
        check_mentions(1001, 1000)
    assert caught.value.reason == "too_many_mentions"
    assert caught.value.message == "the article has 1001 coded mentions; the limit is 1000"


CORPUS = bad_inputs("unit-")


class Message:
    """What rekeyed_copy reads of a consumed message; LIMIT is also Faust's producer limit."""

    def __init__(self, key: bytes | None, value: bytes):
        self.key, self.value, self.timestamp, self.headers = key, value, 0.0, []


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_the_bad_input_corpus_meets_parse_article(case):
    """Every corpus case does what the corpus says, up to what needs the worker."""
    if case.outcome == PROCESSED or case.reason in ("rekey_too_large", "too_many_mentions"):
        article = parse_article(case.value, LIMIT)
        in_place = not case.rekeyed and case.reason != "rekey_too_large"
        assert keyed_by_id(article, case.key) == in_place, case.name
        if case.reason == "rekey_too_large":
            with pytest.raises(InvalidArticle) as caught:
                rekeyed_copy(Message(case.key, case.value), article, LIMIT)
            assert caught.value.reason == case.reason
        elif case.rekeyed:
            assert keyed_by_id(article, rekeyed_copy(Message(case.key, case.value), article,
                                                     LIMIT).key)
        return
    with pytest.raises(InvalidArticle) as caught:
        parse_article(case.value, LIMIT)
    assert caught.value.reason == case.reason
    assert caught.value.message  # a sentence for a person, never empty


def test_the_corpus_covers_every_reason_and_at_least_thirty_kinds():
    assert len(CORPUS) >= 30
    covered = {case.reason for case in CORPUS if case.outcome == DEAD_LETTER}
    # extraction_failed needs a broken extractor; the last four are for the derived topics
    # (tests/unit/contract/test_inbound.py)
    assert covered == set(REASONS) - {"extraction_failed", "invalid_key", "invalid_record",
                                      "invalid_header", "processing_failed"}
    assert all(case.outcome in (DEAD_LETTER, PROCESSED) and case.why for case in CORPUS)


def test_every_reason_is_a_stable_schema_code():
    assert all(reason.replace("_", "").isalpha() and reason.islower() for reason in REASONS)
