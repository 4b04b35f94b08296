"""The extract agent's batch step: one failing article fails only itself."""

from __future__ import annotations

from streams.extraction.batch import extract_batch


def fake_extract_many(calls):
    def extract_all(articles):
        calls.append([a["id"] for a in articles])
        if any(a["id"] == "bad" for a in articles):
            raise RuntimeError("boom")
        return [{"article_id": a["id"]} for a in articles]

    return extract_all


def test_a_good_batch_is_extracted_in_one_call():
    calls = []
    results = extract_batch([{"id": "a"}, {"id": "b"}], fake_extract_many(calls))
    assert results == [{"article_id": "a"}, {"article_id": "b"}]
    assert calls == [["a", "b"]]


def test_a_batch_that_raises_is_extracted_one_by_one():
    calls = []
    results = extract_batch([{"id": "a"}, {"id": "bad"}, {"id": "c"}], fake_extract_many(calls))
    assert results[0] == {"article_id": "a"} and results[2] == {"article_id": "c"}
    assert isinstance(results[1], RuntimeError)
    assert calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]


def test_a_single_bad_article_is_returned_as_its_exception():
    calls = []
    [result] = extract_batch([{"id": "bad"}], fake_extract_many(calls))
    assert isinstance(result, RuntimeError)
    assert calls == [["bad"]]  # not tried twice
