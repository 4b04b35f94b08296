import orjson
import pytest

from streams.articles import InvalidArticle, parse_article

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
        (b"\xff\xfe{}", "invalid_json"),
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
